/**
 * `user/info/updateremark` (docs/wechat-api.md §9): `{"openid","remark"}` sets the remark `user/info` answers.
 * "该接口暂时开放给微信认证的服务号" → unverified accounts get 48001. `remark` must be shorter than 30 characters
 * ("长度必须小于30字符"); the errcode for a longer one is undocumented (EMU 40035 invalid args). An empty remark clears
 * it. A malformed or foreign openid → 40003; someone who unfollowed → 43004 (EMU: WeChat keeps no profile for them).
 */
import { EmuError } from '../errors.js';
import type { AccountState } from '../state.js';
import { followersOf } from './user-store.js';
import { isValidOpenId } from './user-followers.js';

export const REMARK_MAX_CHARS = 29;

export function updateRemark(acc: AccountState, body: Record<string, unknown>, now: number): void {
  if (!acc.flags.verified) throw new EmuError(48001);
  const { openid, remark } = body;
  if (!isValidOpenId(openid)) throw new EmuError(40003);
  if (typeof remark !== 'string') throw new EmuError(47001);
  if ([...remark].length > REMARK_MAX_CHARS) throw new EmuError(40035);
  const { state, directory } = followersOf(acc, now);
  if (!directory.knows(openid)) throw new EmuError(40003);
  if (!directory.isSubscribed(openid)) throw new EmuError(43004);
  const override = (state.overrides[openid] ??= {});
  if (remark) override.remark = remark;
  else delete override.remark;
  state.version = (state.version ?? 0) + 1;
}

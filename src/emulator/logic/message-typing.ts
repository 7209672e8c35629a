/**
 * `message/custom/typing` (docs/wechat-api.md §7.1): shows "对方正在输入" to a follower. Allowed only within 30 s of the
 * follower's last interaction (message, click, follow, scan) → 45080 otherwise; the state lasts 15 s, and `Typing`
 * again while it lasts → 45081. `CancelTyping` ends it (accepted when not typing, EMU). The last interaction is read
 * from the reply windows (message-windows.ts), whose `openedAt` is the time of the latest interaction of each kind.
 */
import { EmuError } from '../errors.js';
import { messagingState, type AccountState } from '../state.js';
import { followersOf } from './user-store.js';
import { isValidOpenId } from './user-followers.js';

export const TYPING_INTERACTION_MS = 30_000;
export const TYPING_DURATION_MS = 15_000;

export function customTyping(acc: AccountState, body: Record<string, unknown>, now: number): void {
  const { touser, command } = body;
  if (!isValidOpenId(touser)) throw new EmuError(40003);
  // The command is case-sensitive in WeChat's docs (`Typing` / `CancelTyping`); anything else: EMU 47001.
  if (command !== 'Typing' && command !== 'CancelTyping') throw new EmuError(47001);
  const { directory } = followersOf(acc, now);
  if (!directory.knows(touser)) throw new EmuError(40003);
  if (!directory.isSubscribed(touser)) throw new EmuError(43004);
  const messaging = messagingState(acc);
  const typing = (messaging.typing ??= {});
  if (command === 'CancelTyping') {
    delete typing[touser];
    return;
  }
  const windows = messaging.windows[touser] ?? {};
  const last = Math.max(windows.message?.openedAt ?? -Infinity, windows.event?.openedAt ?? -Infinity);
  if (!(now - last < TYPING_INTERACTION_MS)) throw new EmuError(45080);
  if ((typing[touser] ?? -Infinity) > now) throw new EmuError(45081);
  for (const [openid, until] of Object.entries(typing)) if (until <= now) delete typing[openid];
  typing[touser] = now + TYPING_DURATION_MS;
}

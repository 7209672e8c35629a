/**
 * `user/info` and `user/info/batchget` (docs/wechat-api.md §9). Since 2021-12-27 WeChat no longer returns nickname or
 * headimgurl; an unfollowed user answers only `{subscribe:0, openid, tagid_list}`.
 */
import { isValidOpenId, type FollowerDirectory } from './user-followers.js';

export const BATCHGET_MAX_USERS = 100;

export type UserInfoFailure = { errcode: 40003 | 40032 | 47001 };

export type UserInfo =
  | {
      subscribe: 1;
      openid: string;
      language: string;
      subscribe_time: number;
      remark: string;
      groupid: number;
      tagid_list: number[];
      subscribe_scene: string;
      qr_scene: number;
      qr_scene_str: string;
    }
  | { subscribe: 0; openid: string; tagid_list: number[] };

const LANGUAGES = new Set(['zh_CN', 'zh_TW', 'en']);

/** One user's info; an openid of the wrong form or one that never followed this account → 40003. */
export function userInfo(directory: FollowerDirectory, openid: unknown, lang?: unknown): UserInfo | UserInfoFailure {
  if (!isValidOpenId(openid)) return { errcode: 40003 };
  const record = directory.get(openid);
  if (!record) return { errcode: 40003 };
  if (!record.subscribed) return { subscribe: 0, openid, tagid_list: record.tagIds };
  return {
    subscribe: 1,
    openid,
    language: typeof lang === 'string' && LANGUAGES.has(lang) ? lang : 'zh_CN',
    subscribe_time: record.subscribeTime,
    remark: record.remark,
    groupid: record.tagIds[0] ?? 0,
    tagid_list: record.tagIds,
    subscribe_scene: record.subscribeScene,
    qr_scene: record.qrScene,
    qr_scene_str: '',
  };
}

/** `{"user_list":[{"openid","lang"}]}` — 1..100 entries (40032 otherwise); any bad openid fails the call (40003). */
export function batchUserInfo(
  directory: FollowerDirectory,
  body: unknown,
): { user_info_list: UserInfo[] } | UserInfoFailure {
  const list = (body as { user_list?: unknown } | null)?.user_list;
  if (!Array.isArray(list)) return { errcode: 47001 };
  if (list.length === 0 || list.length > BATCHGET_MAX_USERS) return { errcode: 40032 };
  const out: UserInfo[] = [];
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) return { errcode: 47001 };
    const { openid, lang } = entry as { openid?: unknown; lang?: unknown };
    const info = userInfo(directory, openid, lang);
    if ('errcode' in info) return info;
    out.push(info);
  }
  return { user_info_list: out };
}

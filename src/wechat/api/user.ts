import type { ApiContext } from './context.js';
import { WeChatClientError } from '../errors.js';

export type UserLang = 'zh_CN' | 'zh_TW' | 'en';

export interface FollowerPage {
  total: number;
  count: number;
  openids: string[];
  /** Pass to the next call; empty when done. */
  next_openid: string;
}

/** Since 2021-12-27 WeChat no longer returns nickname/headimgurl. */
export interface UserInfo {
  subscribe: number;
  openid: string;
  language?: string;
  subscribe_time?: number;
  unionid?: string;
  remark?: string;
  groupid?: number;
  tagid_list?: number[];
  subscribe_scene?: string;
  qr_scene?: number;
  qr_scene_str?: string;
}

const BATCH_LIMIT = 100;

/** `cgi-bin/user/*` (docs/wechat-api.md §9). */
export class UserApi {
  constructor(private readonly ctx: ApiContext) {}

  /** One page of follower openids (≤ 10 000). */
  async list(nextOpenid?: string): Promise<FollowerPage> {
    const res = await this.ctx.call<{ total?: unknown; count?: unknown; data?: { openid?: string[] }; next_openid?: unknown }>({
      path: 'cgi-bin/user/get',
      method: 'GET',
      query: nextOpenid ? { next_openid: nextOpenid } : undefined,
    });
    return {
      total: Number(res.total ?? 0),
      count: Number(res.count ?? 0),
      // `data` is absent on an empty page.
      openids: res.data?.openid ?? [],
      next_openid: typeof res.next_openid === 'string' ? res.next_openid : '',
    };
  }

  /** Every follower's openid, fetching pages as needed. */
  async *followers(): AsyncGenerator<string> {
    for await (const page of this.pages()) yield* page.openids;
  }

  /** Every non-empty page of `user/get` (≤ 10 000 openids each), starting after `startAfter` when given. */
  async *pages(startAfter?: string): AsyncGenerator<FollowerPage> {
    let next = startAfter || undefined;
    const seen = new Set<string>();
    for (;;) {
      const page = await this.list(next);
      if (page.openids.length > 0) yield page;
      // The last page may still carry a next_openid; stop on an empty page or a cursor we already used.
      if (page.openids.length === 0 || !page.next_openid || seen.has(page.next_openid)) return;
      seen.add(page.next_openid);
      next = page.next_openid;
    }
  }

  async info(openid: string, lang: UserLang = 'zh_CN'): Promise<UserInfo> {
    return this.ctx.call<UserInfo>({ path: 'cgi-bin/user/info', method: 'GET', query: { openid, lang } });
  }

  /** Info for any number of users, in requests of 100 (the API's limit), in input order. */
  async batchInfo(openids: readonly string[], lang: UserLang = 'zh_CN'): Promise<UserInfo[]> {
    const out: UserInfo[] = [];
    for (let start = 0; start < openids.length; start += BATCH_LIMIT) {
      const chunk = openids.slice(start, start + BATCH_LIMIT);
      const res = await this.ctx.call<{ user_info_list?: UserInfo[] }>({
        path: 'cgi-bin/user/info/batchget',
        method: 'POST',
        json: { user_list: chunk.map((openid) => ({ openid, lang })) },
      });
      out.push(...(res.user_info_list ?? []));
    }
    return out;
  }

  /**
   * Set a follower's remark (备注名), shown as `remark` by `info` (`user/info/updateremark`, §9): shorter than 30
   * characters; an empty string clears it. Verified service accounts only (48001 otherwise).
   */
  async updateRemark(openid: string, remark: string): Promise<void> {
    if ([...remark].length >= 30) {
      throw new WeChatClientError(`a remark is shorter than 30 characters (got ${[...remark].length})`, 'cgi-bin/user/info/updateremark');
    }
    await this.ctx.call({ path: 'cgi-bin/user/info/updateremark', method: 'POST', json: { openid, remark } });
  }
}

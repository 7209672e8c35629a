/**
 * Users (wechat-api.md §9): `user/get` (10 000 per page, `next_openid` paging), `user/info`,
 * `user/info/batchget` (≤100). Followers are scripted, see ../logic/user-followers.ts and message-admin.ts.
 */
import { json, type EmuContext, type Route } from '../router.js';
import { pageFollowers } from '../logic/user-followers.js';
import { batchUserInfo, userInfo } from '../logic/user-info.js';
import { followersOf } from '../logic/user-store.js';

export const USER_ERRMSG: Readonly<Record<number, string>> = {
  40032: 'invalid openid list size',
};

function fail(ctx: EmuContext, errcode: number): never {
  return ctx.error(errcode, USER_ERRMSG[errcode]);
}

export const userRoutes: Route[] = [
  {
    method: 'GET',
    path: '/cgi-bin/user/get',
    auth: 'token',
    body: 'none',
    dailyLimit: 500, // 获取关注者列表 (§3.1)
    handle(req, ctx) {
      const { directory } = followersOf(ctx.account, ctx.now());
      const page = pageFollowers(directory.subscribedOpenIds(), req.query.get('next_openid') ?? undefined);
      if ('errcode' in page) fail(ctx, page.errcode);
      return json(page);
    },
  },
  {
    method: 'GET',
    path: '/cgi-bin/user/info',
    auth: 'token',
    body: 'none',
    dailyLimit: 5_000_000, // 获取用户基本信息 (§3.1)
    handle(req, ctx) {
      const { directory } = followersOf(ctx.account, ctx.now());
      const info = userInfo(directory, req.query.get('openid') ?? undefined, req.query.get('lang') ?? undefined);
      if ('errcode' in info) fail(ctx, info.errcode);
      return json(info);
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/user/info/batchget',
    auth: 'token',
    body: 'json',
    dailyLimit: 5_000_000,
    handle(req, ctx) {
      const { directory } = followersOf(ctx.account, ctx.now());
      const result = batchUserInfo(directory, req.json);
      if ('errcode' in result) fail(ctx, result.errcode);
      return json(result);
    },
  },
];

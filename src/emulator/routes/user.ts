/**
 * Users (wechat-api.md §9): `user/get` (10 000 per page, `next_openid` paging), `user/info`,
 * `user/info/batchget` (≤100). Followers are scripted, see ../logic/user-followers.ts and message-admin.ts.
 */
import { EmuError } from '../errors.js';
import { json, type EmuContext, type Route } from '../router.js';
import { batchUserInfo, userInfo } from '../logic/user-info.js';
import { followersOf, tagState } from '../logic/user-store.js';
import { batchTagging, createTag, deleteTag, listTags, tagMembers, updateTag } from '../logic/user-tags.js';
import { isValidOpenId, pageFollowers as pageOpenIds } from '../logic/user-followers.js';

/** A tag operation's result: `{errcode:0}` → ok body, other errcodes → error. */
function tagResult(ctx: EmuContext, result: { errcode: number }) {
  if (result.errcode !== 0) throw new EmuError(result.errcode);
  return json({ errcode: 0, errmsg: 'ok' });
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
      const page = pageOpenIds(directory.subscribedOpenIds(), req.query.get('next_openid') ?? undefined);
      if ('errcode' in page) throw new EmuError(page.errcode);
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
      if ('errcode' in info) throw new EmuError(info.errcode);
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
      if ('errcode' in result) throw new EmuError(result.errcode);
      return json(result);
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/tags/create',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      const result = createTag(tagState(ctx.account), req.json);
      if ('errcode' in result) throw new EmuError(result.errcode);
      return json(result);
    },
  },
  {
    method: 'GET',
    path: '/cgi-bin/tags/get',
    auth: 'token',
    body: 'none',
    handle(_req, ctx) {
      const { state } = followersOf(ctx.account, ctx.now());
      return json(listTags(tagState(ctx.account), state));
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/tags/update',
    auth: 'token',
    body: 'json',
    handle: (req, ctx) => tagResult(ctx, updateTag(tagState(ctx.account), req.json)),
  },
  {
    method: 'POST',
    path: '/cgi-bin/tags/delete',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      const { state } = followersOf(ctx.account, ctx.now());
      return tagResult(ctx, deleteTag(tagState(ctx.account), state, req.json));
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/tags/members/batchtagging',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      const { state, directory } = followersOf(ctx.account, ctx.now());
      return tagResult(ctx, batchTagging(tagState(ctx.account), state, directory, req.json, true));
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/tags/members/batchuntagging',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      const { state, directory } = followersOf(ctx.account, ctx.now());
      return tagResult(ctx, batchTagging(tagState(ctx.account), state, directory, req.json, false));
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/tags/getidlist',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      const openid = req.json.openid;
      const { directory } = followersOf(ctx.account, ctx.now());
      if (!isValidOpenId(openid) || !directory.knows(openid)) throw new EmuError(40003);
      return json({ tagid_list: directory.get(openid)!.tagIds });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/user/tag/get',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      const tags = tagState(ctx.account);
      const id = Number(req.json.tagid);
      if (!Number.isInteger(id) || (!(String(id) in tags.tags) && id !== 2)) throw new EmuError(45159);
      const { state, directory } = followersOf(ctx.account, ctx.now());
      const next = typeof req.json.next_openid === 'string' && req.json.next_openid ? req.json.next_openid : undefined;
      const page = pageOpenIds(tagMembers(state, directory, id), next);
      if ('errcode' in page) throw new EmuError(page.errcode);
      // user/tag/get answers like user/get but without `total` (§9 table).
      const { total: _total, ...rest } = page;
      return json(rest);
    },
  },
];

/**
 * Users (wechat-api.md §9): `user/get` (10 000 per page, `next_openid` paging), `user/info`,
 * `user/info/batchget` (≤100). Followers are scripted, see ../logic/user-followers.ts and message-admin.ts.
 */
import { json, type EmuContext, type Route } from '../router.js';
import { batchUserInfo, userInfo } from '../logic/user-info.js';
import { followersOf, tagState } from '../logic/user-store.js';
import { batchTagging, createTag, deleteTag, listTags, tagMembers, updateTag } from '../logic/user-tags.js';
import { isValidOpenId, pageFollowers as pageOpenIds } from '../logic/user-followers.js';

export const USER_ERRMSG: Readonly<Record<number, string>> = {
  40032: 'invalid openid list size',
  45056: 'too many tag now, no need to add new',
  45057: "can't delete the tag that has too many fans",
  45058: "can't modify sys tag",
  45059: 'can not tagging one user too much',
  45157: 'invalid tag name',
  45158: 'tag name too long',
  45159: 'invalid tag id',
  49003: 'not match openid with appid',
};

/** A tag operation's result: `{errcode:0}` → ok body, other errcodes → error. */
function tagResult(ctx: EmuContext, result: { errcode: number }) {
  if (result.errcode !== 0) fail(ctx, result.errcode);
  return json({ errcode: 0, errmsg: 'ok' });
}

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
      const page = pageOpenIds(directory.subscribedOpenIds(), req.query.get('next_openid') ?? undefined);
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
  {
    method: 'POST',
    path: '/cgi-bin/tags/create',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      const result = createTag(tagState(ctx.account), req.json);
      if ('errcode' in result) fail(ctx, result.errcode);
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
      if (!isValidOpenId(openid) || !directory.knows(openid)) fail(ctx, 40003);
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
      if (!Number.isInteger(id) || (!(String(id) in tags.tags) && id !== 2)) fail(ctx, 45159);
      const { state, directory } = followersOf(ctx.account, ctx.now());
      const next = typeof req.json.next_openid === 'string' && req.json.next_openid ? req.json.next_openid : undefined;
      const page = pageOpenIds(tagMembers(state, directory, id), next);
      if ('errcode' in page) fail(ctx, page.errcode);
      // user/tag/get answers like user/get but without `total` (§9 table).
      const { total: _total, ...rest } = page;
      return json(rest);
    },
  },
];

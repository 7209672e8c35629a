/**
 * Users and tags (docs/wechat-api.md §9): `user/get` (10 000 per page, `next_openid` paging), `user/info`,
 * `user/info/batchget` (≤100), `tags/*`, `user/tag/get`. Followers are scripted, see ../logic/user-followers.ts and
 * admin-followers.ts; the rules live in ../logic/user-*.ts.
 */
import { EmuError } from '../errors.js';
import { json, ok, type EmuResult, type Route } from '../router.js';
import { tagState } from '../state.js';
import { batchUserInfo, userInfo } from '../logic/user-info.js';
import { updateRemark } from '../logic/user-remark.js';
import { followersOf } from '../logic/user-store.js';
import { batchTagging, createTag, deleteTag, knownTagId, listTags, tagMembers, updateTag } from '../logic/user-tags.js';
import { isValidOpenId, pageFollowers as pageOpenIds } from '../logic/user-followers.js';

/** A result of the user/tag logic: `{errcode}` (≠ 0) is raised, anything else answered. */
function answer<T extends object>(result: T | { errcode: number }): EmuResult {
  if ('errcode' in result && result.errcode !== 0) throw new EmuError(result.errcode);
  return 'errcode' in result ? ok() : json(result);
}

export const userRoutes: Route[] = [
  {
    method: 'GET',
    path: '/cgi-bin/user/get',
    auth: 'token',
    body: 'none',
    dailyLimit: 500, // 获取关注者列表 (§3.1)
    handle(req, ctx) {
      const { directory } = followersOf(ctx.account.state, ctx.now());
      return answer(pageOpenIds(directory.subscribedOpenIds(), req.query.get('next_openid') ?? undefined));
    },
  },
  {
    method: 'GET',
    path: '/cgi-bin/user/info',
    auth: 'token',
    body: 'none',
    dailyLimit: 5_000_000, // 获取用户基本信息 (§3.1)
    handle(req, ctx) {
      const { directory } = followersOf(ctx.account.state, ctx.now());
      return answer(userInfo(directory, req.query.get('openid') ?? undefined, req.query.get('lang') ?? undefined));
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/user/info/batchget',
    auth: 'token',
    body: 'json',
    dailyLimit: 5_000_000,
    handle(req, ctx) {
      const { directory } = followersOf(ctx.account.state, ctx.now());
      return answer(batchUserInfo(directory, req.json));
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/tags/create',
    auth: 'token',
    body: 'json',
    handle: (req, ctx) => answer(createTag(tagState(ctx.account.state), req.json)),
  },
  {
    method: 'GET',
    path: '/cgi-bin/tags/get',
    auth: 'token',
    body: 'none',
    handle(_req, ctx) {
      const { state } = followersOf(ctx.account.state, ctx.now());
      return json(listTags(tagState(ctx.account.state), state));
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/tags/update',
    auth: 'token',
    body: 'json',
    handle: (req, ctx) => answer(updateTag(tagState(ctx.account.state), req.json)),
  },
  {
    method: 'POST',
    path: '/cgi-bin/tags/delete',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      const { state } = followersOf(ctx.account.state, ctx.now());
      return answer(deleteTag(tagState(ctx.account.state), state, req.json));
    },
  },
  ...(['batchtagging', 'batchuntagging'] as const).map(
    (op): Route => ({
      method: 'POST',
      path: `/cgi-bin/tags/members/${op}`,
      auth: 'token',
      body: 'json',
      handle(req, ctx) {
        const { state, directory } = followersOf(ctx.account.state, ctx.now());
        return answer(batchTagging(tagState(ctx.account.state), state, directory, req.json, op === 'batchtagging'));
      },
    }),
  ),
  {
    method: 'POST',
    path: '/cgi-bin/tags/getidlist',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      const openid = req.json.openid;
      const { directory } = followersOf(ctx.account.state, ctx.now());
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
      const id = knownTagId(tagState(ctx.account.state), req.json.tagid);
      if (typeof id !== 'number') throw new EmuError(id.errcode);
      const { state, directory } = followersOf(ctx.account.state, ctx.now());
      const next = typeof req.json.next_openid === 'string' && req.json.next_openid ? req.json.next_openid : undefined;
      const page = pageOpenIds(tagMembers(state, directory, id), next);
      if ('errcode' in page) throw new EmuError(page.errcode);
      // user/tag/get answers like user/get but without `total` (§9 table).
      const { total: _total, ...rest } = page;
      return json(rest);
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/user/info/updateremark',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      updateRemark(ctx.account.state, req.json, ctx.now());
      return ok();
    },
  },
];

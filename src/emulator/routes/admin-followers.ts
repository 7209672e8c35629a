/**
 * Scripting of followers and messages under `/__emulator/` (no access_token; JSON; errors as HTTP 4xx
 * `{"error":"…"}` like the other control endpoints in admin.ts):
 *
 *   GET  /__emulator/followers                     counts + the named test followers
 *   POST /__emulator/followers                     {"openid"?, "wxname"?} a new follower (subscribe → 1-min window)
 *   POST /__emulator/followers/:openid/message     {"content"?} the follower writes → 48-hour window (5 replies)
 *   POST /__emulator/followers/:openid/event       {"event":"CLICK"|"VIEW"|"subscribe"|"SCAN"|"unsubscribe", "key"?}
 *   GET  /__emulator/messages                      what was "delivered" (?touser=&via=custom|preview|sendall)
 *   POST /__emulator/messages/reset                forget delivered messages and inbound interactions
 *
 * Every endpoint takes `?appid=` (or `"appid"` in the body) to pick the account; default: the first account.
 * `:openid` may also be a named follower's name (`alice`). The logic is in ../logic/follower-script.ts.
 */
import { ControlError } from '../errors.js';
import { json, type EmuAccount, type EmuContext, type EmuRequest, type EmuResult, type HttpMethod, type Route } from '../router.js';
import {
  addFollower,
  deliveredMessages,
  followerEvent,
  followerSummary,
  followerWrites,
  resetMessages,
  resolveOpenId,
} from '../logic/follower-script.js';
import { adminRoute, jsonBody } from './admin.js';

function pickAccount(req: EmuRequest, ctx: EmuContext, body: Record<string, unknown>): EmuAccount {
  const wanted = req.query.get('appid') ?? (typeof body.appid === 'string' ? body.appid : undefined);
  const account = wanted ? ctx.findAccount(wanted) : ctx.accounts()[0];
  if (!account) throw new ControlError(wanted ? `unknown account ${wanted}` : 'the emulator has no account', 404);
  return account;
}

interface FollowerCall {
  body: Record<string, unknown>;
  account: EmuAccount;
}

/** A follower/message control route: it first reads the body (400) and picks the account (404). */
function followerRoute(
  method: HttpMethod,
  path: string,
  handle: (p: FollowerCall, req: EmuRequest, ctx: EmuContext) => EmuResult,
): Route {
  return adminRoute(method, path, (req, ctx) => {
    const body = jsonBody(req);
    if (!body) throw new ControlError('body must be a JSON object');
    return handle({ body, account: pickAccount(req, ctx, body) }, req, ctx);
  });
}

export const adminFollowerRoutes: Route[] = [
  followerRoute('GET', '/__emulator/followers', (p, _req, ctx) => json(followerSummary(p.account.state, ctx.now()))),
  followerRoute('POST', '/__emulator/followers', (p, _req, ctx) => {
    const openid = addFollower(p.account.state, p.body, ctx.now());
    return json({ ok: true, openid });
  }),
  followerRoute('POST', '/__emulator/followers/:openid/message', (p, req, ctx) => {
    const openid = resolveOpenId(req.params.openid!);
    const window = followerWrites(p.account.state, openid, p.body.content, ctx.now());
    return json({ ok: true, openid, window });
  }),
  followerRoute('POST', '/__emulator/followers/:openid/event', (p, req, ctx) => {
    const openid = resolveOpenId(req.params.openid!);
    const window = followerEvent(p.account.state, openid, p.body, ctx.now());
    return json({ ok: true, openid, event: p.body.event, window });
  }),
  followerRoute('GET', '/__emulator/messages', (p, req) => {
    const { messages, inbound } = deliveredMessages(p.account.state, req.query.get('touser'), req.query.get('via'));
    return json({ appid: p.account.appId, count: messages.length, messages, inbound });
  }),
  followerRoute('POST', '/__emulator/messages/reset', (p) => {
    resetMessages(p.account.state);
    return json({ ok: true });
  }),
];

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
 * `:openid` may also be a named follower's name (`alice`).
 */
import { json, type EmuAccount, type EmuContext, type EmuRequest, type EmuResult, type HttpMethod, type Route } from '../router.js';
import { adminRoute, jsonBody, refusal } from './admin.js';
import { WINDOW_EVENTS, closeWindows, openWindow } from '../logic/message-windows.js';
import { messagingState } from '../state.js';
import { pushBounded } from '../logic/message-store.js';
import { followersOf } from '../logic/user-store.js';
import {
  NAMED_TEST_FOLLOWERS,
  isValidOpenId,
  newFollowerOpenId,
  subscribeFollower,
  unsubscribeFollower,
} from '../logic/user-followers.js';

function pickAccount(req: EmuRequest, ctx: EmuContext, body: Record<string, unknown>): EmuAccount | string {
  const wanted = req.query.get('appid') ?? (typeof body.appid === 'string' ? body.appid : undefined);
  if (wanted) return ctx.findAccount(wanted) ?? `unknown account ${wanted}`;
  return ctx.accounts()[0] ?? 'the emulator has no account';
}

function resolveOpenId(param: string): string {
  return NAMED_TEST_FOLLOWERS.find((f) => f.name === param)?.openid ?? param;
}

interface FollowerCall {
  body: Record<string, unknown>;
  account: EmuAccount;
}

/**
 * A follower/message control route: it first reads the body and picks the account, answering 400/404 itself when
 * those are wrong.
 */
function followerRoute(
  method: HttpMethod,
  path: string,
  handle: (p: FollowerCall, req: EmuRequest, ctx: EmuContext) => EmuResult,
): Route {
  return adminRoute(method, path, (req, ctx) => {
    const body = jsonBody(req);
    if (!body) return refusal('body must be a JSON object');
    const account = pickAccount(req, ctx, body);
    if (typeof account === 'string') return refusal(account, 404);
    return handle({ body, account }, req, ctx);
  });
}

export const adminFollowerRoutes: Route[] = [
  followerRoute('GET', '/__emulator/followers', (p, req, ctx) => {
    const { state, directory } = followersOf(p.account.state, ctx.now());
    return json({
      appid: p.account.appId,
      total: directory.subscribedOpenIds().length,
      generated: state.generatedCount,
      added: state.added.length,
      named: NAMED_TEST_FOLLOWERS.map((f) => ({
        name: f.name,
        openid: f.openid,
        wxname: f.wxname,
        subscribed: directory.isSubscribed(f.openid),
      })),
    });
  }),
  followerRoute('POST', '/__emulator/followers', (p, req, ctx) => {
    const now = ctx.now();
    const { state, directory } = followersOf(p.account.state, now);
    const openid = p.body.openid === undefined ? newFollowerOpenId(state) : p.body.openid;
    if (!isValidOpenId(openid)) return refusal('openid must be 28 characters of [A-Za-z0-9_-]');
    if (p.body.wxname !== undefined) {
      if (typeof p.body.wxname !== 'string' || !p.body.wxname) return refusal('wxname must be a non-empty string');
      (state.overrides[openid] ??= {}).wxname = p.body.wxname;
    }
    subscribeFollower(state, directory, openid, now);
    const messaging = messagingState(p.account.state);
    messaging.windows[openid] = openWindow(messaging.windows[openid] ?? {}, 'event', now);
    pushBounded(messaging.inbound, { openid, kind: 'event', event: 'subscribe', at: now });
    return json({ ok: true, openid });
  }),
  followerRoute('POST', '/__emulator/followers/:openid/message', (p, req, ctx) => {
    const now = ctx.now();
    const openid = resolveOpenId(req.params.openid!);
    const { directory } = followersOf(p.account.state, now);
    if (!directory.knows(openid)) return refusal(`unknown follower ${openid}`, 404);
    if (!directory.isSubscribed(openid)) return refusal(`${openid} does not follow the account; send a subscribe event first`, 409);
    const messaging = messagingState(p.account.state);
    const windows = openWindow(messaging.windows[openid] ?? {}, 'message', now);
    messaging.windows[openid] = windows;
    const content = typeof p.body.content === 'string' ? p.body.content : '';
    pushBounded(messaging.inbound, { openid, kind: 'message', content, at: now });
    return json({ ok: true, openid, window: windows.message });
  }),
  followerRoute('POST', '/__emulator/followers/:openid/event', (p, req, ctx) => {
    const now = ctx.now();
    const openid = resolveOpenId(req.params.openid!);
    const event = p.body.event;
    if (typeof event !== 'string' || (event !== 'unsubscribe' && !WINDOW_EVENTS.has(event))) {
      return refusal(`event must be one of ${[...WINDOW_EVENTS, 'unsubscribe'].join(', ')}`);
    }
    if (!isValidOpenId(openid)) return refusal('openid must be 28 characters of [A-Za-z0-9_-] or a named follower');
    const { state, directory } = followersOf(p.account.state, now);
    const messaging = messagingState(p.account.state);
    const key = typeof p.body.key === 'string' ? p.body.key : undefined;

    if (event === 'unsubscribe') {
      if (!directory.knows(openid)) return refusal(`unknown follower ${openid}`, 404);
      unsubscribeFollower(state, openid);
      messaging.windows[openid] = closeWindows();
    } else {
      if (event === 'subscribe') subscribeFollower(state, directory, openid, now);
      else if (!directory.knows(openid)) return refusal(`unknown follower ${openid}`, 404);
      else if (!directory.isSubscribed(openid)) return refusal(`${openid} does not follow the account`, 409);
      messaging.windows[openid] = openWindow(messaging.windows[openid] ?? {}, 'event', now);
    }
    pushBounded(messaging.inbound, { openid, kind: 'event', event, ...(key ? { key } : {}), at: now });
    return json({ ok: true, openid, event, window: messaging.windows[openid]?.event ?? null });
  }),
  followerRoute('GET', '/__emulator/messages', (p, req, ctx) => {
    const messaging = messagingState(p.account.state);
    const touser = req.query.get('touser');
    const via = req.query.get('via');
    const messages = messaging.delivered.filter(
      (m) => (!touser || m.touser === resolveOpenId(touser)) && (!via || m.via === via),
    );
    return json({ appid: p.account.appId, count: messages.length, messages, inbound: messaging.inbound });
  }),
  followerRoute('POST', '/__emulator/messages/reset', (p, req, ctx) => {
    const messaging = messagingState(p.account.state);
    messaging.delivered = [];
    messaging.inbound = [];
    return json({ ok: true });
  }),
];

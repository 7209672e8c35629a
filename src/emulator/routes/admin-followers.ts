/**
 * Scripting of followers and messages under `/__emulator/` (no access_token; JSON; errors as HTTP 4xx
 * `{"error":"…"}` like the core's admin endpoints):
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
import { json, type EmuAccount, type EmuContext, type EmuRequest, type EmuResult, type Route } from '../router.js';
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

function bad(message: string, status = 400): EmuResult {
  return json({ error: message }, status);
}

function parseBody(req: EmuRequest): Record<string, unknown> | undefined {
  if (req.rawBody.length === 0) return {};
  try {
    const value: unknown = JSON.parse(req.rawBody.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function pickAccount(req: EmuRequest, ctx: EmuContext, body: Record<string, unknown>): EmuAccount | string {
  const wanted = req.query.get('appid') ?? (typeof body.appid === 'string' ? body.appid : undefined);
  if (wanted) return ctx.findAccount(wanted) ?? `unknown account ${wanted}`;
  return ctx.accounts()[0] ?? 'the emulator has no account';
}

/** Common prologue: parse the body, pick the account. */
function prologue(req: EmuRequest, ctx: EmuContext): { body: Record<string, unknown>; account: EmuAccount } | EmuResult {
  const body = parseBody(req);
  if (!body) return bad('body must be a JSON object');
  const account = pickAccount(req, ctx, body);
  if (typeof account === 'string') return bad(account, 404);
  return { body, account };
}

function resolveOpenId(param: string): string {
  return NAMED_TEST_FOLLOWERS.find((f) => f.name === param)?.openid ?? param;
}

function isResult(value: unknown): value is EmuResult {
  return typeof value === 'object' && value !== null && 'kind' in value;
}

/**
 * An admin route: JSON control endpoints with no WeChat auth; each first reads the body and picks the account
 * (`prologue`), answering 400/404 itself when those are wrong.
 */
function adminRoute(
  method: 'GET' | 'POST',
  path: string,
  handle: (p: { body: Record<string, unknown>; account: EmuAccount }, req: EmuRequest, ctx: EmuContext) => EmuResult,
): Route {
  return {
    method,
    path,
    auth: 'none',
    body: 'none',
    handle(req, ctx) {
      const p = prologue(req, ctx);
      return isResult(p) ? p : handle(p, req, ctx);
    },
  };
}

export const messageAdminRoutes: Route[] = [
  adminRoute('GET', '/__emulator/followers', (p, req, ctx) => {
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
  adminRoute('POST', '/__emulator/followers', (p, req, ctx) => {
    const now = ctx.now();
    const { state, directory } = followersOf(p.account.state, now);
    const openid = p.body.openid === undefined ? newFollowerOpenId(state) : p.body.openid;
    if (!isValidOpenId(openid)) return bad('openid must be 28 characters of [A-Za-z0-9_-]');
    if (p.body.wxname !== undefined) {
      if (typeof p.body.wxname !== 'string' || !p.body.wxname) return bad('wxname must be a non-empty string');
      (state.overrides[openid] ??= {}).wxname = p.body.wxname;
    }
    subscribeFollower(state, directory, openid, now);
    const messaging = messagingState(p.account.state);
    messaging.windows[openid] = openWindow(messaging.windows[openid] ?? {}, 'event', now);
    pushBounded(messaging.inbound, { openid, kind: 'event', event: 'subscribe', at: now });
    return json({ ok: true, openid });
  }),
  adminRoute('POST', '/__emulator/followers/:openid/message', (p, req, ctx) => {
    const now = ctx.now();
    const openid = resolveOpenId(req.params.openid!);
    const { directory } = followersOf(p.account.state, now);
    if (!directory.knows(openid)) return bad(`unknown follower ${openid}`, 404);
    if (!directory.isSubscribed(openid)) return bad(`${openid} does not follow the account; send a subscribe event first`, 409);
    const messaging = messagingState(p.account.state);
    const windows = openWindow(messaging.windows[openid] ?? {}, 'message', now);
    messaging.windows[openid] = windows;
    const content = typeof p.body.content === 'string' ? p.body.content : '';
    pushBounded(messaging.inbound, { openid, kind: 'message', content, at: now });
    return json({ ok: true, openid, window: windows.message });
  }),
  adminRoute('POST', '/__emulator/followers/:openid/event', (p, req, ctx) => {
    const now = ctx.now();
    const openid = resolveOpenId(req.params.openid!);
    const event = p.body.event;
    if (typeof event !== 'string' || (event !== 'unsubscribe' && !WINDOW_EVENTS.has(event))) {
      return bad(`event must be one of ${[...WINDOW_EVENTS, 'unsubscribe'].join(', ')}`);
    }
    if (!isValidOpenId(openid)) return bad('openid must be 28 characters of [A-Za-z0-9_-] or a named follower');
    const { state, directory } = followersOf(p.account.state, now);
    const messaging = messagingState(p.account.state);
    const key = typeof p.body.key === 'string' ? p.body.key : undefined;

    if (event === 'unsubscribe') {
      if (!directory.knows(openid)) return bad(`unknown follower ${openid}`, 404);
      unsubscribeFollower(state, openid);
      messaging.windows[openid] = closeWindows();
    } else {
      if (event === 'subscribe') subscribeFollower(state, directory, openid, now);
      else if (!directory.knows(openid)) return bad(`unknown follower ${openid}`, 404);
      else if (!directory.isSubscribed(openid)) return bad(`${openid} does not follow the account`, 409);
      messaging.windows[openid] = openWindow(messaging.windows[openid] ?? {}, 'event', now);
    }
    pushBounded(messaging.inbound, { openid, kind: 'event', event, ...(key ? { key } : {}), at: now });
    return json({ ok: true, openid, event, window: messaging.windows[openid]?.event ?? null });
  }),
  adminRoute('GET', '/__emulator/messages', (p, req, ctx) => {
    const messaging = messagingState(p.account.state);
    const touser = req.query.get('touser');
    const via = req.query.get('via');
    const messages = messaging.delivered.filter(
      (m) => (!touser || m.touser === resolveOpenId(touser)) && (!via || m.via === via),
    );
    return json({ appid: p.account.appId, count: messages.length, messages, inbound: messaging.inbound });
  }),
  adminRoute('POST', '/__emulator/messages/reset', (p, req, ctx) => {
    const messaging = messagingState(p.account.state);
    messaging.delivered = [];
    messaging.inbound = [];
    return json({ ok: true });
  }),
];

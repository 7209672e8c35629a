/**
 * Scripting followers from outside (the `/__emulator/followers` and `/__emulator/messages` control endpoints): new
 * followers, a follower writing to the account or clicking, following, scanning, unfollowing — which opens or closes
 * the reply windows of message-windows.ts — and reading what the account "delivered". Refusals are ControlErrors.
 */
import { ControlError } from '../errors.js';
import { messagingState, type AccountState } from '../state.js';
import { pushBounded, type DeliveredMessage, type InboundInteraction } from './message-store.js';
import { WINDOW_EVENTS, closeWindows, openWindow, type ServiceWindow } from './message-windows.js';
import {
  NAMED_TEST_FOLLOWERS,
  isValidOpenId,
  newFollowerOpenId,
  subscribeFollower,
  unsubscribeFollower,
} from './user-followers.js';
import { followersOf } from './user-store.js';

/** `:openid` may also be a named follower's name (`alice`). */
export function resolveOpenId(param: string): string {
  return NAMED_TEST_FOLLOWERS.find((f) => f.name === param)?.openid ?? param;
}

export function followerSummary(acc: AccountState, now: number): Record<string, unknown> {
  const { state, directory } = followersOf(acc, now);
  return {
    appid: acc.appId,
    total: directory.subscribedOpenIds().length,
    generated: state.generatedCount,
    added: state.added.length,
    named: NAMED_TEST_FOLLOWERS.map((f) => ({
      name: f.name,
      openid: f.openid,
      wxname: f.wxname,
      subscribed: directory.isSubscribed(f.openid),
    })),
  };
}

/** A new follower (a generated openid unless one is given): a follow, so the 1-minute window opens. */
export function addFollower(acc: AccountState, body: Record<string, unknown>, now: number): string {
  const { state, directory } = followersOf(acc, now);
  const openid = body.openid === undefined ? newFollowerOpenId(state) : body.openid;
  if (!isValidOpenId(openid)) throw new ControlError('openid must be 28 characters of [A-Za-z0-9_-]');
  if (body.wxname !== undefined) {
    if (typeof body.wxname !== 'string' || !body.wxname) throw new ControlError('wxname must be a non-empty string');
    (state.overrides[openid] ??= {}).wxname = body.wxname;
  }
  subscribeFollower(state, directory, openid, now);
  const messaging = messagingState(acc);
  messaging.windows[openid] = openWindow(messaging.windows[openid] ?? {}, 'event', now);
  pushBounded(messaging.inbound, { openid, kind: 'event', event: 'subscribe', at: now });
  return openid;
}

/** The follower writes to the account: the 48-hour window (5 replies) opens. */
export function followerWrites(acc: AccountState, openid: string, content: unknown, now: number): ServiceWindow | undefined {
  const { directory } = followersOf(acc, now);
  if (!directory.knows(openid)) throw new ControlError(`unknown follower ${openid}`, 404);
  if (!directory.isSubscribed(openid)) {
    throw new ControlError(`${openid} does not follow the account; send a subscribe event first`, 409);
  }
  const messaging = messagingState(acc);
  const windows = openWindow(messaging.windows[openid] ?? {}, 'message', now);
  messaging.windows[openid] = windows;
  pushBounded(messaging.inbound, { openid, kind: 'message', content: typeof content === 'string' ? content : '', at: now });
  return windows.message;
}

/**
 * A menu click, follow or scan opens the 1-minute window (3 replies); `subscribe` also makes an unknown openid a
 * follower; `unsubscribe` unfollows and closes every window. Returns the event window afterwards (null when closed).
 */
export function followerEvent(acc: AccountState, openid: string, body: Record<string, unknown>, now: number): ServiceWindow | null {
  const event = body.event;
  if (typeof event !== 'string' || (event !== 'unsubscribe' && !WINDOW_EVENTS.has(event))) {
    throw new ControlError(`event must be one of ${[...WINDOW_EVENTS, 'unsubscribe'].join(', ')}`);
  }
  if (!isValidOpenId(openid)) throw new ControlError('openid must be 28 characters of [A-Za-z0-9_-] or a named follower');
  const { state, directory } = followersOf(acc, now);
  const messaging = messagingState(acc);
  const key = typeof body.key === 'string' ? body.key : undefined;

  if (event === 'unsubscribe') {
    if (!directory.knows(openid)) throw new ControlError(`unknown follower ${openid}`, 404);
    unsubscribeFollower(state, openid);
    messaging.windows[openid] = closeWindows();
  } else {
    if (event === 'subscribe') subscribeFollower(state, directory, openid, now);
    else if (!directory.knows(openid)) throw new ControlError(`unknown follower ${openid}`, 404);
    else if (!directory.isSubscribed(openid)) throw new ControlError(`${openid} does not follow the account`, 409);
    messaging.windows[openid] = openWindow(messaging.windows[openid] ?? {}, 'event', now);
  }
  pushBounded(messaging.inbound, { openid, kind: 'event', event, ...(key ? { key } : {}), at: now });
  return messaging.windows[openid]?.event ?? null;
}

/** What was delivered (optionally to one follower, or by one path), and the followers' inbound interactions. */
export function deliveredMessages(
  acc: AccountState,
  touser: string | null,
  via: string | null,
): { messages: DeliveredMessage[]; inbound: InboundInteraction[] } {
  const messaging = messagingState(acc);
  const messages = messaging.delivered.filter(
    (m) => (!touser || m.touser === resolveOpenId(touser)) && (!via || m.via === via),
  );
  return { messages, inbound: messaging.inbound };
}

export function resetMessages(acc: AccountState): void {
  const messaging = messagingState(acc);
  messaging.delivered = [];
  messaging.inbound = [];
}

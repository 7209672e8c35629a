/**
 * Customer-service (客服) reply windows (docs/wechat-api.md §7.1): a custom message may only be sent to a follower who
 * interacted recently —
 *   - after the user sends a message: up to 5 messages within 48 hours;
 *   - after a menu click, a follow or a QR-code scan: up to 3 messages within 1 minute.
 * Outside every window → 45015; every open window used up → 45047.
 *
 * Each kind of interaction keeps its own window and a new interaction of that kind restarts it. A send uses the
 * window that closes first (so a 1-minute event grant is spent before the 48-hour one). Pure: all functions take the
 * clock value as an argument.
 */

export type InteractionKind = 'message' | 'event';

export interface ServiceWindow {
  openedAt: number;
  expiresAt: number;
  limit: number;
  used: number;
}

/** Windows of one follower, by interaction kind (JSON-serialisable). */
export type FollowerWindows = Partial<Record<InteractionKind, ServiceWindow>>;

export const WINDOW_RULES: Record<InteractionKind, { durationMs: number; limit: number }> = {
  message: { durationMs: 48 * 3_600_000, limit: 5 },
  event: { durationMs: 60_000, limit: 3 },
};

/** Events that open the 1-minute window: menu clicks (CLICK/VIEW and the scancode/pic/location menu events), follow, scan. */
export const WINDOW_EVENTS = new Set([
  'CLICK',
  'VIEW',
  'subscribe',
  'SCAN',
  'scancode_push',
  'scancode_waitmsg',
  'pic_sysphoto',
  'pic_photo_or_album',
  'pic_weixin',
  'location_select',
  'view_miniprogram',
]);

/** The user interacted at `now`: (re)open the window of that kind. */
export function openWindow(windows: FollowerWindows, kind: InteractionKind, now: number): FollowerWindows {
  const rule = WINDOW_RULES[kind];
  return { ...windows, [kind]: { openedAt: now, expiresAt: now + rule.durationMs, limit: rule.limit, used: 0 } };
}

export type WindowDecision =
  | { ok: true; kind: InteractionKind; windows: FollowerWindows }
  | { ok: false; errcode: 45015 | 45047 };

/**
 * May one more custom message go out at `now`? On success returns the updated windows with the count consumed.
 * A window is open while `now < expiresAt`.
 */
export function consumeWindow(windows: FollowerWindows, now: number): WindowDecision {
  const open = (Object.entries(windows) as [InteractionKind, ServiceWindow][])
    .filter(([, w]) => now < w.expiresAt)
    .sort(([, a], [, b]) => a.expiresAt - b.expiresAt);
  if (open.length === 0) return { ok: false, errcode: 45015 };
  const usable = open.find(([, w]) => w.used < w.limit);
  if (!usable) return { ok: false, errcode: 45047 };
  const [kind, window] = usable;
  return { ok: true, kind, windows: { ...windows, [kind]: { ...window, used: window.used + 1 } } };
}

/** Unfollowing closes every window. */
export function closeWindows(): FollowerWindows {
  return {};
}

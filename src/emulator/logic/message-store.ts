/**
 * Messaging state of one account, kept in `AccountState.messaging` (persisted JSON): reply windows per
 * follower, what was "delivered" (custom messages, previews, mass sends) and what followers "sent" through the
 * admin API, plus the day counters of towxname previews and mass sends.
 */
import type { AccountState } from '../state.js';
import type { FollowerWindows, InteractionKind } from './message-windows.js';
import { isTempMediaLive } from './materials.js';

/** Keep the logs bounded so the persisted state stays small. */
export const MESSAGE_LOG_LIMIT = 2_000;

export interface DeliveredMessage {
  msgId: number;
  via: 'custom' | 'preview' | 'sendall' | 'send';
  /** openid, or `@all` / `@tag:<id>` for mass sends (`@list` for `mass/send` to an openid list). */
  touser: string;
  towxname?: string;
  msgtype: string;
  payload: Record<string, unknown>;
  /** Emulator clock ms. */
  at: number;
  /** Which reply window a custom message used. */
  window?: InteractionKind;
  /** Number of recipients (mass sends). */
  recipients?: number;
  kfAccount?: string;
}

export interface InboundInteraction {
  openid: string;
  kind: InteractionKind;
  /** `CLICK`, `subscribe`, … for events. */
  event?: string;
  key?: string;
  content?: string;
  at: number;
}

export interface MassRecord {
  msgId: number;
  msgDataId?: number;
  msgtype: string;
  /** `DELETE` after `mass/delete` removed every article (§7.2). */
  status: 'SEND_SUCCESS' | 'DELETE';
  at: number;
  clientMsgId?: string;
  /** Articles of an mpnews send (the draft's count at send time), for `mass/delete` `article_idx` (40060). */
  articleCount?: number;
  /** 1-based article indices removed by `mass/delete`. */
  deletedIdx?: number[];
}

export interface MessagingState {
  windows: Record<string, FollowerWindows>;
  delivered: DeliveredMessage[];
  inbound: InboundInteraction[];
  nextMsgId: number;
  towxname: { day: string; count: number };
  massDay: { day: string; count: number };
  mass: Record<string, MassRecord>;
  clientMsgIds: Record<string, number>;
  /** `message/mass/speed/set` level 0–4 (absent: 0, the fastest; §7.2). */
  massSpeed?: number;
  /** openid → emulator ms until which the "typing" state shown by `message/custom/typing` lasts (§7.1). */
  typing?: Record<string, number>;
}

/** A fresh messaging state (state.ts `messagingState()` creates it on first use). */
export function createMessagingState(): MessagingState {
  return {
    windows: {},
    delivered: [],
    inbound: [],
    // msg_id values look like real ones (ints around 10^9, §7.2 examples).
    nextMsgId: 1_000_000_001,
    towxname: { day: '', count: 0 },
    massDay: { day: '', count: 0 },
    mass: {},
    clientMsgIds: {},
  };
}

export function allocateMsgId(state: MessagingState): number {
  const id = state.nextMsgId;
  state.nextMsgId += 1;
  return id;
}

export function pushBounded<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MESSAGE_LOG_LIMIT) list.splice(0, list.length - MESSAGE_LOG_LIMIT);
}

/** Existence checks against the core's stores, shared by messages and menus. */
export function accountLookups(s: AccountState, nowMs: number) {
  const tempAlive = (id: string) => {
    const t = s.tempMedia[id];
    return !!t && isTempMediaLive(t, nowMs);
  };
  return {
    /** Permanent material or live temporary media (custom messages accept both). */
    mediaExists: (id: string) => id in s.materials || tempAlive(id) || id in s.drafts,
    /** Permanent material only (menus reference permanent media). */
    materialExists: (id: string) => id in s.materials,
    /** Drafts or permanent material (mpnews previews/mass sends use draft media_ids, §7.2). */
    draftOrMaterialExists: (id: string) => id in s.drafts || id in s.materials,
    articleExists: (id: string) =>
      id in s.published || Object.values(s.published).some((p) => p.articleId === id && p.items.some((i) => !i.isDeleted)),
  };
}

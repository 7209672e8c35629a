/**
 * Sending messages (docs/wechat-api.md §7) against an account's state: custom messages inside the reply windows,
 * previews, mass sends and their status. The payload rules live in message-custom.ts / message-mass.ts, the windows
 * in message-windows.ts; what was delivered is logged in `AccountState.messaging` for `/__emulator/messages`.
 */
import { beijingDay } from '../clock.js';
import { EmuError } from '../errors.js';
import type { AccountState } from '../state.js';
import { messagingState } from '../state.js';
import { validateCustomMessage } from './message-custom.js';
import {
  MASS_SPEEDS,
  TOWXNAME_PREVIEWS_PER_DAY,
  parseMassSpeed,
  parseMsgId,
  validateMassSend,
  validatePreview,
  validateSendAll,
  type MassContent,
  type MassLookups,
} from './message-mass.js';
import { intField } from '../router.js';
import { accountLookups, allocateMsgId, pushBounded, type DeliveredMessage, type MassRecord } from './message-store.js';
import { consumeWindow } from './message-windows.js';
import { followersOf } from './user-store.js';
import { tagMembers } from './user-tags.js';

/** Subscription accounts may mass-send once a day (§7.2); further sends that day → 45028. */
const MASS_SENDS_PER_DAY = 1;
const CLIENT_MSG_ID_MAX_BYTES = 64;

/** Custom send, mass send and preview need a verified account (§1 "Verification-gated APIs", EMU). */
export function requireVerified(acc: AccountState): void {
  if (!acc.flags.verified) throw new EmuError(48001);
}

/** `message/custom/send`: the payload, the recipient (40003 / 43004), then a reply window (45015 / 45047). */
export function sendCustom(acc: AccountState, body: Record<string, unknown>, now: number): void {
  const checked = validateCustomMessage(body, accountLookups(acc, now));
  if (!checked.ok) throw new EmuError(checked.errcode);
  const { touser, msgtype, payload } = checked.message;
  const { directory } = followersOf(acc, now);
  if (!directory.knows(touser)) throw new EmuError(40003);
  if (!directory.isSubscribed(touser)) throw new EmuError(43004);

  const messaging = messagingState(acc);
  const decision = consumeWindow(messaging.windows[touser] ?? {}, now);
  if (!decision.ok) throw new EmuError(decision.errcode);
  messaging.windows[touser] = decision.windows;

  const delivered: DeliveredMessage = {
    msgId: allocateMsgId(messaging),
    via: 'custom',
    touser,
    msgtype,
    payload,
    at: now,
    window: decision.kind,
  };
  const kf = (body.customservice as { kf_account?: unknown } | undefined)?.kf_account;
  if (typeof kf === 'string') delivered.kfAccount = kf;
  pushBounded(messaging.delivered, delivered);
}

/** Media checks of previews and mass sends: `mpnews` takes a draft (or news material), the rest any media. */
function massLookups(acc: AccountState, body: Record<string, unknown>, now: number): MassLookups {
  const lookups = accountLookups(acc, now);
  return { mediaExists: (id) => (body.msgtype === 'mpnews' ? lookups.draftOrMaterialExists(id) : lookups.mediaExists(id)) };
}

/**
 * The openid a preview goes to: `towxname` (100 a day — the errcode is not documented, 45009 is WeChat's
 * daily-limit code; §7.2) or `touser`; 40003 unknown, 43004 not following.
 */
function previewRecipient(acc: AccountState, recipient: { kind: 'openid'; openid: string } | { kind: 'wxname'; wxname: string }, now: number): string {
  const { directory } = followersOf(acc, now);
  let openid: string;
  if (recipient.kind === 'wxname') {
    const messaging = messagingState(acc);
    const today = beijingDay(now);
    if (messaging.towxname.day !== today) messaging.towxname = { day: today, count: 0 };
    if (messaging.towxname.count >= TOWXNAME_PREVIEWS_PER_DAY) throw new EmuError(45009);
    const found = directory.openIdForWxname(recipient.wxname);
    if (!found) throw new EmuError(40003);
    openid = found;
  } else {
    openid = recipient.openid;
    if (!directory.knows(openid)) throw new EmuError(40003);
  }
  if (!directory.isSubscribed(openid)) throw new EmuError(43004);
  return openid;
}

/** `message/mass/preview`: returns the msg_id. */
export function sendPreview(acc: AccountState, body: Record<string, unknown>, now: number): number {
  const checked = validatePreview(body, massLookups(acc, body, now));
  if (!checked.ok) throw new EmuError(checked.errcode);
  const openid = previewRecipient(acc, checked.recipient, now);
  const messaging = messagingState(acc);
  const towxname = checked.recipient.kind === 'wxname' ? checked.recipient.wxname : undefined;
  if (towxname) messaging.towxname.count += 1;

  const msgId = allocateMsgId(messaging);
  const delivered: DeliveredMessage = {
    msgId,
    via: 'preview',
    touser: openid,
    msgtype: checked.content.msgtype,
    payload: checked.content.payload,
    at: now,
  };
  if (towxname) delivered.towxname = towxname;
  pushBounded(messaging.delivered, delivered);
  return msgId;
}

/** `clientmsgid`: ≤ 64 bytes (45067); a repeat answers 45065 with the earlier send's msg_id (§7.2). */
function checkClientMsgId(acc: AccountState, clientMsgId: unknown): string | undefined {
  if (typeof clientMsgId !== 'string' || clientMsgId.length === 0) return undefined;
  if (Buffer.byteLength(clientMsgId, 'utf8') > CLIENT_MSG_ID_MAX_BYTES) throw new EmuError(45067);
  const existing = messagingState(acc).clientMsgIds[clientMsgId];
  if (existing !== undefined) throw new EmuError(45065, undefined, { msg_id: existing });
  return clientMsgId;
}

/** `message/mass/sendall`: one a day (45028); an mpnews send removes the draft it used. Returns the answer's ids. */
export function sendAll(acc: AccountState, body: Record<string, unknown>, now: number): MassIds {
  const checked = validateSendAll(body, massLookups(acc, body, now));
  if (!checked.ok) throw new EmuError(checked.errcode);
  const clientMsgId = checkClientMsgId(acc, body.clientmsgid);
  takeMassQuota(acc, now);
  const { state: followers, directory } = followersOf(acc, now);
  const { isToAll, tagId } = checked.filter;
  const recipients = isToAll ? directory.subscribedOpenIds().length : tagMembers(followers, directory, tagId!).length;
  return recordMassSend(acc, checked.content, clientMsgId, now, { via: 'sendall', touser: isToAll ? '@all' : `@tag:${tagId}`, recipients });
}

/**
 * `message/mass/send` to an openid list (§7.2): 2–10 000 openids (40130 / 40032), the sendall payloads, and the same
 * mass-send day quota (45028) and clientmsgid rules. Openids that are not (or no longer) followers are skipped, as a
 * real send reports them only as failed deliveries in the MASSSENDJOBFINISH event (EMU).
 */
export function massSend(acc: AccountState, body: Record<string, unknown>, now: number): MassIds {
  const checked = validateMassSend(body, massLookups(acc, body, now));
  if (!checked.ok) throw new EmuError(checked.errcode);
  const clientMsgId = checkClientMsgId(acc, body.clientmsgid);
  takeMassQuota(acc, now);
  const { directory } = followersOf(acc, now);
  const recipients = checked.touser.filter((openid) => directory.isSubscribed(openid)).length;
  return recordMassSend(acc, checked.content, clientMsgId, now, { via: 'send', touser: '@list', recipients });
}

type MassIds = { msg_id: number; msg_data_id?: number };

/** One mass send a Beijing day (45028). */
function takeMassQuota(acc: AccountState, now: number): void {
  const messaging = messagingState(acc);
  const today = beijingDay(now);
  if (messaging.massDay.day !== today) messaging.massDay = { day: today, count: 0 };
  if (messaging.massDay.count >= MASS_SENDS_PER_DAY) throw new EmuError(45028);
  messaging.massDay.count += 1;
}

function recordMassSend(
  acc: AccountState,
  content: MassContent,
  clientMsgId: string | undefined,
  now: number,
  target: { via: 'sendall' | 'send'; touser: string; recipients: number },
): MassIds {
  const messaging = messagingState(acc);
  const msgId = allocateMsgId(messaging);
  const record: MassRecord = { msgId, msgtype: content.msgtype, status: 'SEND_SUCCESS', at: now };
  if (content.msgtype === 'mpnews') {
    record.msgDataId = 2_247_000_000 + (msgId % 1_000_000);
    record.articleCount = content.mediaIds.reduce((n, id) => n + (acc.drafts[id]?.articles.length ?? 1), 0);
    // "上传到草稿箱中的素材被群发或发布后，该素材将从草稿箱中移除" (§5.1 lifecycle).
    for (const id of content.mediaIds) delete acc.drafts[id];
  }
  if (clientMsgId !== undefined) {
    record.clientMsgId = clientMsgId;
    messaging.clientMsgIds[clientMsgId] = msgId;
  }
  messaging.mass[String(msgId)] = record;
  pushBounded(messaging.delivered, {
    msgId,
    via: target.via,
    touser: target.touser,
    msgtype: content.msgtype,
    payload: content.payload,
    at: now,
    recipients: target.recipients,
  });
  return record.msgDataId === undefined ? { msg_id: msgId } : { msg_id: msgId, msg_data_id: record.msgDataId };
}

/**
 * `message/mass/delete` (§7.2): `msg_id` of a mass send (40059 otherwise), `article_idx` 0 or omitted = every article,
 * 1..n one article of an mpnews send (40060 outside). Only mpnews and video sends can be deleted ("只能删除图文消息和视频
 * 消息"; the errcode for other types is undocumented, EMU 40008). Once every article is gone `mass/get` answers
 * `msg_status: "DELETE"`; deleting again is accepted (EMU).
 */
export function massDelete(acc: AccountState, body: Record<string, unknown>): void {
  const msgId = parseMsgId(body.msg_id);
  const record = msgId === null ? undefined : messagingState(acc).mass[String(msgId)];
  if (!record) throw new EmuError(40059);
  if (record.msgtype !== 'mpnews' && record.msgtype !== 'mpvideo') throw new EmuError(40008);
  const raw = body.article_idx;
  const idx = raw === undefined || raw === null || raw === '' ? 0 : intField(raw);
  const count = record.articleCount ?? 1;
  if (idx === undefined || idx < 0 || idx > count) throw new EmuError(40060);
  const deleted = new Set(record.deletedIdx ?? []);
  if (idx === 0) for (let i = 1; i <= count; i++) deleted.add(i);
  else deleted.add(idx);
  record.deletedIdx = [...deleted].sort((a, b) => a - b);
  if (deleted.size >= count) record.status = 'DELETE';
}

/** `mass/speed/get`: `{"speed","realspeed"}` (realspeed in 万 a minute). */
export function massSpeed(acc: AccountState): { speed: number; realspeed: number } {
  const speed = messagingState(acc).massSpeed ?? 0;
  return { speed, realspeed: MASS_SPEEDS[speed]! };
}

/** `mass/speed/set`: 45084 without `speed`, 45083 outside 0–4. */
export function setMassSpeed(acc: AccountState, body: Record<string, unknown>): void {
  const speed = parseMassSpeed(body.speed);
  if (typeof speed !== 'number') throw new EmuError(speed.errcode);
  messagingState(acc).massSpeed = speed;
}

/** `message/mass/get`: 40059 for an unknown msg_id. */
export function massStatus(acc: AccountState, msgIdValue: unknown): { msg_id: number; msg_status: string } {
  const msgId = parseMsgId(msgIdValue);
  const record = msgId === null ? undefined : messagingState(acc).mass[String(msgId)];
  if (!record) throw new EmuError(40059);
  return { msg_id: record.msgId, msg_status: record.status };
}

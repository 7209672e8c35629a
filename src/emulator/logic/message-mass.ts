/**
 * `message/mass/preview`, `mass/sendall` and `mass/get` validation (docs/wechat-api.md §7.2). Pure like
 * `message-custom.ts`; recipient lookup and quota counting are done by the caller with the results returned here.
 */
import { isValidOpenId } from './user-followers.js';

/** `towxname` previews are limited to 100 a day (§7.2; F19 batch_sends). */
export const TOWXNAME_PREVIEWS_PER_DAY = 100;

/** Preview payload keys per msgtype (preview uses `image.media_id`, sendall uses `images.media_ids`). */
const PREVIEW_TYPES: Record<string, { key: string; field: 'media_id' | 'content' | 'card_id' }> = {
  mpnews: { key: 'mpnews', field: 'media_id' },
  text: { key: 'text', field: 'content' },
  voice: { key: 'voice', field: 'media_id' },
  image: { key: 'image', field: 'media_id' },
  mpvideo: { key: 'mpvideo', field: 'media_id' },
  wxcard: { key: 'wxcard', field: 'card_id' },
};

const SENDALL_TYPES: Record<string, { key: string; field: 'media_id' | 'content' | 'card_id' | 'media_ids' }> = {
  ...PREVIEW_TYPES,
  image: { key: 'images', field: 'media_ids' },
};

export interface MassLookups {
  /** Is this a known media id (a draft or material for mpnews, a material otherwise)? */
  mediaExists?: (mediaId: string) => boolean;
  /** Was this draft only auto-saved (→ 48021)? The emulator's drafts are always saved manually unless told otherwise. */
  isAutoSavedDraft?: (mediaId: string) => boolean;
}

export type Recipient = { kind: 'openid'; openid: string } | { kind: 'wxname'; wxname: string };

export interface MassContent {
  msgtype: string;
  payload: Record<string, unknown>;
  /** The draft/material media_id(s) of the message, when it has any. */
  mediaIds: string[];
}

export type PreviewCheck = { ok: true; recipient: Recipient; content: MassContent } | { ok: false; errcode: number };
export type SendAllCheck =
  | { ok: true; content: MassContent; filter: { isToAll: boolean; tagId?: number } }
  | { ok: false; errcode: number };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkContent(
  body: Record<string, unknown>,
  table: typeof SENDALL_TYPES,
  lookups: MassLookups,
): { ok: true; content: MassContent } | { ok: false; errcode: number } {
  const msgtype = body.msgtype;
  if (typeof msgtype !== 'string' || !(msgtype in table)) return { ok: false, errcode: 40008 };
  const spec = table[msgtype]!;
  const payload = body[spec.key];
  if (!isRecord(payload)) return { ok: false, errcode: msgtype === 'text' ? 44004 : 47001 };
  const value = payload[spec.field];
  if (spec.field === 'content') {
    return typeof value === 'string' && value.length > 0
      ? { ok: true, content: { msgtype, payload, mediaIds: [] } }
      : { ok: false, errcode: 44004 };
  }
  if (spec.field === 'card_id') {
    return typeof value === 'string' && value.length > 0
      ? { ok: true, content: { msgtype, payload, mediaIds: [] } }
      : { ok: false, errcode: 47001 };
  }
  const ids = spec.field === 'media_ids' ? value : [value];
  if (!Array.isArray(ids) || ids.length === 0) return { ok: false, errcode: 40007 };
  const mediaIds: string[] = [];
  for (const raw of ids) {
    // Media ids may arrive as ints from some SDKs; WeChat's own ids are strings (§1 integers vs strings).
    const id = typeof raw === 'number' ? String(raw) : raw;
    if (typeof id !== 'string' || id.length === 0) return { ok: false, errcode: 40007 };
    if (lookups.mediaExists && !lookups.mediaExists(id)) return { ok: false, errcode: 40007 };
    // 48021 自动保存的草稿无法预览/发送，请先手动保存草稿 (GRC-copy).
    if (lookups.isAutoSavedDraft?.(id)) return { ok: false, errcode: 48021 };
    mediaIds.push(id);
  }
  return { ok: true, content: { msgtype, payload, mediaIds } };
}

/**
 * `{"touser":"OPENID"}` or `{"towxname":"微信号"}` (towxname wins when both are given, §7.2) plus the message.
 * Missing recipient or a malformed openid → 40003.
 */
export function validatePreview(body: unknown, lookups: MassLookups = {}): PreviewCheck {
  if (!isRecord(body)) return { ok: false, errcode: 47001 };
  let recipient: Recipient;
  if (typeof body.towxname === 'string' && body.towxname.length > 0) recipient = { kind: 'wxname', wxname: body.towxname };
  else if (isValidOpenId(body.touser)) recipient = { kind: 'openid', openid: body.touser };
  else return { ok: false, errcode: 40003 };
  const checked = checkContent(body, PREVIEW_TYPES, lookups);
  if (!checked.ok) return checked;
  return { ok: true, recipient, content: checked.content };
}

/** `{"filter":{"is_to_all":bool,"tag_id":N},"msgtype":…}`. */
export function validateSendAll(body: unknown, lookups: MassLookups = {}): SendAllCheck {
  if (!isRecord(body)) return { ok: false, errcode: 47001 };
  const filter = body.filter;
  if (!isRecord(filter)) return { ok: false, errcode: 47001 };
  const isToAll = filter.is_to_all === true || filter.is_to_all === 'true';
  const tagRaw = filter.tag_id;
  const tagId = typeof tagRaw === 'number' ? tagRaw : typeof tagRaw === 'string' && /^\d+$/.test(tagRaw) ? Number(tagRaw) : undefined;
  // Without is_to_all a tag is required (WeChat has answered 40152 here, COMM; we use the generic 47001).
  if (!isToAll && tagId === undefined) return { ok: false, errcode: 47001 };
  const checked = checkContent(body, SENDALL_TYPES, lookups);
  if (!checked.ok) return checked;
  return { ok: true, content: checked.content, filter: tagId === undefined ? { isToAll } : { isToAll, tagId } };
}

/** `mass/send` takes 2 to 10 000 openids (§7.2: 40130 fewer than two, 40032 too many). */
export const MASS_SEND_MIN_USERS = 2;
export const MASS_SEND_MAX_USERS = 10_000;

export type MassSendCheck = { ok: true; content: MassContent; touser: string[] } | { ok: false; errcode: number };

/**
 * `message/mass/send` — `{"touser":[openids],"msgtype":…}` with the payloads of sendall (`images.media_ids` for images).
 * `touser` not an array → 47001; fewer than 2 → 40130; more than 10 000 → 40032; a malformed openid → 40003. Repeated
 * openids count once (EMU).
 */
export function validateMassSend(body: unknown, lookups: MassLookups = {}): MassSendCheck {
  if (!isRecord(body)) return { ok: false, errcode: 47001 };
  if (!Array.isArray(body.touser)) return { ok: false, errcode: 47001 };
  const touser = [...new Set(body.touser as unknown[])];
  if (touser.length < MASS_SEND_MIN_USERS) return { ok: false, errcode: 40130 };
  if (touser.length > MASS_SEND_MAX_USERS) return { ok: false, errcode: 40032 };
  if (!touser.every(isValidOpenId)) return { ok: false, errcode: 40003 };
  const checked = checkContent(body, SENDALL_TYPES, lookups);
  if (!checked.ok) return checked;
  return { ok: true, content: checked.content, touser: touser as string[] };
}

/** `message/mass/speed/set` levels 0–4 and their speed in 万 messages a minute (§7.2 speed table). */
export const MASS_SPEEDS: readonly number[] = [80, 60, 45, 30, 10];

/** `speed` of `mass/speed/set`: an int 0–4; missing → 45084, out of range → 45083 (§7.2). */
export function parseMassSpeed(value: unknown): number | { errcode: 45083 | 45084 } {
  if (value === undefined || value === null || value === '') return { errcode: 45084 };
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0 || n >= MASS_SPEEDS.length) return { errcode: 45083 };
  return n;
}

/** `msg_id` for `mass/get` / `mass/delete`: int or numeric string (§1), else null → 40059. */
export function parseMsgId(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return null;
}

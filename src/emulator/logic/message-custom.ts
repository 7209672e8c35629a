/**
 * Validation of `message/custom/send` bodies (docs/wechat-api.md §7.1). Pure: the media/article existence checks are
 * callbacks so the route can ask the core's stores while unit tests pass simple functions.
 *
 * Order of checks (the first failing one answers): body shape 47001 → touser form 40003 → msgtype 40008 → payload
 * (44004 / 45008 / 40007 / 47001). Recipient state (unknown 40003, unfollowed 43004) and the reply window
 * (45015 / 45047) are checked by the caller afterwards, see `message-windows.ts`.
 */
import { isValidOpenId } from './user-followers.js';

export type CustomMsgType =
  | 'text'
  | 'image'
  | 'voice'
  | 'video'
  | 'music'
  | 'news'
  | 'mpnews'
  | 'mpnewsarticle'
  | 'msgmenu'
  | 'wxcard'
  | 'miniprogrampage';

/**
 * Types an Official Account may send. `link` is a mini-program customer-service type only (§7.1 table), so an
 * Official Account sending it gets 40008 like any unknown type.
 */
export const CUSTOM_MSG_TYPES: ReadonlySet<string> = new Set<CustomMsgType>([
  'text',
  'image',
  'voice',
  'video',
  'music',
  'news',
  'mpnews',
  'mpnewsarticle',
  'msgmenu',
  'wxcard',
  'miniprogrampage',
]);

export interface MessageLookups {
  /** Does this media_id (temporary or permanent media, or a draft for mpnews) exist? */
  mediaExists?: (mediaId: string) => boolean;
  /** Does this article_id (from freepublish) exist? */
  articleExists?: (articleId: string) => boolean;
}

export interface CustomMessage {
  touser: string;
  msgtype: CustomMsgType;
  payload: Record<string, unknown>;
}

export type CustomMessageCheck = { ok: true; message: CustomMessage } | { ok: false; errcode: number };

const fail = (errcode: number): CustomMessageCheck => ({ ok: false, errcode });

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** A required media id: missing or unknown → 40007 invalid media_id. */
function mediaOk(value: unknown, lookups: MessageLookups): boolean {
  if (!nonEmptyString(value)) return false;
  return lookups.mediaExists ? lookups.mediaExists(value) : true;
}

export function validateCustomMessage(body: unknown, lookups: MessageLookups = {}): CustomMessageCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return fail(47001);
  const { touser, msgtype } = body as { touser?: unknown; msgtype?: unknown };
  if (!isValidOpenId(touser)) return fail(40003);
  if (typeof msgtype !== 'string' || !CUSTOM_MSG_TYPES.has(msgtype)) return fail(40008);
  const rawPayload = (body as Record<string, unknown>)[msgtype];
  const payload =
    typeof rawPayload === 'object' && rawPayload !== null && !Array.isArray(rawPayload)
      ? (rawPayload as Record<string, unknown>)
      : undefined;

  const payloadError = checkPayload(msgtype as CustomMsgType, payload, lookups);
  if (payloadError) return fail(payloadError);
  return { ok: true, message: { touser, msgtype: msgtype as CustomMsgType, payload: payload ?? {} } };
}

/** The errcode for a bad payload, or 0 when it is fine. */
function checkPayload(msgtype: CustomMsgType, payload: Record<string, unknown> | undefined, lookups: MessageLookups): number {
  if (msgtype === 'text') {
    // 44004 empty content: a missing text object or content counts as empty.
    return nonEmptyString(payload?.content) ? 0 : 44004;
  }
  if (!payload) return 47001;
  switch (msgtype) {
    case 'image':
    case 'voice':
    case 'mpnews':
      return mediaOk(payload.media_id, lookups) ? 0 : 40007;
    case 'video':
      return mediaOk(payload.media_id, lookups) ? 0 : 40007;
    case 'music':
      if (!mediaOk(payload.thumb_media_id, lookups)) return 40007;
      return nonEmptyString(payload.musicurl) && nonEmptyString(payload.hqmusicurl) ? 0 : 47001;
    case 'news': {
      const articles = payload.articles;
      if (!Array.isArray(articles) || articles.length === 0) return 47001;
      // "图文消息条数限制在1条以内" — more than one article → 45008 article size out of limit.
      if (articles.length > 1) return 45008;
      const article = articles[0] as Record<string, unknown> | null;
      return typeof article === 'object' && article !== null && nonEmptyString(article.title) ? 0 : 47001;
    }
    case 'mpnewsarticle': {
      const id = payload.article_id;
      if (!nonEmptyString(id)) return 47001;
      // 53600 Article ID 无效 (§6.4).
      return lookups.articleExists && !lookups.articleExists(id) ? 53600 : 0;
    }
    case 'msgmenu': {
      const list = payload.list;
      if (!Array.isArray(list) || list.length === 0) return 47001;
      const itemsOk = list.every(
        (item) =>
          typeof item === 'object' &&
          item !== null &&
          nonEmptyString((item as Record<string, unknown>).content) &&
          (nonEmptyString((item as Record<string, unknown>).id) || typeof (item as Record<string, unknown>).id === 'number'),
      );
      return itemsOk ? 0 : 47001;
    }
    case 'wxcard':
      return nonEmptyString(payload.card_id) ? 0 : 47001;
    case 'miniprogrampage':
      if (!mediaOk(payload.thumb_media_id, lookups)) return 40007;
      return nonEmptyString(payload.appid) && nonEmptyString(payload.pagepath) && nonEmptyString(payload.title) ? 0 : 47001;
    default:
      return 40008;
  }
}

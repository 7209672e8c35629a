/** Draft article validation and read-back shape (docs/wechat-api.md §5.1, §12). */
import { EmuError } from '../errors.js';
import { collapseText, normaliseContent } from './content.js';
import type { EmuContext } from '../router.js';
import type { StoredArticle } from '../state.js';

const AUTHOR_LIMIT = 16; // doc: ≤16 字
const DIGEST_LIMIT = 128; // doc: ≤128 字
const DEFAULT_DIGEST_CHARS = 54; // "若不填写则默认抓取正文前54个字"
const CONTENT_MAX_CHARS = 20_000; // "必须少于2万字符"
const CONTENT_MAX_BYTES = 1024 * 1024; // "小于1M"
const SOURCE_URL_MAX_BYTES = 1024;
export const MAX_ARTICLES = 8; // legacy multi-article limit; over → 45008 (§5.1, EMU)
const NEWSPIC_MAX_IMAGES = 20;

/** Length in code points (a Chinese character or an emoji counts once), without allocating an array. */
function chars(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/** A 0/1 field that clients also send as a JSON bool or a string (silenceper sends `no_content` as a bool, §5.2). */
export function isSet(value: unknown): boolean {
  return value === 1 || value === true || value === '1' || value === 'true';
}

function flag(value: unknown): number {
  return isSet(value) ? 1 : 0;
}

function optionalString(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new EmuError(47001);
  return value;
}

function isPermanentImage(ctx: EmuContext, mediaId: unknown, kinds: Array<'image' | 'thumb'>): boolean {
  if (typeof mediaId !== 'string' || !mediaId) return false;
  const m = ctx.account.state.materials[mediaId];
  return !!m && (kinds as string[]).includes(m.type);
}

/**
 * Validates one incoming article and returns it normalised for storage. `multi` = part of a multi-article draft
 * (no default digest: "仅有单图文消息才有摘要，多图文此处为空").
 */
export function validateArticle(ctx: EmuContext, input: unknown, multi: boolean, malformedErrcode: number): StoredArticle {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new EmuError(malformedErrcode);
  const a = input as Record<string, unknown>;
  const articleType = a.article_type === undefined || a.article_type === '' ? 'news' : a.article_type;
  if (articleType !== 'news' && articleType !== 'newspic') throw new EmuError(47001);

  const title = optionalString(a.title);
  if (title.trim() === '') throw new EmuError(40227);
  if (chars(title) > ctx.config.titleLimit) throw new EmuError(45003);
  const author = optionalString(a.author);
  if (chars(author) > AUTHOR_LIMIT) throw new EmuError(45110);
  const digestIn = optionalString(a.digest);
  if (chars(digestIn) > DIGEST_LIMIT) throw new EmuError(45004);

  if (typeof a.content !== 'string' || a.content === '') throw new EmuError(44003);
  const content = a.content;
  if (Buffer.byteLength(content) >= CONTENT_MAX_BYTES) throw new EmuError(45002);

  const sourceUrl = optionalString(a.content_source_url);
  if (sourceUrl && (Buffer.byteLength(sourceUrl) > SOURCE_URL_MAX_BYTES || !/^https?:\/\/[^\s]+$/i.test(sourceUrl))) {
    throw new EmuError(41039);
  }

  const thumb = optionalString(a.thumb_media_id);
  let imageInfo: StoredArticle['image_info'];
  if (articleType === 'news') {
    // Cover must be a *permanent* image/thumb material of this account — temporary ids and others' ids are 40007.
    if (!isPermanentImage(ctx, thumb, ['image', 'thumb'])) throw new EmuError(40007);
  } else {
    const list = (a.image_info as { image_list?: unknown } | undefined)?.image_list;
    if (!Array.isArray(list) || list.length === 0) throw new EmuError(44003);
    if (list.length > NEWSPIC_MAX_IMAGES) throw new EmuError(40035);
    for (const item of list) {
      if (!isPermanentImage(ctx, (item as { image_media_id?: unknown } | null)?.image_media_id, ['image'])) throw new EmuError(40007);
    }
    imageInfo = { image_list: list.map((i) => ({ image_media_id: (i as { image_media_id: string }).image_media_id })) };
  }

  const needOpenComment = flag(a.need_open_comment);
  if (needOpenComment === 1 && !ctx.account.flags.commentPrivilege) throw new EmuError(88000);
  if (a.product_info !== undefined && a.product_info !== null && !ctx.account.flags.productCapability) throw new EmuError(53406);

  const mediaOrigins = [ctx.origin, ctx.config.mediaOrigin];
  const media = ctx.store.state.media;
  const normalised = normaliseContent(content, { mediaOrigins, isServedMedia: (id) => id in media });
  // "2万字符" counts what a reader sees, not markup: inline-styled HTML of an ordinary post is far longer than 20 000
  // characters, and tools post such HTML successfully. The 1 MB cap above applies to the HTML itself.
  if (chars(normalised.text) >= CONTENT_MAX_CHARS) throw new EmuError(45002);

  const digest = digestIn || (multi ? '' : [...collapseText(normalised.text)].slice(0, DEFAULT_DIGEST_CHARS).join(''));
  const stored: StoredArticle = {
    article_type: articleType,
    title,
    author,
    digest,
    content: normalised.html,
    content_source_url: sourceUrl,
    thumb_media_id: thumb,
    show_cover_pic: flag(a.show_cover_pic),
    need_open_comment: needOpenComment,
    only_fans_can_comment: flag(a.only_fans_can_comment),
  };
  if (typeof a.pic_crop_235_1 === 'string') stored.pic_crop_235_1 = a.pic_crop_235_1;
  if (typeof a.pic_crop_1_1 === 'string') stored.pic_crop_1_1 = a.pic_crop_1_1;
  if (imageInfo) stored.image_info = imageInfo;
  if (a.cover_info !== undefined) stored.cover_info = a.cover_info;
  if (a.product_info !== undefined && a.product_info !== null) stored.product_info = a.product_info;
  return stored;
}

/** The `news_item` shape of draft/get, batchget and freepublish/getarticle. */
export function articleView(
  ctx: EmuContext,
  article: StoredArticle,
  url: string,
  withContent: boolean,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const thumb = ctx.account.state.materials[article.thumb_media_id];
  const { content, ...rest } = article;
  return {
    ...rest,
    ...(withContent ? { content } : {}),
    url,
    ...(article.article_type === 'news' ? { thumb_url: thumb?.url ?? '' } : {}),
    ...extra,
  };
}

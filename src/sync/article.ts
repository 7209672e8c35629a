import path from 'node:path';
import type { WxmpConfig } from '../config/schema.js';
import type { RenderedPost } from '../render/render.js';
import { sha256, stableStringify } from '../util/hash.js';
import type { DraftArticle } from '../wechat/api/draft.js';
import type { ResolvedAccount } from '../account/accounts.js';

export { imagePlaceholder, substituteImages } from '../render/placeholders.js';

/** The "阅读原文" link: front matter `source_url`, else the config's template with {slug} and {path}. */
export function sourceUrlFor(rendered: RenderedPost, config: WxmpConfig): string | undefined {
  if (rendered.meta.source_url) return rendered.meta.source_url;
  if (!config.sourceUrl) return undefined;
  const withoutExt = rendered.source.replace(/\.(md|markdown)$/i, '');
  const base = path.posix.basename(withoutExt);
  const slug = /^(_?index|readme)$/i.test(base) ? path.posix.basename(path.posix.dirname(withoutExt)) : base;
  return config.sourceUrl.replaceAll('{slug}', encodeURIComponent(slug)).replaceAll('{path}', withoutExt.split('/').map(encodeURIComponent).join('/'));
}

/** The draft/add article for one account (docs/wechat-api.md §5.1). */
export function buildArticle(
  rendered: RenderedPost,
  content: string,
  thumbMediaId: string,
  config: WxmpConfig,
  account: Pick<ResolvedAccount, 'author'>,
): DraftArticle {
  const comments = rendered.meta.comments ?? config.comments;
  const article: DraftArticle = {
    title: rendered.title,
    author: rendered.meta.author ?? account.author ?? config.author,
    digest: rendered.digest,
    content,
    content_source_url: sourceUrlFor(rendered, config),
    thumb_media_id: thumbMediaId,
    need_open_comment: comments ? 1 : 0,
    only_fans_can_comment: comments && (rendered.meta.fans_only_comments ?? config.fansOnlyComments) ? 1 : 0,
    pic_crop_235_1: rendered.meta.pic_crop_235_1,
    pic_crop_1_1: rendered.meta.pic_crop_1_1,
  };
  for (const key of Object.keys(article) as (keyof DraftArticle)[]) if (article[key] === undefined) delete article[key];
  return article;
}

/** sha256 of the exact payload: equal hash ⇒ nothing to send. */
export function payloadHash(article: DraftArticle): string {
  return sha256(stableStringify(article));
}

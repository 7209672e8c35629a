/**
 * Article content for `POST /api/draft/create` and `POST /api/render`: Markdown through the renderer (its images
 * uploaded once per content hash through the account's uploader), HTML through the same allowlist as posts.
 */
import type { WxmpConfig } from '../config/schema.js';
import { resolverFor } from '../render/pool.js';
import { substituteImages } from '../render/placeholders.js';
import type { RenderedPost } from '../render/rendered.js';
import { sanitizeTemplate } from '../render/sanitize/template.js';
import type { ImageRef } from '../render/types.js';
import { Downloader, readImage } from '../sync/image-source.js';
import { isError, severityOf, type Problem } from '../util/messages.js';
import { ApiError } from './errors.js';
import type { AccountTarget } from './sessions.js';

export interface RenderContext {
  /** Relative images and themes resolve in the project (`--root`); nothing outside it is read (docs/security.md). */
  root: string;
  config: WxmpConfig;
}

export interface JsonMessage {
  line?: number;
  column?: number;
  severity: string;
  rule?: string;
  message: string;
}

export function messagesToJson(messages: readonly Problem[]): JsonMessage[] {
  return messages.map((m) => ({
    ...(m.line ? { line: m.line } : {}),
    ...(m.column ? { column: m.column } : {}),
    severity: severityOf(m),
    ...(m.ruleId ? { rule: m.ruleId } : {}),
    message: m.reason,
  }));
}

/** Renders Markdown without uploading: image sources stay as written. */
export async function renderOnly(markdown: string, ctx: RenderContext, theme?: string): Promise<RenderedPost> {
  checkSize(markdown, ctx.config);
  const { renderMarkdown } = await import('../render/render.js');
  return renderMarkdown(markdown, { config: ctx.config, baseDir: ctx.root, theme, fileName: 'request.md' });
}

export interface MarkdownArticle {
  rendered: RenderedPost;
  html: string;
  /** The cover's permanent material id, when the Markdown has a cover and none was given. */
  thumbMediaId?: string;
  images: { uploaded: number; reused: number };
}

/**
 * Renders Markdown for a draft: errors (a missing image, too many formulas…) refuse it with the messages; every image
 * (local in the project, remote, data: URI) is uploaded to the account — once per content hash — and its URL written
 * in; the cover is uploaded unless `thumbMediaId` was given.
 */
export async function markdownArticle(markdown: string, ctx: RenderContext, target: AccountTarget, options: { theme?: string; thumbMediaId?: string }): Promise<MarkdownArticle> {
  checkSize(markdown, ctx.config);
  const { renderMarkdown } = await import('../render/render.js');
  const refs: ImageRef[] = [];
  const rendered = await renderMarkdown(markdown, {
    config: ctx.config,
    baseDir: ctx.root,
    theme: options.theme,
    fileName: 'request.md',
    resolveImage: resolverFor({ kind: 'placeholders' }, refs),
  });
  if (!rendered.ok) {
    const errors = rendered.messages.filter(isError);
    throw new ApiError(422, `the Markdown has ${errors.length} error${errors.length === 1 ? '' : 's'}: ${errors[0]?.reason ?? 'see messages'}`, { messages: messagesToJson(errors) });
  }
  const downloader = new Downloader({ allowHosts: ctx.config.remoteImages.allowHosts, timeoutMs: ctx.config.remoteImages.timeoutMs, maxBytes: ctx.config.limits.imageBytes });
  const read = (ref: ImageRef) => readImage(ref, undefined, downloader, ctx.config.limits.imageBytes);
  const images = { uploaded: 0, reused: 0 };
  const urls = await Promise.all(
    refs.map(async (ref) => {
      const uploaded = await target.uploader.bodyImage(await read(ref), ref);
      images[uploaded.fresh ? 'uploaded' : 'reused']++;
      return uploaded.image.url;
    }),
  );
  const html = substituteImages(rendered.html, urls);
  let thumbMediaId = options.thumbMediaId;
  if (!thumbMediaId && rendered.cover && rendered.cover.kind !== 'wechat') {
    const cover = await target.uploader.cover(await read(rendered.cover), rendered.cover);
    images[cover.fresh ? 'uploaded' : 'reused']++;
    thumbMediaId = cover.cover.mediaId;
  }
  return { rendered, html, ...(thumbMediaId ? { thumbMediaId } : {}), images };
}

/**
 * HTML from a tool goes through the posts' allowlist (src/render/sanitize/schema.ts): no scripts, styles, iframes,
 * handlers, `javascript:` links, ids or foreign classes; inline styles filtered.
 */
export function sanitizeArticleHtml(html: string): string {
  return sanitizeTemplate(html);
}

function checkSize(markdown: string, config: WxmpConfig): void {
  const bytes = Buffer.byteLength(markdown);
  if (bytes > config.limits.postBytes) throw new ApiError(413, `the Markdown is ${bytes} bytes, over limits.postBytes (${config.limits.postBytes})`);
}

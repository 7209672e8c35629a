/**
 * What `renderPost` takes and gives back. A module of its own so that the modules renderPost uses (lint.ts,
 * article-meta.ts…) and the sync can name the result without importing the renderer.
 */
import type { WxmpConfig } from '../config/schema.js';
import type { PostMeta } from '../content/post.js';
import type { Problem } from '../util/messages.js';
import type { ImageRef, ImageResolver, LinkRef } from './types.js';

export interface RenderOptions {
  /** The posts repo root (relative paths in messages and outputs are relative to it). */
  root: string;
  config: WxmpConfig;
  /** Theme name overriding config and front matter (`wxmp build --theme`). */
  theme?: string;
  /** Maps image references to the URLs written into the HTML (preview paths, mmbiz URLs). */
  resolveImage?: ImageResolver;
}

export interface RenderedPost {
  source: string;
  title: string;
  author?: string;
  digest: string;
  /** True when the digest was derived from the text (no `digest` in front matter). */
  digestDerived: boolean;
  /** True when a digest from an alias key (`description`…) was too long and was shortened. */
  digestShortened: boolean;
  /** The byline came from a list of authors too long for WeChat and was cut to the first names + 等. */
  authorShortened: boolean;
  /** Final WeChat HTML: sanitized, templated, styles inlined, no classes. */
  html: string;
  /** The sanitized body before the template and inlining. */
  bodyHtml: string;
  /** What juice received (template + body, with classes). */
  preInlineHtml: string;
  images: ImageRef[];
  /** The cover: front matter `cover`, else the first image, else the config's default cover. */
  cover?: ImageRef;
  linkRefs: LinkRef[];
  /** Absolute paths of other files the rendering read (`--8<--` snippets, mkdocs.yml for a nav title): inputs, like images. */
  includes: string[];
  mathCount: number;
  theme: string;
  themeVersion: string;
  meta: PostMeta;
  messages: Problem[];
  sizes: { markdownBytes: number; textChars: number; bodyHtmlBytes: number; preInlineBytes: number; htmlBytes: number };
  /** sha256 of the final HTML. */
  htmlHash: string;
  /** False when any message is an error. */
  ok: boolean;
}

/**
 * The fields WeChat shows around an article's body — title, digest (摘要), author, cover — and the rules that choose
 * them from the front matter, the rendered text, the config and, on MkDocs sites, mkdocs.yml's nav. renderPost gathers
 * the inputs (the heading the title plugin took, the text the processor captured, the nav title it looked up); these
 * functions decide, without reading anything themselves except the cover's existence check, which classifies it like
 * any image. lint.ts then reports what they chose (shortened, missing, too long).
 */
import path from 'node:path';
import type { WxmpConfig } from '../config/schema.js';
import { lineOfKey } from '../content/front-matter.js';
import type { Post } from '../content/post.js';
import { shortenAuthors } from './author.js';
import { deriveDigest } from './digest.js';
import { mermaidCacheDir } from './plugins/rehype/mermaid/cache.js';
import type { ImageRef, RenderSettings } from './types.js';
import { classifyImageSrc } from './util/image-src.js';

const chars = (text: string) => [...text].length;

/**
 * Whether to look the title up in mkdocs.yml's `nav:`: MkDocs sites (OI-wiki) keep many titles only there, so it is
 * the last resort before "missing title" when the front matter and the leading heading give none.
 */
export function wantsNavTitle(post: Post, headingTitle: string | undefined, config: WxmpConfig): boolean {
  return !(post.meta.title ?? headingTitle) && config.render.mkdocs;
}

/** The title: the front matter's, else the leading `# heading` taken as title, else the nav's, else none (lint says). */
export function articleTitle(post: Post, headingTitle?: string, navTitle?: string): string {
  return post.meta.title ?? headingTitle ?? navTitle ?? '';
}

interface ArticleDigest {
  digest: string;
  /** No digest in the front matter: taken from the text. */
  derived: boolean;
  /** A digest from an alias key (`description`…) was too long and was shortened. */
  shortened: boolean;
}

/**
 * The digest. Without one in the front matter it is derived from the post's paragraphs (`digestText`, else all of its
 * text). One taken from another blog's key (Hugo `description`…) is shortened to fit rather than refused, so a blog
 * crossposts without edits; one written as `digest:` is the author's and is kept as is (lint refuses it if too long).
 */
export function articleDigest(post: Post, text: string, digestText: string | undefined, max: number): ArticleDigest {
  const written = post.meta.digest;
  if (written === undefined) return { digest: deriveDigest(digestText || text, max), derived: true, shortened: false };
  const fromAlias = post.keyOrigin.digest !== undefined;
  const digest = fromAlias && chars(written) > max ? deriveDigest(written, max) : written;
  return { digest, derived: false, shortened: digest !== written };
}

interface ArticleAuthor {
  author: string | undefined;
  /** The byline was a list of names too long for WeChat, cut to the first ones + 等. */
  shortened: boolean;
}

/**
 * The author: the front matter's, else the config's. A byline from another blog (an alias key, a list of `authors`, a
 * MkDocs meta block) keeps the names that fit in `lint.authorMax`; an explicit `author:` string is never edited.
 */
export function articleAuthor(post: Post, config: WxmpConfig): ArticleAuthor {
  const written = post.meta.author ?? config.author;
  const key = post.keyOrigin.author ?? 'author';
  const fromBlog = post.keyOrigin.author !== undefined || Array.isArray(post.frontMatter.data[key]) || post.frontMatter.format === 'meta';
  const max = config.lint.authorMax;
  const short = written !== undefined && fromBlog && chars(written) > max ? shortenAuthors(written, max) : undefined;
  return { author: short ?? written, shortened: short !== undefined };
}

/**
 * The cover: the front matter's `cover` (resolved like an image of the post, positioned at its key for messages), else
 * the first body image that is not a data: URL or a drawn Mermaid diagram (a diagram cropped to 2.35:1 is no cover),
 * else the config's `defaultCover` (relative to the project root).
 */
export function articleCover(post: Post, images: readonly ImageRef[], root: string, config: WxmpConfig, settings: RenderSettings): ImageRef | undefined {
  if (post.meta.cover) {
    return classifyImageSrc(post.meta.cover, settings, { line: lineOfKey(post.frontMatter, post.keyOrigin.cover ?? 'cover'), column: 1 });
  }
  const diagrams = mermaidCacheDir(root) + path.sep;
  const first = images.find((image) => image.kind !== 'data' && !(image.path && image.path.startsWith(diagrams)));
  if (first) return first;
  if (config.defaultCover) return classifyImageSrc(config.defaultCover, { ...settings, baseDir: root });
  return undefined;
}

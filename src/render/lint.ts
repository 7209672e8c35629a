import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { WxmpConfig } from '../config/schema.js';
import { lineOfKey } from '../content/front-matter.js';
import type { Post } from '../content/post.js';
import { formatOfExtension, sniffImageFormat, type ImageFormat } from '../util/image-type.js';
import { problem, type Problem } from '../util/messages.js';
import type { RenderedPost } from './rendered.js';
import type { ImageRef } from './types.js';

const MB = 1024 * 1024;

/** Bytes of the inline `<svg>…</svg>` elements (formulas) in the final HTML. */
function inlineSvgBytes(html: string): number {
  let bytes = 0;
  for (let start = html.indexOf('<svg'); start >= 0; start = html.indexOf('<svg', start + 1)) {
    const end = html.indexOf('</svg>', start);
    if (end < 0) break;
    bytes += Buffer.byteLength(html.slice(start, end + 6));
    start = end;
  }
  return bytes;
}

/** media/uploadimg takes jpg/png strictly under 1 MB (docs/wechat-api.md §4.1); anything else is converted by the sync. */
const UPLOADIMG_FORMATS = new Set<ImageFormat>(['jpeg', 'png', 'apng']);

/**
 * Preflight checks against WeChat's documented limits (docs/wechat-api.md §5.1), run on every rendered post before anything
 * could be sent. Limits come from the config's `lint` section.
 */
export async function lintArticle(article: RenderedPost, post: Post, config: WxmpConfig): Promise<Problem[]> {
  const { lint } = config;
  const out: Problem[] = [];
  const file = post.source;
  const at = (key: string) => ({ line: lineOfKey(post.frontMatter, post.keyOrigin[key] ?? key) });
  const chars = (text: string) => [...text].length;

  if (!article.title) {
    out.push(problem(file, 'Missing title: add `title:` to the front matter or start the post with `# Title`', { line: 1 }, 'title-missing', 'error'));
  } else if (chars(article.title) > lint.titleMax) {
    out.push(problem(file, `Title is ${chars(article.title)} characters, WeChat allows ${lint.titleMax}`, at('title'), 'title-too-long', 'error'));
  } else if (chars(article.title) > lint.titleWarn) {
    out.push(
      problem(file, `Title is ${chars(article.title)} characters, over the documented ${lint.titleWarn}: it may be cut in chat lists`, at('title'), 'title-long', 'warning'),
    );
  }
  const writtenAuthor = post.keyOrigin.author ?? 'author';
  if (article.authorShortened) {
    out.push(
      problem(file, `\`${writtenAuthor}\` is ${chars(post.meta.author ?? '')} characters, over WeChat's ${lint.authorMax}: the byline was shortened to \`${article.author}\` (add \`author:\` to choose it)`, at('author'), 'author-shortened', 'warning'),
    );
  } else if (article.author && chars(article.author) > lint.authorMax) {
    out.push(
      problem(file, `Author is ${chars(article.author)} characters, WeChat allows ${lint.authorMax}: shorten \`${writtenAuthor}\` or set \`author:\` in the front matter`, at('author'), 'author-too-long', 'error'),
    );
  }
  if (article.digestShortened) {
    const written = post.keyOrigin.digest ?? 'digest';
    out.push(
      problem(file, `\`${written}\` is ${chars(post.meta.digest ?? '')} characters, over WeChat's ${lint.digestMax}: the digest was shortened (add \`digest:\` to choose it)`, at('digest'), 'digest-shortened', 'warning'),
    );
  } else if (!article.digestDerived && chars(article.digest) > lint.digestMax) {
    out.push(problem(file, `Digest is ${chars(article.digest)} characters, WeChat allows ${lint.digestMax}`, at('digest'), 'digest-too-long', 'error'));
  }
  if (article.sizes.textChars >= lint.maxTextChars) {
    out.push(
      problem(file, `Text is ${article.sizes.textChars} characters, WeChat requires fewer than ${lint.maxTextChars}: split the post`, { line: 1 }, 'content-too-long', 'error'),
    );
  }
  if (article.sizes.htmlBytes >= lint.maxHtmlBytes) {
    const mb = (bytes: number) => `${(bytes / MB).toFixed(2)} MB`;
    const svgBytes = article.mathCount > 0 ? inlineSvgBytes(article.html) : 0;
    // Every glyph of every formula is an inline path (WeChat strips <defs>/<use>), so math is what usually fills the MB.
    const why = svgBytes > article.sizes.htmlBytes / 2 ? `; ${article.mathCount} formulas take ${mb(svgBytes)} of it` : '';
    out.push(
      problem(file, `HTML is ${mb(article.sizes.htmlBytes)}, WeChat requires less than ${mb(lint.maxHtmlBytes)}${why}: split the post`, { line: 1 }, 'html-too-large', 'error'),
    );
  }

  const maxBytes = config.limits.imageBytes;
  for (const image of article.images) out.push(...(await lintImage(file, image, 'body', maxBytes)));

  if (!article.cover) {
    out.push(await generatedCoverNotice(file, article.title));
  } else if (post.meta.cover) {
    if (article.cover.refused) {
      out.push(problem(file, `Cover: ${article.cover.refused}`, at('cover'), 'cover-outside-root', 'error'));
    } else if (article.cover.kind === 'local' && !article.cover.exists) {
      out.push(problem(file, `Cannot find cover \`${article.cover.src}\``, at('cover'), 'cover-missing-file', 'error'));
    } else {
      out.push(...(await lintImage(file, { ...article.cover, ...at('cover') }, 'cover', maxBytes)));
    }
  }
  return out;
}

/**
 * A post without a cover gets one generated at sync (src/assets/generated-cover.ts): an info, which says when the title
 * cannot be drawn on it (no CJK font on this machine).
 */
async function generatedCoverNotice(file: string, title: string): Promise<Problem> {
  const { canDrawTitle } = await import('../assets/generated-cover.js');
  const how = (await canDrawTitle(title))
    ? "with the title in the theme's colours"
    : "in the theme's colours, without the title: this machine has no CJK font (install one, e.g. fonts-noto-cjk, to draw it)";
  const choose = 'add `cover:` to the front matter, an image to the post, or `defaultCover` to the config to choose one';
  return problem(file, `No cover: the sync uploads a generated 900×383 cover ${how}; ${choose}`, { line: 1 }, 'cover-generated', 'info');
}

async function lintImage(file: string, image: ImageRef, role: 'body' | 'cover', maxBytes: number): Promise<Problem[]> {
  const place = { line: image.line, column: image.column };
  if (image.kind === 'remote') {
    return [problem(file, `Remote image \`${image.src}\` will be downloaded and re-hosted on WeChat (WeChat filters other hosts)`, place, 'image-remote', 'info')];
  }
  if (image.kind !== 'local' || !image.exists || !image.path) return [];
  const info = await readImageInfo(image.path);
  const out: Problem[] = [];
  const name = image.src;
  if (!info.format) {
    return [problem(file, `\`${name}\` is not an image WeChat or wxmp can read`, place, 'image-format-unknown', 'error')];
  }
  const declared = formatOfExtension(path.extname(image.path));
  if (declared && declared !== info.format && !(declared === 'png' && info.format === 'apng')) {
    out.push(problem(file, `\`${name}\` is ${info.format.toUpperCase()} data with a .${path.extname(image.path).slice(1)} name`, place, 'image-extension-mismatch', 'warning'));
  }
  if (!UPLOADIMG_FORMATS.has(info.format) && role === 'cover') {
    // Covers are permanent image materials, always sent as JPEG/PNG (src/assets/convert.ts prepareCoverImage).
    const how = info.format === 'gif' ? 'its first frame, as PNG' : info.format === 'svg' ? 'PNG' : 'PNG or JPEG';
    out.push(problem(file, `\`${name}\` is ${info.format.toUpperCase()}: wxmp uploads the cover as ${how}`, place, 'image-convert', 'info'));
  } else if (!UPLOADIMG_FORMATS.has(info.format)) {
    const what =
      info.format === 'gif'
        ? 'wxmp uploads an animated GIF as a permanent image material (the animation is kept) and a still one as PNG'
        : `wxmp will upload it as ${info.format === 'svg' ? 'PNG' : 'PNG or JPEG'}`;
    out.push(problem(file, `\`${name}\` is ${info.format.toUpperCase()}: WeChat's body images are JPEG/PNG, ${what}`, place, 'image-convert', 'info'));
  } else if (info.size >= MB) {
    out.push(
      problem(file, `\`${name}\` is ${(info.size / MB).toFixed(1)} MB: WeChat takes body images under 1 MB, wxmp will recompress it`, place, 'image-recompress', 'info'),
    );
  }
  if (info.size > maxBytes) {
    const limit = `limits.imageBytes (${maxBytes}) in wxmp.config.ts`;
    out.push(problem(file, `\`${name}\` is ${info.size} bytes, over the limit of ${maxBytes}: use a smaller original or raise ${limit}`, place, 'image-too-large', 'error'));
  } else if (info.size > 20 * MB) {
    out.push(problem(file, `\`${name}\` is ${(info.size / MB).toFixed(1)} MB: consider a smaller original`, place, 'image-huge', 'warning'));
  }
  return out;
}

async function readImageInfo(file: string): Promise<{ format?: ImageFormat; size: number }> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const { size } = await stat(file);
    return { format: sniffImageFormat(head.subarray(0, bytesRead)), size };
  } finally {
    await handle.close();
  }
}

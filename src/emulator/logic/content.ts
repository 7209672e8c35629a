/**
 * Draft content normalisation — what WeChat does to article HTML on draft/add and draft/update (docs/wechat-api.md §12):
 * JS removed ("此处会去除JS"), external images filtered ("外部图片url将被过滤"), `<img src>` read back as `data-src`
 * (GZH), non-article links made unclickable, `<style>`/`<link>`/`<iframe>`/form elements dropped.
 */
import { load, type CheerioAPI } from 'cheerio';
import { servedMediaId } from './media-files.js';

/** The parts of a parsed (domhandler) node the text walker reads. */
interface HtmlNode {
  type: string;
  data?: string;
  name?: string;
  children?: HtmlNode[];
}

const DROPPED_ELEMENTS = 'script, style, link, iframe, frame, frameset, object, embed, form, input, button, select, textarea, meta, base, noscript';
const WECHAT_IMAGE_HOSTS = new Set(['mmbiz.qpic.cn', 'mmbiz.qlogo.cn']);
const URL_ATTRIBUTES = ['href', 'src', 'data-src', 'action', 'formaction', 'background', 'poster', 'xlink:href'];

export interface ContentOptions {
  /** Origins whose `/mmbiz_*` paths count as WeChat-hosted (the emulator's own and options.mediaBaseUrl). */
  mediaOrigins: string[];
  /**
   * True for ids of media this emulator serves: such URLs count as hosted whatever their origin, so URLs cached by a
   * client before the emulator restarted on another port still survive the image filter.
   */
  isServedMedia?: (id: string) => boolean;
}

export interface NormalisedContent {
  html: string;
  /** Visible text, whitespace collapsed. */
  text: string;
}

export function isWeChatImageUrl(src: string, options: ContentOptions): boolean {
  let url: URL;
  try {
    url = new URL(src.trim().startsWith('//') ? `https:${src.trim()}` : src.trim());
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (WECHAT_IMAGE_HOSTS.has(url.hostname)) return true;
  const id = servedMediaId(url.pathname);
  if (id && options.isServedMedia?.(id)) return true;
  return options.mediaOrigins.some((o) => sameOrigin(o, url) && url.pathname.startsWith('/mmbiz_'));
}

function sameOrigin(origin: string, url: URL): boolean {
  try {
    return new URL(origin).origin === url.origin;
  } catch {
    return false;
  }
}

/** Only links to WeChat articles stay clickable (docs/wechat-api.md §12 "Hyperlinks"). */
export function isWeChatArticleLink(href: string, options: ContentOptions): boolean {
  try {
    const url = new URL(href.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    // The emulator's own published-article URLs (`<origin>/s?__biz=…`) stand in for mp.weixin.qq.com ones.
    return url.hostname === 'mp.weixin.qq.com' || (url.pathname === '/s' && options.mediaOrigins.some((o) => sameOrigin(o, url)));
  } catch {
    return false;
  }
}

function isJavascriptUrl(value: string): boolean {
  // Browsers ignore control characters and whitespace inside the scheme ("java\tscript:").
  return /^javascript:/i.test(value.replace(/[\u0000-\u0020]/g, ''));
}

export function collapseText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function normaliseContent(html: string, options: ContentOptions): NormalisedContent {
  const $ = load(html, null, false);
  $(DROPPED_ELEMENTS).remove();
  $('*').each((_, el) => {
    if (el.type !== 'tag') return;
    for (const name of Object.keys(el.attribs)) {
      const value = el.attribs[name] ?? '';
      if (/^on/i.test(name) || (URL_ATTRIBUTES.includes(name.toLowerCase()) && isJavascriptUrl(value))) {
        delete el.attribs[name];
      }
    }
  });
  $('img').each((_, el) => {
    const img = $(el);
    const src = img.attr('data-src') ?? img.attr('src') ?? '';
    if (!src || !isWeChatImageUrl(src, options)) {
      img.remove();
      return;
    }
    // Rename in place so attribute order survives: <img src=… alt=…> reads back as <img data-src=… alt=…>.
    const renamed: Record<string, string> = {};
    for (const [name, value] of Object.entries(el.attribs)) {
      if (name === 'src') renamed['data-src'] = src;
      else if (name !== 'data-src') renamed[name] = value;
    }
    if (!('data-src' in renamed)) renamed['data-src'] = src;
    el.attribs = renamed;
  });
  $('a[href]').each((_, el) => {
    const a = $(el);
    if (!isWeChatArticleLink(a.attr('href') ?? '', options)) a.removeAttr('href');
  });
  return { html: $.html(), text: visibleText($) };
}

/**
 * For previews: turn stored `data-src` back into `src` so a browser shows the images; images this emulator serves
 * are pointed at `origin` (they may carry the port of an earlier run).
 */
export function withSrc(html: string, origin?: string): string {
  const $ = load(html, null, false);
  $('img[data-src]').each((_, el) => {
    const img = $(el);
    let src = img.attr('data-src') ?? '';
    try {
      const url = new URL(src);
      if (origin && servedMediaId(url.pathname) && !WECHAT_IMAGE_HOSTS.has(url.hostname)) src = origin + url.pathname + url.search;
    } catch {
      /* keep as is */
    }
    img.attr('src', src);
  });
  return $.html();
}

const BLOCK_TAGS = new Set([
  'p', 'div', 'section', 'article', 'header', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'ul', 'ol', 'blockquote',
  'pre', 'table', 'tr', 'td', 'th', 'figure', 'figcaption', 'br', 'hr', 'dt', 'dd',
]);

/** Text as a reader sees it: block boundaries become spaces, whitespace collapsed. */
function visibleText($: CheerioAPI): string {
  const parts: string[] = [];
  const walk = (nodes: HtmlNode[]): void => {
    for (const node of nodes) {
      if (node.type === 'text') parts.push(node.data ?? '');
      else if (node.type === 'tag') {
        const block = BLOCK_TAGS.has(node.name ?? '');
        if (block) parts.push(' ');
        walk(node.children ?? []);
        if (block) parts.push(' ');
      }
    }
  };
  walk((($.root()[0] as unknown as HtmlNode | undefined)?.children) ?? []);
  return collapseText(parts.join(''));
}

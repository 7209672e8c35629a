/**
 * rehypeLinkReferences: what becomes of links in WeChat.
 *
 * WeChat only lets article HTML link to mp.weixin.qq.com; other `<a href>` are not clickable or make the API
 * answer 45166 (wechat-api.md §12). Per `settings.links`:
 *   - 'references' (default): an external link (http, https, protocol-relative; host ≠ mp.weixin.qq.com) is
 *     replaced by its content + `<sup class="wx-linkref">[n]</sup>`, one number per distinct URL, and the URLs are
 *     listed at the end of the article:
 *       <section class="wx-references"><p class="wx-references-title">参考链接</p>
 *         <p class="wx-reference">[1] link text: <span class="wx-reference-url">https://…</span></p>…
 *     The text is left out when it is the URL itself (autolinks, bare URLs). The title is "参考链接" when the
 *     article reads as CJK and "References" otherwise (rule in ../util/lang.ts: CJK ≥ 10% of the letters).
 *   - 'text': external links keep only their content.
 *   - 'keep': nothing changes.
 * In 'references' and 'text' modes, links that cannot work in WeChat anyway (in-page `#anchors` — WeChat strips
 * ids —, relative paths, `mailto:`, `tel:`, `javascript:`…) keep their content and lose the link, with no
 * reference. Links to mp.weixin.qq.com stay clickable in every mode. Footnote links (inside `sup.wx-fnref`, or
 * remark's `data-footnote-ref/backref`) belong to the footnotes plugin and are left alone, as is anything inside
 * `pre`, `code` and `svg`. `file.data.linkRefs` lists the references.
 */
import type { Element, ElementContent, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import type { Transformer } from 'unified';
import { SKIP, visit } from 'unist-util-visit';
import { defaultRenderSettings, type LinkRef } from '../types.js';
import { treeIsCjk } from '../util/lang.js';

const WECHAT_HOST = 'mp.weixin.qq.com';

export type LinkTarget =
  /** http(s) link to mp.weixin.qq.com: clickable in WeChat. */
  | { kind: 'wechat' }
  /** http(s) or protocol-relative link elsewhere; `url` as shown to readers, `key` identifies it. */
  | { kind: 'external'; url: string; key: string }
  /** An http(s) URL that does not parse (`http://`, `https://exa mple.com`). */
  | { kind: 'invalid' }
  /** Anything else: in-page anchor, relative path, mailto:, javascript:, no href… */
  | { kind: 'other' };

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/** Classifies an `href` (see the module comment). Only http(s) URLs can ever become references. */
export function classifyHref(href: unknown): LinkTarget {
  if (typeof href !== 'string') return { kind: 'other' };
  const trimmed = href.trim();
  let absolute: string;
  if (trimmed.startsWith('//')) {
    absolute = `https:${trimmed}`;
  } else {
    const scheme = SCHEME.exec(trimmed)?.[1]?.toLowerCase();
    if (scheme !== 'http' && scheme !== 'https') return { kind: 'other' };
    absolute = trimmed;
  }
  let parsed: URL;
  try {
    parsed = new URL(absolute);
  } catch {
    return { kind: 'invalid' };
  }
  if (parsed.hostname === WECHAT_HOST) return { kind: 'wechat' };
  return { kind: 'external', url: readableUrl(absolute), key: parsed.href };
}

/** Percent-encoded UTF-8 (`%E4%B8%AD`) shown as the characters readers typed (`中`); reserved escapes stay. */
function readableUrl(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

/** Compares a link's text to its URL, ignoring scheme, `//`, a trailing slash, case and percent-encoding. */
export function textIsUrl(text: string, url: string): boolean {
  const normalize = (value: string): string =>
    readableUrl(value.trim())
      .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
      .replace(/^\/\//, '')
      .replace(/\/+$/, '')
      .toLowerCase();
  return text.trim() !== '' && normalize(text) === normalize(url);
}

function classList(element: Element): string[] {
  const value = element.properties.className;
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? String(value).split(/\s+/) : [];
}

/** The text a reader sees for a link: its text, or the alt of an image inside it. */
function linkText(link: Element): string {
  const text = toString(link).replace(/\s+/g, ' ').trim();
  if (text !== '') return text;
  let alt = '';
  visit(link, 'element', (node) => {
    if (node.tagName === 'img' && typeof node.properties.alt === 'string' && node.properties.alt.trim() !== '') {
      alt = node.properties.alt.trim();
      return false;
    }
    return undefined;
  });
  return alt;
}

function textNode(value: string): ElementContent {
  return { type: 'text', value };
}

function referencesSection(refs: readonly LinkRef[], cjk: boolean): Element {
  const children: ElementContent[] = [
    textNode('\n'),
    {
      type: 'element',
      tagName: 'p',
      properties: { className: ['wx-references-title'] },
      children: [textNode(cjk ? '参考链接' : 'References')],
    },
  ];
  for (const ref of refs) {
    const label = ref.text !== '' && !textIsUrl(ref.text, ref.url) ? `[${ref.index}] ${ref.text}: ` : `[${ref.index}] `;
    children.push(textNode('\n'), {
      type: 'element',
      tagName: 'p',
      properties: { className: ['wx-reference'] },
      children: [
        textNode(label),
        {
          type: 'element',
          tagName: 'span',
          // Long URLs have no break opportunities: let them wrap anywhere instead of widening the column.
          properties: { className: ['wx-reference-url'], style: 'word-break:break-all;' },
          children: [textNode(ref.url)],
        },
      ],
    });
  }
  children.push(textNode('\n'));
  return { type: 'element', tagName: 'section', properties: { className: ['wx-references'] }, children };
}

const OPAQUE = new Set(['pre', 'code', 'svg', 'math', 'script', 'style']);

export function rehypeLinkReferences(): Transformer<Root> {
  return (tree, file) => {
    const mode = (file.data.settings ?? defaultRenderSettings).links;
    const refs: LinkRef[] = [];
    file.data.linkRefs = refs;
    if (mode === 'keep') return;
    const byKey = new Map<string, LinkRef>();

    visit(tree, 'element', (node, index, parent) => {
      if (OPAQUE.has(node.tagName)) return SKIP;
      if (node.tagName === 'sup' && classList(node).includes('wx-fnref')) return SKIP;
      if (node.tagName !== 'a' || parent === undefined || index === undefined) return undefined;
      if (node.properties.dataFootnoteRef !== undefined || node.properties.dataFootnoteBackref !== undefined) return SKIP;

      const target = classifyHref(node.properties.href);
      if (target.kind === 'wechat') return SKIP;
      if (target.kind === 'invalid') {
        file.message(`Invalid link URL \`${String(node.properties.href)}\`: kept the text only`, {
          place: node.position,
          ruleId: 'link-invalid',
          source: 'wxmp',
        });
      }
      const replacement: ElementContent[] = [...node.children];
      if (target.kind === 'external' && mode === 'references') {
        let ref = byKey.get(target.key);
        if (!ref) {
          ref = { url: target.url, index: refs.length + 1, text: linkText(node) };
          byKey.set(target.key, ref);
          refs.push(ref);
        }
        replacement.push({
          type: 'element',
          tagName: 'sup',
          properties: { className: ['wx-linkref'] },
          children: [textNode(`[${ref.index}]`)],
        });
      }
      parent.children.splice(index, 1, ...replacement);
      // Continue with the link's former content: it may hold images or (invalid but possible) nested links.
      return index;
    });

    if (refs.length > 0) tree.children.push(textNode('\n'), referencesSection(refs, treeIsCjk(tree)));
  };
}

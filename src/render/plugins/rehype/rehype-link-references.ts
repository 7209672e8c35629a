/**
 * rehypeLinkReferences: what becomes of links in WeChat.
 *
 * WeChat only lets article HTML link to mp.weixin.qq.com; other `<a href>` are not clickable or make the API
 * answer 45166 (docs/wechat-api.md §12). Per `settings.links`:
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
import type { VFile } from 'vfile';
import { defaultRenderSettings, type LinkRef } from '../../types.js';
import { treeIsCjk } from '../../util/lang.js';
import { classList } from '../../util/class-names.js';

const WECHAT_HOST = 'mp.weixin.qq.com';

type LinkTarget =
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

/** The text a reader sees for a link: its text, or the alt of an image inside it. */
function linkText(link: Element): string {
  const text = toString(link).replace(/\s+/g, ' ').trim();
  return text !== '' ? text : imageAlt(link);
}

function imageAlt(element: Element): string {
  for (const child of element.children) {
    if (child.type !== 'element') continue;
    const alt = child.properties.alt;
    if (child.tagName === 'img' && typeof alt === 'string' && alt.trim() !== '') return alt.trim();
    const inner = imageAlt(child);
    if (inner !== '') return inner;
  }
  return '';
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

interface WalkState {
  mode: 'references' | 'text';
  file: VFile;
  refs: LinkRef[];
  byKey: Map<string, LinkRef>;
}

/**
 * Walks the tree by hand (no per-node closures: posts hold hundreds of links and we benchmark throughput). A parent's
 * children are rebuilt into a new array once the first link is met, rather than spliced in place: splicing costs the
 * length of the array per link, and a paragraph of 100,000 links would take a minute (docs/security.md).
 */
function transform(parent: Root | Element, state: WalkState): void {
  const children = parent.children as ElementContent[];
  let out: ElementContent[] | undefined;
  for (let i = 0; i < children.length; i++) {
    const node = children[i]!;
    const replacement = node.type === 'element' ? replaceLink(node, state) : undefined;
    if (replacement === undefined) {
      out?.push(node);
      continue;
    }
    out ??= children.slice(0, i);
    // The link's former content may hold images or (invalid but possible) nested links.
    const holder: Element = { type: 'element', tagName: 'span', properties: {}, children: replacement };
    transform(holder, state);
    for (const child of holder.children) out.push(child);
  }
  if (out) parent.children = out;
}

/** The nodes that replace a link (its content, and a `[n]` marker), or undefined for any other element (walked into). */
function replaceLink(node: Element, state: WalkState): ElementContent[] | undefined {
  if (OPAQUE.has(node.tagName)) return undefined;
  if (node.tagName === 'sup' && classList(node).includes('wx-fnref')) return undefined;
  if (node.tagName !== 'a') {
    transform(node, state);
    return undefined;
  }
  if (node.properties.dataFootnoteRef !== undefined || node.properties.dataFootnoteBackref !== undefined) return undefined;

  const target = classifyHref(node.properties.href);
  if (target.kind === 'wechat') return undefined;
  if (target.kind === 'invalid') {
    state.file.message(`Invalid link URL \`${String(node.properties.href)}\`: kept the text only`, {
      place: node.position,
      ruleId: 'link-invalid',
      source: 'wxmp',
    });
  }
  const replacement: ElementContent[] = [...node.children];
  if (target.kind === 'external' && state.mode === 'references') {
    let ref = state.byKey.get(target.key);
    if (!ref) {
      ref = { url: target.url, index: state.refs.length + 1, text: linkText(node) };
      state.byKey.set(target.key, ref);
      state.refs.push(ref);
    }
    replacement.push({
      type: 'element',
      tagName: 'sup',
      properties: { className: ['wx-linkref'] },
      children: [textNode(`[${ref.index}]`)],
    });
  }
  return replacement;
}

export function rehypeLinkReferences(): Transformer<Root> {
  return (tree, file) => {
    const mode = (file.data.settings ?? defaultRenderSettings).links;
    const refs: LinkRef[] = [];
    file.data.linkRefs = refs;
    if (mode === 'keep') return;
    transform(tree, { mode, file, refs, byKey: new Map() });
    if (refs.length > 0) mergeAdjacentMarkers(tree);
    if (refs.length > 0) tree.children.push(textNode('\n'), referencesSection(refs, treeIsCjk(tree)));
  };
}

/** A narrow no-break space: keeps merged markers apart on screen and together on one line. */
const MARKER_GAP = '\u202f';

/**
 * `[RFC 3013](url)[^1]` gives a link number and a footnote marker side by side (`[1]①`), read as one odd number in
 * two tiny superscripts (issue 15). Adjacent `sup.wx-linkref` / `sup.wx-fnref` become one superscript whose parts
 * are spaced apart: `<sup class="wx-linkref">[1] ①</sup>`. Runs after the footnotes plugin (processor order).
 */
function mergeAdjacentMarkers(node: Root | Element): void {
  if (node.type === 'element' && ['pre', 'code', 'svg'].includes(node.tagName)) return;
  const out: (typeof node.children)[number][] = [];
  for (const child of node.children) {
    const previous = out.at(-1);
    if (isMarker(child) && previous && isMarker(previous)) {
      previous.children.push({ type: 'text', value: MARKER_GAP }, ...child.children);
      continue;
    }
    if (child.type === 'element') mergeAdjacentMarkers(child);
    out.push(child);
  }
  node.children = out as typeof node.children;
}

function isMarker(node: ElementContent | Root['children'][number]): node is Element {
  if (node.type !== 'element' || node.tagName !== 'sup') return false;
  const classes = classList(node);
  return classes.includes('wx-linkref') || classes.includes('wx-fnref');
}

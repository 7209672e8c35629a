/**
 * rehypeCjkSpacing: a space between CJK characters and Latin letters/digits (盘古之白): `用Node.js写的` →
 * `用 Node.js 写的`, `共100个` → `共 100 个`.
 *
 * Why not pangu (installed, v7): it does much more than this and some of it is wrong for articles — it splits
 * URLs (`a?b=1` → `a?b = 1`), pads half-width punctuation and operators (`中文,abc` → `中文, abc`,
 * `中文-English` → `中文 - English`, `中文/English` → `中文 / English`) and cannot see element boundaries. The rule
 * here is deliberately narrow:
 *  - only between a CJK character (Han, kana, Hangul, Bopomofo, ー) and a Latin/Greek/Cyrillic letter or ASCII
 *    digit, in either order; a Latin run may end in `%`, `+`, `#` (`50% 的`, `C++ 语言`, `C# 程序`);
 *  - punctuation is never touched: CJK punctuation （，。！？：；「」『』（）、…）, full-width `．`, full-width
 *    letters/digits and half-width punctuation are neither changed nor spaced;
 *  - existing whitespace is kept (nothing is added next to a space);
 *  - URLs and e-mail addresses inside text are left intact, and links whose text is a URL are not edited inside.
 * Not touched at all: code, pre, kbd/samp, SVG/math (and our `wx-code*`, `wx-math-*`, `wx-inline-code`,
 * list markers, task boxes, reference URLs).
 *
 * Element boundaries: inside one block, text flows through inline elements (a, strong, em, span, del…). Where
 * `中文<strong>English</strong>` meet, the space goes *outside* the inline element (`中文 <strong>English</strong>`,
 * never `<strong> English</strong>`, which would be underlined/bold). Block elements, `br`, images, sup/sub and the
 * untouchable elements above end the flow: no space is inserted across them (`中文<code>x</code>` stays as written).
 */
import type { Element, ElementContent, Root, Text } from 'hast';
import { toString } from 'hast-util-to-string';
import type { Transformer } from 'unified';
import type { VFile } from 'vfile';
import { defaultRenderSettings } from '../../types.js';

/** CJK characters that get a space next to Latin (letters only: punctuation of those scripts is `Common`). */
const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\u30FC`;
/** Latin (ASCII, Latin-1 letters, Latin Extended-A/B), basic Greek and Cyrillic letters, ASCII digits. */
const LATIN = String.raw`A-Za-z0-9\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u0391-\u03A9\u03B1-\u03C9\u0401\u0410-\u044F\u0451`;
/** What may trail a Latin run and still count as its end (`50%`, `C++`, `C#`). */
const LATIN_TAIL = '[%+#]*';

/** Zero-width positions that need a space: CJK|Latin and Latin(+tail)|CJK. One pass over the text. */
const BOUNDARY = new RegExp(`(?<=[${CJK}])(?=[${LATIN}])|(?<=[${LATIN}]${LATIN_TAIL})(?=[${CJK}])`, 'gu');
const HAS_CJK = new RegExp(`[${CJK}]`, 'u');
const HAS_LATIN = new RegExp(`[${LATIN}]`, 'u');
const ENDS_CJK = new RegExp(`[${CJK}]$`, 'u');
const ENDS_LATIN = new RegExp(`[${LATIN}]${LATIN_TAIL}$`, 'u');
const STARTS_CJK = new RegExp(`^[${CJK}]`, 'u');
const STARTS_LATIN = new RegExp(`^[${LATIN}]`, 'u');

/**
 * URLs and e-mail addresses in running text: never edited inside. A URL ends at whitespace, CJK punctuation or a
 * CJK character (`访问www.example.com获取` → `访问 www.example.com 获取`); autolinked URLs are `<a>` elements,
 * whose text is not edited at all, so a raw CJK path inside a link is safe.
 */
const URL_STOP = String.raw`\s<>"'，。！？；：、（）「」『』【】《》${CJK}`;
const URL_SOURCE = String.raw`\b(?:https?|ftp):\/\/[^${URL_STOP}]+|\bwww\.[^${URL_STOP}]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+`;
const URL = new RegExp(URL_SOURCE, 'giu');
const HAS_URL = new RegExp(URL_SOURCE, 'iu');
const LOOKS_LIKE_URL = /^(?:(?:https?|ftp):\/\/|www\.|mailto:)/i;

/** Whether a space belongs between text ending with `left` and text starting with `right`. */
export function needsSpace(left: string, right: string): boolean {
  if (left === '' || right === '') return false;
  const tail = left.slice(-8);
  return (ENDS_CJK.test(tail) && STARTS_LATIN.test(right)) || (ENDS_LATIN.test(tail) && STARTS_CJK.test(right));
}

/** Inserts the spaces inside one string (URLs and e-mail addresses kept intact). */
export function spaceCjkText(text: string): string {
  if (!HAS_CJK.test(text) || !HAS_LATIN.test(text)) return text;
  if (!HAS_URL.test(text)) return text.replace(BOUNDARY, ' ');
  let out = '';
  let last = 0;
  const append = (piece: string) => {
    if (needsSpace(out, piece)) out += ' ';
    out += piece;
  };
  for (const match of text.matchAll(URL)) {
    if (match.index > last) append(text.slice(last, match.index).replace(BOUNDARY, ' '));
    append(match[0]);
    last = match.index + match[0].length;
  }
  if (last < text.length) append(text.slice(last).replace(BOUNDARY, ' '));
  return out;
}

/** Elements whose text is never touched and which end the text flow. */
const OPAQUE_TAGS = new Set([
  'code',
  'pre',
  'kbd',
  'samp',
  'var',
  'tt',
  'svg',
  'math',
  'script',
  'style',
  'textarea',
  'template',
  'noscript',
  'iframe',
  'object',
]);
const OPAQUE_CLASSES = new Set(['wx-inline-code', 'wx-li-marker', 'wx-task-box', 'wx-reference-url']);
const OPAQUE_CLASS_PREFIXES = ['wx-code', 'wx-math', 'hljs'];

/** Inline elements the text flows through (a space between their text and the outside text is sensible). */
const INLINE_TAGS = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'big',
  'cite',
  'del',
  'dfn',
  'em',
  'font',
  'i',
  'ins',
  'label',
  'mark',
  'q',
  's',
  'small',
  'span',
  'strike',
  'strong',
  'time',
  'u',
]);

function isOpaque(element: Element): boolean {
  if (OPAQUE_TAGS.has(element.tagName)) return true;
  const classes = element.properties.className;
  if (!Array.isArray(classes)) return false;
  return classes.some((c) => {
    const name = String(c);
    return OPAQUE_CLASSES.has(name) || OPAQUE_CLASS_PREFIXES.some((prefix) => name.startsWith(prefix));
  });
}

type Parent = Root | Element;

/** The previous text node of the current inline flow, with its ancestors (root first, its parent last). */
interface Flow {
  prev?: { text: Text; chain: Parent[] };
}

/**
 * Puts the space for the boundary between `prev` and `text` outside any inline element that only one of them is
 * in: at the end of `prev`, at the start of `text`, or as a new text node in their closest common ancestor.
 */
function spaceBetween(prev: { text: Text; chain: Parent[] }, text: Text, chain: Parent[]): void {
  let depth = 0;
  while (depth < prev.chain.length && depth < chain.length && prev.chain[depth] === chain[depth]) depth++;
  const common = chain[depth - 1];
  if (!common) return;
  if (prev.chain.length === depth) prev.text.value += ' ';
  else if (chain.length === depth) text.value = ` ${text.value}`;
  else {
    const branch = chain[depth] as ElementContent;
    const at = common.children.indexOf(branch as never);
    if (at >= 0) (common.children as ElementContent[]).splice(at, 0, { type: 'text', value: ' ' });
  }
}

function walk(parent: Parent, chain: Parent[], flow: Flow, editable: boolean): void {
  let index = 0;
  while (index < parent.children.length) {
    const child = parent.children[index]!;
    if (child.type === 'text') {
      if (editable) child.value = spaceCjkText(child.value);
      if (flow.prev && needsSpace(flow.prev.text.value, child.value)) spaceBetween(flow.prev, child, chain);
      if (child.value !== '') flow.prev = { text: child, chain };
    } else if (child.type === 'element') {
      const childChain = [...chain, child];
      if (isOpaque(child)) {
        flow.prev = undefined;
      } else if (INLINE_TAGS.has(child.tagName)) {
        const urlLink = child.tagName === 'a' && LOOKS_LIKE_URL.test(toString(child).trim());
        walk(child, childChain, flow, editable && !urlLink);
      } else {
        flow.prev = undefined;
        walk(child, childChain, {}, editable);
        flow.prev = undefined;
      }
    }
    // Re-find the child: a space node may have been inserted before it (here or in an ancestor). Looking only when it
    // moved keeps a paragraph of 100,000 links linear (docs/security.md).
    index = parent.children[index] === child ? index + 1 : (parent.children as unknown[]).indexOf(child) + 1;
  }
}

function transform(tree: Root, file: VFile): void {
  const settings = file.data.settings ?? defaultRenderSettings;
  if (!settings.cjkSpacing) return;
  walk(tree, [tree], {}, true);
}

/** Inserts spaces between CJK and Latin text when `settings.cjkSpacing` is on (see the module comment). */
export function rehypeCjkSpacing(): Transformer<Root> {
  return (tree, file) => transform(tree, file);
}

import type { Element, ElementContent, Root, Text } from 'hast';
import { SKIP, visit } from 'unist-util-visit';
import { treeIsCjk } from '../../util/lang.js';

/**
 * Callouts. GitHub alerts (`> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]`, `[!CAUTION]`: case-insensitive, the
 * marker starts the blockquote's first line, optional custom title after it on that line) become
 *
 *   <section class="wx-alert wx-alert-note"><p class="wx-alert-title">ℹ️ Note</p>…the rest of the quote…</section>
 *
 * and so do VuePress containers (`::: tip [title]` … `:::`, used by zh-docs-javaguide and many Chinese docs sites):
 * tip → tip, warning → warning, danger → caution, info/note → note, important → important. WeChat has no
 * `<details>` (no script, no interactive elements: §12), so `::: details [summary]` is shown open, as a note titled
 * with its summary (default 详情/Details); `::: center` (vuepress-theme-hope) becomes a centred section. Other
 * containers and blockquotes that are not alerts are left as they are.
 *
 * Default titles are Chinese (提示/技巧/重要/警告/注意) when the post reads as CJK by the shared rule in
 * util/lang.ts, English otherwise; a custom title is used as written. The symbol before the title is an emoji,
 * which WeChat shows everywhere (an SVG icon would lose its `id`/`defs`, §12). Colours are the theme's business.
 */
export function rehypeGfmAlerts() {
  return (tree: Root) => {
    let cjk: boolean | undefined;
    const isCjk = () => (cjk ??= treeIsCjk(tree));

    visit(tree, (node) => {
      if (node.type !== 'root' && node.type !== 'element') return;
      if (node.type === 'element' && node.tagName === 'svg') return SKIP; // formulas: nothing for us inside
      convertContainers(node.children, isCjk);
      if (node.type === 'element' && node.tagName === 'blockquote') convertBlockquote(node, isCjk);
    });
  };
}

type AlertKind = 'note' | 'tip' | 'important' | 'warning' | 'caution';

const ALERT_META: Record<AlertKind, { symbol: string; en: string; zh: string }> = {
  note: { symbol: 'ℹ️', en: 'Note', zh: '提示' },
  tip: { symbol: '💡', en: 'Tip', zh: '技巧' },
  important: { symbol: '❗', en: 'Important', zh: '重要' },
  warning: { symbol: '⚠️', en: 'Warning', zh: '警告' },
  caution: { symbol: '🛑', en: 'Caution', zh: '注意' },
};

const GFM_MARKER = /^\s*\[!(note|tip|important|warning|caution)\][ \t]*/i;

const CONTAINER_KINDS: Record<string, AlertKind> = {
  tip: 'tip',
  warning: 'warning',
  danger: 'caution',
  caution: 'caution',
  info: 'note',
  note: 'note',
  important: 'important',
};
const CONTAINER_OPEN = /^[ \t]*(:{3,})[ \t]*(tip|warning|danger|caution|info|note|important|details|center)(?![\w-])[ \t]*/i;
/** Default title of a `::: details` block without a summary. */
const DETAILS_TITLE = { symbol: '▸', en: 'Details', zh: '详情' };
/** Any container opening (`::: details`, `::: center` too): a fence after it belongs to that container. */
const ANY_CONTAINER_OPEN = /^[ \t]*:{3,}[ \t]*[\w-]/;
/** A closing fence as the last line of a text: `…\n:::`, or the whole text. */
const CONTAINER_CLOSE = /(^|\n)[ \t]*(:{3,})[ \t]*$/;

/** `> [!NOTE] optional title` → alert section (the blockquote element is rewritten in place). */
function convertBlockquote(quote: Element, isCjk: () => boolean): void {
  const firstIndex = quote.children.findIndex((child) => !isBlank(child));
  const first = quote.children[firstIndex];
  if (first?.type !== 'element' || first.tagName !== 'p') return;
  const lead = first.children[0];
  const match = lead?.type === 'text' ? GFM_MARKER.exec(lead.value) : null;
  if (!lead || !match) return;
  const kind = match[1]!.toLowerCase() as AlertKind;

  const { line, rest } = splitFirstLine([{ ...(lead as Text), value: (lead as Text).value.slice(match[0].length) }, ...first.children.slice(1)]);
  const body = [...quote.children.slice(firstIndex + 1)];
  if (rest.some((child) => !isBlank(child))) body.unshift({ ...first, children: trimStart(rest) });

  quote.tagName = 'section';
  quote.properties = { className: ['wx-alert', `wx-alert-${kind}`] };
  quote.children = [alertTitle(kind, line, isCjk), ...trimBlank(body)];
}

/**
 * `::: kind [title]` … `:::` spread over sibling blocks. Markdown sees the fences as paragraph text: the opening
 * fence starts a paragraph (the content may continue in it), the closing fence ends the last text of some later
 * block (even lazily inside a list item). Fences written without blank lines around them share a paragraph with
 * their neighbours, so such paragraphs are first split at fence lines. Containers nest (`:::: tip` around
 * `::: warning`): inner ones are converted first, and a closing fence needs at least as many colons as its opening
 * one, as in markdown-it-container. Without a closing fence nothing is changed.
 */
function convertContainers(children: ElementContent[] | Root['children'], isCjk: () => boolean): void {
  splitAtFenceLines(children);
  for (let i = 0; i < children.length; i++) convertContainerAt(children, i, isCjk);
}

/** Converts the container opening at `children[i]`, if it is one and is closed; says whether it did. */
function convertContainerAt(children: ElementContent[] | Root['children'], i: number, isCjk: () => boolean): boolean {
  const opener = children[i];
  if (opener?.type !== 'element' || opener.tagName !== 'p') return false;
  const lead = opener.children[0];
  const match = lead?.type === 'text' ? CONTAINER_OPEN.exec(lead.value) : null;
  if (!lead || !match) return false;
  const colons = match[1]!.length;
  const name = match[2]!.toLowerCase();
  const { line, rest } = splitFirstLine([{ ...(lead as Text), value: (lead as Text).value.slice(match[0].length) }, ...opener.children.slice(1)]);

  const firstBody: Element = { ...opener, children: trimStart(rest) };
  let end = closes(firstBody, colons) ? i : -1;
  for (let j = i + 1; end === -1 && j < children.length; j++) {
    const candidate = children[j]!;
    if (candidate.type === 'element' && candidate.tagName === 'p' && startsContainer(candidate)) {
      // A nested container: convert it first; one that cannot be (unknown kind, unclosed) ends the search, so an
      // unclosed container never swallows another one's fence.
      if (convertContainerAt(children, j, isCjk)) continue;
      break;
    }
    if (candidate.type === 'element' && closes(candidate, colons)) end = j;
  }
  if (end === -1) return false;

  const body = [firstBody, ...(children.slice(i + 1, end + 1) as ElementContent[])].filter(
    (node) => !(node.type === 'element' && node.tagName === 'p' && node.children.every(isBlank)),
  );
  let section: Element;
  if (name === 'center') {
    const content = trimBlank(body);
    // Anything written on the fence line (`::: center Text`) is content too.
    if (line.some((child) => !isBlank(child))) content.unshift({ type: 'element', tagName: 'p', properties: {}, children: trimBlank(line) });
    section = { type: 'element', tagName: 'section', properties: { style: 'text-align:center' }, children: content, position: opener.position };
  } else {
    const kind = name === 'details' ? 'note' : CONTAINER_KINDS[name]!;
    const title = name === 'details' ? alertTitle(kind, line, isCjk, DETAILS_TITLE) : alertTitle(kind, line, isCjk);
    section = {
      type: 'element',
      tagName: 'section',
      properties: { className: ['wx-alert', `wx-alert-${kind}`] },
      children: [title, ...trimBlank(body)],
      position: opener.position,
    };
  }
  children.splice(i, end - i + 1, section);
  return true;
}

/** A bare closing fence line: `:::`. */
const BARE_FENCE = /^[ \t]*:{3,}[ \t]*$/;

/** Whether a line of inline content opens a container (`::: name …`) or closes one (`:::` alone). */
function fenceKind(line: ElementContent[]): 'open' | 'close' | undefined {
  const lead = line[0];
  if (lead?.type !== 'text') return undefined;
  if (line.length === 1 && BARE_FENCE.test(lead.value)) return 'close';
  return ANY_CONTAINER_OPEN.test(lead.value) ? 'open' : undefined;
}

/**
 * Splits paragraphs at lines that are container fences, so that each fence is a paragraph of its own (or starts
 * one, for an opening fence followed by its content). `::: tip\ntext\n:::` stays one paragraph: the conversion
 * handles a fence as first and last line; only fences in the middle need a split.
 */
function splitAtFenceLines(children: ElementContent[] | Root['children']): void {
  for (let i = children.length - 1; i >= 0; i--) {
    const p = children[i]!;
    if (p.type !== 'element' || p.tagName !== 'p') continue;
    if (!p.children.some((child) => child.type === 'text' && child.value.includes(':::'))) continue;
    const lines = inlineLines(p.children);
    const kinds = lines.map((line, k) => (k > 0 && k < lines.length - 1 ? fenceKind(line) : undefined));
    if (!kinds.some(Boolean)) continue;
    // An opening fence starts a part; a closing fence ends one.
    const parts: ElementContent[][][] = [];
    let current: ElementContent[][] = [];
    lines.forEach((line, k) => {
      if (kinds[k] === 'open' && current.length > 0) {
        parts.push(current);
        current = [];
      }
      current.push(line);
      if (kinds[k] === 'close') {
        parts.push(current);
        current = [];
      }
    });
    if (current.length > 0) parts.push(current);
    const paragraphs: Element[] = parts.map((part) => ({
      ...p,
      children: mergeTexts(part.flatMap((line, k) => (k === 0 ? line : [{ type: 'text', value: '\n' } as Text, ...line]))),
    }));
    children.splice(i, 1, ...paragraphs);
  }
}

/** Joins adjacent text nodes (as the Markdown parser would have written them). */
function mergeTexts(children: ElementContent[]): ElementContent[] {
  const out: ElementContent[] = [];
  for (const child of children) {
    const last = out[out.length - 1];
    if (child.type === 'text' && last?.type === 'text') out[out.length - 1] = { ...last, value: last.value + child.value };
    else out.push(child);
  }
  return out;
}

/** Inline content split into lines at the newlines of its text nodes (elements stay whole). */
function inlineLines(children: ElementContent[]): ElementContent[][] {
  const lines: ElementContent[][] = [[]];
  for (const child of children) {
    if (child.type !== 'text' || !child.value.includes('\n')) {
      lines[lines.length - 1]!.push(child);
      continue;
    }
    child.value.split('\n').forEach((piece, k) => {
      if (k > 0) lines.push([]);
      if (piece) lines[lines.length - 1]!.push({ ...child, value: piece });
    });
  }
  return lines;
}

function startsContainer(p: Element): boolean {
  const lead = p.children[0];
  return lead?.type === 'text' && ANY_CONTAINER_OPEN.test(lead.value);
}

/** If the block's last text ends with a closing fence of at least `colons` colons, removes the fence and says so. */
function closes(block: Element, colons: number): boolean {
  if (block.tagName === 'pre' || block.tagName === 'code') return false;
  const text = lastText(block);
  const match = text ? CONTAINER_CLOSE.exec(text.value) : null;
  if (!text || !match || match[2]!.length < colons) return false;
  text.value = text.value.replace(CONTAINER_CLOSE, '').replace(/\s+$/, '');
  return true;
}

/** The last non-blank text node inside `node` (following last children), skipping code. */
function lastText(node: Element): Text | undefined {
  for (let i = node.children.length - 1; i >= 0; i--) {
    const child = node.children[i]!;
    if (child.type === 'text') {
      if (child.value.trim() !== '') return child;
    } else if (child.type === 'element') {
      return child.tagName === 'pre' || child.tagName === 'code' ? undefined : lastText(child);
    }
  }
  return undefined;
}

function alertTitle(
  kind: AlertKind,
  custom: ElementContent[],
  isCjk: () => boolean,
  meta: { symbol: string; en: string; zh: string } = ALERT_META[kind],
): Element {
  const title = trimBlank(custom);
  const children: ElementContent[] =
    title.length > 0 ? [{ type: 'text', value: `${meta.symbol} ` }, ...trimStart(title)] : [{ type: 'text', value: `${meta.symbol} ${isCjk() ? meta.zh : meta.en}` }];
  return { type: 'element', tagName: 'p', properties: { className: ['wx-alert-title'] }, children };
}

/**
 * Splits inline content at its first line break (a newline in a text node, or `<br>`): the title line and the rest.
 * A line break inside an inline element (`**a\nb**`) keeps that element on the first line.
 */
function splitFirstLine(children: ElementContent[]): { line: ElementContent[]; rest: ElementContent[] } {
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    if (child.type === 'element' && child.tagName === 'br') {
      return { line: children.slice(0, i), rest: children.slice(i + 1) };
    }
    if (child.type === 'text') {
      const newline = child.value.indexOf('\n');
      if (newline === -1) continue;
      const before = child.value.slice(0, newline);
      const after = child.value.slice(newline + 1);
      const line = [...children.slice(0, i), ...(before ? [{ ...child, value: before }] : [])];
      const rest = [...(after ? [{ ...child, value: after }] : []), ...children.slice(i + 1)];
      return { line, rest };
    }
  }
  return { line: children, rest: [] };
}

function isBlank(node: ElementContent | Root['children'][number]): boolean {
  return (node.type === 'text' && node.value.trim() === '') || node.type === 'comment';
}

/** Drops leading blank nodes and a leading text's leading whitespace. */
function trimStart(children: ElementContent[]): ElementContent[] {
  const out = [...children];
  while (out.length > 0 && isBlank(out[0]!)) out.shift();
  const first = out[0];
  if (first?.type === 'text') out[0] = { ...first, value: first.value.replace(/^\s+/, '') };
  return out;
}

function trimBlank(children: ElementContent[]): ElementContent[] {
  const out = trimStart(children);
  while (out.length > 0 && isBlank(out[out.length - 1]!)) out.pop();
  const last = out[out.length - 1];
  if (last?.type === 'text') out[out.length - 1] = { ...last, value: last.value.replace(/\s+$/, '') };
  return out;
}

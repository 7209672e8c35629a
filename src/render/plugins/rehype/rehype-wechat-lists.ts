/**
 * rehypeWechatLists: lists WeChat cannot mangle.
 *
 * WeChat's editor resets `li` styling and breaks nested `ul/ol` (double or missing bullets — docs/wechat-api.md §12),
 * so lists become explicit structure with the marker written out as text:
 *
 *   <section class="wx-list wx-list-ol wx-list-depth-1">
 *     <section class="wx-li" style="padding-left:2em;">
 *       <span class="wx-li-marker" style="display:inline-block;width:2em;margin-left:-2em;…">1.</span><span class="wx-li-body">tight item</span>
 *     </section>
 *     <section class="wx-li" style="padding-left:2em;">
 *       <section class="wx-li-body"><p><span class="wx-li-marker" …>2.</span>loose item</p><p>…</p>
 *         <section class="wx-list wx-list-ul wx-list-depth-2">…</section></section>
 *     </section>
 *   </section>
 *
 * Layout (no flex, no CSS counters, no `::marker`): each item has `padding-left` = marker width, and the
 * marker is an inline-block of that width pulled into the padding with a negative `margin-left` — a hanging
 * indent: wrapped lines align with the text, nested lists indent one marker width per level. If WeChat ever
 * drops the negative margin, the marker simply sits before the text: still readable.
 * When the item holds blocks (loose paragraphs, code, nested lists) the body is a `section`, and the marker goes
 * inside the first paragraph/heading so it shares that line's baseline (a marker before a block would sit on a
 * line of its own). Markers: `•` `◦` `▪` (ul) and `1.` `a.` `i.` (ol) cycling by nesting depth; `start`,
 * `reversed`, `type` and `li value` of raw-HTML lists are honoured. Task items (`li.wx-task`, made by the
 * task-lists plugin) use their `span.wx-task-box` as the marker. The footnotes' own list of notes is left to the
 * footnotes plugin (lists inside a note are converted).
 */
import type { Element, ElementContent, Root, RootContent } from 'hast';
import type { Transformer } from 'unified';
import { classList } from '../../util/class-names.js';

const UL_MARKERS = ['•', '◦', '▪'] as const;
const OL_STYLES = ['1', 'a', 'i'] as const;
const UL_TYPES: Readonly<Record<string, string>> = { disc: '•', circle: '◦', square: '▪' };

type OlStyle = '1' | 'a' | 'A' | 'i' | 'I';

/** Elements whose content is not prose: lists inside them are not ours to touch. */
const OPAQUE = new Set(['pre', 'code', 'svg', 'math', 'script', 'style', 'template', 'textarea']);

/** Children that make an item's body a block container (`section`) rather than a `span`. */
const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'details', 'dialog', 'dd', 'div', 'dl', 'dt', 'fieldset', 'figcaption',
  'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'li', 'main', 'nav', 'ol',
  'p', 'pre', 'section', 'summary', 'table', 'ul',
]);

/** Blocks the marker can sit inside of (inline at their start). */
const MARKER_HOSTS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

function isFootnotes(element: Element): boolean {
  return element.properties.dataFootnotes !== undefined || classList(element).includes('footnotes');
}

function toAlpha(n: number): string {
  let out = '';
  while (n > 0) {
    n--;
    out = String.fromCharCode(97 + (n % 26)) + out;
    n = Math.floor(n / 26);
  }
  return out;
}

const ROMAN: ReadonlyArray<readonly [number, string]> = [
  [1000, 'm'], [900, 'cm'], [500, 'd'], [400, 'cd'], [100, 'c'], [90, 'xc'],
  [50, 'l'], [40, 'xl'], [10, 'x'], [9, 'ix'], [5, 'v'], [4, 'iv'], [1, 'i'],
];

function toRoman(n: number): string {
  let out = '';
  for (const [value, symbol] of ROMAN) {
    while (n >= value) {
      out += symbol;
      n -= value;
    }
  }
  return out;
}

/** The ordinal of item `n` in a given style (`1` `a` `A` `i` `I`); letters and numerals fall back to digits where undefined. */
export function formatOrdinal(n: number, style: OlStyle): string {
  if ((style === 'a' || style === 'A') && n >= 1) return style === 'a' ? toAlpha(n) : toAlpha(n).toUpperCase();
  if ((style === 'i' || style === 'I') && n >= 1 && n < 4000) return style === 'i' ? toRoman(n) : toRoman(n).toUpperCase();
  return String(n);
}

function numberProperty(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number.parseInt(value, 10) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

function isWhitespace(node: RootContent | ElementContent): boolean {
  return node.type === 'text' && node.value.trim() === '';
}

function text(value: string): ElementContent {
  return { type: 'text', value };
}

/** Marker box width in em: bullets get 1.5em; ordinals ~0.6em per character plus a gap, at least 2em. */
function markerWidth(markers: readonly string[], ordered: boolean): number {
  if (!ordered) return 1.5;
  const longest = Math.max(0, ...markers.map((m) => m.length));
  return Math.max(2, Math.round((longest * 0.6 + 0.6) * 10) / 10);
}

class ListTransformer {
  /** Replaces every list under `parent` (depth = number of lists around `parent`). */
  walk(parent: Root | Element, depth: number): void {
    const children = parent.children;
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      if (child.type !== 'element') continue;
      if (OPAQUE.has(child.tagName)) continue;
      if (isFootnotes(child)) this.walkFootnotes(child);
      else if (child.tagName === 'ul' || child.tagName === 'ol') children[i] = this.list(child, depth + 1);
      else this.walk(child, depth);
    }
  }

  /**
   * The footnotes section's own `ol` of notes belongs to the footnotes plugin (it runs after this one and
   * looks for `section.footnotes > ol > li`), but lists written inside a note are ordinary lists.
   */
  private walkFootnotes(section: Element): void {
    for (const child of section.children) {
      if (child.type !== 'element') continue;
      if (child.tagName === 'ol' || child.tagName === 'ul') {
        for (const note of child.children) if (note.type === 'element') this.walk(note, 0);
      } else {
        this.walk(child, 0);
      }
    }
  }

  private list(list: Element, depth: number): Element {
    const ordered = list.tagName === 'ol';
    const items = list.children.filter((c): c is Element => c.type === 'element' && c.tagName === 'li');
    const markers = ordered ? this.ordinals(list, items, depth) : items.map(() => this.bullet(list, depth));
    const width = markerWidth(markers, ordered);
    const markerStyle =
      `display:inline-block;width:${width}em;margin-left:-${width}em;` +
      (ordered ? 'padding-right:0.4em;box-sizing:border-box;text-align:right;' : 'text-align:center;');
    const itemStyle = `padding-left:${width}em;`;

    const children: ElementContent[] = [];
    let itemIndex = 0;
    for (const child of list.children) {
      if (isWhitespace(child)) continue;
      children.push(text('\n'));
      if (child.type === 'element' && child.tagName === 'li') {
        children.push(this.item(child, markers[itemIndex++]!, markerStyle, itemStyle, depth));
      } else {
        if (child.type === 'element') this.walk(child, depth);
        children.push(child);
      }
    }
    if (children.length > 0) children.push(text('\n'));
    return {
      type: 'element',
      tagName: 'section',
      properties: { className: ['wx-list', ordered ? 'wx-list-ol' : 'wx-list-ul', `wx-list-depth-${depth}`] },
      children,
      position: list.position,
    };
  }

  private bullet(list: Element, depth: number): string {
    const type = typeof list.properties.type === 'string' ? UL_TYPES[list.properties.type.toLowerCase()] : undefined;
    return type ?? UL_MARKERS[(depth - 1) % UL_MARKERS.length]!;
  }

  private ordinals(list: Element, items: readonly Element[], depth: number): string[] {
    const typeAttr = list.properties.type;
    const style: OlStyle =
      typeof typeAttr === 'string' && ['1', 'a', 'A', 'i', 'I'].includes(typeAttr)
        ? (typeAttr as OlStyle)
        : OL_STYLES[(depth - 1) % OL_STYLES.length]!;
    const reversed = list.properties.reversed === true || list.properties.reversed === '';
    let counter = numberProperty(list.properties.start) ?? (reversed ? items.length : 1);
    return items.map((item) => {
      counter = numberProperty(item.properties.value) ?? counter;
      const marker = `${formatOrdinal(counter, style)}.`;
      counter += reversed ? -1 : 1;
      return marker;
    });
  }

  private item(li: Element, marker: string, markerStyle: string, itemStyle: string, depth: number): Element {
    this.walk(li, depth);
    const isTask = classList(li).includes('wx-task');
    const contents = [...li.children];
    while (contents.length > 0 && isWhitespace(contents[0]!)) contents.shift();
    while (contents.length > 0 && isWhitespace(contents[contents.length - 1]!)) contents.pop();

    const box = isTask ? takeTaskBox(contents) : undefined;
    const markerElement: Element = box
      ? { ...box, properties: { ...box.properties, style: joinStyle(box.properties.style, markerStyle) } }
      : { type: 'element', tagName: 'span', properties: { className: ['wx-li-marker'], style: markerStyle }, children: [text(marker)] };

    const hasBlock = contents.some((c) => c.type === 'element' && BLOCK_TAGS.has(c.tagName));
    let children: ElementContent[];
    if (!hasBlock) {
      children = [markerElement, { type: 'element', tagName: 'span', properties: { className: ['wx-li-body'] }, children: contents }];
    } else {
      const first = contents[0];
      if (first && first.type === 'element' && MARKER_HOSTS.has(first.tagName)) {
        contents[0] = { ...first, children: [markerElement, ...first.children] };
      } else {
        contents.unshift(markerElement);
      }
      children = [{ type: 'element', tagName: 'section', properties: { className: ['wx-li-body'] }, children: contents }];
    }
    return {
      type: 'element',
      tagName: 'section',
      properties: { className: isTask ? ['wx-li', 'wx-task'] : ['wx-li'], style: itemStyle },
      children,
      position: li.position,
    };
  }
}

function joinStyle(existing: unknown, added: string): string {
  const before = typeof existing === 'string' ? existing.trim() : '';
  if (before === '') return added;
  return before.endsWith(';') ? before + added : `${before};${added}`;
}

function isTaskBox(node: ElementContent | undefined): node is Element {
  return node !== undefined && node.type === 'element' && classList(node).includes('wx-task-box');
}

/**
 * Removes the task box from the start of the item (directly, or at the start of its first paragraph in loose
 * lists) together with the space after it, and returns it.
 */
function takeTaskBox(contents: ElementContent[]): Element | undefined {
  let host: ElementContent[] = contents;
  const significant = (c: ElementContent): boolean => !isWhitespace(c) && c.type !== 'comment';
  let index = contents.findIndex(significant);
  const first = contents[index];
  if (first && first.type === 'element' && !classList(first).includes('wx-task-box') && MARKER_HOSTS.has(first.tagName)) {
    host = first.children;
    index = host.findIndex(significant);
  }
  const box = host[index];
  if (!isTaskBox(box)) return undefined;
  host.splice(0, index + 1);
  const next = host[0];
  if (next && next.type === 'text') {
    const trimmed = next.value.replace(/^[ \t]+/, '');
    if (trimmed === '') host.shift();
    else host[0] = { ...next, value: trimmed };
  }
  return box;
}

export function rehypeWechatLists(): Transformer<Root> {
  return (tree) => {
    new ListTransformer().walk(tree, 0);
  };
}

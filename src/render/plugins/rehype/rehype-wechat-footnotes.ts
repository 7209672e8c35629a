import type { Element, ElementContent, Root } from 'hast';
import { toString as hastToString } from 'hast-util-to-string';
import { SKIP, visit } from 'unist-util-visit';
import { treeIsCjk } from '../../util/lang.js';
import { classList } from '../../util/class-names.js';

/**
 * GFM footnotes. remark-rehype links each reference `sup > a[href=#user-content-fn-x]` to a trailing
 * `section.footnotes` (an `h2` "Footnotes", an `ol` of notes with `↩` back-links) through ids — and WeChat strips
 * ids (docs/wechat-api.md §12), so neither direction of the links works and the back-links are dead arrows. Instead:
 *
 *   reference  <sup class="wx-fnref">①</sup>                        (plain text, no link)
 *   notes      <section class="wx-footnotes"><p class="wx-footnotes-title">Notes</p>
 *                <section class="wx-footnote"><p>① first paragraph…</p><p>more…</p></section>…
 *
 * Numbers follow remark-rehype's (order of first reference), so several references to one note share its number.
 * Notes keep all their content (paragraphs, code, lists); back-links are removed. The title is "注释" when the post
 * reads as CJK (shared rule in util/lang.ts, the same the link references use) and "Notes" otherwise.
 */
export function rehypeWechatFootnotes() {
  return (tree: Root) => {
    const sections = findFootnoteSections(tree);
    const numbers = new Map<string, number>();
    const items = sections.map((section) => noteItems(section.node, numbers));
    // Decided on the whole post (notes included) before anything changes.
    const title = sections.length > 0 && treeIsCjk(tree) ? '注释' : 'Notes';

    visit(tree, 'element', (node, index, parent) => {
      if (node.tagName === 'svg') return SKIP; // formulas: thousands of glyph nodes, nothing for us inside
      if (node.tagName !== 'sup' || !parent || index === undefined) return undefined;
      const link = footnoteRefLink(node);
      if (!link) return undefined;
      const id = targetId(link);
      const number = (id === undefined ? undefined : numbers.get(id)) ?? (hastToString(link).trim() || '?');
      parent.children[index] = {
        type: 'element',
        tagName: 'sup',
        properties: { className: ['wx-fnref'] },
        children: [{ type: 'text', value: noteMarker(number) }],
        position: node.position,
      };
      return SKIP;
    });

    // After the references: notes that cite other notes hold references too.
    sections.forEach(({ node, parent }, i) => {
      const notes = (items[i] ?? []).map(({ li, number }) => ({ number, content: withoutBackrefs(li.children) }));
      const replacement = notesSection(notes, title, node);
      const at = parent.children.indexOf(node);
      if (replacement) parent.children.splice(at, 1, replacement);
      else parent.children.splice(at, 1);
    });
  };
}

interface FootnoteSection {
  node: Element;
  parent: Root | Element;
}

interface Note {
  number: number;
  content: ElementContent[];
}

function isFootnoteSection(node: Element): boolean {
  return (
    node.tagName === 'section' &&
    (node.properties.dataFootnotes !== undefined || classList(node).includes('footnotes'))
  );
}

function findFootnoteSections(tree: Root): FootnoteSection[] {
  const found: FootnoteSection[] = [];
  visit(tree, 'element', (node, _index, parent) => {
    if (node.tagName === 'svg') return SKIP;
    if (!parent || !isFootnoteSection(node)) return undefined;
    found.push({ node, parent: parent as Root | Element });
    return SKIP;
  });
  return found;
}

/** The `a` of a footnote reference `sup > a[data-footnote-ref]`, if `sup` is one. */
function footnoteRefLink(sup: Element): Element | undefined {
  const elements = sup.children.filter((child): child is Element => child.type === 'element');
  const [link] = elements;
  if (elements.length !== 1 || link?.tagName !== 'a') return undefined;
  const href = typeof link.properties.href === 'string' ? link.properties.href : '';
  return link.properties.dataFootnoteRef !== undefined || /^#user-content-fn-/.test(href) ? link : undefined;
}

/** `#user-content-fn-x` → `user-content-fn-x`. */
function targetId(link: Element): string | undefined {
  const href = typeof link.properties.href === 'string' ? link.properties.href : '';
  return href.startsWith('#') ? decodeId(href.slice(1)) : undefined;
}

function decodeId(id: string): string {
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}

/** The note items of a footnote section in order, numbered, recording id → number. */
function noteItems(section: Element, numbers: Map<string, number>): { li: Element; number: number }[] {
  const list = section.children.find((child): child is Element => child.type === 'element' && child.tagName === 'ol');
  if (!list) return [];
  const start = typeof list.properties.start === 'number' ? list.properties.start : 1;
  const items = list.children.filter((child): child is Element => child.type === 'element' && child.tagName === 'li');
  return items.map((li, i) => {
    const number = start + i;
    if (typeof li.properties.id === 'string') numbers.set(li.properties.id, number);
    return { li, number };
  });
}

function isBackref(node: ElementContent): boolean {
  return node.type === 'element' && node.tagName === 'a' && node.properties.dataFootnoteBackref !== undefined;
}

/** The note's content without `↩` back-links, the space before them, and paragraphs they leave empty. */
function withoutBackrefs(children: ElementContent[]): ElementContent[] {
  const out: ElementContent[] = [];
  for (const child of children) {
    if (isBackref(child)) {
      const previous = out[out.length - 1];
      if (previous?.type === 'text') {
        const trimmed = previous.value.replace(/[ \t]+$/, '');
        if (trimmed === '') out.pop();
        else out[out.length - 1] = { ...previous, value: trimmed };
      }
      continue;
    }
    if (child.type === 'element') {
      const inner = withoutBackrefs(child.children);
      const emptied = child.children.some(isBackref) && inner.every(isBlank);
      if (emptied && child.tagName === 'p') continue;
      out.push({ ...child, children: inner });
      continue;
    }
    out.push(child);
  }
  return out;
}

function isBlank(node: ElementContent): boolean {
  return (node.type === 'text' && node.value.trim() === '') || node.type === 'comment';
}

/** `section.wx-footnotes` with the title and one `section.wx-footnote` per note, or undefined when there are none. */
function notesSection(notes: Note[], title: string, original: Element): Element | undefined {
  if (notes.length === 0) return undefined;
  return {
    type: 'element',
    tagName: 'section',
    properties: { className: ['wx-footnotes'] },
    children: [
      paragraph(['wx-footnotes-title'], [{ type: 'text', value: title }]),
      ...notes.map(footnote),
    ],
    position: original.position,
  };
}

/**
 * Notes are marked ①②③ (up to ㊿, then `(51)`): the link-references plugin numbers URLs `[1] [2]`, and a sentence
 * citing a link and a note ("RFC 3013[1][1]") would otherwise be ambiguous. Circled numbers are how Chinese
 * typesetting marks 注释, and read as note marks in English too.
 */
export function noteMarker(number: number | string): string {
  const n = Number(number);
  if (!Number.isInteger(n) || n < 1) return `(${number})`;
  if (n <= 20) return String.fromCodePoint(0x2460 + n - 1);
  if (n <= 35) return String.fromCodePoint(0x3251 + n - 21);
  if (n <= 50) return String.fromCodePoint(0x32b1 + n - 36);
  return `(${n})`;
}

/** One note: its marker leads its first paragraph, or a paragraph of its own when the note starts with a block. */
function footnote(note: Note): Element {
  const content = trimBlank(note.content);
  const label = noteMarker(note.number);
  const first = content[0];
  if (first?.type === 'element' && first.tagName === 'p') {
    content[0] = { ...first, children: [{ type: 'text', value: `${label} ` }, ...first.children] };
  } else if (first && !isBlockElement(first)) {
    // Inline content straight in the item (raw HTML notes): one paragraph.
    return wrapNote([paragraph([], [{ type: 'text', value: `${label} ` }, ...content])]);
  } else {
    content.unshift(paragraph([], [{ type: 'text', value: label }]));
  }
  return wrapNote(content);
}

function wrapNote(children: ElementContent[]): Element {
  return { type: 'element', tagName: 'section', properties: { className: ['wx-footnote'] }, children };
}

function paragraph(className: string[], children: ElementContent[]): Element {
  return { type: 'element', tagName: 'p', properties: className.length > 0 ? { className } : {}, children };
}

const BLOCK_TAGS = new Set(['p', 'pre', 'ul', 'ol', 'blockquote', 'table', 'section', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr']);

function isBlockElement(node: ElementContent): boolean {
  return node.type === 'element' && BLOCK_TAGS.has(node.tagName);
}

function trimBlank(children: ElementContent[]): ElementContent[] {
  const out = [...children];
  while (out.length > 0 && isBlank(out[0]!)) out.shift();
  while (out.length > 0 && isBlank(out[out.length - 1]!)) out.pop();
  return out;
}


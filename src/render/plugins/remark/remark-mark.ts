/**
 * `==highlight==` (Obsidian, Typora, pymdownx.mark) → `<span class="wx-mark" style="background-color:…">`. WeChat
 * drops or restyles `<mark>` but keeps a span's background; the inline colour is the default a theme can override with
 * `.wx-mark { background-color: … !important }` (juice keeps inline styles over plain rules). The marked text may
 * hold emphasis, code or links (`==**key** point==`): the opening and closing `==` are looked for in the text nodes
 * of one paragraph, heading or cell. A `==` that opens and never closes stays as written, with `mark-unclosed`.
 */
import type { Parent, PhrasingContent, Root, Text } from 'mdast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { positionIn, shiftPlace } from './obsidian/text-matches.js';

export const MARK_STYLE = 'background-color:#fff5b1;padding:0 2px';

/**
 * A custom node for the highlight; remark-rehype turns unknown nodes into the element of their `data.hName`. Not
 * declared in mdast's content maps (a global augmentation would change every tree type in the project), so it is
 * cast where it enters the tree.
 */
interface WxMark {
  type: 'wxMark';
  children: PhrasingContent[];
  data: { hName: string; hProperties: Record<string, unknown> };
}

/** `==` not part of a longer run of `=` (setext underlines and `===` rules are never phrasing text anyway). */
const DELIM = /(?<!=)==(?!=)/g;

export function remarkMark() {
  return (tree: Root, file: VFile) => {
    visit(tree, (node) => {
      if (!('children' in node) || node.type === 'link' || node.type === 'linkReference' || (node.type as string) === 'wxMark') return;
      const parent = node as Parent;
      if (!parent.children.some((child) => child.type === 'text' && child.value.includes('=='))) return;
      markChildren(parent, file);
    });
  };
}

/** Splits the text children at `==` and wraps each pair's content in a wxMark node. */
function markChildren(parent: Parent, file: VFile): void {
  type Piece = PhrasingContent | { delim: true; node: Text; at: number };
  const pieces: Piece[] = [];
  for (const child of parent.children as PhrasingContent[]) {
    if (child.type !== 'text' || !child.value.includes('==')) {
      pieces.push(child);
      continue;
    }
    let last = 0;
    for (const match of child.value.matchAll(DELIM)) {
      if (match.index > last) pieces.push(slice(child, last, match.index));
      pieces.push({ delim: true, node: child, at: match.index });
      last = match.index + 2;
    }
    if (last < child.value.length) pieces.push(slice(child, last, child.value.length));
  }
  const out: PhrasingContent[] = [];
  let open: { index: number; piece: { node: Text; at: number } } | undefined;
  for (const piece of pieces) {
    if (!('delim' in piece)) {
      out.push(piece);
      continue;
    }
    // An opener needs no space right after it, a closer none right before it (`a == b` is not a mark).
    const after = piece.node.value[piece.at + 2];
    const before = piece.node.value[piece.at - 1];
    const space = (c: string | undefined) => c !== undefined && /\s/.test(c);
    if (open && !space(before) && out.length > open.index) {
      const children = out.splice(open.index);
      const mark: WxMark = { type: 'wxMark', children, data: { hName: 'span', hProperties: { className: ['wx-mark'], style: MARK_STYLE } } };
      out.push(mark as unknown as PhrasingContent);
      open = undefined;
    } else if (!open && !space(after)) {
      open = { index: out.length, piece };
    } else {
      out.push({ type: 'text', value: '==' });
    }
  }
  if (open) {
    out.splice(open.index, 0, { type: 'text', value: '==' });
    const place = shiftPlace(file, positionIn(open.piece.node, open.piece.at, open.piece.at + 2));
    const m = file.message('`==` opens a highlight that is not closed in this paragraph: kept as written', { place, ruleId: 'mark-unclosed', source: 'wxmp' });
    m.fatal = undefined;
  }
  parent.children = mergeTexts(out) as Parent['children'];
}

function slice(node: Text, start: number, end: number): Text {
  const text: Text = { type: 'text', value: node.value.slice(start, end) };
  const position = positionIn(node, start, end);
  if (position) text.position = position;
  return text;
}

function mergeTexts(nodes: PhrasingContent[]): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  for (const node of nodes) {
    const prev = out.at(-1);
    if (node.type === 'text' && prev?.type === 'text') {
      const merged: Text = { type: 'text', value: prev.value + node.value };
      if (prev.position && node.position) merged.position = { start: prev.position.start, end: node.position.end };
      out[out.length - 1] = merged;
    } else out.push(node);
  }
  return out;
}

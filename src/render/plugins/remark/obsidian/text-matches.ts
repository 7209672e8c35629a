/**
 * Shared by the Obsidian-syntax remark plugins (wiki links, embeds, `==mark==`): find a pattern in the Markdown
 * tree's text nodes and replace each match with new phrasing nodes, with source positions for messages.
 */
import type { Parent, PhrasingContent, Root, Text } from 'mdast';
import type { Point, Position } from 'unist';
import { SKIP, visit } from 'unist-util-visit';
import type { VFile } from 'vfile';

/** The source position of `value.slice(start, end)` in a text node (exact unless the text held escapes or entities). */
export function positionIn(node: Text, start: number, end: number): Position | undefined {
  const from = node.position?.start;
  if (!from) return undefined;
  const pointAt = (offset: number): Point => {
    const before = node.value.slice(0, offset);
    const lines = before.split('\n');
    const line = from.line + lines.length - 1;
    const column = lines.length === 1 ? from.column + offset : lines.at(-1)!.length + 1;
    return { line, column, offset: from.offset === undefined ? undefined : from.offset + offset };
  };
  return { start: pointAt(start), end: pointAt(end) };
}

/** A position moved down by the front matter's lines, for messages (as the images plugin does). */
export function shiftPlace(file: VFile, position: Position | undefined): Position | undefined {
  const offset = (file.data.bodyLineOffset ?? 1) - 1;
  if (!position || offset === 0) return position;
  return { start: { ...position.start, line: position.start.line + offset }, end: { ...position.end, line: position.end.line + offset } };
}

export type Replacer = (match: RegExpExecArray, position: Position | undefined, parent: Parent) => PhrasingContent[];

/**
 * Replaces every match of `pattern` (global) in text nodes outside links, code and HTML. `replace` returns the nodes
 * that stand for the match (an empty array drops it).
 */
export function replaceInText(tree: Root, pattern: RegExp, replace: Replacer): void {
  visit(tree, 'text', (node, index, parent) => {
    if (!parent || index === undefined || parent.type === 'link' || parent.type === 'linkReference') return;
    if (!pattern.test(node.value)) return;
    pattern.lastIndex = 0;
    const out: PhrasingContent[] = [];
    let last = 0;
    for (let match = pattern.exec(node.value); match; match = pattern.exec(node.value)) {
      const start = match.index;
      const end = start + match[0].length;
      if (start > last) out.push(textNode(node, last, start));
      out.push(...replace(match, positionIn(node, start, end), parent));
      last = end;
    }
    if (last < node.value.length) out.push(textNode(node, last, node.value.length));
    (parent.children as PhrasingContent[]).splice(index, 1, ...out);
    return [SKIP, index + out.length];
  });
}

function textNode(node: Text, start: number, end: number): Text {
  const text: Text = { type: 'text', value: node.value.slice(start, end) };
  const position = positionIn(node, start, end);
  if (position) text.position = position;
  return text;
}

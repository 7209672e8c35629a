/**
 * `[TOC]` (or `[toc]`, `[[_TOC_]]`, `{:toc}`) alone in a paragraph → a table of contents: a nested list of the post's
 * headings, by level, as plain text. WeChat strips `id`s, so there are no anchors to link to. The leading `# Title`
 * that became the WeChat title is not listed (this runs after remarkLeadingTitle). A post without headings gets no
 * list, and `toc-empty` at the marker's line.
 */
import type { Heading, List, ListItem, Paragraph, Root, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import type { VFile } from 'vfile';
import { shiftPlace } from './obsidian/text-matches.js';

const MARKER = /^\s*(\[toc\]|\[\[_toc_\]\]|\{:toc\}|\$\{toc\})\s*$/i;

function isMarker(node: RootContent): node is Paragraph {
  if (node.type !== 'paragraph') return false;
  // `[TOC]` is a text node, or a shortcut linkReference when the post defines `[toc]: …` (then it is a link: keep).
  return node.children.length === 1 && node.children[0]!.type === 'text' && MARKER.test(node.children[0].value);
}

export function remarkToc() {
  return (tree: Root, file: VFile) => {
    const markers = tree.children.filter(isMarker);
    if (!markers.length) return;
    const headings = tree.children.filter((node): node is Heading => node.type === 'heading' && toString(node).trim() !== '');
    for (const marker of markers) {
      const index = tree.children.indexOf(marker);
      if (!headings.length) {
        const m = file.message('`[TOC]`: the post has no headings to list, removed', { place: shiftPlace(file, marker.position), ruleId: 'toc-empty', source: 'wxmp' });
        m.fatal = undefined;
        tree.children.splice(index, 1);
        continue;
      }
      const list = tocList(headings);
      list.position = marker.position;
      tree.children.splice(index, 1, list);
    }
  };
}

/** Headings → nested unordered lists, each level relative to the shallowest heading present. */
function tocList(headings: Heading[]): List {
  const top = Math.min(...headings.map((h) => h.depth));
  const root: List = { type: 'list', ordered: false, spread: false, children: [], data: { hProperties: { className: ['wx-toc'] } } };
  const stack: { depth: number; list: List }[] = [{ depth: top, list: root }];
  for (const heading of headings) {
    while (stack.length > 1 && heading.depth < stack.at(-1)!.depth) stack.pop();
    let current = stack.at(-1)!;
    if (heading.depth > current.depth) {
      const parentItem = current.list.children.at(-1);
      if (parentItem) {
        const nested: List = { type: 'list', ordered: false, spread: false, children: [] };
        parentItem.children.push(nested);
        current = { depth: heading.depth, list: nested };
        stack.push(current);
      }
    }
    const item: ListItem = { type: 'listItem', spread: false, children: [{ type: 'paragraph', children: [{ type: 'text', value: toString(heading).trim() }] }] };
    current.list.children.push(item);
  }
  return root;
}

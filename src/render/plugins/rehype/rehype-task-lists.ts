import type { Element, ElementContent, Root } from 'hast';
import { SKIP, visit } from 'unist-util-visit';
import { addClass, removeClass } from '../../util/class-names.js';

/**
 * GFM task items. WeChat drops `<input>` (docs/wechat-api.md §12), so a checkbox would vanish and leave `todo` looking
 * like an ordinary bullet. The checkbox becomes a text box `span.wx-task-box` (☐ open, ☑ done) put where the input
 * was — the start of the item, or the start of its first paragraph in a loose list — and the item gets class
 * `wx-task`; the lists plugin (which runs next) uses that box as the item's marker instead of a bullet.
 * GFM's `contains-task-list` / `task-list-item` classes are removed. Raw HTML items that start with a checkbox
 * (`<li><input type="checkbox" checked> done</li>`) are treated the same way.
 */
export function rehypeTaskLists() {
  return (tree: Root) => {
    visit(tree, 'element', (node) => {
      if (node.tagName === 'svg') return SKIP; // formulas: thousands of glyph nodes, nothing for us inside
      if (node.tagName === 'ul' || node.tagName === 'ol') {
        removeClass(node, 'contains-task-list');
      } else if (node.tagName === 'li') {
        removeClass(node, 'task-list-item');
        const checkbox = takeLeadingCheckbox(node);
        if (!checkbox) return;
        addClass(node, 'wx-task');
        checkbox.host.splice(checkbox.index, 0, taskBox(checkbox.checked));
      }
    });
  };
}

/** The box as the lists plugin and the themes expect it. */
function taskBox(checked: boolean): Element {
  return {
    type: 'element',
    tagName: 'span',
    properties: { className: ['wx-task-box'] },
    children: [{ type: 'text', value: checked ? '☑' : '☐' }],
  };
}

interface Checkbox {
  checked: boolean;
  /** The children list the input was removed from, and where: the box goes there. */
  host: ElementContent[];
  index: number;
}

/** Removes a checkbox that starts the item (or its first paragraph) and says where it was. */
function takeLeadingCheckbox(li: Element): Checkbox | undefined {
  let host = li.children;
  let index = firstSignificant(host);
  let first = host[index];
  if (first?.type === 'element' && first.tagName === 'p') {
    host = first.children;
    index = firstSignificant(host);
    first = host[index];
  }
  if (!isCheckbox(first)) return undefined;
  host.splice(index, 1);
  return { checked: Boolean(first.properties.checked), host, index };
}

function isCheckbox(node: ElementContent | undefined): node is Element {
  return (
    node?.type === 'element' &&
    node.tagName === 'input' &&
    String(node.properties.type ?? '').toLowerCase() === 'checkbox'
  );
}

function firstSignificant(children: ElementContent[]): number {
  const index = children.findIndex(
    (child) => !(child.type === 'text' && child.value.trim() === '') && child.type !== 'comment',
  );
  return index === -1 ? children.length : index;
}


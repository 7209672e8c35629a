import { fromHtml } from 'hast-util-from-html';
import type { Element } from 'hast';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { goldenSuite, renderWith } from '../helpers/golden.js';
import { rehypeTaskLists } from '../../src/render/plugins/rehype/rehype-task-lists.js';

goldenSuite('task-lists', [rehypeTaskLists]);

function parse(html: string) {
  const items: Element[] = [];
  let inputs = 0;
  const classes = new Set<string>();
  visit(fromHtml(html, { fragment: true }), 'element', (node) => {
    if (node.tagName === 'li') items.push(node);
    if (node.tagName === 'input') inputs++;
    for (const name of (node.properties.className as string[] | undefined) ?? []) classes.add(name);
  });
  return { items, inputs, classes };
}

/** The box of an item: the first element of the item, or of its first paragraph. */
function boxOf(li: Element): string | undefined {
  const firstElement = (children: Element['children']) => children.find((c): c is Element => c.type === 'element');
  let first = firstElement(li.children);
  if (first?.tagName === 'p') first = firstElement(first.children);
  if (!(first?.properties.className as string[] | undefined)?.includes('wx-task-box')) return undefined;
  const [text] = first!.children;
  return text?.type === 'text' ? text.value : undefined;
}

describe('rehypeTaskLists', () => {
  it('replaces every GFM checkbox by a box at the start of its item, tight or loose, nested or not', async () => {
    const md = '- [x] a\n- [ ] b\n  1. [x] c\n     - [ ] d\n\n---\n\n- [ ] e\n\n- [x] f\n';
    const { html } = await renderWith([rehypeTaskLists], md);
    const { items, inputs, classes } = parse(html);
    expect(inputs).toBe(0);
    expect(items.map(boxOf)).toEqual(['☑', '☐', '☑', '☐', '☐', '☑']);
    expect(items.every((li) => (li.properties.className as string[]).includes('wx-task'))).toBe(true);
    expect(classes.has('task-list-item')).toBe(false);
    expect(classes.has('contains-task-list')).toBe(false);
  });

  it('keeps the item text after the box', async () => {
    const { html } = await renderWith([rehypeTaskLists], '- [ ] 写测试\n');
    expect(html).toContain('<li class="wx-task"><span class="wx-task-box">☐</span> 写测试</li>');
  });

  it('leaves ordinary lists and non-leading checkboxes alone', async () => {
    const md = '- plain\n- [link](https://example.com) [x] not a task\n';
    const { html } = await renderWith([rehypeTaskLists], md);
    expect(html).toBe('<ul>\n<li>plain</li>\n<li><a href="https://example.com">link</a> [x] not a task</li>\n</ul>');
  });
});

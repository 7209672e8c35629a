import type { Element } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { formatOrdinal, rehypeWechatLists } from '../../src/render/plugins/rehype/rehype-wechat-lists.js';
import { rehypeTaskLists } from '../../src/render/plugins/rehype/rehype-task-lists.js';
import { rehypeWechatFootnotes } from '../../src/render/plugins/rehype/rehype-wechat-footnotes.js';
import { goldenSuite, renderWith } from '../helpers/golden.js';

goldenSuite('lists', [rehypeWechatLists]);

function classes(node: Element): string[] {
  const value = node.properties.className;
  return Array.isArray(value) ? value.map(String) : [];
}

/** The marker text of every item with the depth of its list, in document order. */
async function markers(markdown: string): Promise<Array<[number, string]>> {
  const { html } = await renderWith([rehypeWechatLists], markdown);
  const out: Array<[number, string]> = [];
  const walk = (node: Element, depth: number): void => {
    const own = classes(node);
    if (own.includes('wx-li-marker') || own.includes('wx-task-box')) {
      out.push([depth, toString(node)]);
      return;
    }
    const depthClass = own.find((c) => c.startsWith('wx-list-depth-'));
    const inner = depthClass ? Number(depthClass.slice('wx-list-depth-'.length)) : depth;
    for (const child of node.children) if (child.type === 'element') walk(child, inner);
  };
  for (const child of fromHtml(html, { fragment: true }).children) if (child.type === 'element') walk(child, 0);
  return out;
}

describe('rehypeWechatLists', () => {
  it('leaves no ul/ol/li behind and writes markers cycling by depth', async () => {
    const md = '- a\n  - b\n    - c\n      - d\n\n1. x\n   1. y\n      1. z\n         1. w\n';
    const { html } = await renderWith([rehypeWechatLists], md);
    expect(html).not.toMatch(/<(ul|ol|li)[\s>]/);
    expect(await markers(md)).toEqual([
      [1, '•'], [2, '◦'], [3, '▪'], [4, '•'],
      [1, '1.'], [2, 'a.'], [3, 'i.'], [4, '1.'],
    ]);
  });

  it('counts from start, with li value, reversed and type honoured', async () => {
    expect((await markers('3. c\n4. d\n')).map((m) => m[1])).toEqual(['3.', '4.']);
    expect((await markers('<ol start="2" type="I"><li>a</li><li value="9">b</li><li>c</li></ol>')).map((m) => m[1])).toEqual(['II.', 'IX.', 'X.']);
    expect((await markers('<ol reversed><li>a</li><li>b</li></ol>')).map((m) => m[1])).toEqual(['2.', '1.']);
  });

  it('formats ordinals', () => {
    expect([1, 26, 27, 52, 703].map((n) => formatOrdinal(n, 'a'))).toEqual(['a', 'z', 'aa', 'az', 'aaa']);
    expect([1, 4, 9, 14, 40, 1994].map((n) => formatOrdinal(n, 'i'))).toEqual(['i', 'iv', 'ix', 'xiv', 'xl', 'mcmxciv']);
    expect(formatOrdinal(0, 'a')).toBe('0');
    expect(formatOrdinal(-1, 'i')).toBe('-1');
    expect(formatOrdinal(12, 'A')).toBe('L');
  });

  it('widens the marker box for long ordinals so nested content indents past them', async () => {
    const { html } = await renderWith([rehypeWechatLists], '98. a\n99. b\n100. c\n');
    expect(html).toContain('padding-left:3em;');
    expect(html).toContain('width:3em;margin-left:-3em;');
  });

  it('keeps the paragraphs of loose items and puts the marker inside the first one', async () => {
    const { html } = await renderWith([rehypeWechatLists], '- one\n\n  two\n\n- three\n');
    const tree = fromHtml(html, { fragment: true });
    const paragraphs: string[] = [];
    visit(tree, 'element', (node: Element) => {
      if (node.tagName === 'p') paragraphs.push(toString(node));
    });
    expect(paragraphs).toEqual(['•one', 'two', '•three']);
  });

  it('uses the task box as the marker: no bullet of its own', async () => {
    const md = '<ul><li class="wx-task"><span class="wx-task-box">☑</span> done</li><li>plain</li></ul>';
    expect((await markers(md)).map((m) => m[1])).toEqual(['☑', '•']);
    const { html } = await renderWith([rehypeWechatLists], md);
    expect(html).toContain('<section class="wx-li wx-task"');
    expect(html).toContain('<span class="wx-li-body">done</span>');
  });

  it('works on the real task-lists plugin output, tight and loose', async () => {
    const tight = await renderWith([rehypeTaskLists, rehypeWechatLists], '- [x] 完成\n- [ ] 待办\n  - 子项\n');
    expect(tight.html).not.toContain('<input');
    expect(tight.html).toContain('<span class="wx-task-box" style="display:inline-block;width:1.5em;margin-left:-1.5em;text-align:center;">☑</span><span class="wx-li-body">完成</span>');
    expect(tight.html).not.toMatch(/wx-li-marker[^>]*>•/);
    const loose = await renderWith([rehypeTaskLists, rehypeWechatLists], '- [ ] one\n\n  more\n\n- [x] two\n');
    expect(loose.html).toMatch(/<p><span class="wx-task-box"[^>]*>☐<\/span>one<\/p>/);
    expect(loose.html).toMatch(/<p><span class="wx-task-box"[^>]*>☑<\/span>two<\/p>/);
  });

  it('does not touch the footnotes section (the footnotes plugin runs after lists)', async () => {
    const { html } = await renderWith([rehypeWechatLists], 'a[^1]\n\n[^1]: note\n');
    expect(html).toMatch(/<section data-footnotes="" class="footnotes">[\s\S]*<ol>\n<li id="user-content-fn-1">/);
  });

  it('converts lists inside a note and hands the notes list to the footnotes plugin', async () => {
    const md = 'a[^1]\n\n[^1]: note:\n\n    - x\n    - y\n';
    const { html } = await renderWith([rehypeWechatLists, rehypeWechatFootnotes], md);
    expect(html).not.toMatch(/<(ul|ol|li)[\s>]/);
    expect(html).toContain('wx-footnote');
    expect((await markers(md)).map((m) => m[1])).toEqual(['•', '•']);
  });

  it('produces valid nesting: inline bodies hold no blocks', async () => {
    const md = '- a\n  - b\n\n    para\n\n  ```\n  code\n  ```\n- c\n';
    const { html } = await renderWith([rehypeWechatLists], md);
    const tree = fromHtml(html, { fragment: true });
    visit(tree, 'element', (node: Element) => {
      if (node.tagName !== 'span') return;
      visit(node, 'element', (inner: Element) => {
        expect(['section', 'p', 'pre', 'div'].includes(inner.tagName), `${inner.tagName} inside span`).toBe(false);
      });
    });
  });
});

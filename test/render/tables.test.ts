import { fromHtml } from 'hast-util-from-html';
import type { Element } from 'hast';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { goldenSuite, renderWith } from '../helpers/golden.js';
import { displayWidth, rehypeWechatTables, SHORT_CELL_WIDTH } from '../../src/render/plugins/rehype/rehype-wechat-tables.js';

goldenSuite('tables', [rehypeWechatTables]);

function elements(html: string, tagName: string): Element[] {
  const found: Element[] = [];
  visit(fromHtml(html, { fragment: true }), 'element', (node) => {
    if (node.tagName === tagName) found.push(node);
  });
  return found;
}

describe('rehypeWechatTables', () => {
  it('wraps every table exactly once in a horizontally scrolling section', async () => {
    const md = '| a |\n|---|\n| 1 |\n\n<table><tr><td>x</td></tr></table>\n';
    const { html } = await renderWith([rehypeWechatTables], md);
    const wraps = elements(html, 'section');
    expect(wraps).toHaveLength(2);
    for (const wrap of wraps) {
      expect(wrap.properties.className).toEqual(['wx-table-wrap']);
      expect(String(wrap.properties.style)).toContain('overflow-x:auto');
      expect(String(wrap.properties.style)).toContain('display:block');
      const [table] = wrap.children.filter((child): child is Element => child.type === 'element');
      expect(table?.tagName).toBe('table');
      expect(table?.properties.className).toEqual(['wx-table']);
    }
  });

  it('is idempotent: running twice gives the same HTML', async () => {
    const md = '| 左 | 右 |\n|:--|--:|\n| 1 | 2 |\n';
    const once = await renderWith([rehypeWechatTables], md);
    const twice = await renderWith([rehypeWechatTables, rehypeWechatTables], md);
    expect(twice.html).toBe(once.html);
  });

  it('leaves no align attribute anywhere', async () => {
    const md = '| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n';
    const { html } = await renderWith([rehypeWechatTables], md);
    const cells = [...elements(html, 'th'), ...elements(html, 'td')];
    expect(cells).toHaveLength(6);
    expect(cells.every((cell) => cell.properties.align === undefined)).toBe(true);
    expect(cells.map((cell) => /text-align:(\w+)/.exec(String(cell.properties.style))?.[1])).toEqual([
      'left',
      'center',
      'right',
      'left',
      'center',
      'right',
    ]);
  });

  it('measures display width with CJK and full-width characters counting two', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('中文')).toBe(4);
    expect(displayWidth('是（否）')).toBe(8);
    expect(displayWidth('  a \n b  ')).toBe(3);
    expect(displayWidth('一二三四五六')).toBe(SHORT_CELL_WIDTH);
  });
});

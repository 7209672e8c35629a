import { fromHtml } from 'hast-util-from-html';
import { toString as hastToString } from 'hast-util-to-string';
import type { Element } from 'hast';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { goldenSuite, renderWith } from '../helpers/golden.js';
import { rehypeGfmAlerts } from '../../src/render/plugins/rehype/rehype-gfm-alerts.js';

goldenSuite('alerts', [rehypeGfmAlerts]);

interface Alert {
  classes: string[];
  title: string;
  body: string;
}

async function alerts(md: string): Promise<{ alerts: Alert[]; blockquotes: number }> {
  const { html } = await renderWith([rehypeGfmAlerts], md);
  const found: Alert[] = [];
  let blockquotes = 0;
  visit(fromHtml(html, { fragment: true }), 'element', (node: Element) => {
    if (node.tagName === 'blockquote') blockquotes++;
    const classes = (node.properties.className as string[] | undefined) ?? [];
    if (!classes.includes('wx-alert')) return;
    const [title, ...body] = node.children.filter((child): child is Element => child.type === 'element');
    expect(title?.properties.className).toEqual(['wx-alert-title']);
    found.push({
      classes,
      title: hastToString(title!),
      body: body.map((child) => hastToString(child).replace(/\s+/g, ' ').trim()).join(' | '),
    });
  });
  return { alerts: found, blockquotes };
}

describe('rehypeGfmAlerts', () => {
  it('maps the five GitHub kinds with English titles in an English post', async () => {
    const md = ['NOTE', 'TIP', 'IMPORTANT', 'WARNING', 'CAUTION'].map((k) => `> [!${k}]\n> Some text about ${k}.\n`).join('\n');
    const { alerts: found, blockquotes } = await alerts(md);
    expect(blockquotes).toBe(0);
    expect(found.map((a) => [a.classes.join(' '), a.title])).toEqual([
      ['wx-alert wx-alert-note', 'ℹ️ Note'],
      ['wx-alert wx-alert-tip', '💡 Tip'],
      ['wx-alert wx-alert-important', '❗ Important'],
      ['wx-alert wx-alert-warning', '⚠️ Warning'],
      ['wx-alert wx-alert-caution', '🛑 Caution'],
    ]);
    expect(found[0]?.body).toBe('Some text about NOTE.');
  });

  it('uses Chinese default titles when the post reads as CJK', async () => {
    const md = ['note', 'tip', 'important', 'warning', 'caution'].map((k) => `> [!${k}]\n> 这是关于 ${k} 的中文说明。\n`).join('\n');
    const { alerts: found } = await alerts(md);
    expect(found.map((a) => a.title)).toEqual(['ℹ️ 提示', '💡 技巧', '❗ 重要', '⚠️ 警告', '🛑 注意']);
  });

  it('takes a custom title from the marker line and keeps the rest of the paragraph as body', async () => {
    const { alerts: found } = await alerts('> [!Warning] Mind the gap\n> between the train and the platform.\n');
    expect(found).toEqual([{ classes: ['wx-alert', 'wx-alert-warning'], title: '⚠️ Mind the gap', body: 'between the train and the platform.' }]);
  });

  it('maps VuePress containers, including danger → caution, info → note and details shown open', async () => {
    const md = '::: danger 小心\n删库。\n:::\n\n::: info\nFYI.\n:::\n\n::: details 展开\n答案\n:::\n\n::: unknown\n保持原样\n:::\n';
    const { alerts: found } = await alerts(md);
    expect(found).toEqual([
      { classes: ['wx-alert', 'wx-alert-caution'], title: '🛑 小心', body: '删库。' },
      { classes: ['wx-alert', 'wx-alert-note'], title: 'ℹ️ 提示', body: 'FYI.' },
      { classes: ['wx-alert', 'wx-alert-note'], title: '▸ 展开', body: '答案' },
    ]);
    expect((await renderWith([rehypeGfmAlerts], md)).html).toContain('<p>::: unknown\n保持原样\n:::</p>');
  });

  it('centres a `::: center` container without giving it a title', async () => {
    const { html } = await renderWith([rehypeGfmAlerts], '::: center\n\n**居中**\n\n:::\n');
    expect(html).toBe('<section style="text-align:center"><p><strong>居中</strong></p></section>');
  });

  it('leaves a container without a closing fence untouched', async () => {
    const md = '::: tip 标题\n内容\n\n后面的段落\n';
    const { html } = await renderWith([rehypeGfmAlerts], md);
    const { html: plain } = await renderWith([], md);
    expect(html).toBe(plain);
  });

  it('does not change blockquotes that are not alerts', async () => {
    const md = '> quote\n\n> [!INFO]\n> nope\n\n> x\n> [!NOTE] late marker\n';
    const { html } = await renderWith([rehypeGfmAlerts], md);
    const { html: plain } = await renderWith([], md);
    expect(html).toBe(plain);
  });
});

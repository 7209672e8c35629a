import { fromHtml } from 'hast-util-from-html';
import { toString as hastToString } from 'hast-util-to-string';
import type { Element } from 'hast';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { goldenSuite, renderWith } from '../helpers/golden.js';
import { noteMarker, rehypeWechatFootnotes } from '../../src/render/plugins/rehype/rehype-wechat-footnotes.js';

goldenSuite('footnotes', [rehypeWechatFootnotes]);

function inspect(html: string) {
  const refs: string[] = [];
  const notes: string[] = [];
  const titles: string[] = [];
  let links = 0;
  let ids = 0;
  visit(fromHtml(html, { fragment: true }), 'element', (node: Element) => {
    const classes = (node.properties.className as string[] | undefined) ?? [];
    if (classes.includes('wx-fnref')) refs.push(hastToString(node));
    if (classes.includes('wx-footnote')) notes.push(hastToString(node).replace(/\s+/g, ' ').trim());
    if (classes.includes('wx-footnotes-title')) titles.push(hastToString(node));
    if (node.tagName === 'a' && String(node.properties.href ?? '').startsWith('#')) links++;
    if (node.properties.id !== undefined) ids++;
  });
  return { refs, notes, titles, links, ids };
}

describe('rehypeWechatFootnotes', () => {
  it('numbers references by first use and gives repeated references the same number', async () => {
    const md = 'a[^x] b[^y] c[^x] d[^z]\n\n[^z]: Zed.\n[^y]: Why.\n[^x]: Ex.\n';
    const { html } = await renderWith([rehypeWechatFootnotes], md);
    const { refs, notes, titles, links, ids } = inspect(html);
    expect(refs).toEqual(['①', '②', '①', '③']);
    expect(notes).toEqual(['① Ex.', '② Why.', '③ Zed.']);
    expect(titles).toEqual(['Notes']);
    expect(links).toBe(0);
    expect(ids).toBe(0);
    expect(html).not.toContain('↩');
  });

  it('titles the notes 注释 in a Chinese post, even one full of English identifiers', async () => {
    const md = '使用 HashMap 和 ConcurrentHashMap 时要注意线程安全[^1]。\n\n[^1]: 见 Java 并发编程实战。\n';
    const { html } = await renderWith([rehypeWechatFootnotes], md);
    expect(inspect(html).titles).toEqual(['注释']);
  });

  it('keeps Notes for an English post that quotes one Chinese word', async () => {
    const md = 'The word 你好 means hello, and this sentence is long enough to be English[^1].\n\n[^1]: Really.\n';
    const { html } = await renderWith([rehypeWechatFootnotes], md);
    expect(inspect(html).titles).toEqual(['Notes']);
  });

  it('does nothing to a post without footnotes', async () => {
    const md = 'Plain [text] with a [link](https://example.com) and <sup>2</sup>.\n';
    const without = await renderWith([], md);
    const withPlugin = await renderWith([rehypeWechatFootnotes], md);
    expect(withPlugin.html).toBe(without.html);
  });

  it('leaves the section out when notes have no items but still converts refs', async () => {
    // Hand-made: a reference to a note whose section is missing (e.g. removed by an earlier step).
    const md = 'x<sup><a href="#user-content-fn-1" data-footnote-ref>1</a></sup>\n';
    const { html } = await renderWith([rehypeWechatFootnotes], md);
    expect(html).toBe('<p>x<sup class="wx-fnref">①</sup></p>');
  });
});

describe('noteMarker', () => {
  it('circles numbers up to 50, then falls back to parentheses', () => {
    expect([1, 2, 20, 21, 35, 36, 50, 51].map(noteMarker)).toEqual(['①', '②', '⑳', '㉑', '㉟', '㊱', '㊿', '(51)']);
    expect(noteMarker('?')).toBe('(?)');
  });
});

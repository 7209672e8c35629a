import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { remarkMark } from '../../src/render/plugins/remark/remark-mark.js';
import { remarkObsidianLinks } from '../../src/render/plugins/remark/remark-obsidian-links.js';
import { remarkToc } from '../../src/render/plugins/remark/remark-toc.js';
import { rehypeWechatImages } from '../../src/render/plugins/rehype/rehype-wechat-images.js';
import { fixturesRoot, goldenSuite, renderWith } from '../helpers/golden.js';

const remark = [remarkObsidianLinks, remarkMark, remarkToc];
goldenSuite('obsidian', [], remark);

const rules = (file: { messages: { ruleId?: string | null; line?: number | null; fatal?: boolean | null }[] }) =>
  file.messages.map((m) => `${m.line}:${m.ruleId}:${m.fatal === true ? 'error' : m.fatal === false ? 'warning' : 'info'}`);

describe('Obsidian syntax', () => {
  it('links a wiki link to the published post, else shows text with an info at its line', async () => {
    const dir = path.join(fixturesRoot, 'obsidian', 'wikilinks');
    const md = 'Line one.\n\n[[published-post]] and [[Other post]] and [[Nowhere]]\n';
    const { html, file } = await renderWith([], md, { baseDir: dir }, path.join(dir, 'x.md'), remark);
    expect(html).toBe('<p>Line one.</p>\n<p><a href="https://mp.weixin.qq.com/s/abcdef">published-post</a> and Other post and Nowhere</p>');
    expect(rules(file)).toEqual(['3:wikilink-unpublished:info', '3:wikilink-unresolved:info']);
  });

  it('turns image embeds into images the images plugin collects (so the sync uploads them)', async () => {
    const dir = path.join(fixturesRoot, 'obsidian', 'embeds');
    const md = '![[diagram.png|200]]\n\n![[missing.png]]\n';
    const { html, file } = await renderWith([rehypeWechatImages], md, { baseDir: dir }, path.join(dir, 'x.md'), remark);
    expect(html).toContain('src="assets/diagram.png"');
    expect(html).toContain('width:200px');
    expect(file.data.images?.map((i) => [i.src, i.exists, i.line])).toEqual([
      ['assets/diagram.png', true, 1],
      ['missing.png', false, 3],
    ]);
    expect(rules(file)).toEqual(['3:image-missing:warning']);
  });

  it('reports an unclosed == and an empty [TOC] at their lines', async () => {
    const { html, file } = await renderWith([], 'a\n\nb ==c\n\n[TOC]\n', {}, 'x.md', remark);
    expect(html).toBe('<p>a</p>\n<p>b ==c</p>');
    expect(rules(file)).toEqual(['3:mark-unclosed:info', '5:toc-empty:info']);
  });

  it('shifts message lines by the front matter', async () => {
    const { file } = await renderWith([], '[[Nowhere]]\n', {}, 'x.md', [
      () => (_tree: unknown, f: { data: { bodyLineOffset?: number } }) => {
        f.data.bodyLineOffset = 5;
      },
      ...remark,
    ]);
    expect(rules(file)).toEqual(['5:wikilink-unresolved:info']);
  });
});

describe('Obsidian syntax through the whole pipeline', () => {
  it('keeps the highlight as a styled span, a published wiki link clickable, and lists the TOC', async () => {
    const { renderMarkdown } = await import('../../src/render/render.js');
    const dir = path.join(fixturesRoot, 'obsidian', 'wikilinks');
    const md = '---\ntitle: T\n---\n[TOC]\n\n## One\n\nA ==key== point, see [[published-post]].\n';
    const rendered = await renderMarkdown(md, { baseDir: dir, fileName: 'x.md' });
    expect(rendered.ok).toBe(true);
    expect(rendered.html).toMatch(/<span style="[^"]*background-color:\s*#fff5b1[^"]*">key<\/span>/);
    expect(rendered.html).toContain('<a href="https://mp.weixin.qq.com/s/abcdef"');
    expect(rendered.html).not.toContain('[TOC]');
    expect(rendered.linkRefs).toEqual([]);
  });
});

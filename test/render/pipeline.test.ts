/**
 * The whole renderer on real posts: the samples in posts/, raw HTML attacks, and "no text of the source is lost"
 * (on the samples and, when ../shared/corpus is beside the repo, on a sample of each sub-corpus).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Element, Root as HastRoot, RootContent } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toString as hastToString } from 'hast-util-to-string';
import type { Root as MdRoot, RootContent as MdContent } from 'mdast';
import remarkCjkFriendly from 'remark-cjk-friendly';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveConfig } from '../../src/config/load.js';
import { discoverPosts } from '../../src/content/discover.js';
import { parseFrontMatter } from '../../src/content/front-matter.js';
import { convertMkdocsBlocks } from '../../src/content/mkdocs.js';
import { loadPost } from '../../src/content/post.js';
import { renderMarkdown, renderPost, type RenderedPost } from '../../src/render/render.js';
import { repoRoot } from '../helpers/cli.js';

/** Every element and attribute WeChat would refuse, found by walking the parsed output (not by string search). */
function forbidden(html: string): string[] {
  const problems: string[] = [];
  const walk = (node: HastRoot | RootContent) => {
    if (node.type === 'comment') problems.push('comment');
    if (node.type === 'element') {
      const el = node as Element;
      if (['script', 'style', 'iframe', 'input', 'form', 'link', 'meta', 'object', 'embed', 'button', 'textarea'].includes(el.tagName)) problems.push(`<${el.tagName}>`);
      for (const [key, value] of Object.entries(el.properties)) {
        if (key === 'className' || key === 'id') problems.push(`${el.tagName}[${key}]`);
        if (/^on/i.test(key)) problems.push(`${el.tagName}[${key}]`);
        if (typeof value === 'string' && /^\s*(javascript|vbscript):/i.test(value)) problems.push(`${el.tagName}[${key}=${value}]`);
        if (key === 'style' && typeof value === 'string' && /(position\s*:|expression\(|url\()/i.test(value)) problems.push(`${el.tagName}[style=${value}]`);
      }
      if (el.tagName === 'svg' || el.tagName === 'use' || el.tagName === 'defs') {
        if (el.tagName !== 'svg') problems.push(`<${el.tagName}> in svg`);
      }
    }
    if ('children' in node) for (const child of node.children) walk(child);
  };
  walk(fromHtml(html, { fragment: true }));
  return problems;
}

/** The words of a Markdown source that must reach the reader: text, inline code and code (not math, not raw HTML). */
function sourceWords(markdown: string): string[] {
  // Parsed as the pipeline parses (CJK-friendly emphasis included), so `**强调**：` is emphasis, not literal asterisks.
  const processor = unified().use(remarkParse).use(remarkGfm).use(remarkMath).use(remarkCjkFriendly);
  const tree = processor.runSync(processor.parse(markdown)) as MdRoot;
  const words: string[] = [];
  const walk = (node: MdRoot | MdContent) => {
    if (node.type === 'math' || node.type === 'inlineMath' || node.type === 'html' || node.type === 'yaml') return;
    if (node.type === 'text' || node.type === 'inlineCode' || node.type === 'code') words.push(...node.value.split(/\s+/));
    if ('children' in node) for (const child of node.children) walk(child as MdContent);
  };
  walk(tree);
  return words.filter((w) => w && !/^\[![A-Za-z]+\]$/.test(w) && !/^:::/.test(w));
}

/** Text as the reader sees it, whitespace removed (CJK spacing and code's no-break spaces change only whitespace). */
function squash(text: string): string {
  return text.replace(/[\s\u00a0]+/g, '');
}

function lostWords(markdown: string, rendered: RenderedPost): string[] {
  const seen = squash(`${rendered.title} ${hastToString(fromHtml(rendered.html, { fragment: true }))}`);
  // Read the source as the pipeline does: front matter and MkDocs block markers are syntax, not text (tab labels and
  // admonition titles are kept, and checked).
  const body = convertMkdocsBlocks(parseFrontMatter(markdown, { metaBlock: true }).body);
  return sourceWords(body).filter((word) => !seen.includes(squash(word)));
}

describe('the sample posts', async () => {
  const { config } = await loadConfig(repoRoot);
  const files = await discoverPosts({ root: repoRoot, include: config.include, exclude: config.exclude });

  it('cover Chinese and English, YAML and TOML, and every feature', () => {
    const all = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const feature of ['+++', '---', '$$', '```', '- [x]', '[^', '> [!NOTE]', '> [!CAUTION]', '| :---', '<script>', '](http', '![', '      1.']) {
      expect(all, feature).toContain(feature);
    }
    expect(all).toMatch(/[\u4e00-\u9fff]{10}/);
  });

  for (const file of files) {
    const source = path.relative(repoRoot, file);
    it(`${source} renders to WeChat-safe HTML without losing text`, async () => {
      const post = await loadPost(file, repoRoot, config);
      if (post.meta.draft) return;
      const rendered = await renderPost(post, { root: repoRoot, config });
      expect(rendered.messages.filter((m) => m.fatal === true).map((m) => m.reason)).toEqual([]);
      expect(rendered.title.length).toBeGreaterThan(0);
      expect(forbidden(rendered.html)).toEqual([]);
      expect(lostWords(post.raw, rendered)).toEqual([]);
      expect(rendered.html).toMatch(/^<section style="/);
      expect(rendered.sizes.htmlBytes).toBeLessThanOrEqual(2 * rendered.sizes.preInlineBytes);
    });
  }

  it('shows every WeChat transform in the output of the Chinese sample', async () => {
    const post = await loadPost(path.join(repoRoot, 'posts/hello-wxmp.md'), repoRoot, config);
    const { html, linkRefs, images, digest, cover } = await renderPost(post, { root: repoRoot, config });
    expect(html).toContain('☑');
    expect(html).toContain('☐');
    expect(html).toContain('参考链接');
    expect(linkRefs.map((r) => r.url)).toEqual(['https://unifiedjs.com/', 'https://github.com/Automattic/juice']);
    expect(html).toContain('href="https://mp.weixin.qq.com/s/abc123"');
    expect(html).toContain('注释');
    expect(html).toMatch(/<br>/); // code line breaks
    expect(images.map((i) => [i.src, i.kind, i.exists])).toEqual([
      ['./images/sync-flow.png', 'local', true],
      ['./images/pipeline.svg', 'local', true],
    ]);
    expect(digest).toBe('从一个 Markdown 仓库到公众号草稿箱：渲染、图片上传、幂等同步，一条命令完成。');
    expect(cover?.src).toBe('./images/cover.jpg');
    expect(html).toContain('Node.js 20 和 GitHub Actions');
  });

  it('renders math to SVG without ids, defs or use', async () => {
    const post = await loadPost(path.join(repoRoot, 'posts/math-and-code.md'), repoRoot, config);
    const rendered = await renderPost(post, { root: repoRoot, config });
    expect(rendered.mathCount).toBe(4);
    expect(rendered.html).toContain('<svg');
    expect(rendered.html).not.toMatch(/<(defs|use)\b|\sid="/);
  });
});

describe('raw HTML inside Markdown', () => {
  it('comes out clean: no scripts, styles, classes, ids, events or javascript: URLs — and keeps its text', async () => {
    const markdown = `---
title: 清洗
---

<div class="x" id="y" onclick="steal()" style="color:#b31d28;position:fixed;background:url(https://evil.example/x.png)">
  可见文字一
  <script>alert('xss')</script><style>p{color:red}</style>
  <font color="red">可见文字二</font> <a href="javascript:alert(1)" onmouseover="x()">可见文字三</a>
  <img src="x.png" onerror="alert(1)">
  <iframe src="https://evil.example"></iframe><input type="text" value="v"><button onclick="x()">可见文字四</button>
  <svg><script>alert(1)</script><circle r="4"/></svg>
  <details><summary>可见文字五</summary>可见文字六</details>
</div>

Inline <span class="hljs-keyword wx-x evil" data-x="1">可见文字七</span> and <em onclick="x()">可见文字八</em>.
`;
    const rendered = await renderMarkdown(markdown, { baseDir: repoRoot, config: resolveConfig({}) });
    expect(forbidden(rendered.html)).toEqual([]);
    expect(rendered.html).not.toMatch(/alert|steal|evil\.example|p\{color/);
    const text = hastToString(fromHtml(rendered.html, { fragment: true }));
    for (let i = 1; i <= 8; i++) expect(text).toContain(`可见文字${['一', '二', '三', '四', '五', '六', '七', '八'][i - 1]}`);
  });
});

/** Up to `n` posts per sub-corpus, spread over its files (the corpus is beside the repo in CI; skipped elsewhere). */
function corpusSample(n: number): string[] {
  const corpus = path.resolve(repoRoot, '../shared/corpus');
  if (!existsSync(corpus)) return [];
  const out: string[] = [];
  for (const sub of readdirSync(corpus).filter((d) => statSync(path.join(corpus, d)).isDirectory()).sort()) {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.md$/.test(entry.name) && dir !== path.join(corpus, sub)) files.push(full);
      }
    };
    walk(path.join(corpus, sub));
    const step = Math.max(1, Math.floor(files.length / n));
    for (let i = 0; i < files.length && out.filter((f) => f.includes(`/${sub}/`)).length < n; i += step) out.push(files[i]!);
  }
  return out;
}

describe.skipIf(corpusSample(1).length === 0)('real posts from ../shared/corpus', () => {
  // No diagram drawing: with the post's folder as the root, a drawn diagram would be cached inside the corpus, which
  // is read-only test data (and whether it draws depends on the machine's browser and fonts).
  const config = resolveConfig({ mermaid: false });
  for (const file of corpusSample(4)) {
    const name = file.split('/shared/corpus/')[1]!;
    it(`${name}: WeChat-safe, no text lost`, async () => {
      const raw = readFileSync(file, 'utf8');
      const rendered = await renderMarkdown(raw, { baseDir: path.dirname(file), fileName: path.basename(file), config });
      expect(forbidden(rendered.html)).toEqual([]);
      expect(lostWords(raw, rendered)).toEqual([]);
    });
  }
});

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { convertMkdocsBlocks } from '../../src/content/mkdocs.js';
import { loadPost } from '../../src/content/post.js';
import { renderMarkdown, renderPost } from '../../src/render/render.js';

const source = [
  '最简单的算法即为从 $[2, \\sqrt N]$ 进行遍历。',
  '',
  '=== "C++"',
  '    ```cpp',
  '    int main() {',
  '        return 0;',
  '    }',
  '    ```',
  '',
  '=== "Python"',
  '    ```python',
  '    def f(): pass',
  '    ```',
  '',
  '???+ note "证明"',
  '    设 $N$ 为合数。',
  '',
  '    !!! warning',
  '        嵌套的警告',
  '',
  '!!! danger ""',
  '    没有标题',
  '',
  '之后的段落。',
  '```',
  '=== "not a tab: inside code"',
  '```',
  '',
  'Setext heading',
  '=== ',
].join('\n');

describe('MkDocs Material blocks', () => {
  it('become labelled blocks and GFM alerts, line for line', () => {
    const out = convertMkdocsBlocks(source).split('\n');
    expect(out).toHaveLength(source.split('\n').length);
    expect(out.slice(2, 8)).toEqual(['**C++**', '```cpp', 'int main() {', '    return 0;', '}', '```']);
    expect(out[9]).toBe('**Python**');
    expect(out.slice(14, 19)).toEqual(['> [!NOTE] 证明', '> 设 $N$ 为合数。', '>', '> > [!WARNING]', '> > 嵌套的警告']);
    expect(out.slice(20, 22)).toEqual(['> [!CAUTION]', '> 没有标题']);
    expect(out.slice(23)).toEqual(source.split('\n').slice(23)); // code and a setext underline are untouched
  });

  it('leaves posts without MkDocs blocks byte for byte', () => {
    const plain = '# T\n\n    indented code\n\n> quote\n';
    expect(convertMkdocsBlocks(plain)).toBe(plain);
  });

  it('render as code blocks and alert boxes, with messages still at the original lines', async () => {
    const config = resolveConfig({});
    const post = await renderMarkdown(`---\ntitle: t\n---\n${source}\n\n![](./missing.png)\n`, { config });
    expect(post.html).not.toContain('=== &#x22;C++&#x22;');
    expect(post.html).not.toContain('???+');
    expect(post.html).toMatch(/<strong[^>]*>C\+\+<\/strong>/);
    expect(post.html).toContain('证明');
    expect((post.html.match(/<pre/g) ?? []).length).toBe(3);
    const missing = post.messages.find((m) => m.ruleId === 'image-missing');
    expect(missing?.line).toBe(4 + source.split('\n').length + 1);
    const off = await renderMarkdown(`---\ntitle: t\n---\n${source}\n`, { config: resolveConfig({ render: { mkdocs: false } }) });
    expect(off.html).toContain('???+ note');
  });

  it('read an OI-wiki meta-data block as front matter: byline shortened, not printed as text', async () => {
    const markdown = 'author: Ir1d, LeoJacob, Xeonacid, greyqz, StudyingFather\n\n# 前缀函数与 KMP 算法\n\n正文。\n\n![](./missing.png)\n';
    const post = await renderMarkdown(markdown, { config: resolveConfig({}) });
    expect(post.title).toBe('前缀函数与 KMP 算法');
    expect(post.author).toBe('Ir1d, LeoJacob 等');
    expect(post.html).not.toContain('Ir1d');
    expect(post.messages.find((m) => m.ruleId === 'author-shortened')?.line).toBe(1);
    expect(post.messages.find((m) => m.ruleId === 'image-missing')?.line).toBe(7);
    const off = await renderMarkdown(markdown, { config: resolveConfig({ render: { mkdocs: false } }) });
    expect(off.html).toContain('author: Ir1d');
  });
});

describe('mkdocs.yml navigation titles', () => {
  it('give untitled pages their title from `nav:`, after front matter and the leading heading', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'wxmp-mkdocs-'));
    mkdirSync(path.join(root, 'docs', 'string'), { recursive: true });
    // A real mkdocs.yml carries Python tags a strict YAML loader refuses.
    writeFileSync(
      path.join(root, 'mkdocs.yml'),
      'site_name: OI Wiki\nnav:\n  - 简介: index.md\n  - 字符串:\n    - 前缀函数与 KMP 算法: string/kmp.md\n    - string/sam.md\n    - 有标题的页面: string/titled.md\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n',
    );
    writeFileSync(path.join(root, 'docs', 'string', 'kmp.md'), 'author: Ir1d\n\n## 定义\n\n正文。\n');
    writeFileSync(path.join(root, 'docs', 'string', 'sam.md'), '## 定义\n\n正文。\n');
    writeFileSync(path.join(root, 'docs', 'string', 'titled.md'), '# 页面自己的标题\n\n正文。\n');
    const config = resolveConfig({});
    const render = async (rel: string) => renderPost(await loadPost(path.join(root, rel), root, config), { root, config });
    const kmp = await render('docs/string/kmp.md');
    expect(kmp.title).toBe('前缀函数与 KMP 算法');
    expect(kmp.messages.map((m) => m.ruleId)).not.toContain('title-missing');
    expect(kmp.includes).toContain(path.join(root, 'mkdocs.yml'));
    expect((await render('docs/string/titled.md')).title).toBe('页面自己的标题');
    const sam = await render('docs/string/sam.md');
    expect(sam.title).toBe('');
    expect(sam.messages.map((m) => m.ruleId)).toContain('title-missing');
  });
});

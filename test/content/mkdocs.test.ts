import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { convertMkdocsBlocks } from '../../src/content/mkdocs.js';
import { renderMarkdown } from '../../src/render/render.js';

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

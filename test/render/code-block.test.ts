import type { Element, Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { rehypeWechatCode } from '../../src/render/plugins/rehype/rehype-wechat-code.js';
import { resolveLanguage } from '../../src/render/plugins/rehype/code/languages.js';
import { renderLines, splitLines } from '../../src/render/plugins/rehype/code/lines.js';
import { goldenSuite, renderWith } from '../helpers/golden.js';

goldenSuite('code-block', [rehypeWechatCode]);

const NBSP = '\u00a0';

/** The text of every code block body, with `<br>` as `\n` and NBSP as a plain space: what a reader sees. */
function visibleCode(html: string): string[] {
  const tree = fromHtml(html, { fragment: true });
  const blocks: string[] = [];
  visit(tree, 'element', (node: Element) => {
    if (node.tagName !== 'code' || !String(node.properties.className).includes('wx-code-body')) return;
    let text = '';
    const walk = (el: Element): void => {
      for (const child of el.children) {
        if (child.type === 'text') text += child.value;
        else if (child.type === 'element' && child.tagName === 'br') text += '\n';
        else if (child.type === 'element' && !String(child.properties.className).includes('wx-code-ln')) walk(child);
      }
    };
    walk(node);
    blocks.push(text.replaceAll(NBSP, ' '));
  });
  return blocks;
}

/** Collapses whitespace the way WeChat's editor / `white-space:normal` would (NBSP is not whitespace). */
function collapse(html: string): string {
  return html.replace(/[ \t\n]+/g, ' ');
}

describe('rehypeWechatCode', () => {
  it('keeps every column and line of the source, tabs expanded to tab stops', async () => {
    const source = 'fn main() {\n\tlet a = 1;\n    if a  ==  1 {\n\t\t// 中文  注释\n    }\n\n}';
    const { html } = await renderWith([rehypeWechatCode], '```rust\n' + source + '\n```\n', { tabSize: 4 });
    expect(visibleCode(html)).toEqual([source.replaceAll('\t', '    ')]);
  });

  it('survives whitespace collapsing: no two ordinary spaces are adjacent and no line starts with one', async () => {
    const { html } = await renderWith([rehypeWechatCode], '```java\n        deep();  x   y\n  \n```\n');
    expect(collapse(html)).toBe(html.replace(/\n$/, ' '));
    expect(html).not.toMatch(/ {2}/);
    expect(html).not.toMatch(/<br> /);
    expect(visibleCode(html)).toEqual(['        deep();  x   y\n  ']);
  });

  it('splits tokens that span lines so that each line re-opens its spans', () => {
    const tokens = [
      { type: 'element' as const, tagName: 'span', properties: { className: ['hljs-comment'] }, children: [{ type: 'text' as const, value: '/* a\n b */' }] },
      { type: 'text' as const, value: ' x' },
    ];
    expect(splitLines(tokens).map((line) => line.map((s) => s.value))).toEqual([['/* a'], [' b */', ' x']]);
    const out = renderLines(tokens, { tabSize: 4, lineNumbers: false });
    const root: Root = { type: 'root', children: out };
    const comments: string[] = [];
    visit(root, 'element', (node: Element) => {
      if (node.tagName === 'span') comments.push(toString(node));
    });
    expect(comments).toEqual(['/* a', `${NBSP}b */`]);
  });

  it('tabs align to tab stops after text, not just at line start', async () => {
    const { html } = await renderWith([rehypeWechatCode], '```\nab\tc\nabcd\te\n```\n', { tabSize: 4 });
    expect(visibleCode(html)).toEqual(['ab  c\nabcd    e']);
  });

  it('numbers lines when codeLineNumbers is on, padded to the widest number', async () => {
    const md = '```\n' + Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join('\n') + '\n```\n';
    const { html } = await renderWith([rehypeWechatCode], md, { codeLineNumbers: true });
    const numbers = [...html.matchAll(/<span class="wx-code-ln"[^>]*>([^<]*)<\/span>/g)].map((m) => m[1]);
    expect(numbers).toHaveLength(12);
    expect(numbers[0]).toBe(`${NBSP}1`);
    expect(numbers[11]).toBe('12');
    const { html: plain } = await renderWith([rehypeWechatCode], md);
    expect(plain).not.toContain('wx-code-ln');
  });

  it('highlights known languages and aliases, leaves unknown ones plain with an info message', async () => {
    const { html, file } = await renderWith([rehypeWechatCode], '```c++\nint x;\n```\n\n```yam\nk: v\n```\n');
    expect(html).toContain('<span class="hljs-type">int</span>');
    expect(html).toContain('<span class="wx-code-lang">yam</span>');
    expect(html.split('<section class="wx-code">')[2]).not.toContain('hljs');
    expect(file.messages).toHaveLength(1);
    expect(file.messages[0]).toMatchObject({ ruleId: 'code-language-unknown', source: 'wxmp', fatal: undefined, line: 5 });
  });

  it('resolves the corpus fence languages', () => {
    for (const name of ['rust', 'rs', 'go', 'golang', 'java', 'cpp', 'c++', 'c', 'bash', 'shell', 'sh', 'yaml', 'yml', 'toml', 'json',
      'sql', 'python', 'py', 'xml', 'html', 'dockerfile', 'docker', 'makefile', 'nginx', 'protobuf', 'ini', 'properties', 'haskell',
      'lua', 'scheme', 'powershell', 'kotlin', 'swift', 'typescript', 'markdown', 'http', 'latex', 'gherkin']) {
      expect(resolveLanguage(name).grammar, name).toBeDefined();
    }
    expect(resolveLanguage('shell').grammar).toBe('bash');
    expect(resolveLanguage('TEXT')).toEqual({ grammar: undefined, label: undefined, unknown: false });
    expect(resolveLanguage('mermaid')).toEqual({ grammar: undefined, label: 'mermaid', unknown: false });
    expect(resolveLanguage('pseudo')).toEqual({ grammar: undefined, label: 'pseudo', unknown: true });
  });

  it('does not touch math code, inline or display', async () => {
    const md = 'a $x  y$ b\n\n$$\nx^2\n$$\n';
    const { html } = await renderWith([rehypeWechatCode], md);
    expect(html).toContain('<code class="language-math math-inline">x  y</code>');
    expect(html).toContain('<pre><code class="language-math math-display">x^2</code></pre>');
    expect(html).not.toContain('wx-');
  });

  it('marks inline code and keeps its runs of spaces', async () => {
    const { html } = await renderWith([rehypeWechatCode], 'x `a   b` y\n');
    expect(html).toBe(`<p>x <code class="wx-inline-code" style="white-space:nowrap">a ${NBSP} b</code> y</p>`);
  });

  it('keeps short inline code on one line and lets long code break', async () => {
    const { html } = await renderWith([rehypeWechatCode], '`#[cfg]` and `java.util.concurrent.ThreadPoolExecutor`\n');
    expect(html).toBe('<p><code class="wx-inline-code" style="white-space:nowrap">#[cfg]</code> and <code class="wx-inline-code">java.util.concurrent.ThreadPoolExecutor</code></p>');
  });
});

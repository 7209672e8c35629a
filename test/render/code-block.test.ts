import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Element, Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toString } from 'hast-util-to-string';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { rehypeWechatCode } from '../../src/render/plugins/rehype/rehype-wechat-code.js';
import { resolveLanguage } from '../../src/render/plugins/rehype/code/languages.js';
import { renderLines, splitLines } from '../../src/render/plugins/rehype/code/lines.js';
import { resolveConfig } from '../../src/config/load.js';
import { renderMarkdown } from '../../src/render/render.js';
import { filterStyleDeclarations } from '../../src/render/sanitize/styles.js';
import { listCodeThemes, listThemes } from '../../src/render/theme.js';
import { fixturesRoot, goldenSuite, renderWith } from '../helpers/golden.js';

goldenSuite('code-block', [rehypeWechatCode]);

/**
 * Code themes, golden: `test/fixtures/code-block-themes/<case>/` holds `input.md` (front matter included), `config.json`
 * (a wxmp config) and `output.html`, the article as WeChat receives it (whole pipeline, theme and code theme inlined).
 * `UPDATE_GOLDEN=1` rewrites the expected files, as for the other suites.
 */
describe('golden: code-block-themes', () => {
  const dir = path.join(fixturesRoot, 'code-block-themes');
  const cases = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  it('has cases', () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases)('%s', async (name) => {
    const caseDir = path.join(dir, name);
    const config = resolveConfig(JSON.parse(readFileSync(path.join(caseDir, 'config.json'), 'utf8')));
    const rendered = await renderMarkdown(readFileSync(path.join(caseDir, 'input.md'), 'utf8'), { config, baseDir: caseDir, fileName: 'input.md' });
    expect(rendered.ok).toBe(true);
    const actual = `${rendered.html.replaceAll('</section><section', '</section>\n<section')}\n`;
    const expectedFile = path.join(caseDir, 'output.html');
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(expectedFile, actual);
    if (!existsSync(expectedFile)) throw new Error(`missing ${expectedFile}: run with UPDATE_GOLDEN=1 and review it`);
    expect(actual).toBe(readFileSync(expectedFile, 'utf8'));
  });
});

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

describe('code themes and the window bar', () => {
  const post = (frontMatter: string): string => `---\ntitle: t\n${frontMatter}---\n\n\`\`\`rust\nfn main() {}\n\`\`\`\n`;

  it('are listed apart from the article themes', async () => {
    expect(await listCodeThemes()).toEqual(['atom-one-dark', 'atom-one-light', 'dracula', 'github', 'github-dark', 'monokai']);
    expect(await listThemes()).not.toContain('code-themes');
  });

  it('a post chooses its own code theme and bar over the config', async () => {
    const config = resolveConfig({ codeTheme: 'github' });
    const own = await renderMarkdown(post(''), { config });
    expect(own.html).toContain('background:#f6f8fa');
    const dark = await renderMarkdown(post('code_theme: dracula\ncodeWindowBar: true\n'), { config });
    expect(dark.ok).toBe(true);
    expect(dark.html).toContain('background:#282a36');
    expect(dark.html).toContain('background:#ff5f56');
    expect(dark.themeVersion).not.toBe(own.themeVersion);
    // No code theme: the article theme's own colours, and the bar off.
    const plain = await renderMarkdown(post(''), { config: resolveConfig({}) });
    expect(plain.html).not.toContain('#ff5f56');
    expect(plain.themeVersion).toBe((await renderMarkdown(post(''), { config: resolveConfig({ theme: 'default' }) })).themeVersion);
  });

  it('an unknown code theme in a post is an error at its line, listing the known ones; in the config, a ThemeError', async () => {
    const rendered = await renderMarkdown(post('author: a\ncodeTheme: solarised\n'), { config: resolveConfig({ codeTheme: 'monokai' }) });
    expect(rendered.ok).toBe(false);
    const error = rendered.messages.find((m) => m.ruleId === 'code-theme-unknown');
    expect(error).toMatchObject({ line: 4, fatal: true });
    expect(error?.message).toContain('Unknown code theme "solarised"');
    expect(error?.message).toContain('atom-one-dark, atom-one-light, dracula, github, github-dark, monokai');
    expect(rendered.html).toContain('background:#272822'); // still rendered, with the config's code theme
    await expect(renderMarkdown(post(''), { config: resolveConfig({ codeTheme: 'nope' }) })).rejects.toMatchObject({
      name: 'ThemeError',
      message: expect.stringContaining('Available code themes: atom-one-dark'),
    });
  });

  it("reads a project's own code theme from templatesDir/code-themes/", async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'wxmp-code-theme-'));
    mkdirSync(path.join(root, 'themes', 'code-themes'), { recursive: true });
    writeFileSync(path.join(root, 'themes', 'code-themes', 'paper.css'), '.wx-code { background: #fffdf5; color: #2b2b2b; }\n.hljs-keyword { color: #8a1c7c; }\n');
    const rendered = await renderMarkdown(post('code_theme: paper\n'), { config: resolveConfig({ templatesDir: 'themes' }), baseDir: root });
    expect(rendered.ok).toBe(true);
    expect(rendered.html).toContain('background:#fffdf5');
    expect(rendered.html).toContain('<span style="color:#8a1c7c">fn</span>');
  });

  it('the bar is made of inline styles WeChat keeps', async () => {
    const { html } = await renderWith([rehypeWechatCode], '```\nx\n```\n', { codeWindowBar: true });
    const styles = [...html.matchAll(/style="([^"]*)"/g)].map((m) => m[1]!);
    expect(styles.length).toBeGreaterThan(3);
    for (const style of styles) expect(filterStyleDeclarations(style).replace(/;$/, '')).toBe(style.replace(/;$/, ''));
  });
});

describe('grammars load on demand', () => {
  it('the grammar index is what scripts/grammar-index.mjs writes from the installed highlight.js', () => {
    const result = spawnSync(process.execPath, ['scripts/grammar-index.mjs', '--check'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('a grammar brings the grammars it embeds: script and style inside an html fence are highlighted', async () => {
    const md = '```html\n<style>p { color: red }</style>\n<script>const x = 1;</script>\n```\n';
    const { html } = await renderWith([rehypeWechatCode], md);
    expect(html).toContain('<span class="hljs-keyword">const</span>'); // javascript, embedded by xml
    expect(html).toContain('<span class="hljs-attribute">color</span>'); // css, embedded by xml
  });

  it('knows names and aliases without loading anything, and flags the rest', () => {
    expect(resolveLanguage('C++')).toEqual({ grammar: 'cpp', label: 'c++', unknown: false });
    expect(resolveLanguage('pycon')).toEqual({ grammar: 'python-repl', label: 'pycon', unknown: false });
    expect(resolveLanguage('docker')).toEqual({ grammar: 'dockerfile', label: 'docker', unknown: false });
    const expected = { zsh: 'bash', console: 'shell', terminal: 'shell', golang: 'go', yml: 'yaml', proto: 'protobuf', vue: 'xml', svg: 'xml', jsonc: 'json', json5: 'json', conf: 'ini', cfg: 'ini', tex: 'latex' };
    for (const [name, grammar] of Object.entries(expected)) expect(resolveLanguage(name).grammar, name).toBe(grammar);
    expect(resolveLanguage('yam')).toEqual({ grammar: undefined, label: 'yam', unknown: true });
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Element, Nodes } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { clearMathCache, DISPLAY_WRAPPER_STYLE, rehypeMathSvg } from '../../src/render/plugins/rehype/rehype-math-svg.js';
import { definesMacros } from '../../src/render/math/engine.js';
import { compactPathData, exToEm } from '../../src/render/math/svg.js';
import { renderTexToSvg } from '../../src/render/math/engine.js';
import svgpath from 'svgpath';
import { goldenSuite, renderWith } from '../helpers/golden.js';

goldenSuite('math', [rehypeMathSvg]);

function elements(html: string): Element[] {
  const found: Element[] = [];
  visit(fromHtml(html, { fragment: true }) as Nodes, (node) => {
    delete node.position;
    if (node.type === 'element') found.push(node);
  });
  return found;
}

/** Everything WeChat strips from SVG, or that could reference or run something (docs/wechat-api.md §12). */
function assertWechatSafeSvg(html: string): void {
  const insideSvg: Element[] = [];
  for (const svg of elements(html).filter((el) => el.tagName === 'svg')) {
    visit(svg, 'element', (el: Element) => {
      insideSvg.push(el);
    });
  }
  expect(insideSvg.length).toBeGreaterThan(0);
  for (const el of insideSvg) {
    expect(['defs', 'use', 'symbol', 'script', 'style', 'a', 'foreignObject', 'title', 'mjx-container']).not.toContain(
      el.tagName,
    );
    for (const key of Object.keys(el.properties)) {
      expect(key).not.toBe('id');
      expect(key).not.toBe('href');
      expect(key).not.toBe('xLinkHref');
      expect(key.startsWith('data')).toBe(false);
    }
  }
  expect(html).not.toMatch(/url\(#/);
}

describe('rehypeMathSvg', () => {
  it('renders inline and display math to SVG sized in em, and counts them', async () => {
    const { html, file } = await renderWith([rehypeMathSvg], '设 $x^2$ 与 $y$。\n\n$$\n\\frac{a}{b}\n$$\n');
    expect(file.data.mathCount).toBe(3);
    expect(file.messages).toHaveLength(0);
    const spans = elements(html).filter((el) => el.tagName === 'span');
    expect(spans.map((el) => el.properties.className)).toEqual([['wx-math-inline'], ['wx-math-inline']]);
    const section = elements(html).find((el) => el.tagName === 'section');
    expect(section?.properties.className).toEqual(['wx-math-display']);
    expect(section?.properties.style).toBe(DISPLAY_WRAPPER_STYLE);
    const svgs = elements(html).filter((el) => el.tagName === 'svg');
    expect(svgs).toHaveLength(3);
    for (const svg of svgs) {
      const style = String(svg.properties.style);
      expect(style).toMatch(/^vertical-align:-?[\d.]+em;width:[\d.]+em;height:[\d.]+em;overflow:visible/);
      expect(style).not.toContain('ex');
      expect(svg.properties.role).toBe('img');
      expect(svg.properties.width).toMatch(/^[\d.]+em$/);
    }
    expect(svgs[0]?.properties.ariaLabel).toBe('x^2');
    expect(String(svgs[2]?.properties.style)).toContain('max-width:none');
    assertWechatSafeSvg(html);
  });

  it('converts MathJax ex sizes to em at MathJax’s own ratio (ex = em / 2)', () => {
    expect(exToEm('2.282ex')).toBe('1.141em');
    expect(exToEm('-0.025ex')).toBe('-0.012em');
    expect(exToEm('100%')).toBe('100%');
  });

  it('reports a TeX error with its position and shows the source as inline code', async () => {
    const md = '第一行\n\n错误 $\\frac{a}{$ 和 $\\undefinedmacro$ 之后 $z$\n';
    const { html, file } = await renderWith([rehypeMathSvg], md);
    expect(file.data.mathCount).toBe(1);
    const messages = file.messages.filter((m) => m.ruleId === 'math-error');
    expect(messages).toHaveLength(2);
    expect(messages[0]?.source).toBe('wxmp');
    expect(messages[0]?.reason).toContain('Missing close brace');
    expect(messages[0]?.line).toBe(3);
    expect(messages[0]?.column).toBe(4);
    expect(messages[1]?.reason).toContain('Undefined control sequence \\undefinedmacro');
    const codes = elements(html).filter((el) => el.tagName === 'code');
    expect(codes.map((el) => [el.properties.className, (el.children[0] as { value: string }).value])).toEqual([
      [['wx-inline-code'], '\\frac{a}{'],
      [['wx-inline-code'], '\\undefinedmacro'],
    ]);
  });

  it('does not render \\href, \\cssId, \\class or \\style (html package left out)', async () => {
    const { html, file } = await renderWith(
      [rehypeMathSvg],
      '$\\href{javascript:alert(1)}{x}$ $\\cssId{a}{x}$ $\\class{c}{x}$ $\\style{color:red}{x}$\n',
    );
    expect(file.data.mathCount).toBe(0);
    expect(file.messages.map((m) => m.ruleId)).toEqual(['math-error', 'math-error', 'math-error', 'math-error']);
    expect(elements(html).some((el) => el.tagName === 'svg')).toBe(false);
  });

  it('leaves TeX as code when settings.math is off', async () => {
    const { html, file } = await renderWith([rehypeMathSvg], '$x$\n\n$$\ny\n$$\n', { math: false });
    expect(file.data.mathCount).toBe(0);
    expect(html).toBe(
      '<p><code class="language-math math-inline">x</code></p>\n<pre><code class="language-math math-display">y</code></pre>',
    );
  });

  it('keeps macros inside one post and forgets them before the next', async () => {
    const first = await renderWith([rehypeMathSvg], '$\\newcommand{\\Rset}{\\mathbb{R}}$ $x\\in\\Rset$\n');
    expect(first.file.messages).toHaveLength(0);
    // The definition itself draws nothing and is dropped; the formula using it is rendered.
    expect(first.file.data.mathCount).toBe(1);
    expect(elements(first.html).filter((el) => el.tagName === 'svg')).toHaveLength(1);
    const second = await renderWith([rehypeMathSvg], '$x\\in\\Rset$\n');
    expect(second.file.messages.map((m) => m.reason)).toEqual([
      'Cannot render math `x\\in\\Rset`: Undefined control sequence \\Rset',
    ]);
    // A third post defining the same name differently gets its own rendering, not the first post's cached one.
    const third = await renderWith([rehypeMathSvg], '$\\newcommand{\\Rset}{Q}$ $x\\in\\Rset$\n');
    expect(third.file.messages).toHaveLength(0);
    const lastSvg = (html: string) => elements(html).filter((el) => el.tagName === 'svg').at(-1);
    expect(JSON.stringify(lastSvg(third.html))).not.toBe(JSON.stringify(lastSvg(first.html)));
  });

  it('recognises macro definitions but not look-alikes', () => {
    expect(definesMacros('\\newcommand{\\a}{b}')).toBe(true);
    expect(definesMacros('\\def\\a{b}')).toBe(true);
    expect(definesMacros('\\DeclareMathOperator{\\tr}{tr}')).toBe(true);
    expect(definesMacros('\\left( \\delta \\right) \\default')).toBe(false);
  });

  it('serves repeated formulas from the cache as independent copies', async () => {
    clearMathCache();
    const once = await renderWith([rehypeMathSvg], '$a+b$\n');
    const twice = await renderWith([rehypeMathSvg], '$a+b$ $a+b$\n');
    expect(twice.file.data.mathCount).toBe(2);
    const svgs = elements(twice.html).filter((el) => el.tagName === 'svg');
    expect(JSON.stringify(svgs[0])).toBe(JSON.stringify(svgs[1]));
    expect(JSON.stringify(svgs[0])).toBe(JSON.stringify(elements(once.html).find((el) => el.tagName === 'svg')));
  });

  it('a \\label used in two formulas is not "multiply defined"', async () => {
    const { file } = await renderWith([rehypeMathSvg], '$$\nx \\label{eq}\n$$\n\n$$\ny \\label{eq}\n$$\n');
    expect(file.messages).toHaveLength(0);
    expect(file.data.mathCount).toBe(2);
  });

  it('renders a real math-heavy post without crashing and without ids/defs/use', async () => {
    const dir = '/work/shared/corpus/zh-math-oi-wiki';
    let posts: string[] = [];
    try {
      posts = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md'));
    } catch {
      return; // corpus not mounted on this machine
    }
    // The post with the most formulas.
    const post = posts
      .map((f) => ({ f, n: (readFileSync(path.join(dir, f), 'utf8').match(/\$/g) ?? []).length }))
      .sort((a, b) => b.n - a.n)[0]?.f;
    if (!post) return;
    const { html, file } = await renderWith([rehypeMathSvg], readFileSync(path.join(dir, post), 'utf8'));
    expect(file.data.mathCount).toBeGreaterThan(0);
    assertWechatSafeSvg(html);
  });
});

describe('compactPathData', () => {
  /** Every MathJax path of a few formulas that use curves, rules, stretchy delimiters and radicals. */
  function mathjaxPaths(): string[] {
    const paths: string[] = [];
    for (const tex of ['\\int_0^1 f(x)\\,dx = \\sqrt{\\frac{a}{b}}', '\\left(\\sum_{i=1}^n x_i\\right)^2', '\\mathbf F_{p^n} \\overline{E/F}']) {
      visit(renderTexToSvg(tex, true), 'element', (el: Element) => {
        if (el.tagName === 'path' && typeof el.properties.d === 'string' && el.properties.d) paths.push(el.properties.d);
      });
    }
    return paths;
  }

  it('draws the same outline as MathJax\'s absolute path data, in fewer bytes', () => {
    const paths = mathjaxPaths();
    expect(paths.length).toBeGreaterThan(10);
    let before = 0;
    let after = 0;
    for (const d of paths) {
      const compact = compactPathData(d);
      before += d.length;
      after += compact.length;
      expect(compact.length).toBeLessThanOrEqual(d.length);
      // Same absolute coordinates, segment by segment.
      const absolute = (data: string) => svgpath(data).abs().unshort().unarc().round(3).toString();
      expect(absolute(compact)).toBe(absolute(d));
    }
    expect(after / before).toBeLessThan(0.85);
  });

  it('returns the same string for the same glyph (memoised) and leaves tiny paths alone', () => {
    expect(compactPathData('M0 0H10V10')).toBe(compactPathData('M0 0H10V10'));
    expect(compactPathData('M1 2')).toBe('M1 2');
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load, type CheerioAPI } from 'cheerio';
import juice from 'juice';
import { describe, expect, it } from 'vitest';
import { fillTemplate, inlineArticle, inlineArticleWithStats } from '../../src/render/inline.js';
import { foldBoxLonghands, parseDeclarations, printDeclarations, shortenValue } from '../../src/render/inline/declarations.js';
import { indexedCheerio, parseSimpleSelector } from '../../src/render/inline/indexed-select.js';
import { filterStyleDeclarations } from '../../src/render/sanitize/styles.js';
import { defaultTemplatesDir, loadTheme, type Theme } from '../../src/render/theme.js';
import { fixturesRoot } from '../helpers/golden.js';

const SHIPPED = ['default', 'github', 'ink', 'night-code'];
const articleBody = readFileSync(path.join(fixturesRoot, 'inline/article-body.html'), 'utf8');

function parse(html: string): CheerioAPI {
  return load(html, { xml: { decodeEntities: false, xmlMode: false } }, false);
}

function styleOf($: CheerioAPI, selector: string): Record<string, string> {
  const style = $(selector).first().attr('style') ?? '';
  return Object.fromEntries(parseDeclarations(style).map((d) => [d.prop, d.value]));
}

function theme(css: string, template = '<section class="wx-article">{{content}}</section>'): Theme {
  return { name: 'test', description: '', css, template, version: 'test' };
}

/** A long-form Chinese post as the real pipeline shapes it: mostly paragraphs, some emphasis and code. */
const proseBody = Array.from({ length: 40 }, (_, i) =>
  i % 10 === 5
    ? `<h3>第 ${i} 节 小标题</h3>`
    : `<p>微信公众号的正文编辑器会过滤掉 <code class="wx-inline-code">class</code> 和 <code class="wx-inline-code">&lt;style&gt;</code>，所以所有样式都必须写成内联样式。第 ${i} 段：<strong>加粗的重点</strong>，以及一段普通的中文说明文字，用来模拟真实文章的长度与结构。</p>`,
).join('\n');

describe.each(SHIPPED)('inlineArticle with theme %s', (name) => {
  it('removes every class, keeps only whitelisted styles and no <style>', async () => {
    const { html } = inlineArticle(articleBody, await loadTheme(name, defaultTemplatesDir));
    const $ = parse(html);
    expect($('[class]').length).toBe(0);
    expect($('style, script').length).toBe(0);
    $('[style]').each((_, el) => {
      const style = $(el).attr('style')!;
      expect(style).not.toBe('');
      // Already filtered: filtering again changes nothing.
      expect(filterStyleDeclarations(style)).toBe(style);
    });
  });

  it('puts the font stack on the root only: paragraphs and spans inherit it', async () => {
    const { html, preInlineHtml } = inlineArticle(articleBody, await loadTheme(name, defaultTemplatesDir));
    const $ = parse(html);
    const root = $.root().children().first();
    expect(root.is('section')).toBe(true);
    expect(styleOf($, 'section')['font-family']).toBeTruthy();
    expect($('p').length).toBeGreaterThan(5);
    $('p, span, li, td, blockquote, strong, em').each((_, el) => {
      expect(parseDeclarations($(el).attr('style') ?? '').map((d) => d.prop)).not.toContain('font-family');
    });
    // Only the root and monospace elements (the browser gives code its own font) carry a font-family.
    const withFont = $('[style*="font-family"]')
      .toArray()
      .map((el) => el.tagName);
    expect(new Set(withFont)).toEqual(new Set(['section', 'code']));
    // And plain paragraphs (no class before inlining: not a title) repeat neither the leading nor the tracking.
    const plain = parse(preInlineHtml)('p').toArray().map((el) => el.attribs.class === undefined);
    expect(plain.length).toBe($('p').length);
    $('p').each((i, el) => {
      if (!plain[i]) return;
      const props = parseDeclarations($(el).attr('style') ?? '').map((d) => d.prop);
      expect(props).not.toContain('line-height');
      expect(props).not.toContain('letter-spacing');
    });
  });

  it('keeps the text and the markup that is not styling', async () => {
    const { html, preInlineHtml } = inlineArticle(articleBody, await loadTheme(name, defaultTemplatesDir));
    expect(parse(html).text()).toBe(parse(preInlineHtml).text());
    expect(html).toContain('&#x26;&#x26;'); // entities pass through as written
    expect(html).toContain('<img src="images/singleton.png"');
    expect(html).toMatch(/<svg[^>]*viewBox=/); // SVG attribute case survives (math)
  });

  it('stays within 2× the pre-inline HTML (realistic samples)', async () => {
    const loaded = await loadTheme(name, defaultTemplatesDir);
    for (const body of [articleBody, proseBody]) {
      const { html, preInlineHtml } = inlineArticle(body, loaded);
      expect(Buffer.byteLength(html) / Buffer.byteLength(preInlineHtml)).toBeLessThanOrEqual(2);
    }
  });

  it('gives code blocks an explicit background and foreground (WeChat dark mode)', async () => {
    const { html } = inlineArticle(articleBody, await loadTheme(name, defaultTemplatesDir));
    const $ = parse(html);
    const block = $('pre').first().parent();
    const style = styleOf($, 'pre');
    const blockStyle = Object.fromEntries(parseDeclarations(block.attr('style') ?? '').map((d) => [d.prop, d.value]));
    expect(blockStyle.background ?? style.background).toBeTruthy();
    expect(blockStyle.color ?? style.color).toBeTruthy();
  });

  it('produces the same styles as juice without the selector index', async () => {
    const loaded = await loadTheme(name, defaultTemplatesDir);
    const options = { applyStyleTags: false, insertPreservedExtraCss: false, applyWidthAttributes: false, applyHeightAttributes: false, applyAttributesTableElements: false, resolveCSSVariables: false, decodeStyleAttributes: true, extraCss: loaded.css };
    const plain = parse(fillTemplate(loaded.template, articleBody));
    juice.juiceDocument(plain, options);
    const indexed = parse(fillTemplate(loaded.template, articleBody));
    juice.juiceDocument(indexedCheerio(indexed), options);
    expect(indexed.html()).toBe(plain.html());
  });
});

describe('fillTemplate', () => {
  it('inserts the body literally, even with replacement patterns and braces', () => {
    const body = '<p>$& $1 $$ {{content}} {{ .Values.image }}</p>';
    expect(fillTemplate('<section class="wx-article">{{content}}</section>', body)).toBe(
      `<section class="wx-article">${body}</section>`,
    );
  });

  it('keeps template syntax inside code through juice (no EJS/Handlebars placeholders)', () => {
    const body = '<section class="wx-code"><pre class="wx-pre"><code class="wx-code-body">{{ .Values.image }} &lt;%= x %&gt;</code></pre></section>';
    const { html } = inlineArticle(body, theme('.wx-code-body{color:#333}'));
    expect(html).toContain('{{ .Values.image }} &lt;%= x %&gt;');
  });
});

describe('the size optimiser', () => {
  const css = `
    .wx-article { font-family: "PingFang SC", sans-serif; font-size: 16px; line-height: 1.75; letter-spacing: 0.05em; color: #333333; text-align: justify; }
    p { color: #333; line-height: 1.75; margin: 0 0 20px 0; font-size: 16px; }
    p:last-child { margin-bottom: 0px; }
    a { color: #333; text-decoration: none; }
    h2 { font-size: 16px; font-weight: bold; color: #333; }
    .small { font-size: 14px; letter-spacing: 0.05em; line-height: 1.75; }
    .em-size { font-size: 1.5em; }
    .em-size span { font-size: 24px; color: #333; }
    table { color: #333; }
    td { color: #333; }
    span.plain { display: inline; margin: 0; background: transparent; text-decoration: none; }
    .wx-code-body { font-family: Menlo, monospace; color: #333; }
  `;
  const body = [
    '<p>第一段<a href="https://mp.weixin.qq.com/s/x">链接</a></p>',
    '<h2>标题</h2>',
    '<p class="small">小字<span class="plain">普通</span></p>',
    '<section class="em-size">大字<span>还是大字</span></section>',
    '<table><tbody><tr><td>单元格</td></tr></tbody></table>',
    '<section class="wx-code"><pre><code class="wx-code-body"><span class="hljs-params">()</span></code></pre></section>',
    '<p>最后一段</p>',
  ].join('');

  it('drops what an element inherits anyway, keeps what the browser styles itself', () => {
    const { html, stats } = inlineArticleWithStats(body, theme(css));
    const $ = parse(html);
    expect(styleOf($, 'section')).toEqual({
      'font-family': "'PingFang SC',sans-serif",
      'font-size': '16px',
      'line-height': '1.75',
      'letter-spacing': '.05em',
      color: '#333',
      'text-align': 'justify',
    });
    // p: colour, size and leading equal the root's → only the margin stays, shortened.
    expect($('p').first().attr('style')).toBe('margin:0 0 20px');
    // :last-child folds into the shorthand.
    expect($('p').last().attr('style')).toBe('margin:0');
    // Links and headings are styled by the browser: their colour / size / weight stay.
    expect(styleOf($, 'a')).toEqual({ color: '#333', 'text-decoration': 'none' });
    expect(styleOf($, 'h2')).toEqual({ 'font-size': '16px', 'font-weight': '700' });
    // A different font size changes what `.05em` means, so letter-spacing stays; line-height 1.75 (a number) does not.
    expect(styleOf($, 'p.small, p:nth-of-type(2)')).toEqual({ margin: '0 0 20px', 'font-size': '14px', 'letter-spacing': '.05em' });
    // Initial values on a span do nothing: the attribute goes, and so does the bare span.
    expect(html).toContain('小字普通</p>');
    // 1.5em of 16px is 24px: the span's 24px is inherited.
    expect(html).toContain('<section style="font-size:1.5em">大字还是大字</section>');
    // Quirks-mode tables reset fonts and colour: the table keeps its colour; the cell inherits it from the table.
    expect(styleOf($, 'table')).toEqual({ color: '#333' });
    expect($('td').attr('style')).toBeUndefined();
    // code keeps its monospace stack (the browser would otherwise use its own); unstyled token spans are unwrapped.
    expect(styleOf($, 'code')).toEqual({ 'font-family': 'Menlo,monospace' });
    expect(html).toContain('<code style="font-family:Menlo,monospace">()</code>');
    expect(stats.dropped).toBeGreaterThan(10);
  });

  it('leaves !important and unknown-context values alone', () => {
    const { html } = inlineArticle('<p style="color:#333 !important">x</p><sup><span style="font-size:12px">y</span></sup>', theme('.wx-article{color:#333;font-size:12px}'));
    expect(html).toContain('<p style="color:#333!important">');
    // sup has its own (smaller) size in the browser, so the span's 12px is not inherited from the root.
    expect(html).toContain('<sup><span style="font-size:12px">y</span></sup>');
  });

  it('drops declarations the WeChat whitelist refuses', () => {
    const { html } = inlineArticle('<p class="x">x</p>', theme('.x { position: absolute; color: #444; cursor: pointer; background: url(https://a.example/x.png); }'));
    expect(html).toContain('<p style="color:#444">x</p>');
  });
});

describe('declarations', () => {
  it('parses around quotes, parentheses and !important; the last declaration wins', () => {
    expect(parseDeclarations('font-family: "A;B", b; background: url(a;b) ; COLOR: red; color: blue !important; color: green')).toEqual([
      { prop: 'font-family', value: '"A;B", b', important: false },
      { prop: 'background', value: 'url(a;b)', important: false },
      { prop: 'color', value: 'blue', important: true },
    ]);
    expect(parseDeclarations('  ;; nonsense; : x; y:')).toEqual([]);
  });

  it('shortens values without changing them', () => {
    expect(shortenValue('color', '#333333')).toBe('#333');
    expect(shortenValue('color', '#AABBCC')).toBe('#abc');
    expect(shortenValue('color', '#aabbccff')).toBe('#abc');
    expect(shortenValue('color', '#123456')).toBe('#123456');
    expect(shortenValue('margin', '0px 0px 20px 0px')).toBe('0 0 20px');
    expect(shortenValue('padding', '10px 10px 10px 10px')).toBe('10px');
    expect(shortenValue('margin', '40px auto 20px auto')).toBe('40px auto 20px');
    expect(shortenValue('margin', '10px 100px')).toBe('10px 100px');
    expect(shortenValue('letter-spacing', '0.5px')).toBe('.5px');
    expect(shortenValue('margin', '-0.5em 10px')).toBe('-.5em 10px');
    expect(shortenValue('box-shadow', 'rgba(0, 0, 0, 0.1) 0px 2px 4px')).toBe('rgba(0,0,0,.1) 0 2px 4px');
    expect(shortenValue('font-family', '"Microsoft  YaHei" , Arial')).toBe('"Microsoft  YaHei",Arial');
    expect(shortenValue('background', 'url("a 0px.png") 0px 0px')).toBe('url("a 0px.png") 0 0');
    expect(shortenValue('font-weight', 'bold')).toBe('700');
    expect(shortenValue('width', '100px')).toBe('100px');
    expect(shortenValue('line-height', '10.5')).toBe('10.5');
  });

  it('folds margin/padding longhands into an earlier shorthand', () => {
    const decls = foldBoxLonghands(parseDeclarations('margin:0 0 8px;color:red;margin-bottom:0;padding:1px 2px;padding-left:3px'));
    expect(printDeclarations(decls)).toBe('margin:0;color:red;padding:1px 2px 1px 3px');
    // A longhand before the shorthand is overridden by it, not folded.
    expect(printDeclarations(foldBoxLonghands(parseDeclarations('margin-top:5px;margin:0')))).toBe('margin-top:5px;margin:0');
  });
});

describe('indexed selectors', () => {
  const selectors = [
    'p', 'section', 'span', '.wx-li-marker', '.hljs-keyword', 'h1', '.wx-alert-tip .wx-alert-title', '.wx-list .wx-li-marker',
    '.wx-li .wx-list', 'blockquote p', 'blockquote p:last-child', 'tr:nth-child(even) td', 'tr:nth-child(odd) td',
    'p:first-child', 'section.wx-code', 'code.wx-code-body span', '.wx-article', '.does-not-exist',
    // outside the indexed subset: answered by cheerio itself
    'section > p', 'p + p', '[style]', '*', 'li:not(.wx-task)', 'p ~ p',
  ];

  it('answers like cheerio, in document order', () => {
    const $ = parse(fillTemplate('<section class="wx-article">{{content}}</section>', articleBody));
    const fast = indexedCheerio($);
    for (const selector of selectors) {
      expect(fast(selector).toArray(), selector).toEqual($(selector).toArray());
    }
  });

  it('parses only the simple subset', () => {
    expect(parseSimpleSelector('.a.b  tag.c:last-child')).toEqual([
      { tag: undefined, classes: ['a', 'b'], positions: [] },
      { tag: 'tag', classes: ['c'], positions: ['last-child'] },
    ]);
    for (const selector of ['a > b', 'a:hover', '#x', '[a]', 'a, b', '*', 'a::before', ':nth-child(2n)']) {
      expect(parseSimpleSelector(selector), selector).toBeUndefined();
    }
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Element, Nodes, Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toString } from 'hast-util-to-string';
import rehypeSanitize from 'rehype-sanitize';
import type { PluggableList } from 'unified';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { rehypeMathSvg } from '../../src/render/plugins/rehype/rehype-math-svg.js';
import { ALLOWED_CLASS, wechatSanitizeSchema } from '../../src/render/sanitize/schema.js';
import { filterStyleDeclarations, rehypeFilterStyles } from '../../src/render/sanitize/styles.js';
import { fixturesRoot, goldenSuite, renderWith } from '../helpers/golden.js';

const sanitizer: PluggableList = [[rehypeSanitize, wechatSanitizeSchema], rehypeFilterStyles];

goldenSuite('sanitize', sanitizer);

const allowedTags = new Set(wechatSanitizeSchema.tagNames ?? []);
const strippedTags = new Set(wechatSanitizeSchema.strip ?? []);

/** Asserts, on the output parsed back the way a browser would, that nothing unsafe or non-WeChat survived. */
function assertSafe(html: string, label: string): void {
  const tree = fromHtml(html, { fragment: true });
  visit(tree as Nodes, (node) => {
    expect(node.type, `${label}: comment/doctype`).not.toMatch(/^(comment|doctype)$/);
    if (node.type !== 'element') return;
    expect(allowedTags.has(node.tagName), `${label}: <${node.tagName}>`).toBe(true);
    for (const [key, value] of Object.entries(node.properties)) {
      const where = `${label}: <${node.tagName} ${key}=${JSON.stringify(value)}>`;
      expect(key.toLowerCase().startsWith('on'), where).toBe(false);
      expect(['id', 'name', 'xLinkHref', 'target', 'rel'].includes(key), where).toBe(false);
      expect(key.startsWith('data'), where).toBe(false);
      if (key === 'className') {
        for (const name of value as string[]) expect(name, where).toMatch(ALLOWED_CLASS);
      }
      if (key === 'href' || key === 'src') {
        const url = String(value);
        expect(url, where).not.toMatch(/^\s*[a-z][a-z0-9+.-]*:/i.test(url) ? /^(?!https?:)/ : /^\0/);
      }
      if (key === 'style') {
        const style = String(value);
        expect(filterStyleDeclarations(style), where).toBe(style);
        expect(style, where).not.toMatch(/url\(|expression|position|z-index|behavior|binding/i);
      }
      if (key === 'fill' || key === 'stroke') expect(String(value), where).not.toMatch(/url\(/i);
    }
  });
  expect(toString(tree as Root), `${label}: script text`).not.toMatch(/alert\(|document\.write|msgbox/);
}

/** Visible text of a tree, without the elements the schema strips (their content is code, not prose). */
function visibleText(tree: Nodes): string {
  const copy = structuredClone(tree);
  visit(copy, 'element', (node: Element, index, parent) => {
    if (parent && index !== undefined && strippedTags.has(node.tagName)) {
      parent.children.splice(index, 1);
      return index;
    }
  });
  return toString(copy).replace(/\s+/g, '');
}

describe('wechatSanitizeSchema + rehypeFilterStyles', () => {
  const dir = path.join(fixturesRoot, 'sanitize');
  const cases = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);

  it.each(cases)('%s: nothing unsafe survives and no visible text is lost', async (name) => {
    const md = readFileSync(path.join(dir, name, 'input.md'), 'utf8');
    const raw = await renderWith([], md);
    const clean = await renderWith(sanitizer, md);
    assertSafe(clean.html, name);
    expect(visibleText(fromHtml(clean.html, { fragment: true }))).toBe(visibleText(fromHtml(raw.html, { fragment: true })));
  });

  it('keeps our classes and drops every other', async () => {
    const { html } = await renderWith(sanitizer, '<span class="wx-li-marker evil hljs-string hljsx wx-">x</span>\n');
    expect(html).toBe('<p><span class="wx-li-marker hljs-string hljsx wx-">x</span></p>');
  });

  it('allows only http(s) and relative URLs', async () => {
    const { html } = await renderWith(
      sanitizer,
      '<a href="https://a.example/">1</a><a href="http://a.example/">2</a><a href="/x">3</a><a href="#y">4</a>' +
        '<a href="mailto:a@b.c">5</a><a href="javascript:x">6</a><img src="data:image/png;base64,AA=="><img src="https://mmbiz.qpic.cn/x.png">\n',
    );
    expect(html).toBe(
      '<p><a href="https://a.example/">1</a><a href="http://a.example/">2</a><a href="/x">3</a><a href="#y">4</a>' +
        '<a>5</a><a>6</a><img><img src="https://mmbiz.qpic.cn/x.png"></p>',
    );
  });

  it('removes style attributes that end up empty', async () => {
    const { html } = await renderWith(sanitizer, '<p style="position:fixed">a</p><p style="">b</p><p style="color:red">c</p>\n');
    expect(html).toBe('<p>a</p><p>b</p><p style="color:red">c</p>');
  });

  it('sanitizes real posts (HTML-heavy corpus) without losing text', async () => {
    const corpus = '/work/shared/corpus/en-blog-rust';
    let posts: string[] = [];
    try {
      posts = readdirSync(corpus, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md') && f.includes('/'));
    } catch {
      return; // corpus not mounted on this machine
    }
    // The posts with the most raw HTML tags among the shorter ones (remark itself needs seconds on the 100k ones).
    const htmlHeavy = posts
      .map((f) => ({ f, md: readFileSync(path.join(corpus, f), 'utf8') }))
      .filter(({ md }) => md.length < 30_000)
      .map(({ f, md }) => ({ f, md, tags: (md.match(/<[a-z]/g) ?? []).length }))
      .sort((a, b) => b.tags - a.tags)
      .slice(0, 3);
    for (const { f, md } of htmlHeavy) {
      const raw = await renderWith([], md);
      const clean = await renderWith(sanitizer, md);
      assertSafe(clean.html, f);
      expect(visibleText(fromHtml(clean.html, { fragment: true })), f).toBe(
        visibleText(fromHtml(raw.html, { fragment: true })),
      );
    }
  });
});

describe('filterStyleDeclarations', () => {
  it.each([
    ['color: #333; font-size: 15px', 'color:#333;font-size:15px'],
    ['position:absolute;color:red;z-index:9', 'color:red'],
    ['background:url(x.png) red;background-color:red', 'background-color:red'],
    ['background-image:linear-gradient(#fff,#000)', 'background-image:linear-gradient(#fff,#000)'],
    ['background-image:u\\72l(x.png)', ''],
    ['background-image:URL (x.png)', ''],
    ['width:expression(alert(1))', ''],
    ['width:exp/**/ression(alert(1))', ''],
    ['color:red;behavior:url(x.htc);-moz-binding:url(x)', 'color:red'],
    ['font-family:"A;B", serif;color:red', 'font-family:"A;B", serif;color:red'],
    ['co/**/lor:red;width:1px', 'width:1px'],
    ['COLOR : Red ;; ;', 'color:Red'],
    ['margin:\n  0\n  auto', 'margin:0 auto'],
    ['display:grid', ''],
    ['display:Flex', 'display:Flex'],
    ['display:inline-block', 'display:inline-block'],
    ['color:red !important', 'color:red!important'],
    ['--x:1;-webkit-text-fill-color:red', ''],
    ['color:red}p{color:blue', ''],
    ['color:"unterminated', ''],
    ["font-family:'A", ''],
    ['color:rgb(1,2', ''],
    ['color:rgb(1,2));width:1px', 'width:1px'],
    ['font-family:"(A"', 'font-family:"(A"'],
    ['font-family:"\\5FAE\\8F6F\\96C5\\9ED1"', 'font-family:"\\5FAE\\8F6F\\96C5\\9ED1"'],
    ['content:"x";cursor:pointer;transform:none', ''],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(filterStyleDeclarations(input)).toBe(expected);
  });

  it('is idempotent and returns the same result from its memo', () => {
    const input = 'color: red; position: fixed; margin: 0 auto; background: url(a;b)';
    const once = filterStyleDeclarations(input);
    expect(filterStyleDeclarations(input)).toBe(once);
    expect(filterStyleDeclarations(once)).toBe(once);
  });
});

describe('the sanitizer and the math plugin', () => {
  it('lets the math SVG through unchanged (every element and attribute it emits is allowed)', async () => {
    const md = [
      '$x^2 + \\sqrt{y} + \\overline{ab} + \\cancel{z} + \\boxed{w} + \\color{red}{c} + \\text{中文} + \\ce{H2O}$',
      '',
      '$$\n\\begin{aligned} f(n) &= \\begin{cases} 1 & n = 0 \\\\ n f(n-1) & n > 0 \\end{cases} \\end{aligned} \\tag{2}\n$$',
      '',
      '$$\n\\left( \\frac{a}{b} \\right)^{\\underbrace{n}_{k}} \\xrightarrow{\\text{ok}} \\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}\n$$',
    ].join('\n');
    const plain = await renderWith([rehypeMathSvg], md);
    const sanitized = await renderWith([rehypeMathSvg, ...sanitizer], md);
    expect(plain.file.data.mathCount).toBe(3);
    expect(sanitized.html).toBe(plain.html);
  });
});

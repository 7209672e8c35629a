import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inlineArticle } from '../../src/render/inline.js';
import { filterStyleDeclarations } from '../../src/render/sanitize/styles.js';
import { loadTheme } from '../../src/render/theme.js';
import { mapDeclaration, resolveVariables } from '../../src/render/theme-import/declarations.js';
import { importThemeCss, type ImportedTheme } from '../../src/render/theme-import/index.js';
import { mapSelector } from '../../src/render/theme-import/selectors.js';
import { fixturesRoot } from '../helpers/golden.js';

const fixture = (name: string): string => readFileSync(path.join(fixturesRoot, 'theme-import', name), 'utf8');
const to = (selector: string): string[] | string => {
  const result = mapSelector(selector);
  return 'to' in result ? result.to : `drop: ${result.drop}`;
};
const reasonOf = (theme: ImportedTheme, what: string): string | undefined => theme.report.dropped.find((d) => d.what === what)?.reason;

/** Every declaration of the theme's CSS as `selector { prop: value }`. */
function declarations(css: string): { selector: string; declaration: string }[] {
  const out: { selector: string; declaration: string }[] = [];
  for (const rule of css.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/([^{}]+)\{([^}]*)\}/g)) {
    for (const declaration of rule[2]!.split(';').map((d) => d.trim()).filter(Boolean)) out.push({ selector: rule[1]!.trim(), declaration });
  }
  return out;
}

describe('mapSelector', () => {
  it.each([
    ['#nice', ['.wx-article']],
    ['#write h2', ['h2']],
    ['.markdown-body blockquote', ['blockquote']],
    ['#nice h2 .content', ['h2']],
    ['#nice .footnote-word', ['a']],
    ['#nice .footnote-ref', ['.wx-linkref', '.wx-fnref']],
    ['#nice .footnote-item em', ['.wx-reference .wx-reference-url', '.wx-footnote em']],
    ['#nice pre code', ['.wx-code-body']],
    ['#nice pre > code.hljs', ['.wx-code-body']],
    ['#nice p code', ['p .wx-inline-code']],
    ['#nice ul li::marker', ['.wx-list-ul .wx-li-marker']],
    ['#nice ol > li', ['.wx-list-ol .wx-li']],
    ['blockquote > p', ['blockquote > p']],
    ['#nice table tr:nth-child(2n) td', ['table tr:nth-child(2n) td']],
    ['.hljs-keyword', ['.hljs-keyword']],
    ['.cm-s-inner .cm-keyword', ['.hljs-keyword']],
    ['.markdown-alert.markdown-alert-note', 'drop: a combination of classes (.markdown-alert.markdown-alert-note) wxmp never emits'],
    ['.markdown-alert-note .markdown-alert-title', ['.wx-alert-note .wx-alert-title']],
    ['body.typora-export #write p', ['p']],
  ])('%s → %j', (selector, expected) => {
    expect(to(selector)).toEqual(expected);
  });

  it('drops what WeChat cannot show, with the reason', () => {
    expect(to('#nice h2::before')).toMatch(/^drop: generated content/);
    expect(to('#nice h2:after')).toMatch(/^drop: generated content/);
    expect(to('#nice a:hover')).toMatch(/^drop: :hover/);
    expect(to('#nice #toc')).toMatch(/^drop: no element has id #toc/);
    expect(to('input[type=checkbox]')).toMatch(/^drop: attribute selectors/);
    expect(to('#nice *')).toMatch(/^drop: a universal selector/);
    expect(to('#nice .md-toc')).toMatch(/^drop: no element has class \.md-toc/);
    expect(to('#nice h2 .prefix')).toMatch(/^drop: mdnice's heading \.prefix/);
    expect(to('::selection')).toMatch(/^drop: ::selection/);
    expect(to('details summary')).toMatch(/^drop: <details>/);
  });
});

describe('declarations', () => {
  it('resolves variables, with fallbacks and chains', () => {
    const vars = new Map([['--a', '#111'], ['--b', 'var(--a)']]);
    expect(resolveVariables('1px solid var(--b)', vars)).toBe('1px solid #111');
    expect(resolveVariables('var(--nope, #222)', vars)).toBe('#222');
    expect(resolveVariables('var(--nope)', vars)).toBeUndefined();
    expect(resolveVariables('var(--loop)', new Map([['--loop', 'var(--loop)']]))).toBeUndefined();
  });

  it('keeps what the allowlist keeps and says why the rest goes', () => {
    const none = new Map<string, string>();
    expect(mapDeclaration('COLOR', ' #333 ', false, none)).toEqual({ kept: 'color: #333' });
    expect(mapDeclaration('color', 'black', false, none)).toMatchObject({ kept: 'color: #1a1a1a' });
    expect(mapDeclaration('margin', '0', true, none)).toMatchObject({ kept: 'margin: 0', note: expect.stringMatching(/!important removed/) });
    expect(mapDeclaration('background', 'url(a.png) no-repeat', false, none)).toEqual({ drop: expect.stringMatching(/url\(\)/) });
    expect(mapDeclaration('position', 'absolute', false, none)).toEqual({ drop: 'WeChat does not keep `position`' });
    expect(mapDeclaration('display', 'grid', false, none)).toEqual({ drop: expect.stringMatching(/value WeChat does not keep/) });
  });
});

describe.each(['mdnice-style.css', 'typora-style.css'])('importThemeCss(%s)', (file) => {
  const theme = importThemeCss(fixture(file), { name: 'imported', sourceName: file });

  it('writes only CSS the renderer keeps: every declaration passes the WeChat allowlist unchanged', () => {
    const code = theme.css.replace(/\/\*[\s\S]*?\*\//g, '');
    expect(code).not.toMatch(/var\(|--[\w-]+\s*:|::?(before|after)\b|@(media|import|font-face|keyframes)|url\(|!important|#nice|#write/);
    expect(code).not.toMatch(/(^|[\s;{])color\s*:\s*(#000\b|#000000\b|black\b)/im);
    const all = declarations(theme.css);
    expect(all.length).toBeGreaterThan(10);
    for (const { selector, declaration } of all) {
      expect(filterStyleDeclarations(declaration), `${selector} { ${declaration} }`).toBe(declaration.replace(/:\s+/, ':'));
    }
  });

  it('is a theme wxmp loads and inlines', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wxmp-import-'));
    mkdirSync(path.join(dir, 'imported'));
    writeFileSync(path.join(dir, 'imported', 'theme.css'), theme.css);
    writeFileSync(path.join(dir, 'imported', 'template.html'), theme.template);
    writeFileSync(path.join(dir, 'imported', 'theme.json'), theme.json);
    const loaded = await loadTheme('imported', dir);
    expect(loaded.description).toContain(file);
    const { html } = inlineArticle('<h2>标题</h2><p>正文 <code class="wx-inline-code">x</code></p><blockquote><p>引用</p></blockquote>', loaded);
    expect(html).not.toMatch(/class=/);
    expect(html).toMatch(/^<section style="[^"]*font-family/);
    expect(html).toMatch(/<blockquote style="[^"]*border-left/);
  });

  it('reports what it kept, mapped and dropped', () => {
    const { report } = theme;
    expect(report.mapped.length).toBeGreaterThan(5);
    expect(report.dropped.length).toBeGreaterThan(3);
    expect(report.counts.rules).toBeGreaterThan(5);
    expect(report.added).toContain('.wx-scroll-hint');
  });
});

describe('importThemeCss details', () => {
  it('mdnice: drops @import, @font-face, @media, pseudo-elements, hover, ids and url() backgrounds; maps the rest', () => {
    const theme = importThemeCss(fixture('mdnice-style.css'), { name: 'red' });
    expect(reasonOf(theme, '@import')).toMatch(/loads files/);
    expect(reasonOf(theme, '@font-face')).toMatch(/loads files/);
    expect(reasonOf(theme, '@media')).toMatch(/cannot be inlined/);
    expect(reasonOf(theme, '#nice h2:after')).toMatch(/pseudo-elements/);
    expect(reasonOf(theme, '#nice a:hover')).toMatch(/hover/);
    expect(reasonOf(theme, '#nice blockquote { position }')).toMatch(/position/);
    expect(reasonOf(theme, '#nice img { filter }')).toMatch(/filter/);
    expect(theme.css).toMatch(/\.wx-article \{\n {2}font-size: 15px;\n {2}line-height: 1\.8;\n {2}color: #1a1a1a;/);
    expect(theme.css).toContain('.wx-list-ul .wx-li-marker {\n  color: #c0392b;\n}');
    expect(theme.css).toContain('.wx-linkref, .wx-fnref {');
    expect(theme.css).toContain('.wx-reference .wx-reference-url, .wx-footnote em {');
    expect(theme.report.changed.some((c) => c.note.includes('!important removed'))).toBe(true);
    expect(theme.json).toBe('{\n  "name": "red",\n  "description": "Imported with wxmp theme import.",\n  "version": "1.0.0"\n}\n');
  });

  it("typora: resolves :root variables, drops undefined ones and the editor's page layout, maps CodeMirror tokens", () => {
    const theme = importThemeCss(fixture('typora-style.css'), { name: 'blue' });
    expect(theme.css).toContain('h3 {\n  color: #1f6feb;\n}');
    expect(theme.css).toContain('.hljs-title {\n  color: #4078f2;\n}');
    expect(reasonOf(theme, '.cm-s-inner .cm-string { color }')).toMatch(/not defined/);
    expect(reasonOf(theme, '#write { max-width }')).toMatch(/page size/);
    expect(reasonOf(theme, '#write { padding }')).toMatch(/page margins/);
    expect(theme.css).not.toContain('max-width: 860px');
  });

  it('survives CSS that does not parse', () => {
    const theme = importThemeCss('p { color: #333 } }}} h2 { color: ', { name: 'broken' });
    expect(theme.css).toContain('p {\n  color: #333;\n}');
  });
});

import { mkdtempSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearThemeCache, defaultTemplatesDir, listThemes, loadTheme } from '../../src/render/theme.js';
import { sanitizeTemplate } from '../../src/render/sanitize/template.js';

const SHIPPED = ['default', 'github', 'ink', 'night-code'];

function tempTemplates(themes: Record<string, { css: string; template?: string; json?: string }>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wxmp-themes-'));
  for (const [name, files] of Object.entries(themes)) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, 'theme.css'), files.css);
    if (files.template !== undefined) writeFileSync(path.join(dir, name, 'template.html'), files.template);
    if (files.json !== undefined) writeFileSync(path.join(dir, name, 'theme.json'), files.json);
  }
  return dir;
}

/** Class names a theme's CSS mentions (selectors only: comments stripped first). */
function selectorClasses(css: string): Set<string> {
  const withoutComments = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const names = new Set<string>();
  for (const rule of withoutComments.matchAll(/([^{}]+)\{/g)) {
    for (const m of rule[1]!.matchAll(/\.([A-Za-z_][\w-]*)/g)) names.add(m[1]!);
  }
  return names;
}

describe('listThemes', () => {
  it('lists the shipped themes, sorted', async () => {
    const names = await listThemes(defaultTemplatesDir);
    expect(names).toEqual([...names].sort());
    for (const name of SHIPPED) expect(names).toContain(name);
  });

  it('returns [] for a missing folder and ignores folders without theme.css', async () => {
    expect(await listThemes(path.join(tmpdir(), 'wxmp-no-such-dir'))).toEqual([]);
    const dir = tempTemplates({ a: { css: 'p{}' } });
    mkdirSync(path.join(dir, 'not-a-theme'));
    expect(await listThemes(dir)).toEqual(['a']);
  });
});

describe('loadTheme', () => {
  it('loads css, template, description and a content hash', async () => {
    const theme = await loadTheme('default', defaultTemplatesDir);
    expect(theme.name).toBe('default');
    expect(theme.css).toContain('.wx-article');
    expect(theme.template).toBe('<section class="wx-article">{{content}}</section>');
    expect(theme.description).toMatch(/WeChat/);
    expect(theme.version).toMatch(/^[0-9a-f]{12}$/);
  });

  it('caches per (folder, name)', async () => {
    const dir = tempTemplates({ a: { css: 'p{color:#333}' } });
    const first = await loadTheme('a', dir);
    expect(await loadTheme('a', dir)).toBe(first);
    expect(await loadTheme('a', `${dir}/`)).toBe(first);
    const other = tempTemplates({ a: { css: 'p{color:#333}' } });
    expect(await loadTheme('a', other)).not.toBe(first);
  });

  it('changes version when the CSS or the template changes', async () => {
    const dir = tempTemplates({ a: { css: 'p{color:#333}' } });
    const before = await loadTheme('a', dir);
    writeFileSync(path.join(dir, 'a', 'theme.css'), 'p{color:#444}');
    clearThemeCache();
    const afterCss = await loadTheme('a', dir);
    expect(afterCss.version).not.toBe(before.version);
    writeFileSync(path.join(dir, 'a', 'template.html'), '<section class="wx-article">\n{{content}}\n</section>');
    clearThemeCache();
    expect((await loadTheme('a', dir)).version).not.toBe(afterCss.version);
  });

  it('defaults the template when a theme has none', async () => {
    const dir = tempTemplates({ bare: { css: 'p{}' } });
    expect((await loadTheme('bare', dir)).template).toBe('<section class="wx-article">{{content}}</section>');
  });

  it('names the available themes when the name is unknown', async () => {
    const dir = tempTemplates({ alpha: { css: 'p{}' }, beta: { css: 'p{}' } });
    await expect(loadTheme('gamma', dir)).rejects.toThrow(/Unknown theme "gamma".*Available themes: alpha, beta\./);
    await expect(loadTheme('../alpha', dir)).rejects.toThrow(/Unknown theme/);
    const empty = tempTemplates({});
    await expect(loadTheme('x', empty)).rejects.toThrow(/holds no theme/);
  });

  it('rejects a template without exactly one {{content}}, and bad theme.json', async () => {
    const dir = tempTemplates({
      none: { css: 'p{}', template: '<section></section>' },
      twice: { css: 'p{}', template: '{{content}}{{content}}' },
      json: { css: 'p{}', json: '{nope' },
    });
    await expect(loadTheme('none', dir)).rejects.toThrow(/exactly once \(found 0\)/);
    await expect(loadTheme('twice', dir)).rejects.toThrow(/exactly once \(found 2\)/);
    await expect(loadTheme('json', dir)).rejects.toThrow(/theme\.json is not valid JSON/);
    // A failed load is not cached: fixing the file fixes the next load.
    writeFileSync(path.join(dir, 'none', 'template.html'), '<section class="wx-article">{{content}}</section>');
    await expect(loadTheme('none', dir)).resolves.toMatchObject({ name: 'none' });
  });
});

describe.each(SHIPPED)('shipped theme %s', (name) => {
  const dir = path.join(defaultTemplatesDir, name);
  const css = readFileSync(path.join(dir, 'theme.css'), 'utf8');
  const code = css.replace(/\/\*[\s\S]*?\*\//g, '');

  it('has a theme.json naming it, with a description and a version', () => {
    const meta = JSON.parse(readFileSync(path.join(dir, 'theme.json'), 'utf8')) as Record<string, unknown>;
    expect(meta.name).toBe(name);
    expect(typeof meta.description).toBe('string');
    expect((meta.description as string).length).toBeGreaterThan(10);
    expect(meta.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('has a template WeChat keeps', () => {
    const template = readFileSync(path.join(dir, 'template.html'), 'utf8');
    expect(template).toContain('class="wx-article"');
    expect(template.split('{{content}}')).toHaveLength(2);
    expect(template).not.toMatch(/<(style|script|iframe|link)\b|\sid=|\son\w+=/i);
  });

  it('uses only CSS that juice can inline and WeChat keeps', () => {
    expect(code).not.toMatch(/var\(|--[\w-]+\s*:/); // no custom properties
    expect(code).not.toMatch(/::?(before|after)\b/); // no generated content
    expect(code).not.toMatch(/\b(position|float|z-index)\s*:/);
    expect(code).not.toMatch(/@(media|import|font-face|keyframes)/);
    expect(code).not.toMatch(/url\(/);
  });

  it('never uses pure black text (WeChat drops it) or pure white block backgrounds', () => {
    expect(code).not.toMatch(/(^|[\s;{])color\s*:\s*(#000\b|#000000\b|black\b|rgb\(0,\s*0,\s*0\))/im);
    expect(code).not.toMatch(/background(-color)?\s*:\s*(#fff\b|#ffffff\b|white\b)/i);
  });

  it('styles the class vocabulary the plugins emit', () => {
    const classes = selectorClasses(css);
    const vocabulary = [
      'wx-article', 'wx-code', 'wx-code-lang', 'wx-pre', 'wx-code-body', 'wx-code-ln', 'wx-inline-code',
      'wx-list', 'wx-li', 'wx-li-marker', 'wx-li-body', 'wx-task-box', 'wx-table-wrap',
      'wx-fnref', 'wx-footnotes', 'wx-footnotes-title', 'wx-footnote',
      'wx-alert', 'wx-alert-title', 'wx-alert-note', 'wx-alert-tip', 'wx-alert-important', 'wx-alert-warning', 'wx-alert-caution',
      'wx-linkref', 'wx-references', 'wx-references-title', 'wx-reference', 'wx-reference-url',
      'wx-figure', 'wx-img', 'wx-figcaption', 'wx-math-display',
      'hljs-keyword', 'hljs-string', 'hljs-comment', 'hljs-number', 'hljs-title', 'hljs-built_in',
    ];
    expect(vocabulary.filter((name) => !classes.has(name))).toEqual([]);
  });

  it('sets body text at 15–17px with Chinese-friendly leading on the article root', () => {
    const root = /\.wx-article\s*\{([^}]*)\}/.exec(code)?.[1] ?? '';
    const size = Number(/font-size:\s*(\d+)px/.exec(root)?.[1]);
    const leading = Number(/line-height:\s*([\d.]+)\s*;/.exec(root)?.[1]);
    expect(size).toBeGreaterThanOrEqual(15);
    expect(size).toBeLessThanOrEqual(17);
    expect(leading).toBeGreaterThanOrEqual(1.6);
    expect(leading).toBeLessThanOrEqual(2);
    expect(root).toMatch(/font-family:/);
    expect(root).toMatch(/color:\s*#[0-9a-f]{3,6}/i);
  });
});

describe('theme caches', () => {
  it('reuse a theme while its files are unchanged and read it again once one changes (a long-running serve or dev)', async () => {
    const dir = tempTemplates({ mine: { css: '.wx-article { color: #333333; }\n' } });
    const { loadThemeVersion, loadCodeTheme } = await import('../../src/render/theme.js');
    const first = await loadTheme('mine', dir);
    expect(await loadTheme('mine', dir)).toBe(first);
    const version = await loadThemeVersion('mine', dir);
    writeFileSync(path.join(dir, 'mine', 'theme.css'), '.wx-article { color: #222222; }\n');
    // A later mtime, as an editor's save gives (the write above may land within the same millisecond).
    const later = new Date(Date.now() + 5_000);
    utimesSync(path.join(dir, 'mine', 'theme.css'), later, later);
    const second = await loadTheme('mine', dir);
    expect(second.css).toContain('#222222');
    expect(second.version).not.toBe(first.version);
    expect(await loadThemeVersion('mine', dir)).toBe(second.version);
    expect(await loadThemeVersion('mine', dir)).not.toBe(version);
    // A template added later is seen too.
    writeFileSync(path.join(dir, 'mine', 'template.html'), '<section class="wx-article"><p>页眉</p>{{content}}</section>');
    expect((await loadTheme('mine', dir)).template).toContain('页眉');

    mkdirSync(path.join(dir, 'code-themes'));
    writeFileSync(path.join(dir, 'code-themes', 'c.css'), '.wx-code { color: #111111; }\n');
    expect((await loadCodeTheme('c', dir)).css).toContain('#111111');
    writeFileSync(path.join(dir, 'code-themes', 'c.css'), '.wx-code { color: #000000; background: #ffffff; }\n');
    utimesSync(path.join(dir, 'code-themes', 'c.css'), later, later);
    expect((await loadCodeTheme('c', dir)).css).toContain('#ffffff');
  });
});

describe("wxmp's own templates", () => {
  it('are already what the sanitizer returns, so loading them skips it; a copy in a project goes through it', async () => {
    const names = await listThemes();
    expect(names.length).toBeGreaterThan(2);
    const project = mkdtempSync(path.join(tmpdir(), 'wxmp-theme-copy-'));
    for (const name of names) {
      const theme = await loadTheme(name);
      expect(sanitizeTemplate(theme.template), name).toBe(theme.template);
      // The same files under a project's templates dir: sanitized, with the same result.
      mkdirSync(path.join(project, name));
      for (const file of ['theme.css', 'template.html']) {
        try {
          writeFileSync(path.join(project, name, file), readFileSync(path.join(defaultTemplatesDir, name, file)));
        } catch {
          // a theme without a template.html uses the default one
        }
      }
      expect((await loadTheme(name, project)).template, name).toBe(theme.template);
    }
  });

  it('a project template with a script, a handler and a javascript: link loses them', async () => {
    const project = mkdtempSync(path.join(tmpdir(), 'wxmp-theme-hostile-'));
    mkdirSync(path.join(project, 'evil'));
    writeFileSync(path.join(project, 'evil', 'theme.css'), '.wx-article { color: #333; }\n');
    writeFileSync(
      path.join(project, 'evil', 'template.html'),
      '<section class="wx-article" onclick="steal()"><script>alert(1)</script><a href="javascript:alert(2)">x</a>{{content}}</section>',
    );
    const { template } = await loadTheme('evil', project);
    expect(template).toContain('{{content}}');
    expect(template).not.toMatch(/script|onclick|javascript:/);
  });
});

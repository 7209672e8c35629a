/** `wxmp theme import` and `wxmp theme list` as a process (the compiled CLI, as users run it; docs/themes.md). */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';

const mdnice = path.join(repoRoot, 'test/fixtures/theme-import/mdnice-style.css');

function project(config: Record<string, unknown> = { templatesDir: 'themes' }): string {
  const root = mkdtempSync(path.join(tmpdir(), 'wxmp-theme-'));
  writeFileSync(path.join(root, 'wxmp.config.json'), JSON.stringify(config));
  mkdirSync(path.join(root, 'posts'));
  writeFileSync(path.join(root, 'posts', 'a.md'), '---\ntitle: 主题\n---\n\n## 小标题\n\n正文 `code`。\n\n> 引用\n\n```js\nconst a = 1;\n```\n');
  return root;
}

describe('wxmp theme import (CLI process)', () => {
  it('writes <templatesDir>/<name>/, reports as JSON, and the theme builds', async () => {
    const root = project();
    const result = await runCli(['theme', 'import', mdnice, '--name', 'red', '--root', root, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({ theme: 'red', dir: 'themes/red', templatesDirConfigured: true });
    expect(out.files).toEqual(['themes/red/theme.css', 'themes/red/template.html', 'themes/red/theme.json']);
    expect(out.report.mapped).toContainEqual({ from: '#nice h2', to: ['h2'] });
    expect(out.report.dropped).toContainEqual({ what: '@font-face', reason: expect.stringMatching(/loads files/) });
    expect(readFileSync(path.join(root, 'themes/red/theme.css'), 'utf8')).toContain('.wx-code-body {');

    const build = await runCli(['build', '--root', root, '--theme', 'red', '--json']);
    expect(build.code, build.stderr).toBe(0);
    const html = readFileSync(path.join(root, 'out', 'a.html'), 'utf8');
    expect(html).not.toMatch(/\sclass=/);
    expect(html).toMatch(/<h2 style="[^"]*background:#c0392b/);
  });

  it('names the theme after the file, prints a readable report, and says to set templatesDir', async () => {
    const root = project({});
    const css = path.join(root, 'Orange Heart.css');
    writeFileSync(css, '#nice h1 { color: #c0392b; } #nice h1:before { content: "#"; }');
    const result = await runCli(['theme', 'import', css, '--root', root]);
    expect(result.code).toBe(0);
    expect(existsSync(path.join(root, 'templates/orange-heart/theme.css'))).toBe(true);
    expect(result.stderr).toMatch(/#nice h1 → h1/);
    expect(result.stderr).toMatch(/#nice h1:before\s+generated content/);
    expect(result.stderr).toMatch(/Add templatesDir: 'templates' to the config/);
  });

  it('refuses to overwrite without --force, to write outside the project, and oversized input', async () => {
    const root = project();
    expect((await runCli(['theme', 'import', mdnice, '--name', 'red', '--root', root])).code).toBe(0);
    const again = await runCli(['theme', 'import', mdnice, '--name', 'red', '--root', root]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/themes\/red already exists: .*--force/);
    expect((await runCli(['theme', 'import', mdnice, '--name', 'red', '--root', root, '--force'])).code).toBe(0);

    const outside = project({ templatesDir: '../elsewhere' });
    const refused = await runCli(['theme', 'import', mdnice, '--root', outside]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/outside the project folder/);
    expect(existsSync(path.join(outside, '../elsewhere'))).toBe(false);

    const big = path.join(root, 'big.css');
    writeFileSync(big, `p { color: #333; }\n${'/* padding */\n'.repeat(100_000)}`);
    const tooBig = await runCli(['theme', 'import', big, '--root', root]);
    expect(tooBig.code).toBe(1);
    expect(tooBig.stderr).toMatch(/over the limit/);
    expect((await runCli(['theme', 'import', mdnice, '--name', '../x', '--root', root])).stderr).toMatch(/not a theme name/);
  });

  it('lists built-in and project themes', async () => {
    const root = project();
    await runCli(['theme', 'import', mdnice, '--name', 'red', '--root', root]);
    const result = await runCli(['theme', 'list', '--root', root, '--json']);
    expect(result.code).toBe(0);
    const { themes } = JSON.parse(result.stdout);
    expect(themes[0]).toMatchObject({ name: 'red', source: 'project' });
    expect(themes.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['default', 'github', 'ink', 'night-code']));
  });

  it('keeps start-up light: the command module imports only commander types, picocolors, node: and ../output.js', () => {
    const source = readFileSync(path.join(repoRoot, 'src/cli/commands/theme.ts'), 'utf8');
    const imports = [...source.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    expect(imports.every((name) => name === 'commander' || name === 'picocolors' || name === '../output.js' || name!.startsWith('node:'))).toBe(true);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDotEnv } from '../../src/config/env.js';
import { ConfigError, loadConfig, resolveConfig } from '../../src/config/load.js';
import { discoverPosts } from '../../src/content/discover.js';

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'wxmp-config-'));
}

describe('config', () => {
  it('applies defaults to nested sections', () => {
    const config = resolveConfig({ render: { cjkSpacing: false } });
    expect(config.render).toEqual({ links: 'references', cjkSpacing: false, math: true, tabSize: 4, codeLineNumbers: false, mkdocs: true });
    expect(config.lint.titleMax).toBe(64);
    expect(config.include).toEqual(['posts/**/*.md']);
    expect(config.concurrency).toBe(4);
    expect(config.retry).toEqual({ attempts: 4, baseDelayMs: 400, maxDelayMs: 8000 });
  });

  it('loads wxmp.config.ts with defineConfig on Node 20 (TypeScript, no build step)', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'wxmp.config.ts'),
      `import { defineConfig } from 'wxmp';\nconst theme: string = 'github';\nexport default defineConfig({ theme, include: ['content/**/*.md'] });\n`,
    );
    const loaded = await loadConfig(dir);
    expect(loaded.file).toBe(path.join(dir, 'wxmp.config.ts'));
    expect(loaded.config.theme).toBe('github');
    expect(loaded.config.include).toEqual(['content/**/*.md']);
  });

  it('names the file and the key of an invalid value', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'wxmp.config.mjs'), `export default { render: { links: 'footnote' }, concurrency: 0, bogus: 1 };\n`);
    const error = await loadConfig(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/wxmp\.config\.mjs: render\.links: /);
    expect(message).toMatch(/wxmp\.config\.mjs: concurrency: /);
    expect(message).toMatch(/bogus/);
  });

  it('reports a config that cannot be loaded without a stack trace', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'wxmp.config.ts'), `export default {{ broken`);
    const error = (await loadConfig(dir).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/wxmp\.config\.ts: cannot load/);
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('uses defaults when there is no config file', async () => {
    const loaded = await loadConfig(tempDir());
    expect(loaded.file).toBeUndefined();
    expect(loaded.config.theme).toBe('default');
  });

  it('reads .env without overriding the environment', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, '.env'), 'WECHAT_APP_ID=wx-from-file\nWXMP_TEST_ONLY=1\n');
    const env: NodeJS.ProcessEnv = { WECHAT_APP_ID: 'wx-from-env' };
    expect(loadDotEnv(dir, env)).toEqual(['WXMP_TEST_ONLY']);
    expect(env.WECHAT_APP_ID).toBe('wx-from-env');
  });
});

describe('discoverPosts', () => {
  it('finds posts sorted, honouring excludes, with Chinese names', async () => {
    const dir = tempDir();
    for (const name of ['b.md', 'a.md', '中文.md', 'README.md', '_draft.md', 'notes.txt']) writeFileSync(path.join(dir, name), '# x\n');
    const files = await discoverPosts({ root: dir, include: ['**/*.md'], exclude: ['**/README.md', '**/_*.md'] });
    expect(files.map((f) => path.basename(f))).toEqual(['a.md', 'b.md', '中文.md']);
  });
});

import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import type { WxmpConfig } from '../../src/config/schema.js';
import { loadPost } from '../../src/content/post.js';
import { RenderCache, renderCacheDir } from '../../src/render/cache.js';
import { renderJob, type ImageMode } from '../../src/render/pool.js';
import { builtinTemplatesDir } from '../../src/render/resolve-theme.js';
import { clearThemeCache } from '../../src/render/theme.js';

const PNG_A = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d5c1b80000000049454e44ae426082', 'hex');
const PNG_B = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da6360f8cfc0f0000302010014cf18e90000000049454e44ae426082', 'hex');

/** A posts repo: one post with an image and a snippet, a project theme copied from the built-in default. */
function makeProject(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'wxmp-cache-'));
  mkdirSync(path.join(root, 'posts', 'images'), { recursive: true });
  writeFileSync(path.join(root, 'posts', 'images', 'a.png'), PNG_A);
  writeFileSync(path.join(root, 'snippet.txt'), 'first version\n');
  writeFileSync(path.join(root, 'posts', 'a.md'), '---\ntitle: 缓存\n---\n\n正文。\n\n![图](./images/a.png)\n\n![缺](./images/later.png)\n\n```text\n--8<-- "snippet.txt"\n```\n');
  cpSync(path.join(builtinTemplatesDir, 'default'), path.join(root, 'themes', 'mine'), { recursive: true });
  return root;
}

function configOf(extra: Record<string, unknown> = {}): WxmpConfig {
  return resolveConfig({ templatesDir: 'themes', render: { mkdocs: true }, ...extra });
}

/** Moves a file's mtime forward so that the size+mtime hash cache notices an edit made within the same tick. */
function touch(file: string, seconds: number): void {
  const when = new Date(Date.now() + seconds * 1000);
  utimesSync(file, when, when);
}

const images: ImageMode = { kind: 'relative-to', dir: '/tmp/out' };

async function keyOf(root: string, config: WxmpConfig, theme?: string): Promise<{ key: string | undefined; cache: RenderCache }> {
  const cache = await RenderCache.open(root, config);
  const post = await loadPost(path.join(root, 'posts', 'a.md'), root, config);
  const key = await cache.keyOf({ source: post.source, raw: post.raw, theme: theme ?? post.meta.theme ?? config.theme, themeFlag: theme, images });
  return { key, cache };
}

/** Renders the post and stores it; returns the key. */
async function renderAndStore(root: string, config: WxmpConfig, theme?: string): Promise<string> {
  const { key, cache } = await keyOf(root, config, theme);
  const { rendered } = await renderJob({ file: path.join(root, 'posts', 'a.md'), theme, images }, root, config);
  await cache.set(key!, rendered);
  await cache.close();
  return key!;
}

describe('RenderCache', () => {
  it('returns the stored render for an unchanged post, with its messages, includes and images', async () => {
    const root = makeProject();
    const config = configOf();
    const key = await renderAndStore(root, config);
    const { key: again, cache } = await keyOf(root, config);
    expect(again).toBe(key);
    const hit = await cache.get(key);
    expect(hit?.html).toContain('first version');
    expect(hit?.includes).toEqual([path.join(root, 'snippet.txt')]);
    expect(hit?.images.map((i) => i.path)).toEqual([path.join(root, 'posts', 'images', 'a.png'), path.join(root, 'posts', 'images', 'later.png')]);
    expect(hit?.messages.length).toBeGreaterThan(0);
    expect(hit?.messages[0]?.file).toBe('posts/a.md');
    expect(cache.hits).toBe(1);
  });

  it('changes the key when the content, the theme (flag or files) or the config changes', async () => {
    const root = makeProject();
    const config = configOf();
    const { key } = await keyOf(root, config);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    // --theme
    expect((await keyOf(root, config, 'github')).key).not.toBe(key);
    expect((await keyOf(root, config, 'mine')).key).not.toBe(key);
    // the config's theme, and another payload-relevant setting
    expect((await keyOf(root, configOf({ theme: 'mine' }))).key).not.toBe(key);
    expect((await keyOf(root, configOf({ render: { mkdocs: true, codeLineNumbers: true } }))).key).not.toBe(key);
    // a setting that does not change the render
    expect((await keyOf(root, configOf({ outDir: 'elsewhere' }))).key).toBe(key);
    // a theme file edited
    const mine = (await keyOf(root, config, 'mine')).key;
    writeFileSync(path.join(root, 'themes', 'mine', 'theme.css'), '.wx-article { color: #123456; }\n', { flag: 'a' });
    expect((await keyOf(root, config, 'mine')).key).not.toBe(mine);
    // the content
    writeFileSync(path.join(root, 'posts', 'a.md'), '\n另一段。\n', { flag: 'a' });
    expect((await keyOf(root, config)).key).not.toBe(key);
    // an unknown theme: not cached
    expect((await keyOf(root, config, 'no-such-theme')).key).toBeUndefined();
  });

  it('changes the key when the code theme (config, front matter or its CSS) or the window bar changes', async () => {
    const root = makeProject();
    const config = configOf();
    const { key } = await keyOf(root, config);
    // the config's code theme and window bar
    const dracula = (await keyOf(root, configOf({ codeTheme: 'dracula' }))).key;
    expect(dracula).not.toBe(key);
    expect((await keyOf(root, configOf({ codeTheme: 'github-dark' }))).key).not.toBe(dracula);
    expect((await keyOf(root, configOf({ render: { mkdocs: true, codeWindowBar: true } }))).key).not.toBe(key);
    // a project code theme's CSS, added then edited
    mkdirSync(path.join(root, 'themes', 'code-themes'));
    writeFileSync(path.join(root, 'themes', 'code-themes', 'mono.css'), '.wx-code { background: #fafafa; color: #333; }\n');
    const mono = (await keyOf(root, configOf({ codeTheme: 'mono' }))).key;
    expect(mono).not.toBe(key);
    writeFileSync(path.join(root, 'themes', 'code-themes', 'mono.css'), '.hljs-keyword { color: #a626a4; }\n', { flag: 'a' });
    expect((await keyOf(root, configOf({ codeTheme: 'mono' }))).key).not.toBe(mono);
    // the post's own code theme and window bar
    const post = path.join(root, 'posts', 'a.md');
    const before = (await keyOf(root, config)).key;
    writeFileSync(post, readFileSync(post, 'utf8').replace('title: 缓存\n', 'title: 缓存\ncodeTheme: monokai\n'));
    const monokai = (await keyOf(root, config)).key;
    expect(monokai).not.toBe(before);
    writeFileSync(post, readFileSync(post, 'utf8').replace('codeTheme: monokai\n', 'codeTheme: monokai\ncode_window_bar: true\n'));
    expect((await keyOf(root, config)).key).not.toBe(monokai);
  });

  it('misses when an included snippet or an image changes', async () => {
    const root = makeProject();
    const config = configOf();
    const key = await renderAndStore(root, config);

    writeFileSync(path.join(root, 'snippet.txt'), 'second version\n');
    touch(path.join(root, 'snippet.txt'), 5);
    expect(await (await keyOf(root, config)).cache.get(key)).toBeUndefined();
    await renderAndStore(root, config);
    expect((await (await keyOf(root, config)).cache.get(key))?.html).toContain('second version');

    writeFileSync(path.join(root, 'posts', 'images', 'a.png'), PNG_B);
    touch(path.join(root, 'posts', 'images', 'a.png'), 10);
    expect(await (await keyOf(root, config)).cache.get(key)).toBeUndefined();
    await renderAndStore(root, config);
    expect(await (await keyOf(root, config)).cache.get(key)).toBeDefined();

    // A missing image that appears is a change, and one that disappears too.
    writeFileSync(path.join(root, 'posts', 'images', 'later.png'), PNG_A);
    expect(await (await keyOf(root, config)).cache.get(key)).toBeUndefined();
    await renderAndStore(root, config);
    expect(await (await keyOf(root, config)).cache.get(key)).toBeDefined();
    rmSync(path.join(root, 'posts', 'images', 'a.png'));
    expect(await (await keyOf(root, config)).cache.get(key)).toBeUndefined();
  });

  it('is bounded (oldest entries evicted) and safe to delete', async () => {
    const root = makeProject();
    const config = configOf();
    const cache = await RenderCache.open(root, config, { maxEntries: 2 });
    const { rendered } = await renderJob({ file: path.join(root, 'posts', 'a.md'), images }, root, config);
    for (const [i, key] of ['a', 'b', 'c'].map((c) => c.repeat(64)).entries()) {
      await cache.set(key, rendered);
      const when = new Date(Date.now() - (10 - i) * 1000);
      utimesSync(path.join(renderCacheDir(root), `${key}.json.gz`), when, when);
    }
    await cache.close();
    // Each entry is the gzipped render and its summary (RenderCache.getSummary); both go when the entry is evicted.
    expect(readdirSync(renderCacheDir(root)).sort()).toEqual(
      ['b', 'c'].flatMap((c) => [`${c.repeat(64)}.json.gz`, `${c.repeat(64)}.summary.json`]),
    );
    expect((await cache.getSummary('c'.repeat(64)))?.title).toBe(rendered.title);
    expect(await cache.getSummary('a'.repeat(64))).toBeUndefined();

    rmSync(path.join(root, '.wxmp'), { recursive: true });
    expect(await cache.get('c'.repeat(64))).toBeUndefined();
    // A damaged entry is a miss, not an error.
    mkdirSync(renderCacheDir(root), { recursive: true });
    writeFileSync(path.join(renderCacheDir(root), `${'d'.repeat(64)}.json.gz`), '{"v":');
    expect(await cache.get('d'.repeat(64))).toBeUndefined();
    expect(existsSync(renderCacheDir(root))).toBe(true);
    clearThemeCache();
  });
});

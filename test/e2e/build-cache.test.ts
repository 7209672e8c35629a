import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';
import { packagesOf, runCliRecordingModules } from '../helpers/modules.js';
import { makeImage, makeRepo } from '../helpers/repo.js';

interface Report {
  posts: { source: string; cached?: boolean; skipped?: boolean; title?: string }[];
  summary: { posts: number; rendered: number; cached: number };
}

async function build(root: string, ...args: string[]): Promise<Report> {
  const result = await runCli(['build', '--root', root, '--json', ...args]);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return JSON.parse(result.stdout) as Report;
}

function cachedOf(report: Report): Record<string, boolean> {
  return Object.fromEntries(report.posts.filter((p) => !p.skipped).map((p) => [p.source, p.cached === true]));
}

function later(file: string, seconds: number): void {
  const when = new Date(Date.now() + seconds * 1000);
  utimesSync(file, when, when);
}

/** Three ordinary posts and one that includes a snippet; snippets need `render.mkdocs`. */
async function makeProject(config: Record<string, unknown> = {}): Promise<string> {
  const root = await makeRepo({
    posts: 3,
    extra: { 'snip.md': '---\ntitle: 片段\ncover: ./images/cover-0.jpg\n---\n\n```text\n--8<-- "snippets/a.txt"\n```\n' },
  });
  mkdirSync(path.join(root, 'snippets'));
  writeFileSync(path.join(root, 'snippets', 'a.txt'), 'snippet one\n');
  writeFileSync(path.join(root, 'wxmp.config.json'), JSON.stringify({ render: { mkdocs: true }, ...config }));
  return root;
}

const all = { 'posts/post-000.md': false, 'posts/post-001.md': false, 'posts/post-002.md': false, 'posts/snip.md': false };
const none = Object.fromEntries(Object.keys(all).map((k) => [k, true]));
// Many CLI processes per test on a shared two-core machine: a generous limit (no timing is asserted).
const SLOW = { timeout: 180_000 };

describe('wxmp build: the render cache (CLI process)', () => {
  it('re-renders nothing the second time (without loading the renderer), then only a post whose content changed', SLOW, async () => {
    const root = await makeProject();
    const first = await build(root);
    expect(cachedOf(first)).toEqual(all);
    expect(first.summary).toMatchObject({ posts: 4, rendered: 4, cached: 0 });
    expect(existsSync(path.join(root, '.wxmp', 'cache', 'render'))).toBe(true);
    const html = readFileSync(path.join(root, 'out', 'post-001.html'), 'utf8');

    // Nothing changed: nothing rendered, same output; and the renderer was never loaded.
    rmSync(path.join(root, 'out'), { recursive: true });
    const second = runCliRecordingModules(['build', '--root', root, '--json']);
    const report = JSON.parse(second.stdout) as Report;
    expect(cachedOf(report)).toEqual(none);
    expect(report.summary).toMatchObject({ posts: 4, rendered: 0, cached: 4 });
    expect(readFileSync(path.join(root, 'out', 'post-001.html'), 'utf8')).toBe(html);
    expect(second.modules).toContain('src/render/cache.ts');
    expect(second.modules.filter((m) => /^src\/render\/(render|processor)\.ts$/.test(m))).toEqual([]);
    expect([...packagesOf(second.modules)]).toEqual(expect.not.arrayContaining(['mathjax-full', 'unified', 'juice']));

    writeFileSync(path.join(root, 'posts', 'post-001.md'), '\n多一段。\n', { flag: 'a' });
    expect(cachedOf(await build(root))).toEqual({ ...none, 'posts/post-001.md': false });
    expect(readFileSync(path.join(root, 'out', 'post-001.html'), 'utf8')).toContain('多一段。');
  });

  it('a large build (over 40 posts) writes nothing for unchanged posts, and rewrites a post whose file was deleted or changed', SLOW, async () => {
    const root = await makeRepo({ posts: 42 });
    const out = path.join(root, 'out');
    const first = await build(root);
    expect(first.summary).toMatchObject({ posts: 42, rendered: 42, cached: 0 });
    // The index loads each post's page lazily instead of holding 42 articles.
    const index = readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(index.match(/<iframe class="pv-embed" src="post-\d{3}\.preview\.html" loading="lazy"/g)).toHaveLength(42);
    const stamp = (name: string) => statSync(path.join(out, name)).mtimeMs;
    const before = { html: stamp('post-007.html'), page: stamp('post-007.preview.html') };

    const second = await build(root);
    expect(second.summary).toMatchObject({ posts: 42, rendered: 0, cached: 42 });
    // The report is the same as the first build's (from the cache's summaries), and no post file was written again.
    expect(second.posts.map((p) => [p.source, p.title])).toEqual(first.posts.map((p) => [p.source, p.title]));
    expect({ html: stamp('post-007.html'), page: stamp('post-007.preview.html') }).toEqual(before);

    rmSync(path.join(out, 'post-003.html'));
    writeFileSync(path.join(root, 'posts', 'post-005.md'), '\n多一段。\n', { flag: 'a' });
    const third = await build(root);
    expect(third.summary).toMatchObject({ posts: 42, rendered: 1, cached: 41 });
    expect(existsSync(path.join(out, 'post-003.html'))).toBe(true);
    expect(readFileSync(path.join(out, 'post-005.html'), 'utf8')).toContain('多一段。');
    expect(stamp('post-007.html')).toBe(before.html);
  });

  it('re-renders the posts that read a changed snippet or image', SLOW, async () => {
    const root = await makeProject();
    expect(cachedOf(await build(root))).toEqual(all);
    writeFileSync(path.join(root, 'snippets', 'a.txt'), 'snippet two\n');
    later(path.join(root, 'snippets', 'a.txt'), 5);
    expect(cachedOf(await build(root))).toEqual({ ...none, 'posts/snip.md': false });
    expect(readFileSync(path.join(root, 'out', 'snip.html'), 'utf8')).toContain('snippet two');
    // own-2.png is post 2's alone; cover-0.jpg is the cover of posts 0–2 and snip.md.
    writeFileSync(path.join(root, 'posts', 'images', 'own-2.png'), await makeImage(999));
    later(path.join(root, 'posts', 'images', 'own-2.png'), 10);
    expect(cachedOf(await build(root))).toEqual({ ...none, 'posts/post-002.md': false });
    writeFileSync(path.join(root, 'posts', 'images', 'cover-0.jpg'), await makeImage(998, 'jpeg'));
    later(path.join(root, 'posts', 'images', 'cover-0.jpg'), 15);
    expect(cachedOf(await build(root))).toEqual(all);
  });

  it('re-renders everything when the theme (--theme or a theme file) or the config changes; --no-cache bypasses it', SLOW, async () => {
    const root = await makeProject({ templatesDir: 'themes' });
    cpSync(path.join(repoRoot, 'templates', 'default'), path.join(root, 'themes', 'mine'), { recursive: true });
    expect(cachedOf(await build(root))).toEqual(all);
    expect(cachedOf(await build(root, '--theme', 'github'))).toEqual(all);
    expect(cachedOf(await build(root, '--theme', 'github'))).toEqual(none);
    expect(cachedOf(await build(root, '--theme', 'mine'))).toEqual(all);
    writeFileSync(path.join(root, 'themes', 'mine', 'theme.css'), '\n.wx-article { color: #222; }\n', { flag: 'a' });
    expect(cachedOf(await build(root, '--theme', 'mine'))).toEqual(all);
    expect(cachedOf(await build(root, '--theme', 'mine'))).toEqual(none);

    writeFileSync(path.join(root, 'wxmp.config.json'), JSON.stringify({ render: { mkdocs: true, codeLineNumbers: true }, templatesDir: 'themes' }));
    expect(cachedOf(await build(root, '--theme', 'mine'))).toEqual(all);
    expect(cachedOf(await build(root, '--theme', 'mine', '--no-cache'))).toEqual(all);
    // A deleted cache is only a slower build.
    rmSync(path.join(root, '.wxmp'), { recursive: true });
    expect(cachedOf(await build(root, '--theme', 'mine'))).toEqual(all);
  });

  it('says in the text report how many posts came from the cache', SLOW, async () => {
    const root = await makeRepo({ posts: 2 });
    await runCli(['build', '--root', root]);
    const again = await runCli(['build', '--root', root]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/Built 2 posts \(2 unchanged, from the cache\)/);
    expect(again.stderr).toMatch(/post-000\.md → post-000\.html .*\(cached\)/);
  });
});

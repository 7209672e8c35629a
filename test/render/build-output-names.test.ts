/**
 * Output names of `wxmp build` (issue 15, item 9): a post named `index.md` used to be written to `<out>/index.html`,
 * which the overview page then overwrote. Names never collide with the overview page, with another post's
 * `.preview.html`, or with each other.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputNames } from '../../src/cli/commands/build.js';
import { runCli } from '../helpers/cli.js';

describe('outputNames', () => {
  it('keeps the names it always gave', () => {
    expect(outputNames(['posts/a.md', 'posts/b/index.md', 'posts/c/d.md'])).toEqual(['a', 'b', 'c--d']);
    expect(outputNames(['posts/a.md', 'posts/a.markdown'])).toEqual(['a', 'a-2']);
  });

  it('never names a post `index`: a lone bundle is named after its folder, a top-level index.md gets a suffix', () => {
    expect(outputNames(['content/post/index.md'])).toEqual(['post']);
    expect(outputNames(['content/post/README.md'])).toEqual(['post']);
    expect(outputNames(['posts/index.md', 'posts/a.md'])).toEqual(['posts', 'a']);
    expect(outputNames(['index.md'])).toEqual(['index-2']);
    expect(outputNames(['INDEX.md'])).toEqual(['INDEX-2']);
  });

  it('avoids other posts’ names and preview pages, case-insensitively, and keeps literal names first', () => {
    expect(outputNames(['posts/a.md', 'posts/A.md'])).toEqual(['a', 'A-2']);
    expect(outputNames(['posts/a.md', 'posts/a.md', 'posts/a-2.md'])).toEqual(['a', 'a-3', 'a-2']);
    const names = outputNames(['posts/foo.preview.md', 'posts/foo.md']);
    const files = names.flatMap((n) => [`${n}.html`, `${n}.preview.html`]);
    expect(new Set(files.map((f) => f.toLowerCase())).size).toBe(files.length);
    expect(files).not.toContain('index.html');
  });
});

describe('wxmp build content/post/index.md (CLI process)', () => {
  it('writes the post next to the overview page instead of under it', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'wxmp-index-post-'));
    mkdirSync(path.join(root, 'content', 'post'), { recursive: true });
    writeFileSync(path.join(root, 'content', 'post', 'index.md'), '---\ntitle: 索引文章\n---\n\n这是名为 index 的文章的正文。\n');
    const out = path.join(root, 'out');
    const result = await runCli(['build', '--root', root, '--out', out, '--json', 'content/post/index.md']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { index: string; posts: { source: string; output: string }[] };
    expect(report.posts).toHaveLength(1);
    const post = report.posts[0]!;
    expect(post.output).toBe('out/post.html');
    expect(post.output).not.toBe(report.index);
    // The post's WeChat HTML survived the overview page, and the overview links to the post's preview page.
    const html = readFileSync(path.join(root, post.output), 'utf8');
    expect(html).toContain('这是名为 index 的文章的正文');
    expect(html).not.toContain('<html');
    const index = readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(index).toContain('href="post.preview.html"');
    expect(readFileSync(path.join(out, 'post.preview.html'), 'utf8')).toContain('href="index.html"');
  }, 60_000);
});

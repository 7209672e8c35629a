/**
 * `wxmp init` then `wxmp sync`, as processes in a temp folder: the scaffold is complete, its example post renders
 * clean and syncs into the sandbox (the config's `import { defineConfig } from 'wxmp'` resolves through the config
 * loader's alias, no node_modules needed), and a second init refuses to overwrite, listing the files.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(repo, 'bin/wxmp.js');

async function wxmp(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.WECHAT_APP_ID;
  delete env.WECHAT_APP_SECRET;
  delete env.GITHUB_ACTIONS;
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd, env, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('wxmp init, then sync', () => {
  let dir: string;

  beforeAll(() => {
    if (!existsSync(path.join(repo, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run compile`');
    dir = mkdtempSync(path.join(tmpdir(), 'wxmp-init-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the scaffold', async () => {
    const res = await wxmp(['init', dir], repo);
    expect(res.code, res.stderr).toBe(0);
    for (const file of ['wxmp.config.ts', 'posts/hello.md', 'posts/images/hello.png', '.env.example', '.gitignore', '.github/workflows/wxmp.yml', 'package.json']) {
      expect(existsSync(path.join(dir, file)), file).toBe(true);
    }
    expect(readFileSync(path.join(dir, 'wxmp.config.ts'), 'utf8')).toContain("import { defineConfig } from 'wxmp'");
    const gitignore = readFileSync(path.join(dir, '.gitignore'), 'utf8').split('\n');
    expect(gitignore).toEqual(expect.arrayContaining(['.env', '.wxmp/', 'node_modules/', 'out/']));
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.sync).toBe('wxmp sync');
    const workflow = readFileSync(path.join(dir, '.github/workflows/wxmp.yml'), 'utf8');
    expect(workflow).toContain('uses: wxmp/wxmp@main');
    expect(workflow).toContain('app-secret: ${{ secrets.WECHAT_APP_SECRET }}');
    const png = readFileSync(path.join(dir, 'posts/images/hello.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const post = readFileSync(path.join(dir, 'posts/hello.md'), 'utf8');
    expect(post).toMatch(/^---\ntitle: /);
    expect(post).toMatch(/^## /m);
    expect(post).toMatch(/^- /m);
    expect(post).toContain('```ts');
    expect(post).toContain('| --- |');
    expect(post).toContain('![示例图片](./images/hello.png)');
  });

  it('builds the example post without warnings or errors', async () => {
    const res = await wxmp(['build', '--root', dir, '--json'], dir);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as { posts: { messages: { severity: string; message: string }[] }[] };
    expect(report.posts).toHaveLength(1);
    expect(report.posts[0]!.messages.filter((m) => m.severity !== 'info')).toEqual([]);
  });

  it('syncs into the sandbox, then finds nothing to do', async () => {
    const first = await wxmp(['sync', '--root', dir, '--json'], dir);
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as { mode: string; posts: { status: string; source: string }[] };
    expect(report.mode).toBe('sandbox');
    expect(report.posts.map((p) => [p.source, p.status])).toEqual([['posts/hello.md', 'CREATED']]);
    const second = JSON.parse((await wxmp(['sync', '--root', dir, '--json'], dir)).stdout) as { posts: { status: string }[]; requests: number };
    expect(second.posts[0]!.status).toBe('UNCHANGED');
    expect(second.requests).toBe(0);
  });

  it('refuses to overwrite, lists the existing files, writes nothing', async () => {
    writeFileSync(path.join(dir, 'posts/hello.md'), 'mine');
    const res = await wxmp(['init'], dir);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('wxmp.config.ts');
    expect(res.stderr).toContain('posts/hello.md');
    expect(res.stderr).toContain('.gitignore');
    expect(readFileSync(path.join(dir, 'posts/hello.md'), 'utf8')).toBe('mine');
  });

  it('keeps an existing package.json', async () => {
    const other = mkdtempSync(path.join(tmpdir(), 'wxmp-init-pkg-'));
    try {
      writeFileSync(path.join(other, 'package.json'), '{"name":"mine"}\n');
      const res = await wxmp(['init', '.'], other);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stderr).toContain('package.json (kept)');
      expect(readFileSync(path.join(other, 'package.json'), 'utf8')).toBe('{"name":"mine"}\n');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});

/** `wxmp build --watch` as a process: a saved post is rebuilt alone (its files and the index rewritten, the others untouched). */
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('wxmp build --watch', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'wxmp-watch-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('rebuilds only the saved post and the index', async () => {
    cpSync(path.join(repo, 'posts'), path.join(root, 'posts'), { recursive: true });
    cpSync(path.join(repo, 'wxmp.config.ts'), path.join(root, 'wxmp.config.ts'));
    const child = spawn(process.execPath, [path.join(repo, 'bin/wxmp.js'), 'build', '--watch', '--root', root], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      await until(() => stderr.includes('Watching for changes'), 60_000);
      const out = path.join(root, 'out');
      const other = statSync(path.join(out, 'hello-wxmp.html')).mtimeMs;
      appendFileSync(path.join(root, 'posts/service-mesh-notes/index.md'), '\n\n监视模式的更新\n');
      await until(() => readFileSync(path.join(out, 'service-mesh-notes.html'), 'utf8').includes('监视模式的更新'), 30_000);
      await until(() => readFileSync(path.join(out, 'index.html'), 'utf8').includes('监视模式的更新'), 10_000);
      const index = readFileSync(path.join(out, 'index.html'), 'utf8');
      expect(index).toContain('data-source="posts/hello-wxmp.md"');
      expect(index).toContain('data-source="posts/math-and-code.md"');
      expect(statSync(path.join(out, 'hello-wxmp.html')).mtimeMs).toBe(other);
      expect(stderr).toMatch(/Built 1 post/);
    } finally {
      child.kill('SIGTERM');
    }
  }, 120_000);
});

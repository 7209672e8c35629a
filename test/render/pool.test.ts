/**
 * The render pool on real threads gives exactly what rendering in this thread gives. Worker threads need compiled
 * JavaScript, so this test uses dist/ (built by `npm test` before the suite runs).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { discoverPosts } from '../../src/content/discover.js';
import { formatProblem } from '../../src/util/messages.js';
import { repoRoot } from '../helpers/cli.js';
import { defaultThreads, LARGE_BATCH, POOL_THRESHOLD } from '../../src/render/pool.js';

const distPool = path.join(repoRoot, 'dist/render/pool.js');

describe.skipIf(!existsSync(distPool))('RenderPool', () => {
  it('renders on worker threads exactly as in this thread, messages included', async () => {
    const { RenderPool, renderJob } = (await import(distPool)) as typeof import('../../src/render/pool.js');
    const { config } = await loadConfig(repoRoot);
    const files = await discoverPosts({ root: repoRoot, include: config.include, exclude: config.exclude });
    const pool = new RenderPool({ root: repoRoot, config, size: 2 });
    expect(pool.threaded).toBe(true);
    try {
      for (const images of [{ kind: 'placeholders' } as const, { kind: 'relative-to', dir: path.join(repoRoot, 'out') } as const]) {
        const threaded = await Promise.all(files.map((file) => pool.render({ file, images })));
        for (const [i, file] of files.entries()) {
          const local = await renderJob({ file, images }, repoRoot, config);
          expect(threaded[i]!.rendered.html).toBe(local.rendered.html);
          expect(threaded[i]!.rendered.title).toBe(local.rendered.title);
          expect(threaded[i]!.placeholderRefs).toEqual(local.placeholderRefs);
          expect(threaded[i]!.rendered.messages.map(formatProblem)).toEqual(local.rendered.messages.map(formatProblem));
          expect(threaded[i]!.rendered.messages.map((m) => m.fatal)).toEqual(local.rendered.messages.map((m) => m.fatal));
        }
      }
      const hello = await pool.render({ file: path.join(repoRoot, 'posts/hello-wxmp.md'), images: { kind: 'placeholders' } });
      expect(hello.placeholderRefs.map((r) => r.src)).toEqual(['./images/sync-flow.png', './images/pipeline.svg']);
      expect(hello.rendered.html).toContain('src="https://wxmp.invalid/image/0"');
    } finally {
      await pool.close();
    }
  });

  it('replaces a thread whose heap grew past the limit, and renders the same', async () => {
    const { RenderPool, renderJob } = (await import(distPool)) as typeof import('../../src/render/pool.js');
    const { config } = await loadConfig(repoRoot);
    // Any heap is over 1 byte: every thread is retired after its post and the next post starts a fresh one.
    const pool = new RenderPool({ root: repoRoot, config, size: 2, recycleHeapBytes: 1 });
    const file = path.join(repoRoot, 'posts/hello-wxmp.md');
    try {
      const results = await Promise.all([0, 1, 2, 3].map(() => pool.render({ file, images: { kind: 'keep' } })));
      const local = await renderJob({ file, images: { kind: 'keep' } }, repoRoot, config);
      for (const r of results) expect(r.rendered.html).toBe(local.rendered.html);
      expect(pool.retired).toBe(4);
    } finally {
      await pool.close();
    }
  });

  it('reports a post that cannot be read as a rejected render, and keeps working', async () => {
    const { RenderPool } = (await import(distPool)) as typeof import('../../src/render/pool.js');
    const { config } = await loadConfig(repoRoot);
    const pool = new RenderPool({ root: repoRoot, config, size: 2 });
    try {
      await expect(pool.render({ file: path.join(repoRoot, 'posts/no-such-post.md'), images: { kind: 'keep' } })).rejects.toThrow(/ENOENT/);
      const ok = await pool.render({ file: path.join(repoRoot, 'posts/hello-wxmp.md'), images: { kind: 'keep' } });
      expect(ok.rendered.title).toBe('用 wxmp 把 Markdown 发布到公众号');
    } finally {
      await pool.close();
    }
  });
});

describe('defaultThreads', () => {
  it('renders a handful of posts in this thread, leaves a core to V8 for a small batch, uses every core (at most 4) for a large one, unless WXMP_RENDER_THREADS says', () => {
    expect(defaultThreads(24, {}, 1)).toBe(1);
    expect(defaultThreads(POOL_THRESHOLD - 1, {}, 8)).toBe(1);
    expect(defaultThreads(24, {}, 2)).toBe(1);
    expect(defaultThreads(LARGE_BATCH, {}, 2)).toBe(2);
    expect(defaultThreads(24, {}, 4)).toBe(3);
    expect(defaultThreads(500, {}, 4)).toBe(4);
    expect(defaultThreads(500, {}, 32)).toBe(4);
    expect(defaultThreads(24, { WXMP_RENDER_THREADS: '2' }, 2)).toBe(2);
    expect(defaultThreads(500, { WXMP_RENDER_THREADS: '1' }, 8)).toBe(1);
    expect(defaultThreads(24, { WXMP_RENDER_THREADS: '0' }, 8)).toBe(4);
    expect(defaultThreads(24, { WXMP_RENDER_THREADS: 'many' }, 8)).toBe(4);
  });
});

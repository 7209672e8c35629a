/**
 * The write, plan and verify stages and the engine that orders them, against the emulator over HTTP in this process
 * (the CLI tests in test/e2e run the same through the process).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedAccount } from '../../src/account/index.js';
import { openSession } from '../../src/account/index.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resolveConfig } from '../../src/config/load.js';
import { clearThemeCache } from '../../src/render/theme.js';
import { syncPosts } from '../../src/sync/engine.js';
import { liveEnv, okCalls, world, writePost, type StageWorld } from './helpers.js';

let current: StageWorld | undefined;
afterEach(async () => {
  await current?.session.close();
  await current?.emulator.close();
  current = undefined;
});

const postsOf = (w: StageWorld) => ['post-000.md', 'post-001.md'].map((name) => `${w.root}/posts/${name}`);

describe('syncPosts over an account session', () => {
  it('creates each draft once, then makes no request for unchanged posts', async () => {
    current = await world(2);
    const { session, emulator } = current;
    const first = await syncPosts(postsOf(current), session);
    expect(first.map((r) => r.status)).toEqual(['CREATED', 'CREATED']);
    expect(okCalls(emulator, 'draft/add')).toBe(2);
    expect(session.lock.peekAccount(session.accounts.get('default')!.appId)?.posts['posts/post-000.md']).toMatchObject({ status: 'draft', mediaId: first[0]!.mediaId });
    emulator.control.resetRequests();
    const again = await syncPosts(postsOf(current), session);
    expect(again.map((r) => r.status)).toEqual(['UNCHANGED', 'UNCHANGED']);
    expect(emulator.control.requests()).toHaveLength(0);
  });

  it('updates a post when the project code theme it is rendered with is edited, and only then', async () => {
    current = await world(1);
    const { root, emulator } = current;
    const css = path.join(root, 'themes', 'code-themes', 'mine.css');
    mkdirSync(path.dirname(css), { recursive: true });
    writeFileSync(css, '.wx-code { background: #ffffff; color: #1a1a1a; }\n');
    const config = resolveConfig({ templatesDir: 'themes', codeTheme: 'mine', retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
    const session = await openSession({ root, config, env: liveEnv(emulator), tokenCache: false });
    const files = [writePost(root, 'code.md', '---\ntitle: 代码配色\n---\n\n```js\nconst answer = 42;\n```\n')];
    try {
      expect((await syncPosts(files, session)).map((r) => r.status)).toEqual(['CREATED']);
      expect((await syncPosts(files, session)).map((r) => r.status)).toEqual(['UNCHANGED']);
      writeFileSync(css, '.wx-code { background: #f6f8fa; color: #1f2328; }\n');
      // A long-running process (wxmp dev, build --watch) clears the theme cache when a theme file changes.
      clearThemeCache();
      expect((await syncPosts(files, session)).map((r) => r.status)).toEqual(['UPDATED']);
    } finally {
      await session.close();
    }
  });

  it('a plan (read-only session) says what would change and sends nothing', async () => {
    current = await world(2);
    const plan = await openSession({ root: current.root, config: current.config, env: liveEnv(current.emulator), readOnly: true });
    const results = await syncPosts(postsOf(current), plan);
    // Per post: the shared image, its own image and the cover (a plan counts per post, not per run).
    expect(results.map((r) => [r.status, r.pendingUploads?.count])).toEqual([
      ['CREATED', 3],
      ['CREATED', 3],
    ]);
    expect(current.emulator.control.requests()).toHaveLength(0);
  });

  it('adopts the draft of a draft/add whose answer was lost instead of adding a second one', async () => {
    current = await world(1);
    const { session, emulator } = current;
    const [created] = await syncPosts(postsOf(current).slice(0, 1), session);
    const account = session.accounts.get('default') as ResolvedAccount;
    const entry = session.lock.account(account.appId).posts['posts/post-000.md']!;
    // As a process killed between WeChat's answer and the save would leave it: the pending marker, no media_id.
    await session.lock.markPending(account.appId, 'posts/post-000.md', { fingerprint: 'stale' }, {
      op: 'draft-add',
      title: entry.title!,
      thumbMediaId: entry.thumbMediaId!,
      startedAt: Math.floor(Date.now() / 1000),
    });
    emulator.control.resetRequests();
    const [resumed] = await syncPosts(postsOf(current).slice(0, 1), session);
    expect(resumed).toMatchObject({ status: 'UPDATED', mediaId: created!.mediaId });
    expect(okCalls(emulator, 'draft/add')).toBe(0);
    expect(session.lock.account(account.appId).posts['posts/post-000.md']?.pending).toBeUndefined();
  });

  it('recreates a draft deleted in WeChat (40007 on update), and verifies what was stored', async () => {
    current = await world(1);
    const { session, emulator } = current;
    const [created] = await syncPosts(postsOf(current).slice(0, 1), session);
    const client = await session.client(session.accounts.get('default')!);
    await client.draft.delete(created!.mediaId!);
    const [again] = await syncPosts(postsOf(current).slice(0, 1), session, { force: true, verify: true });
    expect(again).toMatchObject({ status: 'CREATED' });
    expect(again!.mediaId).not.toBe(created!.mediaId);
    expect(again!.note).toMatch(/no longer exists in WeChat/);
    expect(again!.verify).toBeDefined();
    expect(okCalls(emulator, 'draft/get')).toBe(1);
  });

  it('reports an unknown account and a broken post as their own FAILED rows, and syncs the rest', async () => {
    current = await world(1);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${current.root}/posts/elsewhere.md`, '---\ntitle: 别处\naccount: nope\n---\n\n正文\n');
    writeFileSync(`${current.root}/posts/broken.md`, '---\ntitle: [unclosed\n---\n');
    const files = [`${current.root}/posts/broken.md`, `${current.root}/posts/elsewhere.md`, ...postsOf(current).slice(0, 1)];
    const results = await syncPosts(files, current.session);
    expect(results.map((r) => [r.source, r.status, r.error?.message.slice(0, 30)])).toEqual([
      ['posts/broken.md', 'FAILED', expect.stringMatching(/^Invalid YAML front matter/)],
      ['posts/elsewhere.md', 'FAILED', 'unknown account "nope" (config'],
      ['posts/post-000.md', 'CREATED', undefined],
    ]);
  });
});

/** `wxmp publish` as a process against the emulator: confirmation, success, failures, timeout, --status, sandbox. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { LockData } from '../../src/sync/lock.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { makeRepo, postMarkdown } from '../helpers/repo.js';

const APP = { appId: 'wxpub0000000000001', appSecret: 'publish-cli-secret-0123456789abcdef' };
const SUBMIT = '/cgi-bin/freepublish/submit';

let emulator: RunningEmulator;
let root: string;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCli([...args, '--root', root], { env });
const lockPosts = (dir: string, appId: string) => (JSON.parse(readFileSync(path.join(dir, 'wxmp.lock.json'), 'utf8')) as LockData).accounts[appId]!.posts;
const submits = (emu: RunningEmulator) => emu.control.requests().filter((r) => r.path === SUBMIT).length;

beforeAll(async () => {
  emulator = await startEmulator({ accounts: [APP], publishDelayMs: 300 });
  root = await makeRepo({ posts: 5 });
  env = cleanEnv({ WXMP_API_BASE: emulator.url, WECHAT_APP_ID: APP.appId, WECHAT_APP_SECRET: APP.appSecret, XDG_CACHE_HOME: `${root}/.cache` });
  expect((await cli('sync')).code).toBe(0);
});
afterAll(async () => {
  await emulator.close();
});

describe('wxmp publish <post>', { timeout: 90_000 }, () => {
  it('refuses without --yes when there is no terminal, after showing the title and the draft; nothing is submitted', async () => {
    const mediaId = lockPosts(root, APP.appId)['posts/post-000.md']!.mediaId!;
    const refused = await cli('publish', 'posts/post-000.md');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('第 0 篇文章：同步测试');
    expect(refused.stderr).toContain(mediaId);
    expect(refused.stderr).toMatch(/pass --yes/);
    expect(refused.stdout).toBe('');
    expect(submits(emulator)).toBe(0);
    expect(lockPosts(root, APP.appId)['posts/post-000.md']!.status).toBe('draft');
  });

  it('publishes with --yes: submits once, polls until done, prints the URL and records the article in the lock', async () => {
    const before = emulator.control.requests().length;
    const result = await cli('publish', 'posts/post-000.md', '--yes');
    expect(result.code).toBe(0);
    const requests = emulator.control.requests().slice(before);
    expect(requests.filter((r) => r.path === SUBMIT)).toHaveLength(1);
    expect(requests.filter((r) => r.path === '/cgi-bin/freepublish/get').length).toBeGreaterThanOrEqual(2); // status 1, then 0
    expect(result.stderr).toMatch(/status 1 发布中 publishing/);
    const entry = lockPosts(root, APP.appId)['posts/post-000.md']!;
    expect(entry).toMatchObject({ status: 'published', publishId: expect.stringMatching(/^\d+$/), articleId: expect.any(String) });
    expect(entry.articleUrl).toMatch(/\/s\?__biz=.*&mid=\d+&idx=1/);
    expect(result.stdout.trim()).toBe(entry.articleUrl);
    const { published } = JSON.parse((await cli('published', 'list', '--json')).stdout);
    expect(published.map((p: { article_id: string }) => p.article_id)).toContain(entry.articleId);
  });

  it('a published post has no draft any more: publish says to sync, and the next sync creates a new draft', async () => {
    const again = await cli('publish', 'posts/post-000.md', '--yes');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already published .*run `wxmp sync posts\/post-000\.md` first/);
    const sync = await cli('sync', 'posts/post-000.md', '--json');
    expect(JSON.parse(sync.stdout).posts[0].status).toBe('CREATED');
    expect(lockPosts(root, APP.appId)['posts/post-000.md']!.status).toBe('draft');
  });

  it('prints the outcome as JSON on stdout with --json', async () => {
    const mediaId = lockPosts(root, APP.appId)['posts/post-001.md']!.mediaId!;
    const result = await cli('publish', 'posts/post-001.md', '--yes', '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      status: 'published',
      publish_status: 0,
      publish_id: expect.stringMatching(/^\d+$/),
      article_id: expect.any(String),
      fail_idx: [],
      media_id: mediaId,
      title: '第 1 篇文章：同步测试',
      source: 'posts/post-001.md',
    });
    expect(report.article_urls).toHaveLength(1);
    expect(report.article_urls[0]).toBe(lockPosts(root, APP.appId)['posts/post-001.md']!.articleUrl);
  });

  it('refuses a post that changed since its sync, or that was never synced, and says to run wxmp sync first', async () => {
    const file = path.join(root, 'posts', 'post-002.md');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, postMarkdown(2, '\n新增的一段。\n'));
    const count = submits(emulator);
    const stale = await cli('publish', 'posts/post-002.md', '--yes');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/changed since its last sync.*run `wxmp sync posts\/post-002\.md` first/);
    writeFileSync(file, original);
    writeFileSync(path.join(root, 'posts', 'new.md'), postMarkdown(9));
    const unsynced = await cli('publish', 'posts/new.md', '--yes');
    expect(unsynced.code).toBe(1);
    expect(unsynced.stderr).toMatch(/has no draft on account .* yet: run `wxmp sync posts\/new\.md` first/);
    const missing = await cli('publish', 'posts/nope.md', '--yes');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no such post/);
    expect(submits(emulator)).toBe(count);
  });

  it('a publish rejected by review exits 1 with the status name and fail_idx; the post keeps its draft', async () => {
    emulator.control.setFaults({ publishOutcome: { '*': 4 } });
    try {
      const result = await cli('publish', 'posts/post-002.md', '--yes');
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/publish failed: status 4 平台审核不通过 rejected by review — failing article\(s\) fail_idx 1/);
      expect(result.stderr).toMatch(/hint: .*review rejected/);
      expect(result.stdout).toBe('');
      const entry = lockPosts(root, APP.appId)['posts/post-002.md']!;
      expect(entry.status).toBe('draft');
      expect(entry.publishId).toBeUndefined();

      emulator.control.setFaults({ publishOutcome: { '*': 2 } });
      const json = await cli('publish', 'posts/post-002.md', '--yes', '--json');
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ status: 'original_check_failed', publish_status: 2, fail_idx: [1], article_urls: [], source: 'posts/post-002.md' });
      expect(json.stderr).toMatch(/status 2 原创失败/);
    } finally {
      emulator.control.setFaults({ publishOutcome: {} });
    }
  });

  it('publishes a draft by media_id (no lock entry is touched)', async () => {
    const { drafts } = JSON.parse((await cli('drafts', 'list', '--json')).stdout);
    const target = drafts.find((d: { title: string }) => d.title === '第 3 篇文章：同步测试');
    const result = await cli('publish', target.media_id, '--yes', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'published', media_id: target.media_id, title: '第 3 篇文章：同步测试' });
    expect(JSON.parse(result.stdout).source).toBeUndefined();
    expect(lockPosts(root, APP.appId)['posts/post-003.md']!.status).toBe('draft');
  });

  it('an errcode exits 1 with the errcode, errmsg and a hint: unknown draft 40007, unverified account 48001', async () => {
    const unknown = await cli('publish', 'no-such-draft', '--yes');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/errcode 40007 invalid media_id/);
    expect(unknown.stderr).toMatch(/hint:/);
    emulator.control.setAccountFlags(APP.appId, { verified: false });
    try {
      const count = submits(emulator);
      const denied = await cli('publish', 'posts/post-004.md', '--yes');
      expect(denied.code).toBe(1);
      expect(denied.stderr).toMatch(/freepublish\/submit: errcode 48001 api unauthorized/);
      expect(denied.stderr).toMatch(/hint: .*verified account/);
      expect(denied.stderr).not.toMatch(/\n\s+at /);
      expect(submits(emulator)).toBe(count + 1); // sent once, not retried
    } finally {
      emulator.control.setAccountFlags(APP.appId, { verified: true });
    }
  });

  it('--status with an unknown publish_id: errcode 53502', async () => {
    const result = await cli('publish', '--status', '123');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/errcode 53502/);
  });

  it('usage errors: nothing to publish, both a target and --status, a bad --timeout', async () => {
    expect((await cli('publish')).stderr).toMatch(/nothing to publish/);
    expect((await cli('publish', 'x', '--status', '1')).stderr).toMatch(/not both/);
    expect((await cli('publish', 'x', '--timeout', 'soon')).stderr).toMatch(/--timeout must be a number/);
  });
});

describe('wxmp publish: still publishing at the timeout', { timeout: 90_000 }, () => {
  let slow: RunningEmulator;
  let slowRoot: string;
  let slowEnv: NodeJS.ProcessEnv;
  beforeAll(async () => {
    slow = await startEmulator({ accounts: [APP], publishDelayMs: 10 * 60_000 });
    slowRoot = await makeRepo({ posts: 1 });
    slowEnv = cleanEnv({ WXMP_API_BASE: slow.url, WECHAT_APP_ID: APP.appId, WECHAT_APP_SECRET: APP.appSecret, XDG_CACHE_HOME: `${slowRoot}/.cache` });
    expect((await runCli(['sync', '--root', slowRoot], { env: slowEnv })).code).toBe(0);
  });
  afterAll(async () => {
    await slow.close();
  });

  it('exits 3 after --timeout and says how to check later; --status then waits for the verdict and records it', async () => {
    const started = Date.now();
    const result = await runCli(['publish', 'posts/post-000.md', '--yes', '--timeout', '1', '--json', '--root', slowRoot], { env: slowEnv });
    expect(result.code).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ status: 'publishing', publish_status: 1, timed_out: true, source: 'posts/post-000.md' });
    const id = report.publish_id as string;
    expect(result.stderr).toMatch(/still publishing after 1 s/);
    expect(result.stderr).toContain(`wxmp publish --status ${id}`);
    expect(result.stderr).toContain('wxmp published list');
    expect(slow.control.requests().filter((r) => r.path === SUBMIT)).toHaveLength(1);
    expect(lockPosts(slowRoot, APP.appId)['posts/post-000.md']).toMatchObject({ status: 'draft', publishId: id });

    slow.control.advanceTime(10 * 60_000);
    const later = await runCli(['publish', '--status', id, '--root', slowRoot], { env: slowEnv });
    expect(later.code).toBe(0);
    expect(later.stdout).toMatch(/\/s\?__biz=.*&mid=\d+/);
    expect(lockPosts(slowRoot, APP.appId)['posts/post-000.md']).toMatchObject({ status: 'published', publishId: id, articleUrl: later.stdout.trim() });
    expect(slow.control.requests().filter((r) => r.path === SUBMIT)).toHaveLength(1);
  });
});

describe('wxmp publish in the sandbox (no credentials)', () => {
  it('publishes a synced post on the built-in emulator (1.5 s publish delay)', async () => {
    const sandboxRoot = await makeRepo({ posts: 1 });
    const sandboxEnv = cleanEnv({ XDG_CACHE_HOME: `${sandboxRoot}/.cache` });
    expect((await runCli(['sync', '--root', sandboxRoot], { env: sandboxEnv })).code).toBe(0);
    const result = await runCli(['publish', 'posts/post-000.md', '--yes', '--root', sandboxRoot], { env: sandboxEnv });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/sandbox/);
    expect(result.stderr).toMatch(/status 1 发布中/);
    const lock = JSON.parse(readFileSync(path.join(sandboxRoot, '.wxmp', 'sandbox', 'wxmp.lock.json'), 'utf8')) as LockData;
    const entry = Object.values(lock.accounts)[0]!.posts['posts/post-000.md']!;
    expect(entry.status).toBe('published');
    expect(result.stdout.trim()).toBe(entry.articleUrl);
  }, 90_000);
});

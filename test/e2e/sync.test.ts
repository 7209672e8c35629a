/**
 * End to end: the CLI runs as a separate process against the emulator over HTTP, on a generated posts repo.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { cleanEnv, runCli, startCli } from '../helpers/cli.js';
import { makeRepo, postMarkdown } from '../helpers/repo.js';

const APP = { appId: 'wxe2e0000000000001', appSecret: 'e2e-secret-do-not-print-0123456789' };

let emulator: RunningEmulator;
let cacheHome: string;

beforeAll(async () => {
  emulator = await startEmulator({ accounts: [APP] });
  cacheHome = mkdtempSync(path.join(tmpdir(), 'wxmp-cache-'));
});
afterAll(async () => {
  await emulator.close();
  rmSync(cacheHome, { recursive: true, force: true });
});

const env = () => cleanEnv({ WXMP_API_BASE: emulator.url, WECHAT_APP_ID: APP.appId, WECHAT_APP_SECRET: APP.appSecret, XDG_CACHE_HOME: cacheHome });

async function sync(root: string, ...args: string[]) {
  const result = await runCli(['sync', '--root', root, '--json', ...args], { env: env() });
  expect(result.stderr + result.stdout).not.toContain(APP.appSecret);
  let report: any;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    throw new Error(`sync printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return { ...result, report };
}

const statuses = (report: any) => Object.fromEntries(report.posts.map((p: any) => [p.source, p.status]));
const count = (path: string) => emulator.control.requests().filter((r) => r.path === `/cgi-bin/${path}`).length;

async function draftTitles(): Promise<string[]> {
  const token = await (await fetch(`${emulator.url}/cgi-bin/stable_token`, { method: 'POST', body: JSON.stringify({ grant_type: 'client_credential', appid: APP.appId, secret: APP.appSecret }) })).json();
  const titles: string[] = [];
  for (let offset = 0; ; offset += 20) {
    const page = await (await fetch(`${emulator.url}/cgi-bin/draft/batchget?access_token=${token.access_token}`, { method: 'POST', body: JSON.stringify({ offset, count: 20, no_content: 1 }) })).json();
    titles.push(...page.item.map((i: any) => i.content.news_item[0].title));
    if (page.item.length < 20) return titles;
  }
}

describe('wxmp sync (CLI process ↔ emulator over HTTP)', () => {
  let root: string;

  beforeAll(async () => {
    root = await makeRepo({ posts: 4, extra: { 'idea.md': '---\ntitle: 草稿\ndraft: true\n---\n还没写完\n' } });
    emulator.control.resetRequests();
  });

  it('first sync creates every draft, uploading each image and cover once', async () => {
    const { code, report } = await sync(root);
    expect(code).toBe(0);
    expect(report.mode).toBe('live');
    expect(statuses(report)).toEqual({
      'posts/idea.md': 'SKIPPED',
      'posts/post-000.md': 'CREATED',
      'posts/post-001.md': 'CREATED',
      'posts/post-002.md': 'CREATED',
      'posts/post-003.md': 'CREATED',
    });
    // 1 shared + 4 own body images; 2 covers (posts 0–2 share one).
    expect(count('media/uploadimg')).toBe(5);
    expect(count('material/add_material')).toBe(2);
    expect(count('draft/add')).toBe(4);
    expect(count('stable_token')).toBe(1);
    const lock = JSON.parse(readFileSync(path.join(root, 'wxmp.lock.json'), 'utf8'));
    const account = lock.accounts[APP.appId];
    expect(Object.keys(account.images)).toHaveLength(5);
    expect(Object.keys(account.covers)).toHaveLength(2);
    expect(Object.keys(account.posts).sort()).toEqual(['posts/post-000.md', 'posts/post-001.md', 'posts/post-002.md', 'posts/post-003.md']);
    const text = readFileSync(path.join(root, 'wxmp.lock.json'), 'utf8');
    expect(text).not.toContain(APP.appSecret);
    expect(text).not.toContain('<p'); // no bodies
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    expect(await draftTitles()).toHaveLength(4);
  });

  it('a no-op resync makes zero requests, not even for a token', async () => {
    emulator.control.resetRequests();
    const { code, report } = await sync(root);
    expect(code).toBe(0);
    expect(emulator.control.requests()).toEqual([]);
    expect(report.requests).toBe(0);
    expect(Object.values(statuses(report)).filter((s) => s === 'UNCHANGED')).toHaveLength(4);
  });

  it('editing one post sends one draft/update plus its new image', async () => {
    const { makeImage } = await import('../helpers/repo.js');
    writeFileSync(path.join(root, 'posts', 'images', 'new.png'), await makeImage(999));
    writeFileSync(path.join(root, 'posts', 'post-002.md'), postMarkdown(2, '\n新增一段和一张新图：\n\n![新图](./images/new.png)\n'));
    emulator.control.resetRequests();
    const { code, report } = await sync(root);
    expect(code).toBe(0);
    expect(statuses(report)['posts/post-002.md']).toBe('UPDATED');
    expect(Object.values(statuses(report)).filter((s) => s === 'UNCHANGED')).toHaveLength(3);
    expect(count('draft/update')).toBe(1);
    expect(count('media/uploadimg')).toBe(1);
    expect(count('draft/add')).toBe(0);
    expect(count('material/add_material')).toBe(0);
  });

  it('changing an image file (same name) updates only the posts that use it', async () => {
    const { makeImage } = await import('../helpers/repo.js');
    writeFileSync(path.join(root, 'posts', 'images', 'own-1.png'), await makeImage(777));
    emulator.control.resetRequests();
    const { report } = await sync(root);
    expect(statuses(report)['posts/post-001.md']).toBe('UPDATED');
    expect(Object.values(statuses(report)).filter((s) => s === 'UPDATED')).toHaveLength(1);
    expect(count('media/uploadimg')).toBe(1);
  });

  it('a code file pulled in with --8<-- is shown in the draft, and editing it updates only that post', async () => {
    mkdirSync(path.join(root, 'code'), { recursive: true });
    writeFileSync(path.join(root, 'code', 'hello.py'), 'print("第一版")\n');
    writeFileSync(path.join(root, 'posts', 'post-002.md'), postMarkdown(2, '\n```python\n--8<-- "code/hello.py"\n```\n'));
    expect(statuses((await sync(root)).report)['posts/post-002.md']).toBe('UPDATED');
    emulator.control.resetRequests();
    const again = statuses((await sync(root)).report);
    expect(Object.values(again).every((s) => s === 'UNCHANGED' || s === 'SKIPPED'), JSON.stringify(again)).toBe(true);
    expect(emulator.control.requests()).toHaveLength(0);
    writeFileSync(path.join(root, 'code', 'hello.py'), 'print("第二版")\n');
    const { report } = await sync(root);
    expect(statuses(report)['posts/post-002.md']).toBe('UPDATED');
    expect(Object.values(statuses(report)).filter((s) => s === 'UPDATED')).toHaveLength(1);
    const lock = JSON.parse(readFileSync(path.join(root, 'wxmp.lock.json'), 'utf8'));
    expect(Object.keys(lock.accounts[APP.appId].posts['posts/post-002.md'].inputs)).toContain('code/hello.py');
    const token = await (await fetch(`${emulator.url}/cgi-bin/stable_token`, { method: 'POST', body: JSON.stringify({ grant_type: 'client_credential', appid: APP.appId, secret: APP.appSecret }) })).json();
    const draft = await (await fetch(`${emulator.url}/cgi-bin/draft/get?access_token=${token.access_token}`, { method: 'POST', body: JSON.stringify({ media_id: lock.accounts[APP.appId].posts['posts/post-002.md'].mediaId }) })).json();
    expect(draft.news_item[0].content).toContain('第二版');
    expect(draft.news_item[0].content).not.toContain('8<--');
  });

  it('recreates a draft that was deleted in WeChat, and says so', async () => {
    const lock = JSON.parse(readFileSync(path.join(root, 'wxmp.lock.json'), 'utf8'));
    const mediaId = lock.accounts[APP.appId].posts['posts/post-000.md'].mediaId;
    const token = await (await fetch(`${emulator.url}/cgi-bin/stable_token`, { method: 'POST', body: JSON.stringify({ grant_type: 'client_credential', appid: APP.appId, secret: APP.appSecret }) })).json();
    const deleted = await (await fetch(`${emulator.url}/cgi-bin/draft/delete?access_token=${token.access_token}`, { method: 'POST', body: JSON.stringify({ media_id: mediaId }) })).json();
    expect(deleted.errcode).toBe(0);
    emulator.control.resetRequests();
    const { code, report } = await sync(root, '--force');
    expect(code).toBe(0);
    const post = report.posts.find((p: any) => p.source === 'posts/post-000.md');
    expect(post.status).toBe('CREATED');
    expect(post.note).toMatch(/no longer exists in WeChat/);
    expect(post.mediaId).not.toBe(mediaId);
    expect(count('draft/add')).toBe(1);
    expect(await draftTitles()).toHaveLength(4);
  });

  it('reports drafts whose post was removed from the repo, and leaves them alone', async () => {
    const { rmSync: remove } = await import('node:fs');
    remove(path.join(root, 'posts', 'post-003.md'));
    emulator.control.resetRequests();
    const { code, report } = await sync(root);
    expect(code).toBe(0);
    expect(report.orphans).toEqual([{ source: 'posts/post-003.md', account: 'default', mediaId: expect.any(String) }]);
    expect(emulator.control.requests()).toEqual([]);
    const human = await runCli(['sync', '--root', root], { env: env() });
    expect(human.stderr).toMatch(/1 draft belongs to posts no longer in the repo[\s\S]*posts\/post-003\.md/);
  });

  it('a post with a broken image fails with file:line; the others still sync', async () => {
    const broken = await makeRepo({ posts: 2, extra: { 'broken.md': '---\ntitle: 坏图\ncover: ./images/cover-0.jpg\n---\n\n正文\n\n![不存在](./images/missing.png)\n' } });
    const { code, report, stderr } = await sync(broken);
    expect(code).toBe(1);
    const failed = report.posts.find((p: any) => p.source === 'posts/broken.md');
    expect(failed.status).toBe('FAILED');
    expect(failed.messages).toContainEqual(expect.objectContaining({ line: 8, column: 1, ruleId: 'image-missing', severity: 'error' }));
    expect(statuses(report)['posts/post-000.md']).toBe('CREATED');
    expect(statuses(report)['posts/post-001.md']).toBe('CREATED');
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('sync output for people and CI', () => {
  it('prints a table and the GitHub annotations', async () => {
    const root = await makeRepo({ posts: 1, extra: { 'long.md': `---\ntitle: ${'很长的标题'.repeat(14)}\ncover: ./images/cover-0.jpg\n---\n正文\n` } });
    const summary = path.join(root, 'summary.md');
    const result = await runCli(['sync', '--root', root], {
      env: { ...env(), GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: root, GITHUB_STEP_SUMMARY: summary },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/STATUS\s+POST\s+DRAFT\s+NOTE/);
    expect(result.stderr).toMatch(/CREATED\s+posts\/post-000\.md/);
    expect(result.stderr).toMatch(/FAILED\s+posts\/long\.md:2:1\s/);
    // Annotations go to stderr: stdout belongs to --json.
    expect(result.stderr).toMatch(/^::error file=posts\/long\.md,line=2,col=1::Title is 70 characters, WeChat allows 64$/m);
    expect(existsSync(summary) && readFileSync(summary, 'utf8')).toMatch(/\| FAILED \| `posts\/long\.md:2:1` \|/);
  });
});

/** Several accounts (crossposting) and --verify, with the CLI as a process against the emulator. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';

const MAIN = { appId: 'wxmain000000000001', appSecret: 'main-secret-0123456789abcdef01234' };
const TECH = { appId: 'wxtech000000000002', appSecret: 'tech-secret-0123456789abcdef01234' };
let emulator: RunningEmulator;
let cacheHome: string;

beforeAll(async () => {
  emulator = await startEmulator({ accounts: [MAIN, TECH] });
  cacheHome = mkdtempSync(path.join(tmpdir(), 'wxmp-cache-'));
});
afterAll(() => emulator.close());

const env = (extra: Record<string, string> = {}) =>
  cleanEnv({ WXMP_API_BASE: emulator.url, XDG_CACHE_HOME: cacheHome, WECHAT_APP_SECRET_MAIN: MAIN.appSecret, TECH_SECRET: TECH.appSecret, ...extra });

async function drafts(app: typeof MAIN): Promise<{ title: string; author: string }[]> {
  const token = (await (await fetch(`${emulator.url}/cgi-bin/stable_token`, { method: 'POST', body: JSON.stringify({ grant_type: 'client_credential', appid: app.appId, secret: app.appSecret }) })).json()).access_token;
  const page = await (await fetch(`${emulator.url}/cgi-bin/draft/batchget?access_token=${token}`, { method: 'POST', body: JSON.stringify({ offset: 0, count: 20, no_content: 1 }) })).json();
  return page.item.map((i: { content: { news_item: { title: string; author: string }[] } }) => ({ title: i.content.news_item[0]!.title, author: i.content.news_item[0]!.author }));
}

describe('several accounts', () => {
  it('crossposts a post to every account it names, with each account\'s author and its own uploads', async () => {
    const root = await makeRepo({
      posts: 1,
      extra: {
        'both.md': '---\ntitle: 两个号都发\naccount: [main, tech]\ncover: ./images/cover-0.jpg\n---\n\n正文 ![图](./images/shared.png)\n',
        'tech-only.md': '---\ntitle: 只发技术号\naccount: tech\ncover: ./images/cover-0.jpg\n---\n\n正文\n',
        'nowhere.md': '---\ntitle: 写错账号\naccount: typo\ncover: ./images/cover-0.jpg\n---\n\n正文\n',
      },
    });
    writeFileSync(
      path.join(root, 'wxmp.config.mjs'),
      `export default { defaultAccount: 'main', accounts: { main: { appId: '${MAIN.appId}', author: '主号' }, tech: { appId: '${TECH.appId}', appSecretEnv: 'TECH_SECRET', author: '技术号' } } };\n`,
    );
    const result = await runCli(['sync', '--root', root, '--json'], { env: env() });
    const report = JSON.parse(result.stdout);
    expect(result.code).toBe(1); // the post naming an unknown account fails
    const rows = report.posts.map((p: { source: string; account: string; status: string }) => `${p.source} ${p.account} ${p.status}`).sort();
    expect(rows).toEqual([
      'posts/both.md main CREATED',
      'posts/both.md tech CREATED',
      'posts/nowhere.md typo FAILED',
      'posts/post-000.md main CREATED',
      'posts/tech-only.md tech CREATED',
    ]);
    expect(report.posts.find((p: { source: string }) => p.source === 'posts/nowhere.md').error.message).toMatch(/unknown account "typo"/);
    expect((await drafts(MAIN)).map((d) => `${d.title}/${d.author}`).sort()).toEqual(['两个号都发/主号', '第 0 篇文章：同步测试/测试']);
    expect((await drafts(TECH)).map((d) => `${d.title}/${d.author}`).sort()).toEqual(['两个号都发/技术号', '只发技术号/技术号']);
    const lock = JSON.parse(readFileSync(path.join(root, 'wxmp.lock.json'), 'utf8'));
    expect(Object.keys(lock.accounts).sort()).toEqual([MAIN.appId, TECH.appId]);
    // The same bytes are uploaded once per account (each account has its own URLs).
    expect(Object.keys(lock.accounts[TECH.appId].images)).toHaveLength(1);
    expect(result.stdout + result.stderr).not.toContain(TECH.appSecret);
  });

  it('names the missing secret of an account', async () => {
    const root = await makeRepo({ posts: 1 });
    writeFileSync(path.join(root, 'wxmp.config.mjs'), `export default { accounts: { main: { appId: '${MAIN.appId}' }, tech: { appId: '${TECH.appId}' } } };\n`);
    const result = await runCli(['sync', '--root', root], { env: cleanEnv({ WXMP_API_BASE: emulator.url, XDG_CACHE_HOME: cacheHome, WECHAT_APP_SECRET_MAIN: MAIN.appSecret }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/No AppSecret for account tech \(wxtech000000000002\): set WECHAT_APP_SECRET_TECH/);
  });
});

describe('--verify', () => {
  it('reads every written draft back and reports what WeChat kept', async () => {
    const root = await makeRepo({ posts: 2 });
    const result = await runCli(['sync', '--root', root, '--json', '--verify'], { env: cleanEnv({ WXMP_API_BASE: emulator.url, XDG_CACHE_HOME: cacheHome, WECHAT_APP_ID: MAIN.appId, WECHAT_APP_SECRET: MAIN.appSecret }) });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    for (const post of report.posts) expect(post.verify).toEqual({ ok: true, changes: [] });
    expect(emulator.control.requests().filter((r) => r.path === '/cgi-bin/draft/get').length).toBeGreaterThanOrEqual(2);
  });

  it('says what WeChat stripped: a link kept with `links: keep` loses its href', async () => {
    const root = await makeRepo({ posts: 0, extra: { 'keep.md': '---\ntitle: 保留链接\nlinks: keep\ncover: ./images/cover-0.jpg\n---\n\n见 [外部网站](https://example.com/page)。\n' } });
    const { makeImage } = await import('../helpers/repo.js');
    writeFileSync(path.join(root, 'posts', 'images', 'cover-0.jpg'), await makeImage(5, 'jpeg'));
    const result = await runCli(['sync', '--root', root, '--json', '--verify'], { env: cleanEnv({ WXMP_API_BASE: emulator.url, XDG_CACHE_HOME: cacheHome, WECHAT_APP_ID: MAIN.appId, WECHAT_APP_SECRET: MAIN.appSecret }) });
    const post = JSON.parse(result.stdout).posts[0];
    expect(post.status).toBe('CREATED');
    expect(post.verify.ok).toBe(false);
    expect(post.verify.changes).toContainEqual('1 of 1 links removed');
  });
});

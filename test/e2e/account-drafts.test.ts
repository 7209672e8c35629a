/** `wxmp drafts …` and `wxmp published …` as processes against the emulator, error paths included. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { WeChatClient } from '../../src/wechat/client.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';

const APP = { appId: 'wxacct000000000001', appSecret: 'account-cli-secret-0123456789abcdef' };
let emulator: RunningEmulator;
let root: string;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCli([...args, '--root', root], { env });

beforeAll(async () => {
  emulator = await startEmulator({ accounts: [APP], publishDelayMs: 0 });
  root = await makeRepo({ posts: 2 });
  env = cleanEnv({ WXMP_API_BASE: emulator.url, WECHAT_APP_ID: APP.appId, WECHAT_APP_SECRET: APP.appSecret, XDG_CACHE_HOME: `${root}/.cache` });
  expect((await runCli(['sync', '--root', root], { env })).code).toBe(0);
});
afterAll(async () => {
  await emulator.close();
});

describe('wxmp drafts', () => {
  it('lists every draft, as a table and as JSON', async () => {
    const table = await cli('drafts', 'list');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^media_id\s+updated\s+title/);
    expect(table.stdout).toContain('第 1 篇文章：同步测试');
    const json = JSON.parse((await cli('drafts', 'list', '--json')).stdout);
    expect(json.total).toBe(2);
    expect(json.drafts.map((d: { title: string }) => d.title).sort()).toEqual(['第 0 篇文章：同步测试', '第 1 篇文章：同步测试']);
  });

  it('shows a draft, and answers an unknown media_id with the errcode, errmsg and a hint (no stack)', async () => {
    const { drafts } = JSON.parse((await cli('drafts', 'list', '--json')).stdout);
    const shown = await cli('drafts', 'show', drafts[0].media_id);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/content: \d+ characters/);
    const missing = await cli('drafts', 'show', 'no-such-media-id');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/errcode 40007 invalid media_id/);
    expect(missing.stderr).toMatch(/hint:/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  it('deletes only when confirmed: without --yes and without a terminal it refuses', async () => {
    const { drafts } = JSON.parse((await cli('drafts', 'list', '--json')).stdout);
    const target = drafts[0].media_id as string;
    const refused = await cli('drafts', 'delete', target);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/pass --yes/);
    expect(JSON.parse((await cli('drafts', 'list', '--json')).stdout).total).toBe(2);
    const deleted = await cli('drafts', 'delete', target, '--yes', '--json');
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout)).toEqual({ deleted: target });
    expect(JSON.parse((await cli('drafts', 'list', '--json')).stdout).total).toBe(1);
  });

  it('an unknown --account is an error that names the configured ones', async () => {
    const result = await cli('drafts', 'list', '--account', 'nope');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/unknown account "nope"/);
  });
});

describe('wxmp published', () => {
  it('lists, shows and deletes published articles', async () => {
    const client = new WeChatClient({ ...APP, apiBase: emulator.url, tokenCache: false });
    const { drafts } = JSON.parse((await cli('drafts', 'list', '--json')).stdout);
    const { publish_id } = await client.freepublish.submit(drafts[0].media_id);
    const done = await client.freepublish.waitForPublish(publish_id, { intervalMs: 10, timeoutMs: 5000 });
    const list = JSON.parse((await cli('published', 'list', '--json')).stdout);
    expect(list.published).toHaveLength(1);
    expect(list.published[0]).toMatchObject({ article_id: done.article_id, url: done.article_urls[0] });
    const shown = await cli('published', 'show', done.article_id);
    expect(shown.stdout).toContain(done.article_urls[0]);
    expect((await cli('published', 'delete', done.article_id, '--yes')).code).toBe(0);
    expect(JSON.parse((await cli('published', 'list', '--json')).stdout).published).toHaveLength(0);
  });
});

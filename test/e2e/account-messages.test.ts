/** `wxmp preview` and `wxmp message send` as processes against the emulator, error paths included. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { LockData } from '../../src/sync/lock.js';
import { WeChatClient } from '../../src/wechat/client.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { makeImage, makeRepo } from '../helpers/repo.js';

const APP = { appId: 'wxmsg0000000000001', appSecret: 'message-cli-secret-0123456789abcdef' };
/** The emulator's named test followers (docs/emulator.md, "Scripted followers"). */
const ALICE = 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M';
const BOB = 'oTestFollowerBob_00000000001';
const CAROL = 'oTestFollowerCarol_000000002'; // unfollowed

let emulator: RunningEmulator;
let root: string;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCli([...args, '--root', root], { env });
const lockPost = (source: string) => (JSON.parse(readFileSync(path.join(root, 'wxmp.lock.json'), 'utf8')) as LockData).accounts[APP.appId]!.posts[source]!;
const count = (endpoint: string) => emulator.control.requests().filter((r) => r.path === endpoint).length;

interface Delivered {
  via: string;
  touser: string;
  towxname?: string;
  msgtype: string;
  payload: Record<string, unknown>;
}

async function admin(method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ messages: Delivered[] } & Record<string, unknown>> {
  const res = await fetch(`${emulator.url}${route}`, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  expect(res.status, route).toBe(200);
  return (await res.json()) as { messages: Delivered[] } & Record<string, unknown>;
}

beforeAll(async () => {
  emulator = await startEmulator({ accounts: [APP], publishDelayMs: 0 });
  root = await makeRepo({ posts: 2 });
  env = cleanEnv({ WXMP_API_BASE: emulator.url, WECHAT_APP_ID: APP.appId, WECHAT_APP_SECRET: APP.appSecret, XDG_CACHE_HOME: `${root}/.cache` });
  expect((await cli('sync')).code).toBe(0);
});
afterAll(async () => {
  await emulator.close();
});

describe('wxmp preview', { timeout: 90_000 }, () => {
  it('sends a post\'s draft to a follower\'s openid (mpnews with the draft media_id from the lock)', async () => {
    const mediaId = lockPost('posts/post-000.md').mediaId!;
    const result = await cli('preview', 'posts/post-000.md', '--to', ALICE);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`preview sent "第 0 篇文章：同步测试" (draft ${mediaId}) to openid ${ALICE}`);
    const { messages } = await admin('GET', `/__emulator/messages?via=preview&touser=${ALICE}`);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ touser: ALICE, msgtype: 'mpnews' });
    expect(JSON.stringify(messages[0]!.payload)).toContain(mediaId);
  });

  it('sends a draft by media_id to a WeChat ID with --wxname, as JSON', async () => {
    const mediaId = lockPost('posts/post-001.md').mediaId!;
    const result = await cli('preview', mediaId, '--to', 'alice_wx', '--wxname', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ previewed: mediaId, towxname: 'alice_wx', msg_id: expect.stringMatching(/^\d+$/) });
    const { messages } = await admin('GET', '/__emulator/messages?via=preview');
    expect(messages.some((m) => m.towxname === 'alice_wx' && JSON.stringify(m.payload).includes(mediaId))).toBe(true);
  });

  it('explains recipients WeChat refuses: not following (43004), a WeChat ID passed as openid (40003)', async () => {
    const unfollowed = await cli('preview', 'posts/post-000.md', '--to', CAROL);
    expect(unfollowed.code).toBe(1);
    expect(unfollowed.stderr).toMatch(/message\/mass\/preview: errcode 43004 .*\n\s+hint: .*does not follow/);
    const wxid = await cli('preview', 'posts/post-000.md', '--to', 'alice_wx');
    expect(wxid.code).toBe(1);
    expect(wxid.stderr).toMatch(/errcode 40003/);
    expect(wxid.stderr).toMatch(/if it is a WeChat ID \(微信号\), add --wxname/);
  });

  it('an unverified account gets 48001, explained: verify the account or preview in the web UI', async () => {
    emulator.control.setAccountFlags(APP.appId, { verified: false });
    try {
      const result = await cli('preview', 'posts/post-000.md', '--to', ALICE);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/message\/mass\/preview: errcode 48001 api unauthorized/);
      expect(result.stderr).toMatch(/hint: .*needs a verified account .*unverified accounts cannot use it/);
      expect(result.stderr).toMatch(/web UI/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      emulator.control.setAccountFlags(APP.appId, { verified: true });
    }
  });

  it('a post without a draft: run wxmp sync first', async () => {
    writeFileSync(path.join(root, 'posts', 'later.md'), '---\ntitle: 以后再写\n---\n\n正文。\n');
    const result = await cli('preview', 'posts/later.md', '--to', ALICE);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/posts\/later\.md has no draft on account .* run `wxmp sync posts\/later\.md` first/);
  });
});

describe('wxmp message send', { timeout: 120_000 }, () => {
  it('outside the 48-hour window: 45015, sent once (never retried), with what it means', async () => {
    const before = count('/cgi-bin/message/custom/send');
    const result = await cli('message', 'send', '--to', BOB, '--text', '你好');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/message\/custom\/send: errcode 45015/);
    expect(result.stderr).toMatch(/hint: .*has not interacted .*within 48 hours after the user last messaged the account/);
    expect(count('/cgi-bin/message/custom/send')).toBe(before + 1);
  });

  it('sends text once the follower wrote to the account', async () => {
    await admin('POST', '/__emulator/followers/bob/message', { content: '在吗？' });
    const result = await cli('message', 'send', '--to', BOB, '--text', '你好，收到了 ✅', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ sent: 'text', touser: BOB });
    const { messages } = await admin('GET', `/__emulator/messages?via=custom&touser=${BOB}`);
    expect(messages.at(-1)).toMatchObject({ msgtype: 'text', payload: { content: '你好，收到了 ✅' } });
  });

  it('--image uploads the file as temporary media, then sends it', async () => {
    const file = path.join(root, 'photo.png');
    writeFileSync(file, await makeImage(42));
    const uploads = count('/cgi-bin/media/upload');
    const result = await cli('message', 'send', '--to', BOB, '--image', file, '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ sent: 'image', touser: BOB, media_id: expect.any(String) });
    expect(count('/cgi-bin/media/upload')).toBe(uploads + 1);
    const { messages } = await admin('GET', `/__emulator/messages?via=custom&touser=${BOB}`);
    expect(messages.at(-1)).toMatchObject({ msgtype: 'image', payload: { media_id: report.media_id } });
    const missing = await cli('message', 'send', '--to', BOB, '--image', 'nope.png');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--image nope\.png: no such file/);
  });

  it('--article sends a published post (its article_id from the lock); an unpublished post says to publish first', async () => {
    const unpublished = await cli('message', 'send', '--to', BOB, '--article', 'posts/post-001.md');
    expect(unpublished.code).toBe(1);
    expect(unpublished.stderr).toMatch(/no published article .*`wxmp publish posts\/post-001\.md`/);
    expect((await cli('publish', 'posts/post-001.md', '--yes')).code).toBe(0);
    const articleId = lockPost('posts/post-001.md').articleId!;
    const result = await cli('message', 'send', '--to', BOB, '--article', 'posts/post-001.md', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ sent: 'mpnewsarticle', touser: BOB, article_id: articleId, source: 'posts/post-001.md' });
    const { messages } = await admin('GET', `/__emulator/messages?via=custom&touser=${BOB}`);
    expect(messages.at(-1)).toMatchObject({ msgtype: 'mpnewsarticle', payload: { article_id: articleId } });
    const unknown = await cli('message', 'send', '--to', BOB, '--article', 'no-such-article');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/errcode 53600/);
  });

  it('after 5 messages in the window: 45047, explained', async () => {
    // The window of Bob's message allows 5 replies; 3 were sent above (text, image, article), 2 more here.
    const wx = new WeChatClient({ ...APP, apiBase: emulator.url, tokenCache: false });
    await wx.message.sendText(BOB, '第四条');
    await wx.message.sendText(BOB, '第五条');
    const result = await cli('message', 'send', '--to', BOB, '--text', '第六条');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/errcode 45047/);
    expect(result.stderr).toMatch(/hint: .*at most 5 per user message .*Wait for the user to write again/);
  });

  it('usage: exactly one of --text, --image, --article', async () => {
    const none = await cli('message', 'send', '--to', BOB);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/give exactly one of --text, --image or --article/);
    const two = await cli('message', 'send', '--to', BOB, '--text', 'a', '--article', 'b');
    expect(two.code).toBe(1);
    expect(two.stderr).toMatch(/got --text and --article/);
  });
});

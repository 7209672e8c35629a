/**
 * Contract suite: the client against the offline emulator (src/emulator) over real HTTP on 127.0.0.1.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';
import {
  WeChatClient,
  WeChatClientError,
  WeChatError,
  WeChatPublishError,
  WeChatTransportError,
  hintFor,
  type WeChatClientOptions,
  type WeChatEvent,
} from '../../src/wechat/index.js';

const FAST_RETRY = { attempts: 6, baseDelayMs: 2, maxDelayMs: 10 };
let jpg: Buffer;
let png: Buffer;
let emulators: RunningEmulator[] = [];

beforeAll(async () => {
  const pixels = { create: { width: 16, height: 9, channels: 3 as const, background: { r: 200, g: 30, b: 30 } } };
  jpg = await sharp(pixels).jpeg().toBuffer();
  png = await sharp(pixels).png().toBuffer();
});

afterEach(async () => {
  await Promise.all(emulators.map((e) => e.close()));
  emulators = [];
});

async function emulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = await startEmulator({ publishDelayMs: 30, ...options });
  emulators.push(emu);
  return emu;
}

function clientFor(emu: RunningEmulator, options: Partial<WeChatClientOptions> = {}): WeChatClient {
  const account = emu.accounts[0]!;
  return new WeChatClient({ appId: account.appId, appSecret: account.appSecret, apiBase: emu.url, tokenCache: false, retry: FAST_RETRY, ...options });
}

function countOf(emu: RunningEmulator, path: string): number {
  return emu.control.requests().filter((r) => r.path === path).length;
}

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

async function newDraft(wx: WeChatClient, title = '测试文章'): Promise<string> {
  const { media_id: thumb } = await wx.material.add('image', { data: jpg, filename: 'cover.jpg' });
  const { media_id } = await wx.draft.add([{ title, author: '作者', content: '<p>正文</p>', thumb_media_id: thumb }]);
  return media_id;
}

describe('tokens against the emulator', () => {
  it('reuses the token across calls and across client instances (disk cache)', async () => {
    const emu = await emulator();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'wxmp-contract-tokens-'));
    const first = clientFor(emu, { tokenCache: dir });
    await first.draft.count();
    await first.material.count();
    const second = clientFor(emu, { tokenCache: dir });
    await second.draft.count();
    expect(countOf(emu, '/cgi-bin/stable_token')).toBe(1);
    expect(countOf(emu, '/cgi-bin/token')).toBe(0);
    expect(emu.control.requests().filter((r) => r.errcode !== undefined)).toEqual([]);
  });

  it('makes one token request for 20 concurrent calls', async () => {
    const emu = await emulator({ faults: { latencyMs: 20 } });
    const wx = clientFor(emu);
    const counts = await Promise.all(Array.from({ length: 20 }, () => wx.draft.count()));
    expect(counts).toEqual(Array(20).fill(0));
    expect(countOf(emu, '/cgi-bin/stable_token')).toBe(1);
    expect(countOf(emu, '/cgi-bin/draft/count')).toBe(20);
  });

  it('retries once with a new token after the emulator revokes all tokens (40001)', async () => {
    const emu = await emulator();
    const events: WeChatEvent[] = [];
    const wx = clientFor(emu, { onEvent: (e) => events.push(e) });
    await wx.draft.count();
    emu.control.setFaults({ revokeTokensAtCall: 1 });
    expect(await wx.draft.count()).toBe(0);
    const log = emu.control.requests().map((r) => `${r.path}${r.errcode ? ` ${r.errcode}` : ''}`);
    expect(log).toEqual(['/cgi-bin/stable_token', '/cgi-bin/draft/count', '/cgi-bin/draft/count 40001', '/cgi-bin/stable_token', '/cgi-bin/draft/count']);
    expect(events.filter((e) => e.type === 'retry').map((e) => (e as { reason: string }).reason)).toEqual(['token 40001']);
  });

  it('also recovers from an out-of-band revoke with concurrent callers sharing one refresh', async () => {
    const emu = await emulator();
    const wx = clientFor(emu);
    await wx.draft.count();
    emu.control.revokeAllTokens();
    await Promise.all(Array.from({ length: 10 }, () => wx.draft.count()));
    expect(countOf(emu, '/cgi-bin/stable_token')).toBe(2);
  });

  it('explains a wrong AppSecret without leaking it', async () => {
    const emu = await emulator();
    const secret = 'definitely-wrong-secret-123456';
    const wx = new WeChatClient({ appId: emu.accounts[0]!.appId, appSecret: secret, apiBase: emu.url, tokenCache: false });
    const error = (await caught(wx.draft.count())) as WeChatError;
    expect(error).toBeInstanceOf(WeChatError);
    expect([40125, 40001]).toContain(error.errcode);
    expect(error.endpoint).toBe('cgi-bin/stable_token');
    expect(error.hint).toMatch(/AppSecret/);
    expect(`${error.message}${error.stack}${inspect(error)}`).not.toContain(secret);
  });
});

describe('retries against the emulator', () => {
  it('backs off and retries -1 / HTTP 503 from the failure-rate fault until calls succeed', async () => {
    const emu = await emulator({ faults: { failureRate: 0.4, seed: 7 } });
    const events: WeChatEvent[] = [];
    const wx = clientFor(emu, { retry: { attempts: 8, baseDelayMs: 2, maxDelayMs: 8 }, onEvent: (e) => events.push(e) });
    for (let i = 0; i < 15; i++) expect(await wx.draft.count()).toBe(0);
    const failures = emu.control.requests().filter((r) => r.errcode === -1);
    const retries = events.filter((e): e is Extract<WeChatEvent, { type: 'retry' }> => e.type === 'retry');
    expect(failures.length).toBeGreaterThan(0);
    expect(retries).toHaveLength(failures.length);
    expect(new Set(retries.map((r) => r.reason))).toEqual(new Set(failures.map((f) => (f.status === 503 ? 'HTTP 503' : 'errcode -1'))));
    for (const retry of retries) expect(retry.delayMs).toBeLessThanOrEqual(8);
  });

  it('gives up after the configured attempts when every call fails', async () => {
    const emu = await emulator({ faults: { failureRate: 1, seed: 1 } });
    const wx = clientFor(emu, { retry: { attempts: 3, baseDelayMs: 1 } });
    await wx.draft.count().catch(() => undefined); // token first (not subject to the fault)
    const error = await caught(wx.draft.count());
    expect(error instanceof WeChatError || error instanceof WeChatTransportError).toBe(true);
    expect((error as WeChatError).attempts).toBe(3);
  });

  it('does not retry freepublish/submit and says the outcome is unknown', async () => {
    const emu = await emulator();
    const wx = clientFor(emu);
    const draft = await newDraft(wx);
    emu.control.resetRequests();
    emu.control.setFaults({ failureRate: 1, seed: 3 });
    const error = (await caught(wx.freepublish.submit(draft))) as WeChatError | WeChatTransportError;
    expect(error.outcomeUnknown).toBe(true);
    expect(error.hint).toMatch(/may or may not have happened/);
    expect(countOf(emu, '/cgi-bin/freepublish/submit')).toBe(1);
  });

  it('stops at once on an exhausted daily quota (45009) with the quota advice', async () => {
    const emu = await emulator({ faults: { exhaustedQuota: ['/cgi-bin/draft/add'] } });
    const wx = clientFor(emu);
    const { media_id: thumb } = await wx.material.add('image', { data: jpg, filename: 'c.jpg' });
    const error = (await caught(wx.draft.add([{ title: 't', content: '<p>x</p>', thumb_media_id: thumb }]))) as WeChatError;
    expect(error.errcode).toBe(45009);
    expect(error.fatal).toBe(true);
    expect(error.hint).toMatch(/openapi\/quota\/get/);
    expect(countOf(emu, '/cgi-bin/draft/add')).toBe(1);
  });
});

describe('redaction against the emulator', () => {
  it('never emits the AppSecret or the access token', async () => {
    const emu = await emulator();
    const account = emu.accounts[0]!;
    const events: WeChatEvent[] = [];
    const wx = clientFor(emu, { onEvent: (e) => events.push(e) });
    await wx.draft.count();
    const errors = [
      await caught(wx.draft.get('NO_SUCH_DRAFT')),
      await caught(wx.call({ path: 'cgi-bin/draft/count', method: 'POST', json: {} })),
    ];
    emu.control.setFaults({ failureRate: 1, seed: 2 });
    errors.push(await caught(wx.freepublish.submit('X')));
    emu.control.setFaults({ failureRate: 0 });
    // Normal-mode stable_token is idempotent while valid: this is the very token the client holds.
    const res = await fetch(`${emu.url}/cgi-bin/stable_token`, {
      method: 'POST',
      body: JSON.stringify({ grant_type: 'client_credential', appid: account.appId, secret: account.appSecret }),
    });
    const { access_token: token } = (await res.json()) as { access_token: string };
    expect(token.length).toBeGreaterThan(20);
    const emitted = [JSON.stringify(events), ...errors.flatMap((e) => [e.message, e.stack ?? '', inspect(e), JSON.stringify(e)])].join('\n');
    expect(emitted).not.toContain(account.appSecret);
    expect(emitted).not.toContain(token);
    expect(emitted).toContain('access_token=***');
  });
});

describe('hints for the errors the emulator produces', () => {
  it('every WeChatError carries the specific hint for its errcode', async () => {
    const emu = await emulator();
    const wx = clientFor(emu);
    const draft = await newDraft(wx);
    const { media_id: thumb } = await wx.material.add('image', { data: jpg, filename: 'c.jpg' });
    const attempts: Promise<unknown>[] = [
      wx.draft.get('NOPE'), // 40007
      wx.draft.add([{ title: '长'.repeat(80), content: '<p>x</p>', thumb_media_id: thumb }]), // 45003
      wx.draft.add([{ title: '', content: '<p>x</p>', thumb_media_id: thumb }]), // 40227
      wx.draft.add([{ title: 't', author: '作'.repeat(30), content: '<p>x</p>', thumb_media_id: thumb }]), // 45110
      wx.draft.update(draft, 5, { title: 't', content: '<p>x</p>', thumb_media_id: thumb }), // 40114
      wx.call({ path: 'cgi-bin/draft/add', json: { articles: [] } }), // 44003
      wx.call({ path: 'cgi-bin/draft/count', method: 'POST', json: {} }), // 43001
      wx.call({ path: 'cgi-bin/material/add_material', query: { type: 'image' }, multipart: { file: { data: Buffer.from('x'), filename: 'a.txt' } } }), // 40113 / 40005
    ];
    const codes: number[] = [];
    for (const attempt of attempts) {
      const error = (await caught(attempt)) as WeChatError;
      expect(error, String(error)).toBeInstanceOf(WeChatError);
      codes.push(error.errcode);
      expect(error.hint).toBe(hintFor(error.errcode, error.errmsg, error.endpoint));
      expect(error.hint).not.toMatch(/^Unknown errcode/);
      expect(error.errmsg).toMatch(/rid: /); // verbatim, with WeChat's trace suffix
    }
    expect(codes.slice(0, 7)).toEqual([40007, 45003, 40227, 45110, 40114, 44003, 43001]);
    expect([40113, 40005]).toContain(codes[7]);
  });

  it('48001 for an unverified account, with the verification advice', async () => {
    const emu = await emulator();
    const wx = clientFor(emu);
    const draft = await newDraft(wx);
    emu.control.setAccountFlags(emu.accounts[0]!.appId, { verified: false });
    const error = (await caught(wx.freepublish.submit(draft))) as WeChatError;
    expect(error.errcode).toBe(48001);
    expect(error.hint).toMatch(/verified/);
    expect(error.outcomeUnknown).toBe(false);
  });
});

describe('uploads against the emulator', () => {
  it('uploads jpg and png with and without extensions; served bytes match', async () => {
    const emu = await emulator();
    const wx = clientFor(emu);
    const cases = [
      { data: jpg, filename: 'photo.jpg' },
      { data: jpg, filename: 'photo' },
      { data: png, filename: 'diagram.png' },
      { data: png },
      { data: png, filename: '示意图.jpg' }, // wrong extension: fixed from the bytes
    ];
    for (const file of cases) {
      const { url } = await wx.media.uploadImg(file);
      expect(url.startsWith(emu.url)).toBe(true);
      const served = Buffer.from(await (await fetch(url)).arrayBuffer());
      expect(served.equals(file.data)).toBe(true);
    }
    const image = await wx.material.add('image', { data: png, filename: 'cover' });
    expect(image.url).toMatch(/^http:\/\/127\.0\.0\.1/);
    const thumb = await wx.material.add('thumb', { data: jpg });
    const back = await wx.material.get(image.media_id);
    expect(back.kind).toBe('bytes');
    expect(Buffer.from((back as { data: Uint8Array }).data).equals(png)).toBe(true);
    // get_materialcount counts what batchget_material lists (§4.3): thumbs are in neither.
    expect((await wx.material.count()).image_count).toBe(1);
    const listed = await wx.material.batchget({ type: 'image' });
    expect(listed.item.map((i) => i.media_id)).toEqual([image.media_id]);
    expect(listed.total_count).toBe(1);
    await wx.material.del(thumb.media_id);
    const error = (await caught(wx.material.get(thumb.media_id))) as WeChatError;
    expect(error.errcode).toBe(40007);
  });

  it('refuses bytes of unknown type without an extension before calling', async () => {
    const emu = await emulator();
    const wx = clientFor(emu);
    const error = await caught(wx.media.uploadImg({ data: Buffer.from('plain text') }));
    expect(error).toBeInstanceOf(WeChatClientError);
    expect(countOf(emu, '/cgi-bin/media/uploadimg')).toBe(0);
  });
});

describe('drafts against the emulator', () => {
  it('add / get / update / count / batchget / delete with Chinese text intact', async () => {
    const emu = await emulator();
    const wx = clientFor(emu);
    const { url } = await wx.media.uploadImg({ data: png, filename: 'inline.png' });
    const { media_id: thumb } = await wx.material.add('image', { data: jpg, filename: 'cover.jpg' });
    const title = '用 Markdown 写公众号：“排版”与代码块';
    const content = `<section><p style="color:#333">中文正文，English text。</p><img src="${url}"><script>alert(1)</script></section>`;
    const { media_id } = await wx.draft.add([
      { title, author: '张三', digest: '摘要', content, thumb_media_id: thumb, need_open_comment: 1 },
      { title: '第二篇', content: '<p>二</p>', thumb_media_id: thumb },
    ]);
    expect(media_id).toMatch(/\S{10,}/);
    expect(await wx.draft.count()).toBe(1);
    const got = await wx.draft.get(media_id);
    expect(got.news_item.map((a) => a.title)).toEqual([title, '第二篇']);
    expect(got.news_item[0]!.author).toBe('张三');
    expect(got.news_item[0]!.content).toContain('中文正文，English text。');
    expect(got.news_item[0]!.content).toContain(`data-src="${url}"`);
    expect(got.news_item[0]!.content).not.toContain('<script');

    await wx.draft.update(media_id, 1, { title: '第二篇（修订）', content: '<p>改</p>', thumb_media_id: thumb });
    expect((await wx.draft.get(media_id)).news_item[1]!.title).toBe('第二篇（修订）');

    const second = await newDraft(wx, '另一篇');
    const page = await wx.draft.batchget({ count: 20, noContent: true });
    expect(page.total_count).toBe(2);
    expect(page.item.map((i) => i.media_id).sort()).toEqual([media_id, second].sort());
    const all: string[] = [];
    for await (const item of wx.draft.iterate()) all.push(item.media_id);
    expect(all.sort()).toEqual([media_id, second].sort());

    await wx.draft.delete(second);
    expect(await wx.draft.count()).toBe(1);
    expect(((await caught(wx.draft.get(second))) as WeChatError).errcode).toBe(40007);
  });
});

describe('publishing against the emulator', () => {
  it('submits, waits for the article URL and consumes the draft; ids are strings', async () => {
    // A publish that takes a minute of emulator time, finished by moving the emulator's clock after the first poll:
    // the test sees "publishing" then "published" however slow the machine is.
    const emu = await emulator({ publishDelayMs: 60_000 });
    const wx = clientFor(emu);
    const draft = await newDraft(wx, '发布测试');
    const { publish_id } = await wx.freepublish.submit(draft);
    expect(publish_id).toMatch(/^\d+$/);
    const statuses: number[] = [];
    const onStatus = (s: { publish_status: number }) => {
      statuses.push(s.publish_status);
      if (s.publish_status === 1) emu.control.advanceTime(60_000);
    };
    const result = await wx.freepublish.waitForPublish(publish_id, { intervalMs: 15, timeoutMs: 5000, onStatus });
    expect(statuses[0]).toBe(1);
    expect(statuses.at(-1)).toBe(0);
    expect(result.publish_id).toBe(publish_id);
    expect(result.article_urls).toHaveLength(1);
    expect(result.article_urls[0]).toMatch(/\/s\?__biz=/);
    // The same id as a number and as a bigint.
    expect((await wx.freepublish.get(Number(publish_id))).publish_status).toBe(0);
    expect((await wx.freepublish.get(BigInt(publish_id))).article_id).toBe(result.article_id);
    expect(((await caught(wx.draft.get(draft))) as WeChatError).errcode).toBe(40007);
    const article = await wx.freepublish.getArticle(result.article_id);
    expect(article.news_item[0]!.title).toBe('发布测试');
    const published = await wx.freepublish.batchget({ noContent: true });
    expect(published.item.map((i) => i.article_id)).toContain(result.article_id);
  });

  it('reports a scripted failure (原创失败) with fail_idx', async () => {
    const emu = await emulator({ publishDelayMs: 10, faults: { publishOutcome: { '*': 2 } } });
    const wx = clientFor(emu);
    const draft = await newDraft(wx);
    const { publish_id } = await wx.freepublish.submit(draft);
    const error = (await caught(wx.freepublish.waitForPublish(publish_id, { intervalMs: 10, timeoutMs: 5000 }))) as WeChatPublishError;
    expect(error).toBeInstanceOf(WeChatPublishError);
    expect(error.status).toBe(2);
    expect(error.failIdx).toEqual([1]);
    expect(error.publishId).toBe(publish_id);
  });
});

describe('messages, menus, users, datacube and quota against the emulator', () => {
  /** 2026-03-10 12:00 Beijing time, shared by the emulator and the client (datacube's "yesterday"). */
  const T0 = Date.UTC(2026, 2, 10, 4, 0, 0);

  async function admin(emu: RunningEmulator, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, any>> {
    const res = await fetch(`${emu.url}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    expect(res.status, path).toBe(200);
    return (await res.json()) as Record<string, any>;
  }

  it('iterates every follower across 10 000-openid pages and batches user info by 100', async () => {
    const emu = await emulator({ now: () => T0 });
    const wx = clientFor(emu, { now: () => T0 });
    const { total } = await admin(emu, 'GET', '/__emulator/followers');
    const openids: string[] = [];
    for await (const openid of wx.user.followers()) openids.push(openid);
    expect(openids).toHaveLength(total);
    expect(new Set(openids).size).toBe(total);
    expect(countOf(emu, '/cgi-bin/user/get')).toBeGreaterThanOrEqual(Math.ceil(total / 10_000));
    const infos = await wx.user.batchInfo(openids.slice(0, 250));
    expect(infos.map((u) => u.openid)).toEqual(openids.slice(0, 250));
    expect(countOf(emu, '/cgi-bin/user/info/batchget')).toBe(3);
    const one = await wx.user.info(openids[0]!);
    expect(one.subscribe).toBe(1);
  });

  it('sends a custom text message in the 48-hour window and previews a draft by 微信号', async () => {
    const emu = await emulator({ now: () => T0 });
    const wx = clientFor(emu, { now: () => T0 });
    const { openid } = await admin(emu, 'POST', '/__emulator/followers', { wxname: 'reader_wx' });
    await admin(emu, 'POST', `/__emulator/followers/${openid}/message`, { content: '在吗？' });
    await wx.message.sendText(openid, '你好，收到 ✅');
    const delivered = await admin(emu, 'GET', `/__emulator/messages?touser=${openid}&via=custom`);
    expect(JSON.stringify(delivered.messages)).toContain('你好，收到 ✅');
    const draft = await newDraft(wx, '预览文章');
    await wx.message.previewDraft({ towxname: 'reader_wx' }, draft);
    const previews = await admin(emu, 'GET', '/__emulator/messages?via=preview');
    expect(previews.count).toBe(1);
    // Outside any window: 45015, not retried (custom send is not idempotent), with the window rule as hint.
    const stranger = (await admin(emu, 'POST', '/__emulator/followers', {})).openid as string;
    emu.control.advanceTime(2 * 60_000);
    const error = (await caught(wx.message.sendText(stranger, 'hi'))) as WeChatError;
    expect(error.errcode).toBe(45015);
    expect(error.hint).toMatch(/48 hours/);
    expect(countOf(emu, '/cgi-bin/message/custom/send')).toBe(2);
  });

  it('creates, reads and deletes a menu with Chinese names', async () => {
    const emu = await emulator({ now: () => T0 });
    const wx = clientFor(emu, { now: () => T0 });
    expect(await wx.menu.get()).toBeNull();
    await wx.menu.create({
      button: [
        { type: 'click', name: '今日文章', key: 'TODAY' },
        { name: '关于', sub_button: [{ type: 'view', name: '博客', url: 'https://example.com/' }] },
      ],
    });
    const menu = await wx.menu.get();
    expect(menu?.menu.button.map((b) => b.name)).toEqual(['今日文章', '关于']);
    if (menu?.menu.menuid !== undefined) expect(menu.menu.menuid).toMatch(/^\d+$/);
    await wx.menu.delete();
    expect(await wx.menu.get()).toBeNull();
    const tooLong = (await caught(wx.menu.create({ button: [{ type: 'click', name: '这是一个很长的菜单名字', key: 'K' }] }))) as WeChatError;
    expect(tooLong.errcode).toBe(40018);
    expect(tooLong.hint).toMatch(/16 bytes/);
  });

  it('reads analytics within the allowed spans and refuses bad spans before calling', async () => {
    const emu = await emulator({ now: () => T0 });
    const wx = clientFor(emu, { now: () => T0 });
    const summary = await wx.datacube.getUserSummary({ begin: '2026-03-03', end: '2026-03-09' });
    expect(Array.isArray(summary.list)).toBe(true);
    const read = await wx.datacube.getArticleRead({ begin: '2026-03-09' });
    expect(Array.isArray(read.list)).toBe(true);
    expect(typeof read.is_delay).toBe('boolean');
    const before = countOf(emu, '/datacube/getarticleshare');
    await expect(wx.datacube.getArticleShare({ begin: '2026-03-08', end: '2026-03-09' })).rejects.toThrow(/begin_date must equal end_date/);
    await expect(wx.datacube.getBizSummary({ begin: '2026-03-10' })).rejects.toThrow(/yesterday/);
    expect(countOf(emu, '/datacube/getarticleshare')).toBe(before);
  });

  it('account.basicInfo: an account\'s own token is refused with 41033 and a hint naming third-party platforms', async () => {
    const emu = await emulator({ now: () => T0 });
    const wx = clientFor(emu, { now: () => T0 });
    const error = (await caught(wx.account.basicInfo())) as WeChatError;
    expect(error).toBeInstanceOf(WeChatError);
    expect(error.errcode).toBe(41033);
    expect(error.endpoint).toBe('cgi-bin/account/getaccountbasicinfo');
    expect(error.hint).toMatch(/third-party platforms/);
    expect(countOf(emu, '/cgi-bin/account/getaccountbasicinfo')).toBe(1);
  });

  it('user.updateRemark, message.typing, massSend / massDelete / massSpeed, openapi.getRid and checkCallback', async () => {
    const emu = await emulator({ now: () => T0 });
    const wx = clientFor(emu, { now: () => T0 });
    const alice = 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M';
    const bob = 'oTestFollowerBob_00000000001';
    await wx.user.updateRemark(bob, '同事');
    expect((await wx.user.info(bob)).remark).toBe('同事');
    await expect(wx.user.updateRemark(bob, '长'.repeat(30))).rejects.toBeInstanceOf(WeChatClientError);

    await admin(emu, 'POST', '/__emulator/followers/alice/message', { content: '你好' });
    await wx.message.typing(alice);
    const twice = (await caught(wx.message.typing(alice))) as WeChatError;
    expect(twice.errcode).toBe(45081);
    expect(twice.hint).toMatch(/15 s/);
    await wx.message.typing(alice, false);

    const draft = await newDraft(wx, '群发文章');
    const sent = await wx.message.massSend([alice, bob], { msgtype: 'mpnews', mpnews: { media_id: draft } }, { clientmsgid: 'issue9' });
    expect(sent.msg_id).toMatch(/^\d+$/);
    expect(sent.msg_data_id).toMatch(/^\d+$/);
    await expect(wx.message.massSend([alice], { msgtype: 'text', text: { content: 'x' } })).rejects.toBeInstanceOf(WeChatClientError);
    await wx.message.massDelete(sent.msg_id, 1);
    const badIdx = (await caught(wx.message.massDelete(sent.msg_id, 2))) as WeChatError;
    expect(badIdx.errcode).toBe(40060);
    // mass/* is not idempotent: one call each, no retry.
    expect(countOf(emu, '/cgi-bin/message/mass/send')).toBe(1);
    expect(countOf(emu, '/cgi-bin/message/mass/delete')).toBe(2);
    expect(await wx.message.massSpeed()).toEqual({ speed: 0, realspeed: 80 });
    expect(await wx.message.massSpeed(2)).toEqual({ speed: 2, realspeed: 45 });

    // The rid in the errmsg of the failed mass/delete leads back to that request.
    const rid = /rid: ([0-9a-f-]{26})/.exec(badIdx.errmsg)![1]!;
    const request = await wx.openapi.getRid(rid);
    expect(request).toMatchObject({ request_url: '/cgi-bin/message/mass/delete' });
    expect(JSON.parse(String(request.request_body))).toEqual({ msg_id: sent.msg_id, article_idx: 2 });
    expect(((await caught(wx.openapi.getRid('nope'))) as WeChatError).errcode).toBe(76002);

    expect(await wx.openapi.checkCallback('dns', 'UNICOM')).toEqual({ dns: [{ ip: '127.0.0.1', real_operator: 'UNICOM' }], ping: [] });
  });

  it('an API the emulator does not know: WeChatError 48001, not retried', async () => {
    const emu = await emulator({ now: () => T0 });
    const wx = clientFor(emu, { now: () => T0 });
    const error = (await caught(wx.call({ path: 'cgi-bin/no/such/api', method: 'POST', json: {} }))) as WeChatError;
    expect(error).toBeInstanceOf(WeChatError);
    expect(error.errcode).toBe(48001);
    expect(error.errmsg).toMatch(/no such API \/cgi-bin\/no\/such\/api/);
    expect(countOf(emu, '/cgi-bin/no/such/api')).toBe(1);
  });

  it('reports API quota usage', async () => {
    const emu = await emulator({ now: () => T0 });
    const wx = clientFor(emu, { now: () => T0 });
    await wx.draft.count();
    await wx.draft.count();
    const { quota } = await wx.openapi.getQuota('/cgi-bin/draft/count');
    expect(quota.used).toBe(2);
    expect(quota.remain).toBe(quota.daily_limit - 2);
    await expect(wx.openapi.getQuota('cgi-bin/draft/count')).rejects.toThrow(/starting with "\/"/);
  });
});

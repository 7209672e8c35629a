import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  WeChatClient,
  WeChatClientError,
  WeChatError,
  WeChatPublishError,
  WeChatTransportError,
  clientFromEnv,
  type WeChatClientOptions,
  type WeChatEvent,
} from '../../src/wechat/index.js';
import { startConnectProxy, startFakeWeChat, stableTokenReply, type FakeWeChat, type Handler } from './helpers/fake-wechat.js';

const APP_ID = 'wx1234567890abcdef';
const SECRET = 'S3cr3t-0123456789abcdef0123456789';
const TOKEN_A = '86_AAAAtokenAAAAxxxxxxxxxxxxxxxxxxxxxxxxxxxx';
const TOKEN_B = '86_BBBBtokenBBBBxxxxxxxxxxxxxxxxxxxxxxxxxxxx';
const TOKEN_C = '86_CCCCtokenCCCCxxxxxxxxxxxxxxxxxxxxxxxxxxxx';
const FAST_RETRY = { attempts: 3, baseDelayMs: 2, maxDelayMs: 8 };
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c6300010000050001', 'hex');
const JPG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);

let servers: FakeWeChat[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function fake(handler: Handler): Promise<FakeWeChat> {
  const server = await startFakeWeChat(handler);
  servers.push(server);
  return server;
}

/** Token endpoint answering TOKEN_A, business endpoints routed to `business`. */
function withToken(business: Handler, token = TOKEN_A): Handler {
  return (req, seen) => (req.path === '/cgi-bin/stable_token' ? stableTokenReply(token) : business(req, seen));
}

function client(server: FakeWeChat, options: Partial<WeChatClientOptions> = {}): WeChatClient {
  return new WeChatClient({ appId: APP_ID, appSecret: SECRET, apiBase: server.url, tokenCache: false, retry: FAST_RETRY, ...options });
}

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('JSON wire format', () => {
  it('sends Chinese as raw UTF-8 with charset, never \\uXXXX escapes', async () => {
    const server = await fake(withToken(() => ({ json: { media_id: 'DRAFT_1' } })));
    const wx = client(server);
    const title = '微信公众号：中文标题 “引号” 😀';
    const res = await wx.draft.add([{ title, content: `<p>正文\u0001内容 <b>&amp;</b> \ud800</p>`, thumb_media_id: 'THUMB' }]);
    expect(res).toEqual({ media_id: 'DRAFT_1' });
    const [req] = server.calls('/cgi-bin/draft/add');
    expect(req!.headers['content-type']).toBe('application/json; charset=utf-8');
    const raw = req!.body.toString('utf8');
    expect(raw).toContain(title);
    expect(raw).not.toMatch(/\\u[0-9a-fA-F]{4}/);
    expect(req!.json).toEqual({
      articles: [{ title, content: '<p>正文内容 <b>&amp;</b> \ufffd</p>', thumb_media_id: 'THUMB' }],
    });
    expect(req!.query.get('access_token')).toBe(TOKEN_A);
  });

  it('keeps 64-bit ids exact as strings and accepts ids as int, string or bigint', async () => {
    const big = '2247483949123456789';
    const server = await fake(
      withToken((req) => {
        if (req.path === '/cgi-bin/freepublish/submit') return { raw: `{"errcode":0,"errmsg":"ok","publish_id":${big},"msg_data_id":${big}1}` };
        return { raw: `{"publish_id":${big},"publish_status":1,"fail_idx":[]}` };
      }),
    );
    const wx = client(server);
    expect(await wx.freepublish.submit('DRAFT')).toEqual({ publish_id: big, msg_data_id: `${big}1` });
    for (const id of [big, BigInt(big), 2247483949]) {
      const status = await wx.freepublish.get(id);
      expect(status.publish_id).toBe(big);
    }
    const sent = server.calls('/cgi-bin/freepublish/get').map((r) => r.body.toString());
    expect(sent).toEqual([`{"publish_id":"${big}"}`, `{"publish_id":"${big}"}`, '{"publish_id":"2247483949"}']);
  });

  it('parses responses with raw control characters inside strings', async () => {
    const server = await fake(withToken(() => ({ raw: '{"news_item":[{"title":"a\u0007b","content":"line1\nline2"}]}' })));
    const draft = await client(server).draft.get('X');
    expect(draft.news_item[0]).toEqual({ title: 'a\u0007b', content: 'line1\nline2' });
  });
});

describe('tokens', () => {
  it('uses POST stable_token (force_refresh false) and reuses the token for later calls', async () => {
    const server = await fake(withToken(() => ({ json: { total_count: 3 } })));
    const wx = client(server);
    expect(await wx.draft.count()).toBe(3);
    expect(await wx.draft.count()).toBe(3);
    const tokenCalls = server.calls('/cgi-bin/stable_token');
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0]!.method).toBe('POST');
    expect(tokenCalls[0]!.json).toEqual({ grant_type: 'client_credential', appid: APP_ID, secret: SECRET, force_refresh: false });
    expect(server.calls('/cgi-bin/draft/count').map((r) => r.method)).toEqual(['GET', 'GET']);
  });

  it('can use GET cgi-bin/token with query parameters', async () => {
    const server = await fake((req) =>
      req.path === '/cgi-bin/token' ? { json: { access_token: TOKEN_A, expires_in: 7200 } } : { json: { total_count: 0 } },
    );
    await client(server, { useStableToken: false }).draft.count();
    const [req] = server.calls('/cgi-bin/token');
    expect(req!.method).toBe('GET');
    expect(Object.fromEntries(req!.query)).toEqual({ grant_type: 'client_credential', appid: APP_ID, secret: SECRET });
  });

  it('refreshes when less than 5 minutes remain', async () => {
    let now = 1_000_000;
    let n = 0;
    const server = await fake((req) =>
      req.path === '/cgi-bin/stable_token' ? stableTokenReply([TOKEN_A, TOKEN_B][n++]!, 600) : { json: { total_count: 1 } },
    );
    const wx = client(server, { now: () => now });
    await wx.draft.count();
    now += 299_000; // 301 s left: still reused
    await wx.draft.count();
    now += 2_000; // 299 s left: refresh
    await wx.draft.count();
    expect(server.calls('/cgi-bin/stable_token')).toHaveLength(2);
    expect(server.calls('/cgi-bin/draft/count').map((r) => r.query.get('access_token'))).toEqual([TOKEN_A, TOKEN_A, TOKEN_B]);
  });

  it('single-flight: 20 concurrent calls make one token request', async () => {
    const server = await fake((req) =>
      req.path === '/cgi-bin/stable_token' ? { ...stableTokenReply(TOKEN_A), delayMs: 50 } : { json: { total_count: 7 } },
    );
    const wx = client(server);
    const counts = await Promise.all(Array.from({ length: 20 }, () => wx.draft.count()));
    expect(counts).toEqual(Array(20).fill(7));
    expect(server.calls('/cgi-bin/stable_token')).toHaveLength(1);
    expect(server.calls('/cgi-bin/draft/count')).toHaveLength(20);
  });

  it('caches tokens on disk per AppID: mode 0600, atomic, encrypted, shared across instances', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'wxmp-tokens-'));
    const server = await fake(withToken(() => ({ json: { total_count: 1 } })));
    await client(server, { tokenCache: dir }).draft.count();
    const events: WeChatEvent[] = [];
    await client(server, { tokenCache: dir, onEvent: (e) => events.push(e) }).draft.count();
    expect(server.calls('/cgi-bin/stable_token')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'token').map((e) => (e as { action: string }).action)).toEqual(['disk']);
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^${APP_ID}@[0-9a-f]{10}\\.json$`));
    const file = path.join(dir, files[0]!);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(TOKEN_A);
    expect(text).not.toContain(SECRET);
    // Another AppSecret cannot use (or read) the cached token: it fetches its own.
    await new WeChatClient({ appId: APP_ID, appSecret: 'another-secret-value', apiBase: server.url, tokenCache: dir }).draft.count();
    expect(server.calls('/cgi-bin/stable_token')).toHaveLength(2);
  });

  it('on 40001 drops the token, fetches a new one once and retries the call once', async () => {
    let n = 0;
    const server = await fake((req) => {
      if (req.path === '/cgi-bin/stable_token') return stableTokenReply([TOKEN_A, TOKEN_B][n++]!);
      return req.query.get('access_token') === TOKEN_A
        ? { json: { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest rid: 1-2-3' } }
        : { json: { total_count: 2 } };
    });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'wxmp-tokens-'));
    const wx = client(server, { tokenCache: dir });
    expect(await Promise.all([wx.draft.count(), wx.draft.count(), wx.draft.count()])).toEqual([2, 2, 2]);
    expect(server.calls('/cgi-bin/stable_token').map((r) => (r.json as { force_refresh: boolean }).force_refresh)).toEqual([false, false]);
    // The disk cache now holds the new token.
    await client(server, { tokenCache: dir }).draft.count();
    expect(server.calls('/cgi-bin/stable_token')).toHaveLength(2);
  });

  it('force-refreshes once when WeChat hands back the same rejected token, and is bounded', async () => {
    let forced = 0;
    const server = await fake((req) => {
      if (req.path === '/cgi-bin/stable_token') {
        const force = (req.json as { force_refresh: boolean }).force_refresh;
        if (force) forced++;
        return stableTokenReply(force ? `${TOKEN_C}${forced}` : TOKEN_A);
      }
      return req.query.get('access_token') === TOKEN_A || req.path === '/cgi-bin/menu/delete'
        ? { json: { errcode: 42001, errmsg: 'access_token expired' } }
        : { json: { total_count: 5 } };
    });
    const wx = client(server, { maxForceRefreshes: 1 });
    expect(await wx.draft.count()).toBe(5);
    expect(server.calls('/cgi-bin/stable_token').map((r) => (r.json as { force_refresh: boolean }).force_refresh)).toEqual([false, false, true]);
    // menu/delete keeps failing with 42001: one recovery, and no second force refresh beyond the bound.
    const fresh = client(server, { maxForceRefreshes: 1 });
    const error = await caught(fresh.menu.delete());
    expect(error).toBeInstanceOf(WeChatClientError);
    expect(error.message).toMatch(/refusing to force-refresh/);
    expect(forced).toBe(1);
  });

  it('explains a wrong AppSecret and does not retry it', async () => {
    const server = await fake(() => ({ json: { errcode: 40125, errmsg: 'invalid appsecret rid: 6666-7777-8888' } }));
    const error = (await caught(client(server).draft.count())) as WeChatError;
    expect(error).toBeInstanceOf(WeChatError);
    expect(error.errcode).toBe(40125);
    expect(error.endpoint).toBe('cgi-bin/stable_token');
    expect(error.errmsg).toBe('invalid appsecret rid: 6666-7777-8888');
    expect(error.hint).toMatch(/AppSecret/);
    expect(error.fatal).toBe(true);
    expect(server.seen).toHaveLength(1);
  });
});

describe('retries', () => {
  it('retries -1 with exponential backoff and jitter, then succeeds', async () => {
    let failures = 2;
    const server = await fake(withToken(() => (failures-- > 0 ? { json: { errcode: -1, errmsg: 'system error' } } : { json: { total_count: 9 } })));
    const events: WeChatEvent[] = [];
    const wx = client(server, { retry: { attempts: 4, baseDelayMs: 20, maxDelayMs: 1000 }, onEvent: (e) => events.push(e) });
    const started = Date.now();
    expect(await wx.draft.count()).toBe(9);
    const retries = events.filter((e): e is Extract<WeChatEvent, { type: 'retry' }> => e.type === 'retry');
    expect(retries.map((r) => r.reason)).toEqual(['errcode -1', 'errcode -1']);
    // Equal jitter: attempt n waits between base·2^(n-1)/2 and base·2^(n-1).
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(10);
    expect(retries[0]!.delayMs).toBeLessThanOrEqual(20);
    expect(retries[1]!.delayMs).toBeGreaterThanOrEqual(20);
    expect(retries[1]!.delayMs).toBeLessThanOrEqual(40);
    expect(Date.now() - started).toBeGreaterThanOrEqual(retries[0]!.delayMs + retries[1]!.delayMs - 2);
    expect(server.calls('/cgi-bin/draft/count')).toHaveLength(3);
  });

  it('gives up after the configured attempts with the last WeChatError', async () => {
    const server = await fake(withToken(() => ({ json: { errcode: 45011, errmsg: 'api minute-quota reach limit mustslower retry next minute' } })));
    const error = (await caught(client(server).draft.count())) as WeChatError;
    expect(error.errcode).toBe(45011);
    expect(error.attempts).toBe(3);
    expect(server.calls('/cgi-bin/draft/count')).toHaveLength(3);
  });

  it('retries HTTP 5xx and network hang-ups; HTTP 404 is a transport error without retry', async () => {
    let step = 0;
    const server = await fake(
      withToken((req) => {
        if (req.path === '/cgi-bin/draft/count') return [{ status: 503, raw: 'busy' }, 'hangup' as const, { json: { total_count: 4 } }][step++]!;
        return { status: 404, raw: 'not found' };
      }),
    );
    expect(await client(server).draft.count()).toBe(4);
    const error = (await caught(client(server).call({ path: '/cgi-bin/nope', method: 'GET' }))) as WeChatTransportError;
    expect(error).toBeInstanceOf(WeChatTransportError);
    expect(error.status).toBe(404);
    expect(server.calls('/cgi-bin/nope')).toHaveLength(1);
  });

  it('turns a timeout into a transport error', async () => {
    const server = await fake(withToken(() => ({ json: { total_count: 1 }, delayMs: 300 })));
    const error = (await caught(client(server, { timeoutMs: 50, retry: { attempts: 2, baseDelayMs: 1 } }).draft.count())) as WeChatTransportError;
    expect(error).toBeInstanceOf(WeChatTransportError);
    expect(error.code).toBe('ETIMEDOUT');
    expect(error.attempts).toBe(2);
  });

  it('never retries freepublish/submit, custom send or mass preview: the outcome is unknown', async () => {
    const server = await fake(withToken((req) => (req.path.includes('submit') ? { json: { errcode: -1, errmsg: 'system error' } } : 'hangup')));
    const wx = client(server);
    const submit = (await caught(wx.freepublish.submit('DRAFT'))) as WeChatError;
    expect(submit.errcode).toBe(-1);
    expect(submit.outcomeUnknown).toBe(true);
    expect(submit.hint).toMatch(/may or may not have happened/);
    const send = (await caught(wx.message.sendText('oUSER', '你好'))) as WeChatTransportError;
    expect(send).toBeInstanceOf(WeChatTransportError);
    expect(send.outcomeUnknown).toBe(true);
    await caught(wx.message.previewDraft({ towxname: 'someone' }, 'DRAFT'));
    expect(server.calls('/cgi-bin/freepublish/submit')).toHaveLength(1);
    expect(server.calls('/cgi-bin/message/custom/send')).toHaveLength(1);
    expect(server.calls('/cgi-bin/message/mass/preview')).toHaveLength(1);
  });

  it('stops immediately on 45009, 40013 and 48001', async () => {
    for (const errcode of [45009, 40013, 48001]) {
      const server = await fake(withToken(() => ({ json: { errcode, errmsg: 'nope' } })));
      const error = (await caught(client(server).draft.count())) as WeChatError;
      expect(error.errcode).toBe(errcode);
      expect(error.fatal).toBe(true);
      expect(server.calls('/cgi-bin/draft/count')).toHaveLength(1);
    }
  });
});

describe('redaction', () => {
  it('never shows the AppSecret or a token in events, URLs or errors', async () => {
    let n = 0;
    const server = await fake((req) => {
      if (req.path === '/cgi-bin/token') return { json: { access_token: [TOKEN_A, TOKEN_B][n++], expires_in: 7200 } };
      if (req.path === '/cgi-bin/draft/count') return req.query.get('access_token') === TOKEN_A ? { json: { errcode: 40001, errmsg: 'invalid credential' } } : { status: 500, raw: `oops ${TOKEN_B}` };
      // A (misbehaving) server echoing credentials in errmsg.
      return { json: { errcode: 40013, errmsg: `invalid appid ${SECRET} access_token=${TOKEN_B}` } };
    });
    const events: WeChatEvent[] = [];
    const wx = client(server, { useStableToken: false, onEvent: (e) => events.push(e) });
    const errors = [await caught(wx.draft.count()), await caught(wx.menu.delete())];
    const emitted = [
      JSON.stringify(events),
      ...errors.flatMap((e) => [e.message, e.stack ?? '', inspect(e, { depth: 5 }), JSON.stringify(e)]),
    ].join('\n');
    for (const secret of [SECRET, TOKEN_A, TOKEN_B]) expect(emitted).not.toContain(secret);
    expect(emitted).toContain('access_token=***');
    expect(emitted).toContain('secret=***');
    expect(events.some((e) => e.type === 'request' && e.url.includes('/cgi-bin/token?'))).toBe(true);
    // The requests themselves carried the real values.
    expect(server.calls('/cgi-bin/token')[0]!.query.get('secret')).toBe(SECRET);
  });
});

describe('uploads', () => {
  it('sends field "media" with an extension derived from the bytes when missing or wrong', async () => {
    const server = await fake(withToken((req) => ({ json: req.path.endsWith('uploadimg') ? { url: 'http://mmbiz.qpic.cn/abc/0' } : { media_id: 'M1', url: 'http://127.0.0.1/x.png' } })));
    const wx = client(server);
    expect(await wx.media.uploadImg({ data: JPG, filename: 'cover' })).toEqual({ url: 'https://mmbiz.qpic.cn/abc/0' });
    await wx.material.add('image', { data: PNG, filename: '图片.jpg' });
    await wx.material.add('thumb', { data: JPG });
    const bodies = server.seen.filter((r) => r.method === 'POST' && r.path !== '/cgi-bin/stable_token').map((r) => r.body.toString('utf8'));
    expect(bodies[0]).toMatch(/name="media"; filename="cover\.jpg"\r\nContent-Type: image\/jpeg/);
    expect(bodies[1]).toMatch(/name="media"; filename="图片\.png"\r\nContent-Type: image\/png/);
    expect(bodies[2]).toMatch(/name="media"; filename="media\.jpg"/);
    expect(server.calls('/cgi-bin/material/add_material').map((r) => r.query.get('type'))).toEqual(['image', 'thumb']);
    expect(server.calls('/cgi-bin/material/add_material')[0]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
  });

  it('sends the video description as a form field and refuses untyped bytes without an extension', async () => {
    const server = await fake(withToken(() => ({ json: { media_id: 'V1' } })));
    const wx = client(server);
    const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(16)]);
    await wx.material.add('video', { data: mp4, filename: 'clip' }, { title: '标题', introduction: '介绍' });
    const body = server.calls('/cgi-bin/material/add_material')[0]!.body.toString('utf8');
    expect(body).toMatch(/filename="clip\.mp4"/);
    expect(body).toContain('name="description"\r\n\r\n{"title":"标题","introduction":"介绍"}');
    const error = await caught(wx.material.add('image', { data: Buffer.from('not an image') }));
    expect(error).toBeInstanceOf(WeChatClientError);
    expect(error.message).toMatch(/40113/);
  });

  it('returns get_material images as bytes and videos as JSON', async () => {
    const server = await fake(
      withToken((req) =>
        (req.json as { media_id: string }).media_id === 'IMG'
          ? { raw: PNG, headers: { 'content-type': 'image/png' } }
          : { json: { title: 't', description: 'd', down_url: 'http://x/v.mp4' } },
      ),
    );
    const wx = client(server);
    const image = await wx.material.get('IMG');
    expect(image.kind).toBe('bytes');
    expect(Buffer.from((image as { data: Uint8Array }).data).equals(PNG)).toBe(true);
    expect(await wx.material.get('VID')).toEqual({ kind: 'video', title: 't', description: 'd', down_url: 'http://x/v.mp4' });
  });
});

describe('publish polling', () => {
  it('polls until success and returns the article URLs in order', async () => {
    let polls = 0;
    const server = await fake(
      withToken(() =>
        ++polls < 3
          ? { json: { publish_id: 100, publish_status: 1, fail_idx: [] } }
          : {
              json: {
                publish_id: 100,
                publish_status: 0,
                article_id: 'ART',
                article_detail: { count: 2, item: [{ idx: 2, article_url: 'u2' }, { idx: 1, article_url: 'u1' }] },
                fail_idx: [],
              },
            },
      ),
    );
    const statuses: number[] = [];
    const result = await client(server).freepublish.waitForPublish(100, { intervalMs: 5, onStatus: (s) => statuses.push(s.publish_status) });
    expect(result).toEqual({ publish_id: '100', article_id: 'ART', article_urls: ['u1', 'u2'] });
    expect(statuses).toEqual([1, 1, 0]);
  });

  it('throws a typed failure with fail_idx, and times out', async () => {
    const server = await fake(withToken(() => ({ json: { publish_id: 7, publish_status: 2, fail_idx: [1, 2] } })));
    const failure = (await caught(client(server).freepublish.waitForPublish('7', { intervalMs: 1 }))) as WeChatPublishError;
    expect(failure).toBeInstanceOf(WeChatPublishError);
    expect([failure.status, failure.failIdx, failure.timedOut]).toEqual([2, [1, 2], false]);
    expect(failure.message).toMatch(/原创/);
    const slow = await fake(withToken(() => ({ json: { publish_id: 8, publish_status: 1, fail_idx: [] } })));
    const timeout = (await caught(client(slow).freepublish.waitForPublish(8, { intervalMs: 10, timeoutMs: 40 }))) as WeChatPublishError;
    expect([timeout.status, timeout.timedOut]).toEqual([1, true]);
  });
});

describe('users and datacube', () => {
  it('iterates all followers across pages and batches user info by 100', async () => {
    const all = Array.from({ length: 250 }, (_, i) => `o${String(i).padStart(27, '0')}`);
    const server = await fake(
      withToken((req) => {
        if (req.path === '/cgi-bin/user/get') {
          const start = req.query.get('next_openid') ? all.indexOf(req.query.get('next_openid')!) + 1 : 0;
          const page = all.slice(start, start + 100);
          return page.length
            ? { json: { total: 250, count: page.length, data: { openid: page }, next_openid: page.at(-1) } }
            : { json: { total: 250, count: 0, next_openid: '' } };
        }
        const list = (req.json as { user_list: { openid: string }[] }).user_list;
        return { json: { user_info_list: list.map((u) => ({ subscribe: 1, openid: u.openid })) } };
      }),
    );
    const wx = client(server);
    const seen: string[] = [];
    for await (const openid of wx.user.followers()) seen.push(openid);
    expect(seen).toEqual(all);
    const infos = await wx.user.batchInfo(all);
    expect(infos.map((u) => u.openid)).toEqual(all);
    expect(server.calls('/cgi-bin/user/info/batchget').map((r) => (r.json as { user_list: unknown[] }).user_list.length)).toEqual([100, 100, 50]);
  });

  it('validates datacube dates client-side before calling', async () => {
    const server = await fake(withToken(() => ({ json: { list: [{ ref_date: '2025-11-02' }], is_delay: false } })));
    const now = Date.UTC(2025, 11, 10, 1, 0); // 09:00 in Beijing on 2025-12-10
    const wx = client(server, { now: () => now });
    expect(await wx.datacube.getArticleRead({ begin: '2025-11-02' })).toEqual({ list: [{ ref_date: '2025-11-02' }], is_delay: false });
    expect(server.calls('/cgi-bin/stable_token')).toHaveLength(1);
    expect((await caught(wx.datacube.getArticleRead({ begin: '2025-11-02', end: '2025-11-03' }))).message).toMatch(/begin_date must equal end_date/);
    expect((await caught(wx.datacube.getUserSummary({ begin: '2025-11-01', end: '2025-11-08' }))).message).toMatch(/at most 7 days.*8 days/);
    expect((await caught(wx.datacube.getUserSummary({ begin: '2025-12-09', end: '2025-12-10' }))).message).toMatch(/yesterday.*2025-12-09/);
    expect((await caught(wx.datacube.getUserRead({ begin: '2025-02-30' }))).message).toMatch(/YYYY-MM-DD/);
    expect(server.seen.filter((r) => r.path.startsWith('/datacube/'))).toHaveLength(1);
    expect(server.calls('/datacube/getarticleread')[0]!.json).toEqual({ begin_date: '2025-11-02', end_date: '2025-11-02' });
  });
});

describe('configuration', () => {
  it('clientFromEnv reads credentials, base and proxy; explains what is missing without values', () => {
    const wx = clientFromEnv({ env: { WECHAT_APP_ID: APP_ID, WECHAT_APP_SECRET: SECRET, WXMP_API_BASE: 'http://127.0.0.1:4000/' } });
    expect(wx.apiBase).toBe('http://127.0.0.1:4000');
    expect(wx.appId).toBe(APP_ID);
    expect(clientFromEnv({ env: { WECHAT_APP_ID: APP_ID, WECHAT_APP_SECRET: SECRET } }).apiBase).toBe('https://api.weixin.qq.com');
    expect(clientFromEnv({ env: { WECHAT_APP_ID: APP_ID, WECHAT_APP_SECRET: SECRET }, config: { apiBase: 'http://127.0.0.1:9' } }).apiBase).toBe('http://127.0.0.1:9');
    const error = (() => {
      try {
        clientFromEnv({ env: { WECHAT_APP_ID: APP_ID } });
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected an error');
    })();
    expect(error.message).toMatch(/missing WECHAT_APP_SECRET/);
  });

  it('routes calls through the proxy option', async () => {
    const server = await fake(withToken(() => ({ json: { total_count: 1 } })));
    const proxy = await startConnectProxy();
    try {
      const wx = client(server, { proxy: proxy.url });
      expect(await wx.draft.count()).toBe(1);
      await wx.close();
      expect(proxy.targets.length).toBeGreaterThan(0);
      expect(proxy.targets[0]).toBe(server.url.replace('http://', ''));
    } finally {
      await proxy.close();
    }
  });

  it('clientFromEnv: a machine-wide HTTPS_PROXY is ignored for a loopback API base; a proxy or a remote host over plain http is refused', async () => {
    const server = await fake(withToken(() => ({ json: { total_count: 1 } })));
    const proxy = await startConnectProxy();
    try {
      const env = { WECHAT_APP_ID: APP_ID, WECHAT_APP_SECRET: SECRET, WXMP_API_BASE: server.url };
      const overrides = { tokenCache: false as const };
      const ambient = clientFromEnv({ env: { ...env, HTTPS_PROXY: proxy.url }, overrides });
      expect(await ambient.draft.count()).toBe(1);
      expect(proxy.targets).toEqual([]);
      // An explicit proxy in front of a plain-http base would read the AppSecret in clear text: refused before any
      // request (docs/security.md). The proxy itself is exercised with a direct WeChatClient above.
      expect(() => clientFromEnv({ env: { ...env, WXMP_PROXY: proxy.url }, overrides })).toThrow(/proxy/i);
      expect(() => clientFromEnv({ env: { ...env, WXMP_API_BASE: 'http://wechat.example.invalid' }, overrides })).toThrow(/plain http/);
      expect(proxy.targets).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

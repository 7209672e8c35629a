/**
 * Endpoints added after three SDKs were run against the emulator (issue 9): user/info/updateremark, message/mass/send,
 * mass/delete, mass/speed/get|set, message/custom/typing, openapi/rid/get, callback/check, media/get/jssdk — over
 * plain fetch, one test per rule of docs/wechat-api.md §3, §4.3, §7, §9 (and the EMU choices of §13).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { NAMED_TEST_FOLLOWERS } from '../../src/emulator/logic/user-followers.js';

const APP = { appId: 'wx1234567890abcdef', appSecret: '0123456789abcdef0123456789abcdef' };
const OTHER = { appId: 'wx00112233445566ff', appSecret: '00112233445566778899aabbccddeeff' };
const UNVERIFIED = { appId: 'wxfedcba0987654321', appSecret: 'fedcba9876543210fedcba9876543210', verified: false };
/** 2026-03-10 12:00 Beijing time. */
const T0 = Date.UTC(2026, 2, 10, 4, 0, 0);
const ALICE = NAMED_TEST_FOLLOWERS[0]!.openid;
const BOB = NAMED_TEST_FOLLOWERS[1]!.openid;
const CAROL = NAMED_TEST_FOLLOWERS[2]!.openid; // has unfollowed
const RID = / rid: ([0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8})$/;

type Json = Record<string, any>;
type App = { appId: string; appSecret: string };

class Harness {
  emu!: RunningEmulator;
  private tokens = new Map<string, string>();

  async start(): Promise<void> {
    this.emu = await startEmulator({ accounts: [APP, OTHER, UNVERIFIED], now: () => T0 });
    this.tokens.clear();
  }

  async token(app: App = APP): Promise<string> {
    const cached = this.tokens.get(app.appId);
    if (cached) return cached;
    const res = await fetch(`${this.emu.url}/cgi-bin/token?grant_type=client_credential&appid=${app.appId}&secret=${app.appSecret}`);
    const body = (await res.json()) as Json;
    this.tokens.set(app.appId, body.access_token);
    return body.access_token;
  }

  advance(ms: number): void {
    this.emu.control.advanceTime(ms);
    this.tokens.clear();
  }

  async call(method: 'GET' | 'POST', path: string, body?: unknown, app: App = APP): Promise<Json> {
    const sep = path.includes('?') ? '&' : '?';
    const init: RequestInit = { method };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(`${this.emu.url}${path}${sep}access_token=${await this.token(app)}`, init);
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  }

  post = (path: string, body: unknown, app: App = APP) => this.call('POST', path, body, app);

  async admin(path: string, body: unknown = {}): Promise<Json> {
    const res = await fetch(`${this.emu.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
    return (await res.json()) as Json;
  }
}

function expectErr(body: Json, errcode: number): void {
  expect(body.errcode, JSON.stringify(body)).toBe(errcode);
  expect(body.errmsg).toMatch(RID);
}

const h = new Harness();
beforeAll(() => h.start());
afterAll(() => h.emu.close());

describe('user/info/updateremark (§9)', () => {
  it('sets the remark user/info answers; an empty remark clears it', async () => {
    expect(await h.post('/cgi-bin/user/info/updateremark', { openid: BOB, remark: '老同学' })).toMatchObject({ errcode: 0, errmsg: 'ok' });
    expect((await h.call('GET', `/cgi-bin/user/info?openid=${BOB}`)).remark).toBe('老同学');
    await h.post('/cgi-bin/user/info/updateremark', { openid: BOB, remark: '' });
    expect((await h.call('GET', `/cgi-bin/user/info?openid=${BOB}`)).remark).toBe('');
  });

  it('remark shorter than 30 characters (29 ok, 30 → 40035); not a string → 47001', async () => {
    expect((await h.post('/cgi-bin/user/info/updateremark', { openid: ALICE, remark: '备'.repeat(29) })).errcode).toBe(0);
    expectErr(await h.post('/cgi-bin/user/info/updateremark', { openid: ALICE, remark: '备'.repeat(30) }), 40035);
    expectErr(await h.post('/cgi-bin/user/info/updateremark', { openid: ALICE }), 47001);
  });

  it('malformed or unknown openid → 40003; unfollowed → 43004; unverified account → 48001', async () => {
    expectErr(await h.post('/cgi-bin/user/info/updateremark', { openid: 'nope', remark: 'x' }), 40003);
    expectErr(await h.post('/cgi-bin/user/info/updateremark', { openid: 'o'.repeat(28), remark: 'x' }), 40003);
    expectErr(await h.post('/cgi-bin/user/info/updateremark', { openid: CAROL, remark: 'x' }), 43004);
    expectErr(await h.post('/cgi-bin/user/info/updateremark', { openid: ALICE, remark: 'x' }, UNVERIFIED), 48001);
  });
});

describe('message/mass/send, mass/delete, mass/speed (§7.2)', () => {
  it('validates the openid list: not an array 47001, < 2 → 40130, > 10 000 → 40032, malformed → 40003', async () => {
    const text = { msgtype: 'text', text: { content: '通知' } };
    expectErr(await h.post('/cgi-bin/message/mass/send', { touser: ALICE, ...text }), 47001);
    expectErr(await h.post('/cgi-bin/message/mass/send', { touser: [ALICE], ...text }), 40130);
    expectErr(await h.post('/cgi-bin/message/mass/send', { touser: [ALICE, ALICE], ...text }), 40130);
    const many = Array.from({ length: 10_001 }, (_, i) => `o${String(i).padStart(27, '0')}`);
    expectErr(await h.post('/cgi-bin/message/mass/send', { touser: many, ...text }), 40032);
    expectErr(await h.post('/cgi-bin/message/mass/send', { touser: [ALICE, 'bad'], ...text }), 40003);
    expectErr(await h.post('/cgi-bin/message/mass/send', { touser: [ALICE, BOB], msgtype: 'link' }), 40008);
    expectErr(await h.post('/cgi-bin/message/mass/send', { touser: [ALICE, BOB], ...text }, UNVERIFIED), 48001);
  });

  it('an mpnews send answers msg_id + msg_data_id, removes the draft, shares the day quota (45028); mass/delete by article', async () => {
    const draft = await makeDraft(2);
    const sent = await h.post('/cgi-bin/message/mass/send', {
      touser: [ALICE, BOB, CAROL],
      msgtype: 'mpnews',
      mpnews: { media_id: draft },
      send_ignore_reprint: 0,
    });
    expect(sent).toMatchObject({ errcode: 0, errmsg: 'send job submission success' });
    expect(sent.msg_id).toBeTypeOf('number');
    expect(sent.msg_data_id).toBeTypeOf('number');
    expectErr(await h.post('/cgi-bin/draft/get', { media_id: draft }), 40007);
    // Unfollowed recipients are skipped (MASSSENDJOBFINISH would count them as failures).
    const log = await (await fetch(`${h.emu.url}/__emulator/messages?via=send`)).json();
    expect(log.messages.map((m: Json) => [m.msgId, m.touser, m.recipients])).toEqual([[sent.msg_id, '@list', 2]]);
    // One mass send a Beijing day, sendall and send together.
    expectErr(await h.post('/cgi-bin/message/mass/sendall', { filter: { is_to_all: true }, msgtype: 'text', text: { content: 'x' } }), 45028);

    expectErr(await h.post('/cgi-bin/message/mass/delete', { msg_id: sent.msg_id, article_idx: 3 }), 40060);
    expectErr(await h.post('/cgi-bin/message/mass/delete', { msg_id: 999, article_idx: 0 }), 40059);
    expect(await h.post('/cgi-bin/message/mass/delete', { msg_id: sent.msg_id, article_idx: 2 })).toMatchObject({ errcode: 0 });
    expect((await h.post('/cgi-bin/message/mass/get', { msg_id: sent.msg_id })).msg_status).toBe('SEND_SUCCESS');
    expect(await h.post('/cgi-bin/message/mass/delete', { msg_id: String(sent.msg_id), article_idx: 1 })).toMatchObject({ errcode: 0 });
    expect(await h.post('/cgi-bin/message/mass/get', { msg_id: sent.msg_id })).toMatchObject({ msg_id: sent.msg_id, msg_status: 'DELETE' });
  });

  it('mass/delete of a text send → 40008 (only mpnews and video); 0/omitted article_idx deletes all', async () => {
    h.advance(86_400_000); // a new Beijing day: new mass quota
    const sent = await h.post('/cgi-bin/message/mass/send', { touser: [ALICE, BOB], msgtype: 'text', text: { content: '你好' }, clientmsgid: 'c-1' });
    expect(sent.errcode).toBe(0);
    expect(sent.msg_data_id).toBeUndefined();
    expectErr(await h.post('/cgi-bin/message/mass/delete', { msg_id: sent.msg_id }), 40008);
    const again = await h.post('/cgi-bin/message/mass/send', { touser: [ALICE, BOB], msgtype: 'text', text: { content: '你好' }, clientmsgid: 'c-1' });
    expectErr(again, 45065);
    expect(again.msg_id).toBe(sent.msg_id);

    h.advance(86_400_000);
    const draft = await makeDraft(3);
    const all = await h.post('/cgi-bin/message/mass/sendall', { filter: { is_to_all: true }, msgtype: 'mpnews', mpnews: { media_id: draft } });
    expect((await h.post('/cgi-bin/message/mass/delete', { msg_id: all.msg_id })).errcode).toBe(0);
    expect((await h.post('/cgi-bin/message/mass/get', { msg_id: all.msg_id })).msg_status).toBe('DELETE');
    expect((await h.post('/cgi-bin/message/mass/delete', { msg_id: all.msg_id, article_idx: 0 })).errcode).toBe(0);
  });

  it('mass/speed: default 0 (80 万/min); set 0–4 (45083 outside, 45084 missing); get reflects it', async () => {
    expect(await h.post('/cgi-bin/message/mass/speed/get', {})).toEqual({ speed: 0, realspeed: 80 });
    expect(await h.post('/cgi-bin/message/mass/speed/set', { speed: 3 })).toMatchObject({ errcode: 0 });
    expect(await h.post('/cgi-bin/message/mass/speed/get', {})).toEqual({ speed: 3, realspeed: 30 });
    expectErr(await h.post('/cgi-bin/message/mass/speed/set', { speed: 5 }), 45083);
    expectErr(await h.post('/cgi-bin/message/mass/speed/set', { speed: -1 }), 45083);
    expectErr(await h.post('/cgi-bin/message/mass/speed/set', {}), 45084);
    expectErr(await h.call('GET', '/cgi-bin/message/mass/speed/get'), 43002);
    expectErr(await h.post('/cgi-bin/message/mass/speed/get', {}, UNVERIFIED), 48001);
  });
});

describe('message/custom/typing (§7.1)', () => {
  it('needs an interaction in the last 30 s (45080); lasts 15 s (45081 while typing); CancelTyping ends it', async () => {
    expectErr(await h.post('/cgi-bin/message/custom/typing', { touser: BOB, command: 'Typing' }), 45080);
    await h.admin(`/__emulator/followers/bob/message`, { content: '在吗' });
    expect(await h.post('/cgi-bin/message/custom/typing', { touser: BOB, command: 'Typing' })).toMatchObject({ errcode: 0 });
    expectErr(await h.post('/cgi-bin/message/custom/typing', { touser: BOB, command: 'Typing' }), 45081);
    expect((await h.post('/cgi-bin/message/custom/typing', { touser: BOB, command: 'CancelTyping' })).errcode).toBe(0);
    expect((await h.post('/cgi-bin/message/custom/typing', { touser: BOB, command: 'Typing' })).errcode).toBe(0);
    h.advance(15_000); // the typing state is over, the interaction 15 s old
    expect((await h.post('/cgi-bin/message/custom/typing', { touser: BOB, command: 'Typing' })).errcode).toBe(0);
    h.advance(15_000); // 30 s after the message
    expectErr(await h.post('/cgi-bin/message/custom/typing', { touser: BOB, command: 'Typing' }), 45080);
  });

  it('a menu click counts as an interaction; bad command 47001, bad openid 40003, unfollowed 43004, unverified 48001', async () => {
    await h.admin(`/__emulator/followers/alice/event`, { event: 'CLICK', key: 'K' });
    expect((await h.post('/cgi-bin/message/custom/typing', { touser: ALICE, command: 'Typing' })).errcode).toBe(0);
    expectErr(await h.post('/cgi-bin/message/custom/typing', { touser: ALICE, command: 'typing' }), 47001);
    expectErr(await h.post('/cgi-bin/message/custom/typing', { touser: 'x', command: 'Typing' }), 40003);
    expectErr(await h.post('/cgi-bin/message/custom/typing', { touser: CAROL, command: 'Typing' }), 43004);
    expectErr(await h.post('/cgi-bin/message/custom/typing', { touser: ALICE, command: 'Typing' }, UNVERIFIED), 48001);
  });
});

describe('openapi/rid/get (§3)', () => {
  it('looks up the request behind an error answer of the same account for 7 days', async () => {
    const failed = await h.post('/cgi-bin/message/mass/get?x=1', { msg_id: 42 });
    const rid = RID.exec(failed.errmsg)![1]!;
    const found = await h.post('/cgi-bin/openapi/rid/get', { rid });
    expect(found).toMatchObject({ errcode: 0, errmsg: 'ok' });
    expect(found.request).toMatchObject({
      invoke_time: expect.any(Number),
      cost_in_ms: expect.any(Number),
      request_url: '/cgi-bin/message/mass/get?x=1',
      request_body: '{"msg_id":42}',
      client_ip: '127.0.0.1',
    });
    expect(JSON.parse(found.request.response_body)).toMatchObject({ errcode: 40059 });
    expect(found.request.request_url).not.toMatch(/access_token/);
    expectErr(await h.post('/cgi-bin/openapi/rid/get', { rid }, OTHER), 76003);
    h.advance(7 * 86_400_000 + 1000);
    expectErr(await h.post('/cgi-bin/openapi/rid/get', { rid }), 76004);
  });

  it('malformed rid → 76002; unknown → 76001; errors before the token check belong to no account', async () => {
    expectErr(await h.post('/cgi-bin/openapi/rid/get', { rid: 'hello' }), 76002);
    expectErr(await h.post('/cgi-bin/openapi/rid/get', {}), 76002);
    // An error before the token check (41001) belongs to no account; its rid (time prefix = the emulator's now) is
    // not found.
    const noToken = (await (await fetch(`${h.emu.url}/cgi-bin/draft/count`)).json()) as Json;
    const rid = RID.exec(noToken.errmsg)![1]!;
    expectErr(await h.post('/cgi-bin/openapi/rid/get', { rid }), 76001);
    // A rid whose time is over 7 days old.
    const nowSec = parseInt(rid.slice(0, 8), 16);
    const old = `${(nowSec - 8 * 86_400).toString(16)}-00000000-00000000`;
    expectErr(await h.post('/cgi-bin/openapi/rid/get', { rid: old }), 76004);
  });
});

describe('callback/check (§3)', () => {
  it('answers dns and ping results per action and operator; 40202 bad action, 40203 bad operator', async () => {
    const all = await h.post('/cgi-bin/callback/check', { action: 'all', check_operator: 'DEFAULT' });
    expect(all.dns).toEqual([{ ip: '127.0.0.1', real_operator: 'CAP' }]);
    expect(all.ping).toEqual([{ ip: '127.0.0.1', from_operator: 'CAP', package_loss: '0%', time: expect.any(String) }]);
    const dns = await h.post('/cgi-bin/callback/check', { action: 'dns', check_operator: 'UNICOM' });
    expect(dns).toEqual({ dns: [{ ip: '127.0.0.1', real_operator: 'UNICOM' }], ping: [] });
    expect((await h.post('/cgi-bin/callback/check', { action: 'ping', check_operator: 'CHINANET' })).dns).toEqual([]);
    expectErr(await h.post('/cgi-bin/callback/check', { action: 'trace', check_operator: 'DEFAULT' }), 40202);
    expectErr(await h.post('/cgi-bin/callback/check', { action: 'all', check_operator: 'MOBILE' }), 40203);
    expectErr(await h.post('/cgi-bin/callback/check', { action: 'all' }), 40203);
  });
});

describe('media/get/jssdk (§4.3)', () => {
  it('answers a live temporary voice as voice/speex; other media and unknown ids → 40007', async () => {
    const amr = Buffer.concat([Buffer.from('#!AMR\n'), Buffer.alloc(64, 7)]);
    const voice = await upload('/cgi-bin/media/upload?type=voice', amr, 'hello.amr');
    expect(voice.media_id).toBeTruthy();
    const res = await fetch(`${h.emu.url}/cgi-bin/media/get/jssdk?media_id=${voice.media_id}&access_token=${await h.token()}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^voice\/speex/);
    expect(Buffer.from(await res.arrayBuffer()).equals(amr)).toBe(true);
    expectErr(await h.call('GET', '/cgi-bin/media/get/jssdk?media_id=nope'), 40007);
    const image = await upload('/cgi-bin/media/upload?type=image', PNG_1PX, 'p.png');
    expectErr(await h.call('GET', `/cgi-bin/media/get/jssdk?media_id=${image.media_id}`), 40007);
    expectErr(await h.post('/cgi-bin/media/get/jssdk', {}), 43001);
  });
});

describe('unknown API paths (§1, §13)', () => {
  it('answer HTTP 200 48001 naming the path, and are logged', async () => {
    const body = await h.post('/cgi-bin/message/mass/nosuch', {});
    expectErr(body, 48001);
    expect(body.errmsg).toMatch(/^api unauthorized \(emulator: no such API \/cgi-bin\/message\/mass\/nosuch\) rid: /);
  });
});

/** A draft with `n` articles (their cover a permanent image). */
async function makeDraft(n: number): Promise<string> {
  const cover = await upload('/cgi-bin/material/add_material?type=image', PNG_1PX, 'cover.png');
  const articles = Array.from({ length: n }, (_, i) => ({ title: `第${i + 1}篇`, content: `<p>正文${i}</p>`, thumb_media_id: cover.media_id }));
  const added = await h.post('/cgi-bin/draft/add', { articles });
  expect(added.media_id, JSON.stringify(added)).toBeTypeOf('string');
  return added.media_id;
}

async function upload(path: string, data: Buffer, filename: string): Promise<Json> {
  const form = new FormData();
  form.append('media', new Blob([new Uint8Array(data)]), filename);
  const res = await fetch(`${h.emu.url}${path}&access_token=${await h.token()}`, { method: 'POST', body: form });
  return (await res.json()) as Json;
}

/** A valid 1×1 PNG. */
const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

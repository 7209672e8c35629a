/**
 * The emulator's message, menu, user and datacube endpoints over real HTTP with plain fetch (not our client), one
 * test per rule of docs/wechat-api.md §7–§10. Each describe block starts its own emulator with a fixed clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { NAMED_TEST_FOLLOWERS } from '../../src/emulator/logic/user-followers.js';
import { DATACUBE_APIS } from '../../src/emulator/logic/datacube-dates.js';

const APP = { appId: 'wx1234567890abcdef', appSecret: '0123456789abcdef0123456789abcdef' };
const UNVERIFIED = { appId: 'wxfedcba0987654321', appSecret: 'fedcba9876543210fedcba9876543210', verified: false };
/** 2026-03-10 12:00 Beijing time. */
const T0 = Date.UTC(2026, 2, 10, 4, 0, 0);
const ALICE = NAMED_TEST_FOLLOWERS[0]!.openid;
const BOB = NAMED_TEST_FOLLOWERS[1]!.openid;
const CAROL = NAMED_TEST_FOLLOWERS[2]!.openid; // has unfollowed
const RID = / rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

type Json = Record<string, any>;

class Harness {
  emu!: RunningEmulator;
  private tokens = new Map<string, string>();

  async start(stateDir?: string): Promise<void> {
    this.emu = await startEmulator({ accounts: [APP, UNVERIFIED], now: () => T0, ...(stateDir ? { stateDir } : {}) });
    this.tokens.clear();
  }

  async token(app: { appId: string; appSecret: string } = APP): Promise<string> {
    const cached = this.tokens.get(app.appId);
    if (cached) return cached;
    const res = await fetch(
      `${this.emu.url}/cgi-bin/token?grant_type=client_credential&appid=${app.appId}&secret=${app.appSecret}`,
    );
    const body = (await res.json()) as Json;
    expect(body.access_token, JSON.stringify(body)).toBeTypeOf('string');
    this.tokens.set(app.appId, body.access_token);
    return body.access_token;
  }

  /** Advance the emulator clock; tokens older than 2 h would expire, so fetch new ones. */
  advance(ms: number): void {
    this.emu.control.advanceTime(ms);
    this.tokens.clear();
  }

  /** A business call: HTTP 200 always, JSON body. `body` may be a raw string to control the exact bytes. */
  async call(method: 'GET' | 'POST', path: string, body?: unknown, app = APP): Promise<Json> {
    const sep = path.includes('?') ? '&' : '?';
    const url = `${this.emu.url}${path}${sep}access_token=${await this.token(app)}`;
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      init.headers = { 'Content-Type': 'application/json; charset=utf-8' };
    }
    const res = await fetch(url, init);
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  }

  async admin(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const init: RequestInit = { method };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await fetch(`${this.emu.url}${path}`, init);
    return { status: res.status, body: (await res.json()) as Json };
  }
}

function expectErr(body: Json, errcode: number): void {
  expect(body.errcode, JSON.stringify(body)).toBe(errcode);
  expect(body.errmsg).toMatch(RID);
}

const text = (touser: string, content = '你好，欢迎关注') => ({ touser, msgtype: 'text', text: { content } });

describe('custom messages and service windows (§7.1)', () => {
  const h = new Harness();
  let followers: string[] = [];
  let next = 0;
  /** A follower nobody has interacted with yet. */
  const fresh = () => followers[100 + next++]!;

  beforeAll(async () => {
    await h.start();
    const page = await h.call('GET', '/cgi-bin/user/get');
    followers = page.data.openid;
  });
  afterAll(() => h.emu.close());

  it('no interaction → 45015', async () => {
    expectErr(await h.call('POST', '/cgi-bin/message/custom/send', text(fresh())), 45015);
  });

  it('a user message opens 5 replies within 48 h, the 6th → 45047, and delivery is visible in /__emulator/messages', async () => {
    const user = fresh();
    const opened = await h.admin('POST', `/__emulator/followers/${user}/message`, { content: '在吗？' });
    expect(opened.status).toBe(200);
    for (let i = 0; i < 5; i++) {
      expect(await h.call('POST', '/cgi-bin/message/custom/send', text(user, `第${i + 1}条`))).toEqual({ errcode: 0, errmsg: 'ok' });
    }
    expectErr(await h.call('POST', '/cgi-bin/message/custom/send', text(user)), 45047);
    const log = await h.admin('GET', `/__emulator/messages?touser=${user}`);
    expect(log.body.messages.map((m: Json) => m.payload.content)).toEqual(['第1条', '第2条', '第3条', '第4条', '第5条']);
    expect(log.body.messages[0]).toMatchObject({ via: 'custom', msgtype: 'text', window: 'message' });
  });

  it('the 48-hour window closes (clock-driven) → 45015', async () => {
    const user = fresh();
    await h.admin('POST', `/__emulator/followers/${user}/message`, {});
    h.advance(47 * 3_600_000);
    expect((await h.call('POST', '/cgi-bin/message/custom/send', text(user))).errcode).toBe(0);
    h.advance(3_600_000);
    expectErr(await h.call('POST', '/cgi-bin/message/custom/send', text(user)), 45015);
  });

  it('a menu click opens 3 replies within 1 minute; 4th → 45047; after the minute → 45015', async () => {
    const user = fresh();
    const ev = await h.admin('POST', `/__emulator/followers/${user}/event`, { event: 'CLICK', key: 'V1001_TODAY_MUSIC' });
    expect(ev.status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await h.call('POST', '/cgi-bin/message/custom/send', text(user))).errcode).toBe(0);
    expectErr(await h.call('POST', '/cgi-bin/message/custom/send', text(user)), 45047);
    const other = fresh();
    await h.admin('POST', `/__emulator/followers/${other}/event`, { event: 'SCAN' });
    h.advance(60_000);
    expectErr(await h.call('POST', '/cgi-bin/message/custom/send', text(other)), 45015);
  });

  it('a follow (subscribe event of a new openid) opens the 1-minute window', async () => {
    const created = await h.admin('POST', '/__emulator/followers', {});
    expect(created.status).toBe(200);
    const openid = created.body.openid as string;
    expect(openid).toMatch(/^[A-Za-z0-9_-]{28}$/);
    expect((await h.call('POST', '/cgi-bin/message/custom/send', text(openid))).errcode).toBe(0);
    expect((await h.call('GET', `/cgi-bin/user/info?openid=${openid}`)).subscribe).toBe(1);
  });

  it('empty text → 44004', async () => {
    expectErr(await h.call('POST', '/cgi-bin/message/custom/send', text(ALICE, '')), 44004);
  });

  it('news with more than one article → 45008', async () => {
    const user = fresh();
    await h.admin('POST', `/__emulator/followers/${user}/message`, {});
    const article = { title: '标题', description: '描述', url: 'https://example.com/a', picurl: 'https://example.com/a.png' };
    expectErr(
      await h.call('POST', '/cgi-bin/message/custom/send', { touser: user, msgtype: 'news', news: { articles: [article, article] } }),
      45008,
    );
    expect(
      (await h.call('POST', '/cgi-bin/message/custom/send', { touser: user, msgtype: 'news', news: { articles: [article] } })).errcode,
    ).toBe(0);
  });

  it('unknown msgtype → 40008', async () => {
    expectErr(await h.call('POST', '/cgi-bin/message/custom/send', { touser: ALICE, msgtype: 'fax', fax: {} }), 40008);
  });

  it('malformed openid or one that never followed → 40003', async () => {
    expectErr(await h.call('POST', '/cgi-bin/message/custom/send', text('not-an-openid')), 40003);
    expectErr(await h.call('POST', '/cgi-bin/message/custom/send', text('oNeverFollowedThisAccount123')), 40003);
  });

  it('a user who unfollowed → 43004', async () => {
    expectErr(await h.call('POST', '/cgi-bin/message/custom/send', text(CAROL)), 43004);
  });

  it('unfollowing through the admin API closes the window → 43004', async () => {
    const user = fresh();
    await h.admin('POST', `/__emulator/followers/${user}/message`, {});
    await h.admin('POST', `/__emulator/followers/${user}/event`, { event: 'unsubscribe' });
    expectErr(await h.call('POST', '/cgi-bin/message/custom/send', text(user)), 43004);
  });

  it('unknown media_id → 40007', async () => {
    const user = fresh();
    await h.admin('POST', `/__emulator/followers/${user}/message`, {});
    expectErr(
      await h.call('POST', '/cgi-bin/message/custom/send', { touser: user, msgtype: 'image', image: { media_id: 'no-such-media' } }),
      40007,
    );
  });

  it('unverified account → 48001', async () => {
    expectErr(await h.call('POST', '/cgi-bin/message/custom/send', text(ALICE), UNVERIFIED), 48001);
  });

  it('admin endpoints reject bad input with HTTP 4xx', async () => {
    expect((await h.admin('POST', `/__emulator/followers/${ALICE}/event`, { event: 'DANCE' })).status).toBe(400);
    expect((await h.admin('POST', '/__emulator/followers/oNeverFollowedThisAccount123/message', {})).status).toBe(404);
    expect((await h.admin('POST', `/__emulator/followers/${CAROL}/message`, {})).status).toBe(409);
    expect((await h.admin('GET', '/__emulator/followers?appid=wxnope')).status).toBe(404);
  });
});

describe('mass preview and sendall (§7.2)', () => {
  const h = new Harness();
  beforeAll(() => h.start());
  afterAll(() => h.emu.close());

  it('preview to a follower needs no window and answers an int msg_id', async () => {
    const res = await h.call('POST', '/cgi-bin/message/mass/preview', { touser: BOB, msgtype: 'text', text: { content: '预览' } });
    expect(res).toMatchObject({ errcode: 0, errmsg: 'preview success' });
    expect(Number.isInteger(res.msg_id)).toBe(true);
  });

  it('towxname reaches the follower with that 微信号 and wins over touser', async () => {
    await h.call('POST', '/cgi-bin/message/mass/preview', {
      touser: BOB,
      towxname: 'alice_wx',
      msgtype: 'text',
      text: { content: '给 alice' },
    });
    const log = await h.admin('GET', `/__emulator/messages?touser=${ALICE}&via=preview`);
    expect(log.body.messages.at(-1)).toMatchObject({ towxname: 'alice_wx', payload: { content: '给 alice' } });
  });

  it('preview accepts a draft media_id (mpnews) and rejects an unknown one (40007)', async () => {
    // Build a real draft through the core's endpoints: permanent thumb + draft/add.
    const form = new FormData();
    form.append('media', new Blob([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9])], { type: 'image/jpeg' }), 'cover.jpg');
    const thumbRes = await fetch(`${h.emu.url}/cgi-bin/material/add_material?type=image&access_token=${await h.token()}`, {
      method: 'POST',
      body: form,
    });
    const thumb = (await thumbRes.json()) as Json;
    expect(thumb.media_id, JSON.stringify(thumb)).toBeTypeOf('string');
    const draft = await h.call('POST', '/cgi-bin/draft/add', {
      articles: [{ title: '预览测试', content: '<p>正文</p>', thumb_media_id: thumb.media_id }],
    });
    expect(draft.media_id, JSON.stringify(draft)).toBeTypeOf('string');
    const ok = await h.call('POST', '/cgi-bin/message/mass/preview', { touser: ALICE, msgtype: 'mpnews', mpnews: { media_id: draft.media_id } });
    expect(ok.errcode).toBe(0);
    expectErr(
      await h.call('POST', '/cgi-bin/message/mass/preview', { touser: ALICE, msgtype: 'mpnews', mpnews: { media_id: 'nope' } }),
      40007,
    );
  });

  it('preview: unknown 微信号 or openid → 40003, unfollowed → 43004, unverified → 48001', async () => {
    const body = { msgtype: 'text', text: { content: 'x' } };
    expectErr(await h.call('POST', '/cgi-bin/message/mass/preview', { ...body, towxname: 'nobody_wx' }), 40003);
    expectErr(await h.call('POST', '/cgi-bin/message/mass/preview', { ...body, touser: 'oNeverFollowedThisAccount123' }), 40003);
    expectErr(await h.call('POST', '/cgi-bin/message/mass/preview', { ...body, touser: CAROL }), 43004);
    expectErr(await h.call('POST', '/cgi-bin/message/mass/preview', { ...body, touser: ALICE }, UNVERIFIED), 48001);
  });

  it('towxname previews are limited to 100 a day (Beijing day)', async () => {
    const body = { towxname: 'bob_wx', msgtype: 'text', text: { content: 'x' } };
    let used = (await h.admin('GET', '/__emulator/messages?via=preview')).body.messages.filter((m: Json) => m.towxname).length;
    for (; used < 100; used++) expect((await h.call('POST', '/cgi-bin/message/mass/preview', body)).errcode).toBe(0);
    expectErr(await h.call('POST', '/cgi-bin/message/mass/preview', body), 45009);
    // touser previews are not limited by the towxname counter.
    expect((await h.call('POST', '/cgi-bin/message/mass/preview', { ...body, towxname: undefined, touser: BOB })).errcode).toBe(0);
    h.advance(24 * 3_600_000);
    expect((await h.call('POST', '/cgi-bin/message/mass/preview', body)).errcode).toBe(0);
  });

  it('sendall to all answers msg_id, mass/get reports SEND_SUCCESS; a second mass send that day → 45028', async () => {
    const sent = await h.call('POST', '/cgi-bin/message/mass/sendall', {
      filter: { is_to_all: true },
      msgtype: 'text',
      text: { content: '群发' },
    });
    expect(sent).toMatchObject({ errcode: 0, errmsg: 'send job submission success' });
    expect(Number.isInteger(sent.msg_id)).toBe(true);
    expect(await h.call('POST', '/cgi-bin/message/mass/get', { msg_id: String(sent.msg_id) })).toEqual({
      msg_id: sent.msg_id,
      msg_status: 'SEND_SUCCESS',
    });
    expectErr(await h.call('POST', '/cgi-bin/message/mass/get', { msg_id: 12345 }), 40059);
    expectErr(
      await h.call('POST', '/cgi-bin/message/mass/sendall', { filter: { is_to_all: true }, msgtype: 'text', text: { content: '再发' } }),
      45028,
    );
  });
});

describe('menus (§8)', () => {
  const h = new Harness();
  beforeAll(() => h.start());
  afterAll(() => h.emu.close());

  const click = (name: string, key = 'K') => ({ type: 'click', name, key });
  const create = (button: unknown) => h.call('POST', '/cgi-bin/menu/create', { button });

  it('menu/get before any menu → 46003', async () => {
    expectErr(await h.call('GET', '/cgi-bin/menu/get'), 46003);
    expect(await h.call('GET', '/cgi-bin/get_current_selfmenu_info')).toEqual({ is_menu_open: 0, selfmenu_info: { button: [] } });
  });

  it('create → get (sub_button arrays, int menuid) → selfmenu info → delete (GET) → 46003', async () => {
    const menu = [
      click('今日歌曲', 'V1001_TODAY_MUSIC'),
      {
        name: '菜单',
        sub_button: [
          { type: 'view', name: '搜索', url: 'http://www.soso.com/' },
          { type: 'miniprogram', name: 'wxa', url: 'http://mp.weixin.qq.com', appid: 'wx286b93c14bbf93aa', pagepath: 'pages/lunar/index' },
          click('赞一下我们', 'V1001_GOOD'),
        ],
      },
    ];
    expect(await create(menu)).toEqual({ errcode: 0, errmsg: 'ok' });
    const got = await h.call('GET', '/cgi-bin/menu/get');
    expect(Number.isInteger(got.menu.menuid)).toBe(true);
    expect(got.menu.button[0]).toEqual({ type: 'click', name: '今日歌曲', key: 'V1001_TODAY_MUSIC', sub_button: [] });
    expect(got.menu.button[1].sub_button).toHaveLength(3);
    expect(got.menu.button[1].sub_button[0]).toEqual({ type: 'view', name: '搜索', url: 'http://www.soso.com/', sub_button: [] });
    // What menu/get returns can be posted back unchanged.
    expect((await create(got.menu.button)).errcode).toBe(0);
    const self = await h.call('GET', '/cgi-bin/get_current_selfmenu_info');
    expect(self.is_menu_open).toBe(1);
    expect(self.selfmenu_info.button[1].sub_button.list[0]).toMatchObject({ type: 'view', name: '搜索' });
    expectErr(await h.call('POST', '/cgi-bin/menu/delete', {}), 43001);
    expect(await h.call('GET', '/cgi-bin/menu/delete')).toEqual({ errcode: 0, errmsg: 'ok' });
    expectErr(await h.call('GET', '/cgi-bin/menu/get'), 46003);
  });

  it('1–3 top-level buttons → 40016; 1–5 sub-buttons → 40023', async () => {
    expectErr(await create([]), 40016);
    expectErr(await create([click('a'), click('b'), click('c'), click('d')]), 40016);
    expectErr(await create([{ name: 'm', sub_button: Array.from({ length: 6 }, (_, i) => click(`s${i}`)) }]), 40023);
  });

  it('names are limited in UTF-8 bytes: 16 top (40018), 60 sub (40025)', async () => {
    expect((await create([click('五个汉字啊')])).errcode).toBe(0); // 15 bytes
    expectErr(await create([click('六个汉字啊啊')]), 40018); // 18 bytes
    expect((await create([{ name: 'm', sub_button: [click('字'.repeat(20))] }])).errcode).toBe(0); // 60 bytes
    expectErr(await create([{ name: 'm', sub_button: [click('字'.repeat(21))] }]), 40025);
  });

  it('key ≤128 bytes (40019 / 40026) and url ≤1024 bytes (40020 / 40027)', async () => {
    expectErr(await create([click('a', 'k'.repeat(129))]), 40019);
    expectErr(await create([{ name: 'm', sub_button: [click('a', 'k'.repeat(129))] }]), 40026);
    const long = `https://example.com/${'x'.repeat(1005)}`;
    expectErr(await create([{ type: 'view', name: 'a', url: long }]), 40020);
    expectErr(await create([{ name: 'm', sub_button: [{ type: 'view', name: 'a', url: long }] }]), 40027);
  });

  it('unknown types → 40015 (top) / 40024 (sub); type and sub_button together → 40015', async () => {
    expectErr(await create([{ type: 'teleport', name: 'a' }]), 40015);
    expectErr(await create([{ name: 'm', sub_button: [{ type: 'teleport', name: 'a' }] }]), 40024);
    expectErr(await create([{ type: 'click', key: 'k', name: 'm', sub_button: [click('a')] }]), 40015);
  });

  it('more than 3 external domains → 65316; a non-http URL → 65317', async () => {
    const view = (host: string) => ({ type: 'view', name: 'v', url: `https://${host}/` });
    expectErr(await create([view('a.com'), view('b.com'), { name: 'm', sub_button: [view('c.com'), view('d.com')] }]), 65316);
    expectErr(await create([{ type: 'view', name: 'v', url: 'javascript:alert(1)' }]), 65317);
  });

  it('conditional menus: need a default menu (65303), a matchrule (65304, 65320 for privacy fields); trymatch by tag', async () => {
    await h.call('GET', '/cgi-bin/menu/delete');
    const rule = { tag_id: '2' };
    const vip = [click('会员专区', 'VIP')];
    expectErr(await h.call('POST', '/cgi-bin/menu/addconditional', { button: vip, matchrule: rule }), 65303);
    await create([click('普通菜单', 'NORMAL')]);
    expectErr(await h.call('POST', '/cgi-bin/menu/addconditional', { button: vip }), 65304);
    expectErr(await h.call('POST', '/cgi-bin/menu/addconditional', { button: vip, matchrule: { sex: '1' } }), 65320);
    const added = await h.call('POST', '/cgi-bin/menu/addconditional', { button: vip, matchrule: rule });
    expect(Number.isInteger(added.menuid)).toBe(true);
    const got = await h.call('GET', '/cgi-bin/menu/get');
    expect(got.conditionalmenu).toEqual([
      { button: [{ type: 'click', name: '会员专区', key: 'VIP', sub_button: [] }], matchrule: rule, menuid: added.menuid },
    ]);
    // bob carries the 星标组 tag (id 2), alice does not.
    await h.call('POST', '/cgi-bin/tags/members/batchtagging', { openid_list: [BOB], tagid: 2 });
    expect((await h.call('POST', '/cgi-bin/menu/trymatch', { user_id: 'bob_wx' })).button[0].name).toBe('会员专区');
    expect((await h.call('POST', '/cgi-bin/menu/trymatch', { user_id: ALICE })).button[0].name).toBe('普通菜单');
    expectErr(await h.call('POST', '/cgi-bin/menu/trymatch', { user_id: CAROL }), 65302);
    expect((await h.call('POST', '/cgi-bin/menu/delconditional', { menuid: String(added.menuid) })).errcode).toBe(0);
    expectErr(await h.call('POST', '/cgi-bin/menu/delconditional', { menuid: added.menuid }), 65301);
  });

  it('\\uXXXX escapes in a menu body → 40033', async () => {
    expectErr(await h.call('POST', '/cgi-bin/menu/create', '{"button":[{"type":"click","name":"\\u83dc\\u5355","key":"k"}]}'), 40033);
  });
});

describe('users (§9)', () => {
  const h = new Harness();
  beforeAll(() => h.start());
  afterAll(() => h.emu.close());

  it('user/get pages 10 000 openids at a time; after the last page: count 0, no data', async () => {
    const seen: string[] = [];
    let next = '';
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const page = await h.call('GET', `/cgi-bin/user/get${next ? `?next_openid=${next}` : ''}`);
      expect(page.total).toBe(25_002);
      counts.push(page.count);
      if (page.count === 0) {
        expect(page).not.toHaveProperty('data');
        expect(page.next_openid).toBe('');
        break;
      }
      seen.push(...page.data.openid);
      expect(page.next_openid).toBe(page.data.openid.at(-1));
      next = page.next_openid;
    }
    expect(counts).toEqual([10_000, 10_000, 5_002, 0]);
    expect(new Set(seen).size).toBe(25_002);
    expect(seen).toContain(ALICE);
    expect(seen).not.toContain(CAROL);
    for (const id of seen.slice(0, 50)) expect(id).toMatch(/^[A-Za-z0-9_-]{28}$/);
  });

  it('user/get with an unknown next_openid → 40003', async () => {
    expectErr(await h.call('GET', '/cgi-bin/user/get?next_openid=oNeverFollowedThisAccount123'), 40003);
  });

  it('user/info: subscribed shape without nickname/headimgurl', async () => {
    const info = await h.call('GET', `/cgi-bin/user/info?openid=${ALICE}&lang=zh_CN`);
    expect(info).toMatchObject({ subscribe: 1, openid: ALICE, language: 'zh_CN', remark: '', tagid_list: [] });
    expect(Number.isInteger(info.subscribe_time)).toBe(true);
    expect(info.subscribe_scene).toMatch(/^ADD_SCENE_/);
    expect(info).not.toHaveProperty('nickname');
    expect(info).not.toHaveProperty('headimgurl');
  });

  it('user/info: unfollowed user → only subscribe 0, openid, tagid_list', async () => {
    expect(await h.call('GET', `/cgi-bin/user/info?openid=${CAROL}`)).toEqual({ subscribe: 0, openid: CAROL, tagid_list: [] });
  });

  it('user/info: malformed or foreign openid → 40003', async () => {
    expectErr(await h.call('GET', '/cgi-bin/user/info?openid=abc'), 40003);
    expectErr(await h.call('GET', '/cgi-bin/user/info?openid=oNeverFollowedThisAccount123'), 40003);
  });

  it('user/info/batchget: up to 100 users in order; 101 → 40032', async () => {
    const ids = (await h.call('GET', '/cgi-bin/user/get')).data.openid.slice(0, 101) as string[];
    const ok = await h.call('POST', '/cgi-bin/user/info/batchget', { user_list: ids.slice(0, 100).map((openid) => ({ openid, lang: 'zh_CN' })) });
    expect(ok.user_info_list).toHaveLength(100);
    expect(ok.user_info_list.map((u: Json) => u.openid)).toEqual(ids.slice(0, 100));
    expectErr(await h.call('POST', '/cgi-bin/user/info/batchget', { user_list: ids.map((openid) => ({ openid })) }), 40032);
  });

  it('these APIs count in the daily quota seen by openapi/quota/get (user/get: 500 a day)', async () => {
    const before = await h.call('POST', '/cgi-bin/openapi/quota/get', { cgi_path: '/cgi-bin/user/get' });
    await h.call('GET', '/cgi-bin/user/get');
    const after = await h.call('POST', '/cgi-bin/openapi/quota/get', { cgi_path: '/cgi-bin/user/get' });
    expect(after.quota.daily_limit).toBe(500);
    expect(after.quota.used).toBe(before.quota.used + 1);
  });
});

describe('datacube (§10)', () => {
  const h = new Harness();
  beforeAll(() => h.start());
  afterAll(() => h.emu.close());
  const dc = (name: string, begin: unknown, end: unknown) => h.call('POST', `/datacube/${name}`, { begin_date: begin, end_date: end });
  /** The `span` days ending yesterday (2026-03-09). */
  const range = (span: number): [string, string] => {
    const end = Date.UTC(2026, 2, 9);
    return [new Date(end - (span - 1) * 86_400_000).toISOString().slice(0, 10), '2026-03-09'];
  };

  it('every API accepts its maximum span ending yesterday and answers {"list":[…]}', async () => {
    for (const [name, api] of Object.entries(DATACUBE_APIS)) {
      const res = await dc(name, ...range(api.maxSpan));
      expect(res.errcode, `${name}: ${JSON.stringify(res)}`).toBeUndefined();
      expect(Array.isArray(res.list)).toBe(true);
      if (api.isNew) expect(res.is_delay).toBe(false);
      else expect(res).not.toHaveProperty('is_delay');
    }
  });

  it('every API rejects one day more than its maximum span → 61501', async () => {
    for (const [name, api] of Object.entries(DATACUBE_APIS)) expectErr(await dc(name, ...range(api.maxSpan + 1)), 61501);
  });

  it('end_date today (Beijing) → 61501; begin after end → 61501', async () => {
    expectErr(await dc('getusersummary', '2026-03-10', '2026-03-10'), 61501);
    expectErr(await dc('getusersummary', '2026-03-08', '2026-03-07'), 61501);
  });

  it('bad date format → 61500', async () => {
    expectErr(await dc('getusersummary', '2026/03/01', '2026-03-02'), 61500);
    expectErr(await dc('getusersummary', '2026-02-30', '2026-03-01'), 61500);
    expectErr(await h.call('POST', '/datacube/getusercumulate', { begin_date: '2026-03-01' }), 61500);
  });

  it('new APIs have data only from 2025-11-01: earlier days → {"list":[],"is_delay":false}', async () => {
    expect(await dc('getarticleread', '2025-10-31', '2025-10-31')).toEqual({ list: [], is_delay: false });
    expect(await dc('getbizsummary', '2014-12-01', '2014-12-01')).toEqual({ list: [], is_delay: false });
  });

  it('empty days answer {"list":[]} (before the 2014-12-01 data start)', async () => {
    expect(await dc('getusersummary', '2014-11-24', '2014-11-30')).toEqual({ list: [] });
  });

  it('data is deterministic and plausible', async () => {
    const a = await dc('getusercumulate', ...range(7));
    expect(await dc('getusercumulate', ...range(7))).toEqual(a);
    expect(a.list.map((r: Json) => r.ref_date)).toEqual([
      '2026-03-03',
      '2026-03-04',
      '2026-03-05',
      '2026-03-06',
      '2026-03-07',
      '2026-03-08',
      '2026-03-09',
    ]);
    const values = a.list.map((r: Json) => r.cumulate_user as number);
    expect([...values].sort((x, y) => x - y)).toEqual(values); // non-decreasing
    const hours = await dc('getupstreammsghour', '2026-03-09', '2026-03-09');
    for (const row of hours.list) expect(row.ref_hour % 100).toBe(0);
  });

  it('datacube calls are POST only → 43002', async () => {
    expectErr(await h.call('GET', '/datacube/getusersummary'), 43002);
  });
});

describe('tags (§9)', () => {
  const h = new Harness();
  beforeAll(() => h.start());
  afterAll(() => h.emu.close());

  it('create → tag followers → tags/get counts, getidlist, user/tag/get, user/info tagid_list', async () => {
    const created = await h.call('POST', '/cgi-bin/tags/create', { tag: { name: '广东' } });
    expect(created.tag).toMatchObject({ name: '广东' });
    const id = created.tag.id as number;
    expect(Number.isInteger(id)).toBe(true);
    expect(await h.call('POST', '/cgi-bin/tags/members/batchtagging', { openid_list: [ALICE, BOB], tagid: id })).toEqual({
      errcode: 0,
      errmsg: 'ok',
    });
    const tags = await h.call('GET', '/cgi-bin/tags/get');
    expect(tags.tags).toContainEqual({ id: 2, name: '星标组', count: 0 });
    expect(tags.tags).toContainEqual({ id, name: '广东', count: 2 });
    expect(await h.call('POST', '/cgi-bin/tags/getidlist', { openid: ALICE })).toEqual({ tagid_list: [id] });
    const members = await h.call('POST', '/cgi-bin/user/tag/get', { tagid: id, next_openid: '' });
    expect(members).toMatchObject({ count: 2, data: { openid: [ALICE, BOB] }, next_openid: BOB });
    expect((await h.call('GET', `/cgi-bin/user/info?openid=${ALICE}`)).tagid_list).toEqual([id]);
    await h.call('POST', '/cgi-bin/tags/members/batchuntagging', { openid_list: [BOB], tagid: id });
    expect((await h.call('POST', '/cgi-bin/user/tag/get', { tagid: id })).data.openid).toEqual([ALICE]);
  });

  it('mass/sendall to a tag reaches its members only; a filter without is_to_all or tag_id → 47001', async () => {
    const { tag } = await h.call('POST', '/cgi-bin/tags/create', { tag: { name: '深圳' } });
    await h.call('POST', '/cgi-bin/tags/members/batchtagging', { openid_list: [ALICE, BOB, CAROL], tagid: tag.id });
    expectErr(await h.call('POST', '/cgi-bin/message/mass/sendall', { filter: { is_to_all: false }, msgtype: 'text', text: { content: 'x' } }), 47001);
    const sent = await h.call('POST', '/cgi-bin/message/mass/sendall', {
      filter: { is_to_all: false, tag_id: tag.id },
      msgtype: 'text',
      text: { content: '深圳的朋友们好' },
    });
    expect(sent.errcode).toBe(0);
    const log = await h.admin('GET', '/__emulator/messages?via=sendall');
    // carol is tagged but no longer follows.
    expect(log.body.messages.at(-1)).toMatchObject({ touser: `@tag:${tag.id}`, recipients: 2, msgId: sent.msg_id });
  });

  it('tag names: duplicate or empty → 45157, over 30 bytes → 45158', async () => {
    await h.call('POST', '/cgi-bin/tags/create', { tag: { name: '北京' } });
    expectErr(await h.call('POST', '/cgi-bin/tags/create', { tag: { name: '北京' } }), 45157);
    expectErr(await h.call('POST', '/cgi-bin/tags/create', { tag: { name: '' } }), 45157);
    expectErr(await h.call('POST', '/cgi-bin/tags/create', { tag: { name: '一二三四五六七八九十一' } }), 45158); // 33 bytes
  });

  it('system tags cannot be changed (45058); unknown tag id → 45159', async () => {
    expectErr(await h.call('POST', '/cgi-bin/tags/update', { tag: { id: 2, name: '星星' } }), 45058);
    expectErr(await h.call('POST', '/cgi-bin/tags/delete', { tag: { id: 1 } }), 45058);
    expectErr(await h.call('POST', '/cgi-bin/tags/delete', { tag: { id: 99999 } }), 45159);
  });

  it('batchtagging: 1..50 openids (40032), foreign openid 49003, malformed 40003', async () => {
    const { tag } = await h.call('POST', '/cgi-bin/tags/create', { tag: { name: '上海' } });
    const ids = (await h.call('GET', '/cgi-bin/user/get')).data.openid.slice(0, 51) as string[];
    expectErr(await h.call('POST', '/cgi-bin/tags/members/batchtagging', { openid_list: ids, tagid: tag.id }), 40032);
    expect((await h.call('POST', '/cgi-bin/tags/members/batchtagging', { openid_list: ids.slice(0, 50), tagid: tag.id })).errcode).toBe(0);
    expectErr(
      await h.call('POST', '/cgi-bin/tags/members/batchtagging', { openid_list: ['oNeverFollowedThisAccount123'], tagid: tag.id }),
      49003,
    );
    expectErr(await h.call('POST', '/cgi-bin/tags/members/batchtagging', { openid_list: ['bad'], tagid: tag.id }), 40003);
  });
});

describe('persistence', () => {
  it('menus, followers, windows and delivered messages survive a restart with the same stateDir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxmp-emu-e2-'));
    const h = new Harness();
    try {
      await h.start(dir);
      expect((await h.call('POST', '/cgi-bin/menu/create', { button: [{ type: 'click', name: '菜单', key: 'K' }] })).errcode).toBe(0);
      const { body } = await h.admin('POST', '/__emulator/followers', { wxname: 'dora_wx' });
      await h.admin('POST', `/__emulator/followers/${BOB}/message`, { content: 'hi' });
      expect((await h.call('POST', '/cgi-bin/message/custom/send', text(BOB))).errcode).toBe(0);
      await h.emu.close();

      await h.start(dir);
      expect((await h.call('GET', '/cgi-bin/menu/get')).menu.button[0].name).toBe('菜单');
      expect((await h.call('GET', `/cgi-bin/user/info?openid=${body.openid}`)).subscribe).toBe(1);
      // Bob's 48 h window (5 replies) is still open with 4 left.
      for (let i = 0; i < 4; i++) expect((await h.call('POST', '/cgi-bin/message/custom/send', text(BOB))).errcode).toBe(0);
      expectErr(await h.call('POST', '/cgi-bin/message/custom/send', text(BOB)), 45047);
      expect((await h.admin('GET', `/__emulator/messages?touser=${BOB}`)).body.count).toBe(5);
      const preview = await h.call('POST', '/cgi-bin/message/mass/preview', { towxname: 'dora_wx', msgtype: 'text', text: { content: 'x' } });
      expect(preview.errcode).toBe(0);
    } finally {
      await h.emu.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

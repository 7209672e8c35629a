/**
 * Unit tests of the pure logic behind the emulator's message, menu, user and datacube endpoints
 * (src/emulator/logic/{message,menu,user,datacube}-*.ts). The HTTP behaviour is covered by
 * emulator-groups-http.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  FollowerDirectory,
  NAMED_TEST_FOLLOWERS,
  OPENID_PATTERN,
  createFollowerState,
  generatedOpenId,
  pageFollowers,
  subscribeFollower,
  unsubscribeFollower,
} from '../../src/emulator/logic/user-followers.js';
import { batchUserInfo, userInfo } from '../../src/emulator/logic/user-info.js';
import { consumeWindow, openWindow, type FollowerWindows } from '../../src/emulator/logic/message-windows.js';
import { validateCustomMessage } from '../../src/emulator/logic/message-custom.js';
import { parseMsgId, validatePreview, validateSendAll } from '../../src/emulator/logic/message-mass.js';
import { menuForGet, selfMenuInfo, utf8Bytes, validateMenu } from '../../src/emulator/logic/menu-validate.js';
import { DATACUBE_APIS, beijingToday, formatDay, parseDay, validateDateRange } from '../../src/emulator/logic/datacube-dates.js';
import { datacubeResponse, seededRandom } from '../../src/emulator/logic/datacube-data.js';
import { batchTagging, createTag, createTagState, listTags } from '../../src/emulator/logic/user-tags.js';
import { matchMenu, validateMatchRule } from '../../src/emulator/logic/menu-conditional.js';

const APP = 'wx0123456789abcdef';
const ALICE = NAMED_TEST_FOLLOWERS[0]!.openid;
const CAROL = NAMED_TEST_FOLLOWERS[2]!.openid;

describe('followers', () => {
  const state = createFollowerState(APP);
  const dir = new FollowerDirectory(state);

  it('generates 25 000 distinct 28-char openids plus the named ones, deterministically', () => {
    const subscribed = dir.subscribedOpenIds();
    // carol has unfollowed
    expect(subscribed).toHaveLength(25_000 + 2);
    expect(new Set(subscribed).size).toBe(subscribed.length);
    for (const id of subscribed.slice(0, 200)) expect(id).toMatch(OPENID_PATTERN);
    expect(generatedOpenId(APP, 7)).toBe(subscribed[7]);
    expect(generatedOpenId('wxother', 7)).not.toBe(subscribed[7]);
    // One account's openids share a prefix, like real ones.
    expect(subscribed[0]!.slice(0, 6)).toBe(subscribed[1]!.slice(0, 6));
  });

  it('pages 10 000 at a time; the call after the last page has no data and an empty next_openid', () => {
    const all = dir.subscribedOpenIds();
    const p1 = pageFollowers(all, undefined);
    if ('errcode' in p1) throw new Error('unexpected');
    expect(p1).toMatchObject({ total: 25_002, count: 10_000, next_openid: all[9_999] });
    const p3 = pageFollowers(all, all[19_999]);
    if ('errcode' in p3) throw new Error('unexpected');
    expect(p3.count).toBe(5_002);
    expect(p3.data!.openid.at(-1)).toBe(all.at(-1));
    const p4 = pageFollowers(all, p3.next_openid);
    expect(p4).toEqual({ total: 25_002, count: 0, next_openid: '' });
    expect(pageFollowers(all, 'oNotAFollower_______________')).toEqual({ errcode: 40003 });
  });

  it('subscribe/unsubscribe update the list', () => {
    const s = createFollowerState(APP, { generatedCount: 3 });
    let d = new FollowerDirectory(s);
    subscribeFollower(s, d, 'oNewFollower_0000000000000001', Date.UTC(2026, 0, 2));
    unsubscribeFollower(s, ALICE);
    d = new FollowerDirectory(s);
    expect(d.subscribedOpenIds()).toEqual([
      generatedOpenId(APP, 0),
      generatedOpenId(APP, 1),
      generatedOpenId(APP, 2),
      NAMED_TEST_FOLLOWERS[1]!.openid,
      'oNewFollower_0000000000000001',
    ]);
    expect(d.get('oNewFollower_0000000000000001')!.subscribeTime).toBe(Date.UTC(2026, 0, 2) / 1000);
  });

  it('user/info: subscribed shape without nickname; unfollowed shape; 40003', () => {
    const info = userInfo(dir, ALICE, 'en');
    expect(info).toMatchObject({ subscribe: 1, openid: ALICE, language: 'en', tagid_list: [], remark: '' });
    expect(info).not.toHaveProperty('nickname');
    expect(info).not.toHaveProperty('headimgurl');
    expect(userInfo(dir, CAROL)).toEqual({ subscribe: 0, openid: CAROL, tagid_list: [] });
    expect(userInfo(dir, 'short')).toEqual({ errcode: 40003 });
    expect(userInfo(dir, 'oUnknownFollower____________')).toEqual({ errcode: 40003 });
  });

  it('batchget: 1..100 users, 40032 otherwise, any bad openid fails the call', () => {
    const ids = dir.subscribedOpenIds().slice(0, 101);
    const ok = batchUserInfo(dir, { user_list: ids.slice(0, 100).map((openid) => ({ openid })) });
    if ('errcode' in ok) throw new Error('unexpected');
    expect(ok.user_info_list).toHaveLength(100);
    expect(ok.user_info_list[5]!.openid).toBe(ids[5]);
    expect(batchUserInfo(dir, { user_list: ids.map((openid) => ({ openid })) })).toEqual({ errcode: 40032 });
    expect(batchUserInfo(dir, { user_list: [] })).toEqual({ errcode: 40032 });
    expect(batchUserInfo(dir, { user_list: [{ openid: ALICE }, { openid: 'bad' }] })).toEqual({ errcode: 40003 });
    expect(batchUserInfo(dir, {})).toEqual({ errcode: 47001 });
  });
});

describe('service windows', () => {
  const t0 = 1_700_000_000_000;

  it('no interaction → 45015', () => {
    expect(consumeWindow({}, t0)).toEqual({ ok: false, errcode: 45015 });
  });

  it('a user message allows 5 messages within 48 h, then 45047; after 48 h 45015', () => {
    let w: FollowerWindows = openWindow({}, 'message', t0);
    for (let i = 0; i < 5; i++) {
      const d = consumeWindow(w, t0 + 47 * 3_600_000);
      expect(d.ok).toBe(true);
      if (d.ok) w = d.windows;
    }
    expect(consumeWindow(w, t0 + 47 * 3_600_000)).toEqual({ ok: false, errcode: 45047 });
    expect(consumeWindow(openWindow({}, 'message', t0), t0 + 48 * 3_600_000)).toEqual({ ok: false, errcode: 45015 });
  });

  it('a click/follow/scan allows 3 within 1 minute; the short window is spent before the 48 h one', () => {
    let w: FollowerWindows = openWindow(openWindow({}, 'message', t0), 'event', t0 + 1000);
    const kinds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const d = consumeWindow(w, t0 + 2000);
      if (!d.ok) throw new Error('unexpected');
      kinds.push(d.kind);
      w = d.windows;
    }
    expect(kinds).toEqual(['event', 'event', 'event', 'message']);
    const eventOnly = openWindow({}, 'event', t0);
    expect(consumeWindow(eventOnly, t0 + 59_999).ok).toBe(true);
    expect(consumeWindow(eventOnly, t0 + 60_000)).toEqual({ ok: false, errcode: 45015 });
  });

  it('a new interaction restarts its window count', () => {
    let w: FollowerWindows = openWindow({}, 'event', t0);
    for (let i = 0; i < 3; i++) {
      const d = consumeWindow(w, t0);
      if (d.ok) w = d.windows;
    }
    expect(consumeWindow(w, t0).ok).toBe(false);
    w = openWindow(w, 'event', t0 + 10);
    expect(consumeWindow(w, t0 + 10).ok).toBe(true);
  });
});

describe('custom message validation', () => {
  const base = { touser: ALICE };
  const code = (body: unknown, lookups = {}) => {
    const r = validateCustomMessage(body, lookups);
    return r.ok ? 0 : r.errcode;
  };

  it('accepts every documented Official Account msgtype with its payload', () => {
    expect(code({ ...base, msgtype: 'text', text: { content: '你好' } })).toBe(0);
    expect(code({ ...base, msgtype: 'image', image: { media_id: 'M' } })).toBe(0);
    expect(code({ ...base, msgtype: 'voice', voice: { media_id: 'M' } })).toBe(0);
    expect(code({ ...base, msgtype: 'video', video: { media_id: 'M', thumb_media_id: 'T', title: 't' } })).toBe(0);
    expect(
      code({ ...base, msgtype: 'music', music: { musicurl: 'http://a/m.mp3', hqmusicurl: 'http://a/h.mp3', thumb_media_id: 'T' } }),
    ).toBe(0);
    expect(code({ ...base, msgtype: 'news', news: { articles: [{ title: '标题', url: 'https://e.com' }] } })).toBe(0);
    expect(code({ ...base, msgtype: 'mpnews', mpnews: { media_id: 'M' } })).toBe(0);
    expect(code({ ...base, msgtype: 'mpnewsarticle', mpnewsarticle: { article_id: 'A' } })).toBe(0);
    expect(code({ ...base, msgtype: 'msgmenu', msgmenu: { head_content: '?', list: [{ id: '101', content: '满意' }] } })).toBe(0);
    expect(code({ ...base, msgtype: 'wxcard', wxcard: { card_id: 'C' } })).toBe(0);
    expect(
      code({
        ...base,
        msgtype: 'miniprogrampage',
        miniprogrampage: { title: 't', appid: 'wx1', pagepath: 'p', thumb_media_id: 'T' },
      }),
    ).toBe(0);
  });

  it('text: empty or missing content → 44004', () => {
    expect(code({ ...base, msgtype: 'text', text: { content: '' } })).toBe(44004);
    expect(code({ ...base, msgtype: 'text' })).toBe(44004);
  });

  it('news with 2 articles → 45008; unknown or mini-program-only type → 40008', () => {
    expect(code({ ...base, msgtype: 'news', news: { articles: [{ title: 'a' }, { title: 'b' }] } })).toBe(45008);
    expect(code({ ...base, msgtype: 'telegram', telegram: {} })).toBe(40008);
    expect(code({ ...base, msgtype: 'link', link: { title: 't', url: 'u' } })).toBe(40008);
    expect(code({ ...base })).toBe(40008);
  });

  it('bad touser form → 40003; unknown media → 40007; unknown article → 53600', () => {
    expect(code({ touser: 'abc', msgtype: 'text', text: { content: 'x' } })).toBe(40003);
    const lookups = { mediaExists: (id: string) => id === 'KNOWN', articleExists: () => false };
    expect(code({ ...base, msgtype: 'image', image: { media_id: 'NOPE' } }, lookups)).toBe(40007);
    expect(code({ ...base, msgtype: 'image', image: { media_id: 'KNOWN' } }, lookups)).toBe(0);
    expect(code({ ...base, msgtype: 'image', image: {} })).toBe(40007);
    expect(code({ ...base, msgtype: 'mpnewsarticle', mpnewsarticle: { article_id: 'A' } }, lookups)).toBe(53600);
    expect(code([1, 2])).toBe(47001);
  });
});

describe('mass preview / sendall validation', () => {
  it('towxname wins over touser; missing recipient → 40003', () => {
    const r = validatePreview({ touser: ALICE, towxname: 'bob_wx', msgtype: 'mpnews', mpnews: { media_id: 'D' } });
    expect(r).toMatchObject({ ok: true, recipient: { kind: 'wxname', wxname: 'bob_wx' }, content: { mediaIds: ['D'] } });
    expect(validatePreview({ msgtype: 'text', text: { content: 'x' } })).toEqual({ ok: false, errcode: 40003 });
  });

  it('preview checks the media id (40007) and auto-saved drafts (48021)', () => {
    const lookups = { mediaExists: (id: string) => id !== 'GONE', isAutoSavedDraft: (id: string) => id === 'AUTO' };
    const body = (id: string) => ({ touser: ALICE, msgtype: 'mpnews', mpnews: { media_id: id } });
    expect(validatePreview(body('GONE'), lookups)).toEqual({ ok: false, errcode: 40007 });
    expect(validatePreview(body('AUTO'), lookups)).toEqual({ ok: false, errcode: 48021 });
    expect(validatePreview({ touser: ALICE, msgtype: 'fax' })).toEqual({ ok: false, errcode: 40008 });
  });

  it('sendall: image uses images.media_ids; a filter without is_to_all needs tag_id', () => {
    expect(
      validateSendAll({ filter: { is_to_all: true }, msgtype: 'image', images: { media_ids: ['a', 'b'] } }),
    ).toMatchObject({ ok: true, content: { mediaIds: ['a', 'b'] }, filter: { isToAll: true } });
    expect(validateSendAll({ filter: { is_to_all: false }, msgtype: 'text', text: { content: 'x' } })).toEqual({
      ok: false,
      errcode: 47001,
    });
    expect(validateSendAll({ filter: { is_to_all: false, tag_id: '2' }, msgtype: 'text', text: { content: 'x' } })).toMatchObject({
      ok: true,
      filter: { tagId: 2 },
    });
  });

  it('msg_id accepts int or numeric string', () => {
    expect(parseMsgId(1000000001)).toBe(1000000001);
    expect(parseMsgId('34182')).toBe(34182);
    expect(parseMsgId('abc')).toBeNull();
  });
});

describe('menu validation', () => {
  const click = (name: string, key = 'K') => ({ type: 'click', name, key });
  const code = (body: unknown) => {
    const r = validateMenu(body);
    return r.ok ? 0 : r.errcode;
  };

  it('counts bytes, not characters (Chinese is 3 bytes)', () => {
    expect(utf8Bytes('今日歌曲')).toBe(12);
    expect(code({ button: [click('今日歌曲')] })).toBe(0);
    expect(code({ button: [click('今日歌曲推荐')] })).toBe(40018); // 18 bytes > 16
    expect(code({ button: [click('abcdefghijklmnop')] })).toBe(0); // 16 bytes
    expect(code({ button: [{ name: '菜单', sub_button: [click('二'.repeat(20))] }] })).toBe(0); // 60 bytes
    expect(code({ button: [{ name: '菜单', sub_button: [click('二'.repeat(21))] }] })).toBe(40025);
  });

  it('button counts: 1–3 top (40016), 1–5 sub (40023)', () => {
    expect(code({ button: [] })).toBe(40016);
    expect(code({ button: [click('a'), click('b'), click('c'), click('d')] })).toBe(40016);
    const six = Array.from({ length: 6 }, (_, i) => click(`s${i}`));
    expect(code({ button: [{ name: 'm', sub_button: six }] })).toBe(40023);
    expect(code({ button: [{ name: 'm', sub_button: six.slice(0, 5) }] })).toBe(0);
  });

  it('types and required fields, with the top/sub errcodes', () => {
    expect(code({ button: [{ type: 'bogus', name: 'a' }] })).toBe(40015);
    expect(code({ button: [{ name: 'm', sub_button: [{ type: 'bogus', name: 'a' }] }] })).toBe(40024);
    expect(code({ button: [{ name: 'a' }] })).toBe(40015);
    expect(code({ button: [{ type: 'click', name: 'a', sub_button: [click('x')] }] })).toBe(40015);
    expect(code({ button: [click('a', 'k'.repeat(129))] })).toBe(40019);
    expect(code({ button: [{ name: 'm', sub_button: [click('a', 'k'.repeat(129))] }] })).toBe(40026);
    expect(code({ button: [{ type: 'click', name: 'a' }] })).toBe(40019);
    expect(code({ button: [{ type: 'view', name: 'a', url: `https://e.com/${'x'.repeat(1011)}` }] })).toBe(40020);
    expect(code({ button: [{ name: 'm', sub_button: [{ type: 'view', name: 'a' }] }] })).toBe(40027);
    expect(code({ button: [{ type: 'view', name: 'a', url: 'ftp://e.com' }] })).toBe(65317);
    expect(code({ button: [{ type: 'media_id', name: 'a' }] })).toBe(40007);
    expect(code({ button: [{ type: 'article_id', name: 'a' }] })).toBe(53600);
    expect(code({ button: [{ type: 'miniprogram', name: 'a', url: 'https://e.com', pagepath: 'p' }] })).toBe(45064);
    expect(
      code({ button: [{ type: 'miniprogram', name: 'a', url: 'https://e.com', appid: 'wx286b93c14bbf93aa', pagepath: 'p' }] }),
    ).toBe(0);
  });

  it('≤3 external domains across view URLs (65316); weixin.qq.com is not external', () => {
    const view = (host: string) => ({ type: 'view', name: host.slice(0, 10), url: `https://${host}/x` });
    expect(
      code({ button: [view('a.com'), view('b.com'), { name: 'm', sub_button: [view('c.com'), view('mp.weixin.qq.com')] }] }),
    ).toBe(0);
    expect(code({ button: [view('a.com'), view('b.com'), { name: 'm', sub_button: [view('c.com'), view('d.com')] }] })).toBe(
      65316,
    );
  });

  it('get → create round trip works and menu/get puts sub_button on every button', () => {
    const checked = validateMenu({
      button: [click('今日歌曲', 'V1001'), { name: '菜单', sub_button: [{ type: 'view', name: '搜索', url: 'http://www.soso.com/' }] }],
    });
    if (!checked.ok) throw new Error('unexpected');
    const got = menuForGet(checked.buttons, 425787302);
    expect(got).toEqual({
      button: [
        { type: 'click', name: '今日歌曲', key: 'V1001', sub_button: [] },
        { name: '菜单', sub_button: [{ type: 'view', name: '搜索', url: 'http://www.soso.com/', sub_button: [] }] },
      ],
      menuid: 425787302,
    });
    expect(validateMenu({ button: got.button }).ok).toBe(true);
    expect(selfMenuInfo(checked.buttons).selfmenu_info.button[1]).toEqual({
      name: '菜单',
      sub_button: { list: [{ type: 'view', name: '搜索', url: 'http://www.soso.com/' }] },
    });
    expect(selfMenuInfo(undefined)).toEqual({ is_menu_open: 0, selfmenu_info: { button: [] } });
  });
});

describe('datacube', () => {
  // 2026-03-10 12:00 Beijing
  const now = Date.UTC(2026, 2, 10, 4, 0, 0);

  it('parses calendar dates strictly', () => {
    expect(parseDay('2026-02-28')).not.toBeNull();
    expect(parseDay('2026-02-29')).toBeNull();
    expect(parseDay('2026-2-1')).toBeNull();
    expect(formatDay(parseDay('2025-11-01')!)).toBe('2025-11-01');
  });

  it('uses the Beijing calendar for "yesterday"', () => {
    // 2026-03-09 16:30 UTC is already 2026-03-10 in Beijing.
    expect(formatDay(beijingToday(Date.UTC(2026, 2, 9, 16, 30)))).toBe('2026-03-10');
  });

  it('validates format (61500), order, span and end ≤ yesterday (61501)', () => {
    const v = (begin: unknown, end: unknown, api = DATACUBE_APIS.getusersummary!) =>
      validateDateRange({ begin_date: begin, end_date: end }, api, now);
    expect(v('2026/03/01', '2026-03-02')).toEqual({ ok: false, errcode: 61500 });
    expect(v('2026-03-01', undefined)).toEqual({ ok: false, errcode: 61500 });
    expect(v('2026-03-05', '2026-03-04')).toEqual({ ok: false, errcode: 61501 });
    expect(v('2026-03-09', '2026-03-10')).toEqual({ ok: false, errcode: 61501 });
    expect(v('2026-03-03', '2026-03-09')).toMatchObject({ ok: true, days: expect.any(Array) });
    expect(v('2026-03-02', '2026-03-09')).toEqual({ ok: false, errcode: 61501 });
    expect(v('2026-03-08', '2026-03-09', DATACUBE_APIS.getarticlesummary)).toEqual({ ok: false, errcode: 61501 });
  });

  it('is deterministic, seeded by date, and empty before the data start', () => {
    const q = (name: string, day: string) => ({
      appId: APP,
      name,
      api: DATACUBE_APIS[name]!,
      days: [parseDay(day)!],
      nowMs: now,
    });
    const a = datacubeResponse(q('getusercumulate', '2026-03-01'));
    expect(datacubeResponse(q('getusercumulate', '2026-03-01'))).toEqual(a);
    expect(a.list[0]).toMatchObject({ ref_date: '2026-03-01', cumulate_user: expect.any(Number) });
    expect(datacubeResponse(q('getusersummary', '2014-11-30'))).toEqual({ list: [] });
    expect(datacubeResponse(q('getarticleread', '2025-10-31'))).toEqual({ list: [], is_delay: false });
    expect(seededRandom('x')()).toBe(seededRandom('x')());
  });

  it('usersummary is consistent with usercumulate (new − cancel = daily growth)', () => {
    const day = parseDay('2026-02-15')!;
    const cum = (d: number) =>
      datacubeResponse({ appId: APP, name: 'getusercumulate', api: DATACUBE_APIS.getusercumulate!, days: [d], nowMs: now }).list[0]!
        .cumulate_user as number;
    const summary = datacubeResponse({ appId: APP, name: 'getusersummary', api: DATACUBE_APIS.getusersummary!, days: [day], nowMs: now });
    const net = summary.list.reduce((s, r) => s + (r.new_user as number) - (r.cancel_user as number), 0);
    expect(net).toBe(cum(day) - cum(day - 1));
  });

  it('article rows carry msgid "{msg_data_id}_{idx}" and include really published articles', () => {
    const day = parseDay('2026-03-01')!;
    const res = datacubeResponse({
      appId: APP,
      name: 'getarticletotal',
      api: DATACUBE_APIS.getarticletotal!,
      days: [day],
      nowMs: now,
      published: [{ msgDataId: 2247483949, titles: ['我的第一篇', '第二篇'], day }],
    });
    const mine = res.list.filter((r) => String(r.msgid).startsWith('2247483949_'));
    expect(mine.map((r) => [r.msgid, r.title])).toEqual([
      ['2247483949_1', '我的第一篇'],
      ['2247483949_2', '第二篇'],
    ]);
    // 7 days of details (03-01..03-07), all before "yesterday" (03-09).
    expect((mine[0]!.details as unknown[]).length).toBe(7);
  });

  it('yesterday before 08:00 Beijing: old APIs have no rows yet, new APIs flag is_delay', () => {
    const early = Date.UTC(2026, 2, 9, 23, 0); // 2026-03-10 07:00 Beijing
    const yesterday = parseDay('2026-03-09')!;
    const q = (name: string, nowMs: number) =>
      datacubeResponse({ appId: APP, name, api: DATACUBE_APIS[name]!, days: [yesterday], nowMs });
    expect(q('getusercumulate', early)).toEqual({ list: [] });
    expect(q('getusercumulate', now).list).toHaveLength(1);
    expect(q('getbizsummary', early).is_delay).toBe(true);
    expect(q('getbizsummary', now).is_delay).toBe(false);
  });

  it('weekly upstream rows are keyed by the Monday of each week', () => {
    const days = [parseDay('2026-02-04')!, parseDay('2026-02-05')!, parseDay('2026-02-10')!];
    const res = datacubeResponse({ appId: APP, name: 'getupstreammsgweek', api: DATACUBE_APIS.getupstreammsgweek!, days, nowMs: now });
    expect(new Set(res.list.map((r) => r.ref_date))).toEqual(new Set(['2026-02-02', '2026-02-09']));
  });
});

describe('tags', () => {
  it('at most 100 custom tags (45056)', () => {
    const tags = createTagState();
    for (let i = 0; i < 100; i++) expect(createTag(tags, { tag: { name: `标签${i}` } })).toHaveProperty('tag');
    expect(createTag(tags, { tag: { name: '再来一个' } })).toEqual({ errcode: 45056 });
  });

  it('a user carries at most 20 tags (45059); counts follow tagging', () => {
    const tags = createTagState();
    const followers = createFollowerState(APP, { generatedCount: 10 });
    const dir = new FollowerDirectory(followers);
    const ids = Array.from({ length: 21 }, (_, i) => (createTag(tags, { tag: { name: `t${i}` } }) as { tag: { id: number } }).tag.id);
    for (const id of ids.slice(0, 20)) expect(batchTagging(tags, followers, dir, { openid_list: [ALICE], tagid: id }, true)).toEqual({ errcode: 0 });
    expect(batchTagging(tags, followers, dir, { openid_list: [ALICE], tagid: ids[20] }, true)).toEqual({ errcode: 45059 });
    // Re-tagging with a tag the user already has is fine.
    expect(batchTagging(tags, followers, dir, { openid_list: [ALICE], tagid: ids[0] }, true)).toEqual({ errcode: 0 });
    expect(listTags(tags, followers).tags.find((t) => t.id === ids[0])).toMatchObject({ count: 1 });
    expect(userInfo(dir, ALICE)).toMatchObject({ tagid_list: ids.slice(0, 20) });
  });
});

describe('conditional menus', () => {
  it('matchrule: empty → 65304, privacy fields → 65320', () => {
    expect(validateMatchRule({})).toEqual({ errcode: 65304 });
    expect(validateMatchRule(undefined)).toEqual({ errcode: 65304 });
    expect(validateMatchRule({ tag_id: '2', city: '广州' })).toEqual({ errcode: 65320 });
    expect(validateMatchRule({ tag_id: 2, client_platform_type: '1' })).toEqual({ tag_id: '2', client_platform_type: '1' });
  });

  it('the newest matching conditional menu wins, else the default', () => {
    const def = [{ type: 'click' as const, name: 'default', key: 'D' }];
    const a = { menuid: 1, buttons: [{ type: 'click' as const, name: 'a', key: 'A' }], matchrule: { tag_id: '100' } };
    const b = { menuid: 2, buttons: [{ type: 'click' as const, name: 'b', key: 'B' }], matchrule: { tag_id: '101' } };
    expect(matchMenu([a, b], def, [100, 101])[0]!.name).toBe('b');
    expect(matchMenu([a, b], def, [100])[0]!.name).toBe('a');
    expect(matchMenu([a, b], def, [])[0]!.name).toBe('default');
  });
});

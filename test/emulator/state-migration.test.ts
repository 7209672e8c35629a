/**
 * State files written before the §7–§9 groups became typed account fields kept them under `account.ext`
 * (fixtures/state-v1/state.json was written by that version: a menu, an added and tagged follower, a reply window
 * and a delivered custom message). The current emulator loads them, and writes the typed shape back.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/state-v1/', import.meta.url));
const APP = { appId: 'wx1234567890abcdef', appSecret: '0123456789abcdef0123456789abcdef' };
/** The clock the fixture was written at (2026-03-10 12:00 Beijing time). */
const T0 = Date.UTC(2026, 2, 10, 4, 0, 0);
const DORA = 'oDoraFollower_00000000000003';
const BOB = 'oTestFollowerBob_00000000001';

type Json = Record<string, any>;

describe('loading a state.json with the groups under account.ext', () => {
  let emu: RunningEmulator | undefined;
  let dir = '';

  afterEach(async () => {
    await emu?.close();
    emu = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function call(method: 'GET' | 'POST', path: string, token: string, body?: unknown): Promise<Json> {
    const sep = path.includes('?') ? '&' : '?';
    const init: RequestInit = body === undefined ? { method } : { method, body: JSON.stringify(body) };
    return (await (await fetch(`${emu!.url}${path}${sep}access_token=${token}`, init)).json()) as Json;
  }

  it('keeps the menu, followers, tags, reply windows and delivered messages, and saves them as typed fields', async () => {
    dir = mkdtempSync(join(tmpdir(), 'wxmp-emu-legacy-'));
    cpSync(FIXTURE, dir, { recursive: true });
    emu = await startEmulator({ accounts: [APP], now: () => T0, stateDir: dir });
    const tokenUrl = `${emu.url}/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.appSecret}`;
    const token = ((await (await fetch(tokenUrl)).json()) as Json).access_token as string;

    expect((await call('GET', '/cgi-bin/menu/get', token)).menu).toMatchObject({ menuid: 425787302, button: [{ name: '菜单' }] });
    const dora = await call('GET', `/cgi-bin/user/info?openid=${DORA}`, token);
    expect(dora).toMatchObject({ subscribe: 1, tagid_list: [100] });
    expect((await call('GET', '/cgi-bin/tags/get', token)).tags).toContainEqual({ id: 100, name: '读者', count: 1 });
    // Bob's 48-hour window had 1 of 5 replies used.
    const text = { touser: BOB, msgtype: 'text', text: { content: 'again' } };
    for (let i = 0; i < 4; i++) expect((await call('POST', '/cgi-bin/message/custom/send', token, text)).errcode).toBe(0);
    expect((await call('POST', '/cgi-bin/message/custom/send', token, text)).errcode).toBe(45047);
    const log = (await (await fetch(`${emu.url}/__emulator/messages?touser=${BOB}`)).json()) as Json;
    expect(log.count).toBe(5);
    expect(log.messages[0].msgId).toBe(1000000001);
    // A new menu gets the next menuid of the loaded counter.
    expect((await call('POST', '/cgi-bin/menu/create', token, { button: [{ type: 'click', name: 'B', key: 'K' }] })).errcode).toBe(0);
    expect((await call('GET', '/cgi-bin/menu/get', token)).menu.menuid).toBe(425787303);

    await emu.control.flush();
    const saved = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as Json;
    expect(saved.version).toBe(1);
    const account = saved.accounts[APP.appId];
    expect(account.ext).toBeUndefined();
    expect(saved.ext).toBeUndefined();
    expect(Object.keys(account)).toEqual(expect.arrayContaining(['menu', 'messaging', 'followers', 'tags']));
    expect(account.followers.added).toEqual([DORA]);
  });
});

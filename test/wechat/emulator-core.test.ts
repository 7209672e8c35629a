/**
 * Emulator core over plain HTTP (fetch), as any WeChat client would talk to it: transport rules, tokens, quotas,
 * fault injection, admin endpoints, persistence. (Uploads, drafts and freepublish: emulator-core-content.test.ts.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';

const APP = { appId: 'wx1234567890abcdef', appSecret: '0123456789abcdef0123456789abcdef' };
const T0 = Date.UTC(2026, 2, 2, 4, 0, 0);
const running: RunningEmulator[] = [];
const tempDirs: string[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
  await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function emulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  // A frozen clock: only advanceTime() moves time, so expires_in values are exact.
  const emu = await startEmulator({ accounts: [APP], now: () => T0, ...options });
  running.push(emu);
  return emu;
}

type Json = Record<string, any>;

async function getJson(emu: RunningEmulator, path: string): Promise<Json> {
  const res = await fetch(emu.url + path);
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
}

async function postRaw(emu: RunningEmulator, path: string, body: string, headers: Record<string, string> = {}): Promise<Json> {
  const res = await fetch(emu.url + path, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
}

function postJson(emu: RunningEmulator, path: string, body: unknown): Promise<Json> {
  return postRaw(emu, path, JSON.stringify(body));
}

async function token(emu: RunningEmulator, app = APP): Promise<string> {
  const r = await getJson(emu, `/cgi-bin/token?grant_type=client_credential&appid=${app.appId}&secret=${app.appSecret}`);
  expect(r.expires_in).toBe(7200);
  return r.access_token as string;
}

function stable(emu: RunningEmulator, extra: Json = {}): Promise<Json> {
  return postJson(emu, '/cgi-bin/stable_token', { grant_type: 'client_credential', appid: APP.appId, secret: APP.appSecret, ...extra });
}

const RID = / rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

describe('transport rules (docs/wechat-api.md §1, §14.1)', () => {
  it('answers errors as HTTP 200 JSON with an English errmsg and a rid suffix', async () => {
    const emu = await emulator();
    const res = await fetch(`${emu.url}/cgi-bin/draft/count`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as Json;
    expect(body.errcode).toBe(41001);
    expect(body.errmsg).toMatch(/^access_token missing rid: /);
    expect(body.errmsg).toMatch(RID);
  });

  it('rejects the wrong verb with 43001 / 43002', async () => {
    const emu = await emulator();
    const t = await token(emu);
    expect((await getJson(emu, '/cgi-bin/stable_token')).errcode).toBe(43002);
    expect((await getJson(emu, `/cgi-bin/draft/add?access_token=${t}`)).errcode).toBe(43002);
    expect((await postJson(emu, `/cgi-bin/draft/count?access_token=${t}`, {})).errcode).toBe(43001);
  });

  it('answers 44002 for an empty POST and 47001 for unparsable or non-object JSON', async () => {
    const emu = await emulator();
    const t = await token(emu);
    expect((await postRaw(emu, `/cgi-bin/draft/get?access_token=${t}`, '')).errcode).toBe(44002);
    expect((await postRaw(emu, `/cgi-bin/draft/get?access_token=${t}`, '{"media_id":')).errcode).toBe(47001);
    expect((await postRaw(emu, `/cgi-bin/draft/get?access_token=${t}`, '[1,2]')).errcode).toBe(47001);
  });

  it('rejects \\uXXXX escapes with 47002 but accepts raw UTF-8 and an escaped backslash', async () => {
    const emu = await emulator();
    const t = await token(emu);
    const escaped = '{"cgi_path":"/cgi-bin/dr\\u0061ft/add"}';
    expect((await postRaw(emu, `/cgi-bin/openapi/quota/get?access_token=${t}`, escaped)).errcode).toBe(47002);
    // `\\u` is an escaped backslash followed by "u" — not a unicode escape — so it reaches the handler (76021).
    const notEscape = '{"cgi_path":"/cgi-bin/\\\\u0061"}';
    expect((await postRaw(emu, `/cgi-bin/openapi/quota/get?access_token=${t}`, notEscape)).errcode).toBe(76021);
    expect((await postJson(emu, `/cgi-bin/openapi/quota/get?access_token=${t}`, { cgi_path: '/cgi-bin/draft/add' })).errcode).toBe(0);
  });

  it("stores \\uXXXX escapes literally in unicodeEscapes:'store' mode", async () => {
    const emu = await emulator({ unicodeEscapes: 'store' });
    const t = await token(emu);
    const r = await postRaw(emu, `/cgi-bin/openapi/quota/get?access_token=${t}`, '{"cgi_path":"/cgi-bin/\\u4e2d"}');
    // The literal six characters \u4e2d reach the handler: not a known path → 76021 (not 47002).
    expect(r.errcode).toBe(76021);
  });

  it('checks access_token: 41001 missing, 40014 malformed, 40001 unknown, 42001 expired', async () => {
    const emu = await emulator();
    expect((await getJson(emu, '/cgi-bin/draft/count')).errcode).toBe(41001);
    expect((await getJson(emu, '/cgi-bin/draft/count?access_token=bad%20token!')).errcode).toBe(40014);
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${'A'.repeat(140)}`)).errcode).toBe(40001);
    const t = await token(emu);
    expect(await getJson(emu, `/cgi-bin/draft/count?access_token=${t}`)).toEqual({ total_count: 0 });
    emu.control.advanceTime(7200 * 1000);
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${t}`)).errcode).toBe(42001);
  });

  it('answers an API path it does not know with HTTP 200 48001 api unauthorized (not retryable), naming the path', async () => {
    const emu = await emulator();
    for (const method of ['GET', 'POST']) {
      const res = await fetch(`${emu.url}/cgi-bin/no/such/api`, { method, ...(method === 'POST' ? { body: '{}' } : {}) });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Json;
      expect(body.errcode).toBe(48001);
      expect(body.errmsg).toMatch(/^api unauthorized \(emulator: no such API \/cgi-bin\/no\/such\/api\) rid: [0-9a-f-]{26}$/);
    }
    expect(emu.control.requests().map((r) => [r.path, r.status, r.errcode])).toEqual([
      ['/cgi-bin/no/such/api', 200, 48001],
      ['/cgi-bin/no/such/api', 200, 48001],
    ]);
  });

  it('emits raw UTF-8 (no \\u escapes) in responses', async () => {
    const emu = await emulator();
    const res = await fetch(`${emu.url}/cgi-bin/token?grant_type=client_credential&appid=nope&secret=x`);
    const text = await res.text();
    expect(text).not.toMatch(/\\u[0-9a-f]{4}/i);
  });
});

describe('access tokens (docs/wechat-api.md §2)', () => {
  it('validates token parameters: 40002, 41002, 41004, 40013, 40125', async () => {
    const emu = await emulator();
    const q = (s: string) => getJson(emu, `/cgi-bin/token?${s}`);
    expect((await q(`grant_type=password&appid=${APP.appId}&secret=${APP.appSecret}`)).errcode).toBe(40002);
    expect((await q(`grant_type=client_credential&secret=${APP.appSecret}`)).errcode).toBe(41002);
    expect((await q(`grant_type=client_credential&appid=${APP.appId}`)).errcode).toBe(41004);
    expect((await q(`grant_type=client_credential&appid=wx0000000000000000&secret=x`)).errcode).toBe(40013);
    expect((await q(`grant_type=client_credential&appid=${APP.appId}&secret=wrong`)).errcode).toBe(40125);
    expect((await postJson(emu, '/cgi-bin/stable_token', { grant_type: 'client_credential', appid: APP.appId })).errcode).toBe(41004);
  });

  it('mints realistic tokens (~140 chars of [A-Za-z0-9_-]), never the secret', async () => {
    const emu = await emulator();
    const t = await token(emu);
    expect(t).toMatch(/^[A-Za-z0-9_-]{120,170}$/);
    expect(t).not.toContain(APP.appSecret);
  });

  it('cgi-bin/token rotates on every call; the previous token works for 5 minutes, then 40001', async () => {
    const emu = await emulator();
    const first = await token(emu);
    const second = await token(emu);
    expect(second).not.toBe(first);
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${first}`)).total_count).toBe(0);
    emu.control.advanceTime(299_000);
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${first}`)).total_count).toBe(0);
    emu.control.advanceTime(2_000);
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${first}`)).errcode).toBe(40001);
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${second}`)).total_count).toBe(0);
  });

  it('stable_token is idempotent with the remaining expires_in and isolated from cgi-bin/token', async () => {
    const emu = await emulator();
    const a = await stable(emu);
    expect(a.expires_in).toBe(7200);
    emu.control.advanceTime(1000 * 1000);
    const b = await stable(emu);
    expect(b.access_token).toBe(a.access_token);
    expect(b.expires_in).toBe(6200);
    await token(emu); // a cgi-bin/token call does not touch the stable family
    await token(emu);
    emu.control.advanceTime(400 * 1000);
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${a.access_token}`)).total_count).toBe(0);
    expect((await stable(emu)).access_token).toBe(a.access_token);
  });

  it('stable_token pre-rotates in the last 5 minutes (expires_in always ≥ 300) and keeps the old one 5 minutes', async () => {
    const emu = await emulator();
    const a = await stable(emu);
    emu.control.advanceTime((7200 - 301) * 1000);
    expect((await stable(emu)).expires_in).toBe(301);
    emu.control.advanceTime(2000);
    const b = await stable(emu);
    expect(b.access_token).not.toBe(a.access_token);
    expect(b.expires_in).toBe(7200);
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${a.access_token}`)).total_count).toBe(0);
    emu.control.advanceTime(299 * 1000);
    // The old token reached its own expiry first: 42001.
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${a.access_token}`)).errcode).toBe(42001);
  });

  it('force_refresh invalidates the old stable token at once, needs 30 s gaps, and allows 20 per day (45009)', async () => {
    const emu = await emulator();
    const a = await stable(emu);
    const b = await stable(emu, { force_refresh: true });
    expect(b.access_token).not.toBe(a.access_token);
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${a.access_token}`)).errcode).toBe(40001);
    // Inside 30 s: "不会刷新" — the current token comes back unchanged.
    emu.control.advanceTime(10_000);
    const c = await stable(emu, { force_refresh: true });
    expect(c.access_token).toBe(b.access_token);
    expect(c.expires_in).toBe(7190);
    for (let i = 2; i <= 20; i++) {
      emu.control.advanceTime(31_000);
      expect((await stable(emu, { force_refresh: true })).access_token).toBeTruthy();
    }
    emu.control.advanceTime(31_000);
    expect((await stable(emu, { force_refresh: true })).errcode).toBe(45009);
  });

  it('rejects callers outside the IP whitelist with 40164 naming the caller IP', async () => {
    const emu = await emulator({ accounts: [{ ...APP, ipWhitelist: ['10.1.2.3'] }] });
    const r = await getJson(emu, `/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.appSecret}`);
    expect(r.errcode).toBe(40164);
    expect(r.errmsg).toMatch(/^invalid ip 127\.0\.0\.1 ipv6 ::ffff:127\.0\.0\.1, not in whitelist rid: /);
    emu.control.setAccountFlags(APP.appId, { ipWhitelist: ['127.0.0.1'] });
    expect((await stable(emu)).expires_in).toBe(7200);
  });

  it('limits cgi-bin/token to 2000 calls per day (45009), reset the next Beijing day', async () => {
    const emu = await emulator({ dailyLimits: { '/cgi-bin/token': 3 } });
    for (let i = 0; i < 3; i++) await token(emu);
    const over = await getJson(emu, `/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.appSecret}`);
    expect(over.errcode).toBe(45009);
    emu.control.advanceTime(24 * 3600 * 1000);
    await token(emu);
  });
});

describe('quotas (docs/wechat-api.md §3)', () => {
  it('account/getaccountbasicinfo refuses an account\'s own token with 41033 (GET and POST), after the token checks', async () => {
    const emu = await emulator();
    const t = await token(emu);
    const get = await getJson(emu, `/cgi-bin/account/getaccountbasicinfo?access_token=${t}`);
    expect(get.errcode).toBe(41033);
    expect(get.errmsg).toMatch(/^invaid register type rid: /);
    const post = await fetch(`${emu.url}/cgi-bin/account/getaccountbasicinfo?access_token=${t}`, { method: 'POST' });
    expect(((await post.json()) as Json).errcode).toBe(41033);
    expect((await getJson(emu, '/cgi-bin/account/getaccountbasicinfo')).errcode).toBe(41001);
    expect((await getJson(emu, `/cgi-bin/account/getaccountbasicinfo?access_token=${'A'.repeat(140)}`)).errcode).toBe(40001);
  });

  it('openapi/quota/get reports the daily limit and usage; 76021 for unknown paths', async () => {
    const emu = await emulator();
    const t = await token(emu);
    await getJson(emu, `/cgi-bin/draft/count?access_token=${t}`);
    await getJson(emu, `/cgi-bin/draft/count?access_token=${t}`);
    const r = await postJson(emu, `/cgi-bin/openapi/quota/get?access_token=${t}`, { cgi_path: '/cgi-bin/draft/count' });
    expect(r.errcode).toBe(0);
    expect(r.quota).toEqual({ daily_limit: 100000, used: 2, remain: 99998 });
    const tok = await postJson(emu, `/cgi-bin/openapi/quota/get?access_token=${t}`, { cgi_path: '/cgi-bin/token' });
    expect(tok.quota).toEqual({ daily_limit: 2000, used: 1, remain: 1999 });
    expect((await postJson(emu, `/cgi-bin/openapi/quota/get?access_token=${t}`, { cgi_path: '/cgi-bin/nope' })).errcode).toBe(76021);
  });

  it('answers 45009 when a daily quota is exhausted, and clear_quota resets it (10/month → 48006)', async () => {
    const emu = await emulator({ dailyLimits: { '/cgi-bin/draft/count': 2 } });
    const t = await token(emu);
    await getJson(emu, `/cgi-bin/draft/count?access_token=${t}`);
    await getJson(emu, `/cgi-bin/draft/count?access_token=${t}`);
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${t}`)).errcode).toBe(45009);
    expect((await postJson(emu, `/cgi-bin/clear_quota?access_token=${t}`, { appid: 'wx0000000000000000' })).errcode).toBe(40013);
    expect(await postJson(emu, `/cgi-bin/clear_quota?access_token=${t}`, { appid: APP.appId })).toEqual({ errcode: 0, errmsg: 'ok' });
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${t}`)).total_count).toBe(0);
    for (let i = 2; i <= 10; i++) expect((await postJson(emu, `/cgi-bin/clear_quota?access_token=${t}`, { appid: APP.appId })).errcode).toBe(0);
    expect((await postJson(emu, `/cgi-bin/clear_quota?access_token=${t}`, { appid: APP.appId })).errcode).toBe(48006);
  });

  it('clear_quota/v2 authenticates with appid + appsecret in the query string', async () => {
    const emu = await emulator();
    const r = await fetch(`${emu.url}/cgi-bin/clear_quota/v2?appid=${APP.appId}&appsecret=${APP.appSecret}`, { method: 'POST' });
    expect(await r.json()).toEqual({ errcode: 0, errmsg: 'ok' });
    const bad = await fetch(`${emu.url}/cgi-bin/clear_quota/v2?appid=${APP.appId}&appsecret=nope`, { method: 'POST' });
    expect(((await bad.json()) as Json).errcode).toBe(40125);
  });

  it('openapi/quota/clear resets one API', async () => {
    const emu = await emulator({ dailyLimits: { '/cgi-bin/draft/count': 1 } });
    const t = await token(emu);
    await getJson(emu, `/cgi-bin/draft/count?access_token=${t}`);
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${t}`)).errcode).toBe(45009);
    expect((await postJson(emu, `/cgi-bin/openapi/quota/clear?access_token=${t}`, { cgi_path: '/cgi-bin/draft/count' })).errcode).toBe(0);
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${t}`)).total_count).toBe(0);
  });
});

describe('fault injection and the request log', () => {
  it('faults.exhaustedQuota makes the listed paths answer 45009', async () => {
    const emu = await emulator({ faults: { exhaustedQuota: ['/cgi-bin/draft/count'] } });
    const t = await token(emu);
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${t}`)).errcode).toBe(45009);
    emu.control.setFaults({ exhaustedQuota: [] });
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${t}`)).total_count).toBe(0);
  });

  it('failureRate injects -1 system errors and HTTP 503s deterministically for a seed', async () => {
    const outcomes = async (): Promise<string[]> => {
      const emu = await emulator({ faults: { failureRate: 0.5, seed: 42 } });
      const t = await stable(emu).catch(() => undefined);
      void t;
      const seen: string[] = [];
      for (let i = 0; i < 40; i++) {
        const res = await fetch(`${emu.url}/cgi-bin/draft/count?access_token=${'A'.repeat(140)}`);
        seen.push(res.status === 503 ? '503' : String(((await res.json()) as Json).errcode));
      }
      return seen;
    };
    const a = await outcomes();
    const b = await outcomes();
    expect(a).toEqual(b);
    expect(a).toContain('-1');
    expect(a).toContain('503');
    expect(a).toContain('40001'); // calls that were not failed reached the token check
  });

  it('revokeTokensAtCall invalidates every token when the Nth business call arrives', async () => {
    const emu = await emulator();
    const t = await token(emu);
    emu.control.setFaults({ revokeTokensAtCall: 3 });
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${t}`)).total_count).toBe(0);
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${t}`)).total_count).toBe(0);
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${t}`)).errcode).toBe(40001);
    const fresh = await token(emu);
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${fresh}`)).total_count).toBe(0);
  });

  it('latencyMs delays API responses', async () => {
    const emu = await emulator({ faults: { latencyMs: 150 } });
    const start = performance.now();
    await fetch(`${emu.url}/cgi-bin/draft/count`);
    expect(performance.now() - start).toBeGreaterThanOrEqual(140);
  });

  it('logs every API call with method, path, errcode and time; reset clears it', async () => {
    const emu = await emulator();
    const t = await token(emu);
    await getJson(emu, '/cgi-bin/draft/count');
    await getJson(emu, `/cgi-bin/draft/count?access_token=${t}`);
    const log = emu.control.requests();
    expect(log.map((e) => [e.method, e.path, e.errcode])).toEqual([
      ['GET', '/cgi-bin/token', undefined],
      ['GET', '/cgi-bin/draft/count', 41001],
      ['GET', '/cgi-bin/draft/count', undefined],
    ]);
    expect(log[2]!.appId).toBe(APP.appId);
    expect(emu.control.requestCounts()).toEqual({ '/cgi-bin/token': 1, '/cgi-bin/draft/count': 2 });
    emu.control.resetRequests();
    expect(emu.control.requests()).toEqual([]);
  });
});

describe('admin endpoints over HTTP (/__emulator/*)', () => {
  it('exposes the request log, reset, faults, time, token revocation, account flags and state', async () => {
    const emu = await emulator();
    const t = await token(emu);
    const log = await getJson(emu, '/__emulator/requests');
    expect(log.total).toBe(1);
    expect(log.counts).toEqual({ '/cgi-bin/token': 1 });
    await postJson(emu, '/__emulator/requests/reset', {});
    expect((await getJson(emu, '/__emulator/requests')).total).toBe(0);

    const faults = await postJson(emu, '/__emulator/faults', { exhaustedQuota: ['/cgi-bin/draft/count'] });
    expect(faults.exhaustedQuota).toEqual(['/cgi-bin/draft/count']);
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${t}`)).errcode).toBe(45009);
    await postJson(emu, '/__emulator/faults', { exhaustedQuota: [] });

    const before = emu.control.now();
    const adv = await postJson(emu, '/__emulator/time/advance', { ms: 60_000 });
    expect(adv.now).toBeGreaterThanOrEqual(before + 60_000);

    await postJson(emu, '/__emulator/tokens/revoke', {});
    expect((await getJson(emu, `/cgi-bin/draft/count?access_token=${t}`)).errcode).toBe(40001);

    const flags = await postJson(emu, `/__emulator/accounts/${APP.appId}`, { verified: false });
    expect(flags.flags.verified).toBe(false);
    const state = await getJson(emu, '/__emulator/state');
    expect(state.accounts[0]).toMatchObject({ appId: APP.appId, verified: false, drafts: [] });
    expect(state.requests.total).toBeGreaterThan(0);
  });

  it('generates a sandbox account when none is given, and never writes a real AppSecret to disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wxmp-emu-'));
    tempDirs.push(dir);
    const lines: string[] = [];
    const sandbox = await startEmulator({ stateDir: dir, log: (l) => lines.push(l) });
    running.push(sandbox);
    const acc = sandbox.accounts[0]!;
    expect(acc.appId).toMatch(/^wx[0-9a-f]{16}$/);
    expect(acc.appSecret).toMatch(/^[0-9a-f]{32}$/);
    const r = await getJson(sandbox, `/cgi-bin/token?grant_type=client_credential&appid=${acc.appId}&secret=${acc.appSecret}`);
    expect(r.expires_in).toBe(7200);
    await sandbox.close();
    running.pop();

    const dir2 = await mkdtemp(join(tmpdir(), 'wxmp-emu-'));
    tempDirs.push(dir2);
    const real = await startEmulator({ stateDir: dir2, accounts: [APP] });
    await real.control.flush();
    await real.close();
    expect(await readFile(join(dir2, 'state.json'), 'utf8')).not.toContain(APP.appSecret);
  });
});

describe('persistence under stateDir', () => {
  it('survives a restart with drafts, materials, served media and tokens intact', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wxmp-emu-'));
    tempDirs.push(dir);
    const first = await startEmulator({ stateDir: dir, accounts: [APP] });
    const t = await token(first);
    const s = (await stable(first)).access_token as string;
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c00' } }).png().toBuffer();
    const form = new FormData();
    form.append('media', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'cover.png');
    const mat = (await (await fetch(`${first.url}/cgi-bin/material/add_material?type=image&access_token=${t}`, { method: 'POST', body: form })).json()) as Json;
    const draft = await postJson(first, `/cgi-bin/draft/add?access_token=${t}`, {
      articles: [{ title: '重启之后', content: '<p>仍然在这里</p>', thumb_media_id: mat.media_id }],
    });
    expect(draft.media_id).toBeTruthy();
    await first.close();
    expect(JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')).version).toBe(1);
    expect((await readdir(join(dir, 'blobs'))).length).toBe(1);

    const second = await startEmulator({ stateDir: dir, accounts: [APP] });
    running.push(second);
    expect((await getJson(second, `/cgi-bin/draft/count?access_token=${t}`)).total_count).toBe(1);
    expect((await getJson(second, `/cgi-bin/draft/count?access_token=${s}`)).total_count).toBe(1);
    const got = await postJson(second, `/cgi-bin/draft/get?access_token=${t}`, { media_id: draft.media_id });
    expect(got.news_item[0].title).toBe('重启之后');
    // The served URL embeds the old port; the bytes are still served under the same path on the new port.
    const path = new URL(mat.url as string);
    const img = await fetch(`${second.url}${path.pathname}${path.search}`);
    expect(img.status).toBe(200);
    expect(Buffer.from(await img.arrayBuffer()).equals(png)).toBe(true);
    // A client's cached URL from the first run (old port) still passes the draft image filter.
    const again = await postJson(second, `/cgi-bin/draft/add?access_token=${t}`, {
      articles: [{ title: '旧地址', content: `<img src="${mat.url as string}">`, thumb_media_id: mat.media_id }],
    });
    const back = await postJson(second, `/cgi-bin/draft/get?access_token=${t}`, { media_id: again.media_id });
    expect(back.news_item[0].content).toContain('data-src=');
    const preview = await (await fetch(`${second.url}/__emulator/drafts/${again.media_id as string}`)).text();
    expect(preview).toContain(`src="${second.url}${path.pathname}`);
  });

  it('restarting on a sandbox stateDir keeps the generated account and its secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wxmp-emu-'));
    tempDirs.push(dir);
    const first = await startEmulator({ stateDir: dir });
    const acc = first.accounts[0]!;
    await first.close();
    const second = await startEmulator({ stateDir: dir });
    running.push(second);
    expect(second.accounts[0]).toMatchObject({ appId: acc.appId, appSecret: acc.appSecret });
  });
});

describe('wxmp emulator command', () => {
  it('prints the base URL, the sandbox account and WXMP_API_BASE, serves, and stops on SIGTERM', async () => {
    const { vi } = await import('vitest');
    const { runEmulator } = await import('../../src/cli/commands/emulator.js');
    const out: string[] = [];
    const spyOut = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    const spyErr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const done = runEmulator({ port: '0', host: '127.0.0.1', publishDelay: '10' });
      await vi.waitFor(() => expect(out.join('')).toContain('Ctrl+C'));
      const text = out.join('').replace(/\u001b\[[0-9;]*m/g, '');
      const base = /API base\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
      expect(base).toBeTruthy();
      expect(text).toContain(`export WXMP_API_BASE=${base}`);
      const m = /AppID (wx[0-9a-f]{16})\s+AppSecret ([0-9a-f]{32})/.exec(text);
      expect(m).toBeTruthy();
      const r = (await (await fetch(`${base}/cgi-bin/token?grant_type=client_credential&appid=${m![1]}&secret=${m![2]}`)).json()) as Json;
      expect(r.expires_in).toBe(7200);
      process.emit('SIGTERM', 'SIGTERM');
      expect(await done).toBe(0);
      await expect(fetch(`${base}/cgi-bin/token`)).rejects.toThrow();
    } finally {
      spyOut.mockRestore();
      spyErr.mockRestore();
    }
  });

  it('masks a user-supplied AppSecret and validates flags', async () => {
    const { emulatorOptionsFrom } = await import('../../src/cli/commands/emulator.js');
    expect(() => emulatorOptionsFrom({ port: 'abc', host: '127.0.0.1' })).toThrow(/--port/);
    expect(() => emulatorOptionsFrom({ port: '4000', host: '127.0.0.1', appId: 'wx1' })).toThrow(/--app-secret/);
    expect(() => emulatorOptionsFrom({ port: '4000', host: '127.0.0.1', failRate: '2' })).toThrow(/--fail-rate/);
    expect(emulatorOptionsFrom({ port: '4000', host: '127.0.0.1', failRate: '0.1', latency: '20', publishDelay: '0' })).toMatchObject({
      port: 4000,
      publishDelayMs: 0,
      faults: { failureRate: 0.1, latencyMs: 20 },
    });
    expect(emulatorOptionsFrom({ port: '4000', host: '0.0.0.0', allowedHost: ['wechat-emu'] }).allowedHosts).toEqual(['wechat-emu']);
  });
});

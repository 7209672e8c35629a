/**
 * The `/__emulator/*` control endpoints, the pages and served media are routes like the API's (routes/admin.ts,
 * admin-followers.ts, pages.ts): matched by exact method, trailing slashes ignored, never logged, and behind the
 * same Host/Origin guard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

const APP = { appId: 'wx1234567890abcdef', appSecret: '0123456789abcdef0123456789abcdef' };

describe('admin routes', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ accounts: [APP] });
  });
  afterAll(async () => {
    await emu.close();
  });

  async function call(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const res = await fetch(`${emu.url}${path}`, { method, headers });
    const text = await res.text();
    return { status: res.status, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  }

  it('answers an unknown control path, or a known one with the wrong verb, with 404 {"error"}', async () => {
    expect(await call('GET', '/__emulator/nope')).toEqual({ status: 404, body: { error: 'no such emulator endpoint: GET /__emulator/nope' } });
    expect((await call('GET', '/__emulator/requests/reset')).status).toBe(404);
    expect((await call('GET', '/__emulator/messages/reset')).body).toEqual({
      error: 'no such emulator endpoint: GET /__emulator/messages/reset',
    });
  });

  it('ignores trailing slashes and serves HEAD like GET', async () => {
    expect((await call('GET', '/__emulator/followers/')).body.appid).toBe(APP.appId);
    expect((await call('GET', '/__emulator/')).status).toBe(200);
    expect((await call('HEAD', '/__emulator/state')).status).toBe(200);
  });

  it('leaves other unknown paths to the unknown-API answer (48001)', async () => {
    const { status, body } = await call('POST', '/');
    expect(status).toBe(200);
    expect(body.errcode).toBe(48001);
    expect(body.errmsg).toMatch(/^api unauthorized \(emulator: no such API \/\) rid: /);
    expect((await call('GET', '/mmbiz_png/unknown/0')).status).toBe(404);
  });

  it('does not log control calls, and refuses a foreign Origin on every control route', async () => {
    await call('POST', '/__emulator/requests/reset');
    await call('GET', '/__emulator/followers');
    await call('GET', '/__emulator/faults');
    expect(emu.control.requests()).toEqual([]);
    const foreign = { Origin: 'http://evil.example' };
    expect((await call('POST', '/__emulator/followers', foreign)).status).toBe(403);
    expect((await call('POST', '/__emulator/time/advance', foreign)).status).toBe(403);
  });
});

/**
 * Where the AppSecret may go (docs/security.md, "Where credentials go"): `.env` cannot choose the API base or the
 * proxy, plain http is refused except to this machine, and a local base is announced. Nothing here reaches a real
 * host: the default base (api.weixin.qq.com) is only ever asked for through a local proxy that refuses every tunnel.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceApiBase, ApiBaseError, checkApiBase, isLoopbackHost } from '../../src/config/api-base.js';
import { loadDotEnv } from '../../src/config/env.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';

const APP = { appId: 'wxapibase000000001', appSecret: 'api-base-secret-0123456789abcdef' };

/** A local HTTP server that answers nothing useful and remembers every request and CONNECT it gets. */
interface Recorder {
  url: string;
  /** `METHOD target` of everything received. */
  seen: string[];
  close(): Promise<void>;
}

/** Records requests; as a proxy, refuses every tunnel (so nothing behind it is ever contacted). */
async function startRecorder(): Promise<Recorder> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(500, { 'Content-Type': 'application/json' });
    res.end('{"errcode":-1,"errmsg":"recorder"}');
  });
  server.on('connect', (req, socket) => {
    seen.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let cacheHome: string;
let emulator: RunningEmulator;
let recorder: Recorder;
let proxy: Recorder;

beforeAll(async () => {
  cacheHome = mkdtempSync(path.join(tmpdir(), 'wxmp-cache-'));
  emulator = await startEmulator({ accounts: [APP] });
  recorder = await startRecorder();
  proxy = await startRecorder();
});
afterAll(async () => {
  await Promise.all([emulator.close(), recorder.close(), proxy.close()]);
  rmSync(cacheHome, { recursive: true, force: true });
});

/** One attempt per call, no backoff: a refused tunnel fails fast. */
function noRetries(root: string): void {
  writeFileSync(path.join(root, 'wxmp.config.json'), JSON.stringify({ retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } }));
}

const localNotice = (base: string) => `wxmp: API base ${base} is a local address (emulator?): credentials go there`;
const occurrences = (text: string, part: string) => text.split(part).length - 1;

describe('.env cannot choose where credentials go', () => {
  it('ignores WXMP_API_BASE and WXMP_PROXY from .env, with one warning each; the default base is used', async () => {
    const root = await makeRepo({ posts: 1 });
    noRetries(root);
    writeFileSync(path.join(root, '.env'), `WXMP_API_BASE=${recorder.url}\nWXMP_PROXY=${recorder.url}\nWECHAT_APP_ID=${APP.appId}\nWECHAT_APP_SECRET=${APP.appSecret}\n`);
    recorder.seen.length = 0;
    proxy.seen.length = 0;
    // The real environment only routes through the refusing proxy, so the default base cannot be reached.
    const result = await runCli(['sync', '--root', root, '--json'], { env: cleanEnv({ XDG_CACHE_HOME: cacheHome, WXMP_PROXY: proxy.url }) });

    expect(recorder.seen).toEqual([]);
    expect(proxy.seen.length).toBeGreaterThan(0);
    expect(new Set(proxy.seen)).toEqual(new Set(['CONNECT api.weixin.qq.com:443']));
    const envFile = path.join(root, '.env');
    for (const name of ['WXMP_API_BASE', 'WXMP_PROXY']) {
      const warning = `wxmp: ignoring ${name} from ${envFile}: where credentials are sent comes only from the real environment`;
      expect(occurrences(result.stderr, warning)).toBe(1);
    }
    expect(result.code).toBe(1); // the token request failed at the proxy
    expect(result.stdout + result.stderr).not.toContain(APP.appSecret);
  });

  it('without credentials, a .env base is ignored and the sandbox runs quietly (no API base notice)', async () => {
    const root = await makeRepo({ posts: 1 });
    writeFileSync(path.join(root, '.env'), `WXMP_API_BASE=${recorder.url}\n`);
    recorder.seen.length = 0;
    const result = await runCli(['sync', '--root', root], { env: cleanEnv({ XDG_CACHE_HOME: cacheHome }) });
    expect(result.code, result.stderr).toBe(0);
    expect(recorder.seen).toEqual([]);
    expect(result.stderr).toMatch(/SANDBOX MODE/);
    expect(occurrences(result.stderr, 'wxmp: ignoring WXMP_API_BASE from')).toBe(1);
    expect(result.stderr).not.toContain('is a local address');
  });

  it('loadDotEnv loads secrets but reports and skips the transport variables', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'wxmp-env-'));
    writeFileSync(path.join(root, '.env'), 'WECHAT_APP_SECRET=s3cret\nWXMP_API_BASE=http://127.0.0.1:1\nWXMP_PROXY=http://127.0.0.1:2\n');
    const env: NodeJS.ProcessEnv = {};
    const ignored: string[] = [];
    const set = loadDotEnv(root, env, (file, name) => ignored.push(`${path.basename(file)}:${name}`));
    expect(set).toEqual(['WECHAT_APP_SECRET']);
    expect(env).toEqual({ WECHAT_APP_SECRET: 's3cret' });
    expect(ignored).toEqual(['.env:WXMP_API_BASE', '.env:WXMP_PROXY']);
    rmSync(root, { recursive: true, force: true });
  });
});

describe('plain http only to this machine', () => {
  it('refuses a non-loopback http base from the environment before any request', async () => {
    const root = await makeRepo({ posts: 1 });
    proxy.seen.length = 0;
    const env = cleanEnv({ XDG_CACHE_HOME: cacheHome, WXMP_API_BASE: 'http://example.invalid', WXMP_PROXY: proxy.url, WECHAT_APP_ID: APP.appId, WECHAT_APP_SECRET: APP.appSecret });
    const result = await runCli(['sync', '--root', root], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('wxmp: WXMP_API_BASE: refusing to send the AppSecret to http://example.invalid over plain http');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout + result.stderr).not.toContain(APP.appSecret);
    expect(proxy.seen).toEqual([]);
  });

  it('names the config key of a refused base, and refuses a proxy in front of a plain-http base', async () => {
    const root = await makeRepo({ posts: 1 });
    const config = (account: Record<string, string>) =>
      writeFileSync(path.join(root, 'wxmp.config.json'), JSON.stringify({ accounts: { main: { appId: APP.appId, ...account } } }));
    const env = cleanEnv({ XDG_CACHE_HOME: cacheHome, WECHAT_APP_SECRET_MAIN: APP.appSecret });

    config({ apiBase: 'http://relay.example.invalid:8080' });
    const remote = await runCli(['sync', '--root', root], { env });
    expect(remote.code).toBe(1);
    expect(remote.stderr).toContain('wxmp: accounts.main.apiBase: refusing to send the AppSecret to http://relay.example.invalid:8080 over plain http');

    config({ apiBase: emulator.url, proxy: proxy.url });
    proxy.seen.length = 0;
    const proxied = await runCli(['sync', '--root', root], { env });
    expect(proxied.code).toBe(1);
    expect(proxied.stderr).toContain(`refusing to send the AppSecret to ${emulator.url} through a proxy over plain http`);
    expect(proxy.seen).toEqual([]);
  });

  it('a loopback base from the environment works and is announced once', async () => {
    const root = await makeRepo({ posts: 2 });
    emulator.control.resetRequests();
    const env = cleanEnv({ XDG_CACHE_HOME: cacheHome, WXMP_API_BASE: emulator.url, WECHAT_APP_ID: APP.appId, WECHAT_APP_SECRET: APP.appSecret });
    const result = await runCli(['sync', '--root', root, '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).summary).toMatchObject({ CREATED: 2 });
    expect(occurrences(result.stderr, localNotice(emulator.url))).toBe(1);
    expect(emulator.control.requests().length).toBeGreaterThan(0);
    expect(result.stdout + result.stderr).not.toContain(APP.appSecret);

    // A plan sends nothing, so there is nothing to announce.
    const plan = await runCli(['plan', '--root', root], { env });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stderr).not.toContain('is a local address');
  });
});

describe('checkApiBase', () => {
  it('tells loopback hosts from others', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '[::1]']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['128.0.0.1', 'example.com', '127.0.0.1.nip.io', '[::ffff:7f00:1]', '0.0.0.0', 'localhost.example.com']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('allows https anywhere and http to this machine only', () => {
    expect(checkApiBase('https://api.weixin.qq.com')).toEqual({ base: 'https://api.weixin.qq.com', label: 'https://api.weixin.qq.com', local: false });
    expect(checkApiBase('https://relay.example.com/wx/', 'http://proxy:3128').local).toBe(false);
    expect(checkApiBase('http://127.0.0.1:4712/')).toMatchObject({ label: 'http://127.0.0.1:4712', local: true });
    expect(checkApiBase('http://[::1]:4000').local).toBe(true);
    expect(checkApiBase('http://LOCALHOST:4000').local).toBe(true);
    // WHATWG URL canonicalises other spellings of 127.0.0.1.
    expect(checkApiBase('http://0x7f.1:4000').label).toBe('http://127.0.0.1:4000');
    for (const base of ['http://example.invalid', 'http://10.0.0.1:4000', 'http://[::ffff:127.0.0.1]', 'ftp://127.0.0.1', 'not a url']) {
      expect(() => checkApiBase(base), base).toThrow(ApiBaseError);
    }
    expect(() => checkApiBase('http://127.0.0.1:4000', 'http://proxy:3128')).toThrow(/through a proxy/);
  });

  it('never prints the user:password part of a base', () => {
    expect(() => checkApiBase('http://user:hunter2@example.invalid')).toThrow(/^(?!.*hunter2)/);
    const lines: string[] = [];
    announceApiBase('http://user:hunter2@127.0.0.1:4999', undefined, (line) => lines.push(line));
    announceApiBase('http://127.0.0.1:4999/', undefined, (line) => lines.push(line));
    expect(lines).toEqual([`${localNotice('http://127.0.0.1:4999')}\n`]);
  });
});

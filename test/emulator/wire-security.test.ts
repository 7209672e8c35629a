/**
 * The emulator's transport safety over real HTTP/TCP (docs/emulator.md "Security"): broken multipart uploads never
 * take it down, the control endpoints refuse DNS-rebinding Hosts and foreign Origins, and silent or slow sockets are
 * closed by the server timeouts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';

const APP = { appId: 'wx1234567890abcdef', appSecret: '0123456789abcdef0123456789abcdef' };
const RID = / rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;
/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const BOUNDARY = 'wxmpTestBoundary7MA4YWxk';

type Json = Record<string, unknown>;

interface Started {
  emu: RunningEmulator;
  logs: string[];
}

async function start(options: EmulatorOptions = {}): Promise<Started> {
  const logs: string[] = [];
  const emu = await startEmulator({ accounts: [APP], publishDelayMs: 0, log: (line) => logs.push(line), ...options });
  return { emu, logs };
}

async function token(emu: RunningEmulator): Promise<string> {
  const res = await fetch(`${emu.url}/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.appSecret}`);
  const body = (await res.json()) as Json;
  expect(typeof body.access_token, JSON.stringify(body)).toBe('string');
  return body.access_token as string;
}

/** The start of a multipart body: one `media` file part's headers. */
function filePartHead(filename = 'photo.png'): string {
  return `--${BOUNDARY}\r\nContent-Disposition: form-data; name="media"; filename="${filename}"\r\nContent-Type: image/png\r\n\r\n`;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Json;
}

/** A request with exactly the headers given (fetch would not let a test set Host). */
function rawRequest(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) as Json });
          } catch {
            reject(new Error(`not JSON (HTTP ${res.statusCode}): ${text.slice(0, 200)}`));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A raw TCP connection recording what the server sends and when it closes the connection. */
interface RawSocket {
  socket: Socket;
  received: () => string;
  closed: Promise<number>;
}

async function openSocket(port: number): Promise<RawSocket> {
  const socket = connect(port, '127.0.0.1');
  let data = '';
  socket.on('data', (chunk: Buffer) => {
    data += chunk.toString('latin1');
  });
  socket.on('error', () => {});
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => data, closed };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('multipart uploads that break off or are malformed', () => {
  let s: Started;
  let tok: string;
  beforeAll(async () => {
    s = await start();
    tok = await token(s.emu);
  });
  afterAll(() => s.emu.close());

  const uploadPath = () => `/cgi-bin/media/uploadimg?access_token=${tok}`;
  const multipartType = `multipart/form-data; boundary=${BOUNDARY}`;

  it('survives a client that closes the socket mid-file, and keeps serving uploads', async () => {
    const raw = await openSocket(s.emu.port);
    const partial = filePartHead() + PNG.subarray(0, 20).toString('latin1');
    raw.socket.write(
      `POST ${uploadPath()} HTTP/1.1\r\nHost: 127.0.0.1:${s.emu.port}\r\nContent-Type: ${multipartType}\r\n` +
        `Content-Length: 100000\r\n\r\n${partial}`,
      'latin1',
    );
    await sleep(50);
    raw.socket.destroy();

    // The cut-off upload reached the wire rules and was answered 41005 into the closed socket…
    await waitFor(() => s.emu.control.requests().some((r) => r.path === '/cgi-bin/media/uploadimg' && r.errcode === 41005));
    // …and the next upload, on a new connection, works.
    const form = new FormData();
    form.append('media', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'photo.png');
    const res = await fetch(`${s.emu.url}${uploadPath()}`, { method: 'POST', body: form });
    const body = (await res.json()) as Json;
    expect(res.status).toBe(200);
    expect(body.url, JSON.stringify(body)).toMatch(/\/mmbiz_png\//);
    expect(s.logs.filter((l) => l.includes('internal error'))).toEqual([]);
  });

  it('answers a multipart body truncated inside the file part with 41005 JSON', async () => {
    const res = await rawRequest(s.emu.port, {
      method: 'POST',
      path: uploadPath(),
      headers: { 'Content-Type': multipartType },
      body: Buffer.concat([Buffer.from(filePartHead()), PNG.subarray(0, 30)]),
    });
    expect(res.status).toBe(200);
    expect(res.body.errcode).toBe(41005);
    expect(res.body.errmsg).toMatch(/^media data missing/);
    expect(res.body.errmsg).toMatch(RID);
  });

  it('answers a body whose boundary differs from the header with 41005 JSON', async () => {
    const body = `--otherBoundary\r\nContent-Disposition: form-data; name="media"; filename="a.png"\r\n\r\nxx\r\n--otherBoundary--\r\n`;
    const res = await rawRequest(s.emu.port, { method: 'POST', path: uploadPath(), headers: { 'Content-Type': multipartType }, body });
    expect(res.status).toBe(200);
    expect(res.body.errcode).toBe(41005);
  });

  it('answers a multipart Content-Type without a boundary with 41005 JSON', async () => {
    const res = await rawRequest(s.emu.port, {
      method: 'POST',
      path: uploadPath(),
      headers: { 'Content-Type': 'multipart/form-data' },
      body: `${filePartHead()}data\r\n--${BOUNDARY}--\r\n`,
    });
    expect(res.body.errcode).toBe(41005);
  });

  it('answers a part with broken headers with 41005 JSON', async () => {
    const body = `--${BOUNDARY}\r\nthis is not a header line\r\n\r\ndata\r\n--${BOUNDARY}--\r\n`;
    const res = await rawRequest(s.emu.port, { method: 'POST', path: uploadPath(), headers: { 'Content-Type': multipartType }, body });
    expect(res.body.errcode).toBe(41005);
  });

  it('caps the body size: over 32 MiB is answered 45001 and the emulator keeps working', async () => {
    const big = Buffer.alloc(32 * 1024 * 1024 + 1024, 0x61);
    const res = await rawRequest(s.emu.port, {
      method: 'POST',
      path: uploadPath(),
      headers: { 'Content-Type': multipartType },
      body: Buffer.concat([Buffer.from(filePartHead()), big, Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]),
    });
    expect(res.body.errcode).toBe(45001);
    const count = await fetch(`${s.emu.url}/cgi-bin/draft/count?access_token=${tok}`);
    expect(((await count.json()) as Json).total_count).toBe(0);
  });
});

/**
 * Runs the emulator in its own Node process (TypeScript loaded by jiti), as `wxmp emulator` does: there an unhandled
 * 'error' event kills the process, whereas inside vitest it would only be reported.
 */
const CHILD_SCRIPT = `
const mod = await import(process.argv[1]);
const { startEmulator } = 'startEmulator' in mod ? mod : mod.default;
const emu = await startEmulator({ accounts: [${JSON.stringify(APP)}] });
process.stdout.write('PORT ' + emu.port + '\\n');
`;

interface EmulatorProcess {
  child: ChildProcess;
  port: number;
  stderr: () => string;
}

function spawnEmulator(): Promise<EmulatorProcess> {
  const entry = fileURLToPath(new URL('../../src/emulator/index.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'jiti/register', '--input-type=module', '-e', CHILD_SCRIPT, entry], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const port = /PORT (\d+)/.exec(stdout)?.[1];
      if (port) resolve({ child, port: Number(port), stderr: () => stderr });
    });
    child.on('exit', (code) => reject(new Error(`emulator process exited (${code}) before listening: ${stderr}`)));
  });
}

describe('the emulator process', () => {
  let proc: EmulatorProcess;
  beforeAll(async () => {
    proc = await spawnEmulator();
  });
  afterAll(() => {
    proc?.child.kill();
  });

  it('stays up after a truncated upload and one aborted mid-file', async () => {
    const tokenRes = await rawRequest(proc.port, {
      path: `/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.appSecret}`,
    });
    const uploadPath = `/cgi-bin/material/add_material?type=image&access_token=${String(tokenRes.body.access_token)}`;
    const headers = { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` };

    const truncated = await rawRequest(proc.port, { method: 'POST', path: uploadPath, headers, body: `${filePartHead()}half a fi` });
    expect(truncated.body.errcode).toBe(41005);

    const raw = await openSocket(proc.port);
    raw.socket.write(
      `POST ${uploadPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${headers['Content-Type']}\r\n` +
        `Content-Length: 9999\r\n\r\n${filePartHead()}par`,
    );
    await sleep(50);
    raw.socket.destroy();
    await sleep(100);

    const afterwards = await rawRequest(proc.port, { path: '/__emulator/requests' });
    expect(afterwards.status).toBe(200);
    expect(afterwards.body.counts).toMatchObject({ '/cgi-bin/material/add_material': 2 });
    expect(proc.child.exitCode).toBeNull();
    expect(proc.stderr()).not.toMatch(/Unexpected end|Unhandled|internal error/);
  });
});

describe('Host and Origin checks', () => {
  let s: Started;
  let port: number;
  beforeAll(async () => {
    s = await start({ allowedHosts: ['emulator'] });
    port = s.emu.port;
  });
  afterAll(() => s.emu.close());

  const advance = (headers: Record<string, string>) =>
    rawRequest(port, { method: 'POST', path: '/__emulator/time/advance', headers, body: '{"ms":60000}' });

  it('refuses a control endpoint reached under a foreign Host (DNS rebinding) with 403 JSON, changing nothing', async () => {
    const before = s.emu.control.now();
    const res = await advance({ Host: `evil.example:${port}`, 'Content-Type': 'text/plain' });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/Host "evil\.example:\d+".*DNS-rebinding/);
    expect(res.headers.connection).toBe('close');
    expect(s.emu.control.now() - before).toBeLessThan(60_000);

    const read = await rawRequest(port, { path: '/__emulator/requests', headers: { Host: 'evil.example' } });
    expect(read.status).toBe(403);
    expect(s.logs.some((l) => l.includes('refused POST /__emulator/time/advance'))).toBe(true);
  });

  it('refuses a cross-origin POST to a control endpoint with 403 JSON, changing nothing', async () => {
    const before = s.emu.control.now();
    for (const origin of ['http://evil.example', `http://localhost:${port + 1}`, 'null']) {
      const res = await advance({ Host: `127.0.0.1:${port}`, Origin: origin, 'Content-Type': 'text/plain' });
      expect(res.status, origin).toBe(403);
      expect(res.body.error).toMatch(/cross-origin request from Origin/);
    }
    expect(s.emu.control.now() - before).toBeLessThan(60_000);
  });

  it('serves control endpoints to clients without an Origin and to the emulator’s own origin', async () => {
    const before = s.emu.control.now();
    const plain = await advance({ Host: `127.0.0.1:${port}` });
    expect(plain.status).toBe(200);
    expect(s.emu.control.now() - before).toBeGreaterThanOrEqual(60_000);

    const own = await advance({ Host: `127.0.0.1:${port}`, Origin: s.emu.url });
    expect(own.status).toBe(200);
    const viaLocalhost = await advance({ Host: `localhost:${port}`, Origin: `http://localhost:${port}` });
    expect(viaLocalhost.status).toBe(200);

    for (const host of [`localhost:${port}`, `[::1]:${port}`, '127.0.0.1', `192.168.1.20:${port}`, `emulator:${port}`]) {
      const res = await rawRequest(port, { path: '/__emulator/faults', headers: { Host: host } });
      expect(res.status, host).toBe(200);
      expect(res.body.failureRate).toBe(0);
    }
    // A plain fetch (Host 127.0.0.1:port, no Origin) is what scripts and the docs' curl examples send.
    const viaFetch = await fetch(`${s.emu.url}/__emulator/requests`);
    expect(viaFetch.status).toBe(200);
  });

  it('applies the Host check to the WeChat API and the pages too, but not the Origin check', async () => {
    const api = await rawRequest(port, {
      path: `/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.appSecret}`,
      headers: { Host: `evil.example:${port}` },
    });
    expect(api.status).toBe(403);
    expect(api.body.errcode).toBe(-1);
    expect(api.body.errmsg).toMatch(RID);
    expect(api.body.access_token).toBeUndefined();

    const page = await rawRequest(port, { path: '/', headers: { Host: 'evil.example' } });
    expect(page.status).toBe(403);
    expect(page.body.error).toMatch(/DNS-rebinding/);

    const withOrigin = await rawRequest(port, {
      path: `/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.appSecret}`,
      headers: { Host: `127.0.0.1:${port}`, Origin: 'http://evil.example' },
    });
    expect(withOrigin.status).toBe(200);
    expect(typeof withOrigin.body.access_token).toBe('string');
  });

  it('refuses Host values that only embed a loopback address', async () => {
    for (const host of ['evil.example@127.0.0.1', '127.0.0.1.evil.example', 'localhost.evil.example', 'evil']) {
      const res = await rawRequest(port, { path: '/__emulator/state', headers: { Host: host } });
      expect(res.status, host).toBe(403);
    }
  });
});

describe('server timeouts', () => {
  it('closes a socket that sends nothing after the idle timeout, without an answer', async () => {
    const { emu } = await start({ timeouts: { idleMs: 200 } });
    try {
      const raw = await openSocket(emu.port);
      const openedAt = Date.now();
      const closedAt = await raw.closed;
      expect(closedAt - openedAt).toBeGreaterThanOrEqual(150);
      expect(closedAt - openedAt).toBeLessThan(3000); // the 10 s headers timeout did not do it
      expect(raw.received()).toBe('');
    } finally {
      await emu.close();
    }
  });

  it('answers 408 and closes a connection that drips its headers past the headers timeout', async () => {
    const { emu } = await start({ timeouts: { headersMs: 300, idleMs: 0 } });
    try {
      const raw = await openSocket(emu.port);
      const openedAt = Date.now();
      raw.socket.write('GET /__emulator/faults HTTP/1.1\r\n');
      const drip = setInterval(() => raw.socket.write('X-Slow: 1\r\n'), 50);
      const closedAt = await raw.closed;
      clearInterval(drip);
      expect(closedAt - openedAt).toBeGreaterThanOrEqual(250);
      expect(closedAt - openedAt).toBeLessThan(3000);
      expect(raw.received()).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      await emu.close();
    }
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const { emu } = await start({ timeouts: { keepAliveMs: 200 } });
    try {
      const raw = await openSocket(emu.port);
      raw.socket.write(`GET /__emulator/faults HTTP/1.1\r\nHost: 127.0.0.1:${emu.port}\r\n\r\n`);
      await waitFor(() => raw.received().includes('"failureRate"'));
      const answeredAt = Date.now();
      const closedAt = await raw.closed;
      expect(raw.received()).toMatch(/^HTTP\/1\.1 200 /);
      expect(closedAt - answeredAt).toBeGreaterThanOrEqual(100);
      expect(closedAt - answeredAt).toBeLessThan(3000);
    } finally {
      await emu.close();
    }
  });

  it('does not cut off a request that is still being handled (injected latency longer than the idle timeout)', async () => {
    const { emu } = await start({ timeouts: { idleMs: 150 }, faults: { latencyMs: 500 } });
    try {
      const startedAt = Date.now();
      const tok = await token(emu);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(450);
      expect(tok.length).toBeGreaterThan(100);
    } finally {
      await emu.close();
    }
  });

  it('rejects timeouts node:http cannot honour', async () => {
    await expect(start({ timeouts: { headersMs: 5000, requestMs: 1000 } })).rejects.toThrow(/headersMs .* must not exceed/);
    await expect(start({ timeouts: { idleMs: -1 } })).rejects.toThrow(/non-negative integer/);
  });
});

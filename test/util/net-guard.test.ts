/**
 * Remote images may not reach internal addresses (docs/security.md): the address table, URL checks, the lookup that
 * guards every connection, and the Downloader's redirects, size cap and timeout against a local server (allow-listed
 * where a test needs it to answer). Nothing here leaves the machine: refused URLs are refused before connecting.
 */
import type { LookupAddress } from 'node:dns';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageRef } from '../../src/render/types.js';
import { Downloader, ImageSourceError } from '../../src/sync/image-source.js';
import { blockedReason, checkUrl, guardedLookup, isBlockedAddress, type Resolver } from '../../src/util/net-guard.js';

const HINT = '(posts may not reach internal addresses; allow a host with remoteImages.allowHosts in wxmp.config.ts)';

describe('isBlockedAddress', () => {
  const blocked = [
    ['0.0.0.0', 'a "this network" address'],
    ['0.1.2.3', 'a "this network" address'],
    ['10.0.0.1', 'a private address'],
    ['100.64.0.1', 'a carrier-grade NAT address'],
    ['100.127.255.255', 'a carrier-grade NAT address'],
    ['127.0.0.1', 'a loopback address'],
    ['127.255.255.254', 'a loopback address'],
    ['169.254.169.254', 'a cloud metadata address'],
    ['169.254.1.1', 'a link-local address'],
    ['172.16.0.1', 'a private address'],
    ['172.31.255.255', 'a private address'],
    ['192.0.0.8', 'an IETF protocol address'],
    ['192.168.1.1', 'a private address'],
    ['198.18.0.1', 'a benchmarking address'],
    ['198.19.255.255', 'a benchmarking address'],
    ['224.0.0.1', 'a multicast address'],
    ['239.255.255.250', 'a multicast address'],
    ['240.0.0.1', 'a reserved address'],
    ['255.255.255.255', 'a broadcast address'],
    ['::', 'the unspecified address'],
    ['::1', 'a loopback address'],
    ['0:0:0:0:0:0:0:1', 'a loopback address'],
    ['fc00::1', 'a unique local (private) address'],
    ['fd00:ec2::254', 'a unique local (private) address'],
    ['fe80::1', 'a link-local address'],
    ['fe80::1%eth0', 'a link-local address'],
    ['fec0::1', 'a site-local address'],
    ['ff02::1', 'a multicast address'],
    ['::ffff:127.0.0.1', 'a loopback address (127.0.0.1 inside an IPv6 address)'],
    ['::ffff:7f00:1', 'a loopback address (127.0.0.1 inside an IPv6 address)'],
    ['::FFFF:A9FE:A9FE', 'a cloud metadata address (169.254.169.254 inside an IPv6 address)'],
    ['::ffff:10.1.2.3', 'a private address (10.1.2.3 inside an IPv6 address)'],
    ['64:ff9b::a9fe:a9fe', 'a cloud metadata address (169.254.169.254 inside an IPv6 address)'],
    ['64:ff9b::192.168.0.1', 'a private address (192.168.0.1 inside an IPv6 address)'],
    ['64:ff9b::7f00:1', 'a loopback address (127.0.0.1 inside an IPv6 address)'],
    ['::127.0.0.1', 'a loopback address (127.0.0.1 inside an IPv6 address)'],
    ['2002:7f00:1::1', 'a loopback address (127.0.0.1 inside an IPv6 address)'],
    ['localhost', 'not an IP address'],
  ] as const;
  it.each(blocked)('refuses %s: %s', (ip, reason) => {
    expect(blockedReason(ip)).toBe(reason);
    expect(isBlockedAddress(ip)).toBe(true);
  });

  const allowed = [
    '1.1.1.1',
    '8.8.8.8',
    '93.184.216.34',
    '100.63.255.255',
    '100.128.0.0',
    '169.253.255.255',
    '172.15.255.255',
    '172.32.0.0',
    '192.0.1.1',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
    '2606:4700::1111',
    '2001:4860:4860::8888',
    'fbff::1',
    'fe7f::1',
    '::ffff:1.1.1.1',
    '64:ff9b::1.1.1.1',
    '2002:101:101::1',
  ];
  it.each(allowed)('lets %s through', (ip) => {
    expect(blockedReason(ip)).toBeUndefined();
    expect(isBlockedAddress(ip)).toBe(false);
  });
});

describe('checkUrl', () => {
  const check = (url: string, allowHosts: string[] = []) => checkUrl(new URL(url), allowHosts);

  it('refuses internal IP literals, in every spelling the URL parser accepts', () => {
    expect(check('http://127.0.0.1:4713/x.png')).toEqual({ reason: '127.0.0.1 is a loopback address', internal: true });
    expect(check('http://2130706433/x.png')).toEqual({ reason: '127.0.0.1 is a loopback address', internal: true });
    expect(check('http://0x7f.1/x.png')).toEqual({ reason: '127.0.0.1 is a loopback address', internal: true });
    expect(check('http://169.254.169.254/latest/meta-data/')).toEqual({ reason: '169.254.169.254 is a cloud metadata address', internal: true });
    expect(check('http://[::1]:8080/x.png')).toEqual({ reason: '::1 is a loopback address', internal: true });
    expect(check('https://[::ffff:127.0.0.1]/x.png')).toEqual({ reason: '::ffff:7f00:1 is a loopback address (127.0.0.1 inside an IPv6 address)', internal: true });
    expect(check('https://[64:ff9b::10.0.0.1]/x.png')?.reason).toMatch(/a private address \(10\.0\.0\.1 inside an IPv6 address\)/);
  });

  it('refuses names of this machine', () => {
    expect(check('http://localhost/x.png')).toEqual({ reason: 'localhost is a name of this machine', internal: true });
    expect(check('http://LOCALHOST./x.png')).toEqual({ reason: 'localhost is a name of this machine', internal: true });
    expect(check('http://img.localhost/x.png')).toEqual({ reason: 'img.localhost is a name of this machine', internal: true });
    expect(check('http://ip6-localhost/x.png')?.internal).toBe(true);
  });

  it('leaves public literals and host names to the connection (their addresses are checked there)', () => {
    expect(check('https://1.1.1.1/x.png')).toBeUndefined();
    expect(check('https://[2606:4700::1111]/x.png')).toBeUndefined();
    expect(check('https://images.example.com/x.png')).toBeUndefined();
    expect(check('https://notlocalhost.example/x.png')).toBeUndefined();
  });

  it('refuses schemes other than http and https, allow-listed or not', () => {
    expect(check('file:///etc/passwd')).toEqual({ reason: 'file: is not http or https', internal: false });
    expect(check('ftp://127.0.0.1/x.png', ['127.0.0.1'])).toEqual({ reason: 'ftp: is not http or https', internal: false });
    expect(check('gopher://example.com/')?.internal).toBe(false);
  });

  it('lets allow-listed hosts through, however the list spells them', () => {
    expect(check('http://127.0.0.1:4713/x.png', ['127.0.0.1'])).toBeUndefined();
    expect(check('http://[::1]/x.png', ['::1'])).toBeUndefined();
    expect(check('http://[::1]/x.png', ['[0:0:0:0:0:0:0:1]'])).toBeUndefined();
    expect(check('http://localhost/x.png', ['LocalHost.'])).toBeUndefined();
    expect(check('http://10.0.0.5/x.png', ['10.0.0.6'])?.reason).toBe('10.0.0.5 is a private address');
    // An allowed address does not allow the names that resolve to it.
    expect(check('http://localhost/x.png', ['127.0.0.1'])?.internal).toBe(true);
  });
});

/** A resolver answering from a table (no DNS), counting its calls. */
function fakeResolver(table: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve: Resolver = (hostname, _options, callback) => {
    calls.push(hostname);
    const addresses: LookupAddress[] = (table[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    queueMicrotask(() => callback(null, addresses));
  };
  return Object.assign(resolve, { calls });
}

type LookupResult = { error: NodeJS.ErrnoException | null; address: unknown; family?: number };

function lookup(allowHosts: string[], resolve: Resolver, hostname: string, all: boolean): Promise<LookupResult> {
  return new Promise((done) => guardedLookup(allowHosts, resolve)(hostname, { all }, (error, address, family) => done({ error, address, family })));
}

describe('guardedLookup', () => {
  const resolve = fakeResolver({
    'images.example': ['93.184.216.34', '2606:2800:220:1::1'],
    'rebind.example': ['93.184.216.34', '127.0.0.1'],
    'intranet.example': ['10.0.0.5'],
    'metadata.example': ['::ffff:169.254.169.254'],
  });

  it('answers with public addresses, one or all as asked', async () => {
    expect(await lookup([], resolve, 'images.example', false)).toEqual({ error: null, address: '93.184.216.34', family: 4 });
    expect(await lookup([], resolve, 'images.example', true)).toMatchObject({ error: null, address: [{ address: '93.184.216.34' }, { address: '2606:2800:220:1::1' }] });
  });

  it('refuses a host when any of its addresses is internal', async () => {
    const rebind = await lookup([], resolve, 'rebind.example', true);
    expect(rebind.error?.message).toBe('rebind.example resolves to 127.0.0.1, a loopback address');
    expect(rebind.error?.code).toBe('EWXMP_BLOCKED_ADDRESS');
    expect((await lookup([], resolve, 'intranet.example', false)).error?.message).toBe('intranet.example resolves to 10.0.0.5, a private address');
    expect((await lookup([], resolve, 'metadata.example', false)).error?.message).toMatch(/a cloud metadata address \(169\.254\.169\.254 inside/);
  });

  it('lets an allow-listed host resolve anywhere', async () => {
    expect(await lookup(['Intranet.Example'], resolve, 'intranet.example', false)).toEqual({ error: null, address: '10.0.0.5', family: 4 });
  });

  it('reports a name without addresses as not found', async () => {
    expect((await lookup([], resolve, 'nowhere.example', false)).error?.code).toBe('ENOTFOUND');
  });
});

describe('Downloader', () => {
  const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
  let server: Server;
  let origin: string;
  let port: number;
  const hits: string[] = [];
  const stalled: ServerResponse[] = [];
  let endlessClosed: Promise<number> | undefined;

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/logo.png': (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(PNG),
    '/to-logo': (_req, res) => res.writeHead(302, { location: '/logo.png' }).end(),
    '/to-metadata': (_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    '/to-v6-loopback': (_req, res) => res.writeHead(301, { location: `http://[::1]:${port}/logo.png` }).end(),
    '/to-localhost': (_req, res) => res.writeHead(307, { location: `http://localhost:${port}/logo.png` }).end(),
    '/to-named': (_req, res) => res.writeHead(302, { location: `http://images.internal.example:${port}/logo.png` }).end(),
    '/to-file': (_req, res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end(),
    '/to-ftp': (_req, res) => res.writeHead(308, { location: `ftp://127.0.0.1:${port}/logo.png` }).end(),
    '/to-stall': (_req, res) => res.writeHead(302, { location: '/stall' }).end(),
    '/stall': (_req, res) => void stalled.push(res),
    '/stall-body': (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' }).write(PNG.subarray(0, 8));
      stalled.push(res);
    },
    '/declared-big': (_req, res) => res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) }).write(PNG),
    '/endless': (_req, res) => {
      let sent = 0;
      endlessClosed = new Promise((resolve) => res.on('close', () => resolve(sent)));
      res.writeHead(200, { 'content-type': 'image/png' });
      const chunk = Buffer.alloc(16 * 1024, 7);
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length;
      };
      res.on('drain', pump);
      pump();
    },
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      hits.push(path);
      const loop = /^\/loop\/(\d+)$/.exec(path);
      if (loop) return void res.writeHead(302, { location: `/loop/${Number(loop[1]) + 1}` }).end();
      const route = routes[path];
      if (route) route(req, res);
      else res.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    origin = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    for (const res of stalled) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  let line = 0;
  const image = (src: string): ImageRef => ({ src, kind: 'remote', line: ++line });
  const local = (options: ConstructorParameters<typeof Downloader>[0] = {}) => new Downloader({ allowHosts: ['127.0.0.1'], ...options });
  const failure = async (promise: Promise<unknown>): Promise<ImageSourceError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImageSourceError);
    return error as ImageSourceError;
  };

  it('downloads from an allow-listed host, following a redirect', async () => {
    hits.length = 0;
    const bytes = await local().get(image(`${origin}/to-logo`));
    expect(bytes.data.equals(PNG)).toBe(true);
    expect(hits).toEqual(['/to-logo', '/logo.png']);
  });

  it('refuses a loopback literal without asking it, at the image, every time (not as a dead host)', async () => {
    hits.length = 0;
    const downloader = new Downloader();
    const ref = image(`${origin}/x.png`);
    const error = await failure(downloader.get(ref));
    expect(error.message).toBe(`Refused to download image \`${origin}/x.png\`: 127.0.0.1 is a loopback address ${HINT}`);
    expect(error.ref).toBe(ref);
    const again = await failure(downloader.get(image(`${origin}/y.png`)));
    expect(again.message).toBe(`Refused to download image \`${origin}/y.png\`: 127.0.0.1 is a loopback address ${HINT}`);
    expect(hits).toEqual([]);
  });

  it('refuses a redirect from an allowed host to the metadata address before any request leaves', async () => {
    hits.length = 0;
    const error = await failure(local({ timeoutMs: 2000 }).get(image(`${origin}/to-metadata`)));
    expect(error.message).toBe(
      `Refused to download image \`${origin}/to-metadata\`: it redirects to http://169.254.169.254/latest/meta-data/, and 169.254.169.254 is a cloud metadata address ${HINT}`,
    );
    expect(hits).toEqual(['/to-metadata']);
  });

  it('refuses redirects to IPv6 loopback and to localhost, although 127.0.0.1 is allowed', async () => {
    hits.length = 0;
    const v6 = await failure(local().get(image(`${origin}/to-v6-loopback`)));
    expect(v6.message).toBe(`Refused to download image \`${origin}/to-v6-loopback\`: it redirects to http://[::1]:${port}/logo.png, and ::1 is a loopback address ${HINT}`);
    const named = await failure(local().get(image(`${origin}/to-localhost`)));
    expect(named.message).toMatch(/it redirects to http:\/\/localhost:\d+\/logo\.png, and localhost is a name of this machine \(posts may not/);
    expect(hits).toEqual(['/to-v6-loopback', '/to-localhost']);
  });

  it('checks the address a name resolves to when connecting, on the first URL and after a redirect', async () => {
    hits.length = 0;
    const resolve = fakeResolver({ 'images.internal.example': ['127.0.0.1'] });
    const direct = await failure(new Downloader({ resolve }).get(image(`http://images.internal.example:${port}/logo.png`)));
    expect(direct.message).toBe(
      `Refused to download image \`http://images.internal.example:${port}/logo.png\`: images.internal.example resolves to 127.0.0.1, a loopback address ${HINT}`,
    );
    const redirected = await failure(local({ resolve }).get(image(`${origin}/to-named`)));
    expect(redirected.message).toMatch(/it redirects to http:\/\/images\.internal\.example:\d+\/logo\.png, and images\.internal\.example resolves to 127\.0\.0\.1, a loopback address/);
    expect(resolve.calls).toEqual(['images.internal.example', 'images.internal.example']);
    expect(hits).toEqual(['/to-named']);
  });

  it('connects to an allow-listed name that resolves to a private address', async () => {
    hits.length = 0;
    const resolve = fakeResolver({ 'images.internal.example': ['127.0.0.1'] });
    const bytes = await new Downloader({ allowHosts: ['images.internal.example'], resolve }).get(image(`http://images.internal.example:${port}/logo.png`));
    expect(bytes.data.equals(PNG)).toBe(true);
    expect(hits).toEqual(['/logo.png']);
  });

  it('refuses redirects to other schemes', async () => {
    const file = await failure(local().get(image(`${origin}/to-file`)));
    expect(file.message).toBe(`Refused to download image \`${origin}/to-file\`: it redirects to file:///etc/passwd, and file: is not http or https`);
    const ftp = await failure(local().get(image(`${origin}/to-ftp`)));
    expect(ftp.message).toBe(`Refused to download image \`${origin}/to-ftp\`: it redirects to ftp://127.0.0.1:${port}/logo.png, and ftp: is not http or https`);
  });

  it('follows at most five redirects', async () => {
    hits.length = 0;
    const error = await failure(local().get(image(`${origin}/loop/0`)));
    expect(error.message).toBe(`Cannot download image \`${origin}/loop/0\`: more than 5 redirects`);
    expect(hits).toEqual(['/loop/0', '/loop/1', '/loop/2', '/loop/3', '/loop/4', '/loop/5']);
  });

  it('stops reading an endless body at the size limit', async () => {
    const error = await failure(local({ maxBytes: 64 * 1024 }).get(image(`${origin}/endless`)));
    expect(error.message).toBe(`Image \`${origin}/endless\` is over the 65536-byte limit (limits.imageBytes)`);
    // The connection is dropped: the server stops writing far below what a buffered read would have taken.
    const sent = await endlessClosed;
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses a declared size over the limit before reading the body', async () => {
    const error = await failure(local({ maxBytes: 1024 * 1024 }).get(image(`${origin}/declared-big`)));
    expect(error.message).toBe(`Image \`${origin}/declared-big\` is 10485760 bytes, over the 1048576-byte limit (limits.imageBytes)`);
  });

  it('gives up after the timeout, redirects and body included', async () => {
    const started = Date.now();
    const silent = await failure(local({ timeoutMs: 300 }).get(image(`${origin}/to-stall`)));
    expect(silent.message).toBe(`Cannot download image \`${origin}/to-stall\`: no complete answer within 300 ms (remoteImages.timeoutMs)`);
    const slowBody = await failure(local({ timeoutMs: 300 }).get(image(`${origin}/stall-body`)));
    expect(slowBody.message).toBe(`Cannot download image \`${origin}/stall-body\`: no complete answer within 300 ms (remoteImages.timeoutMs)`);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

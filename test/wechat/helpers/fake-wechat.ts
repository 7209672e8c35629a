import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** A request as the fake server saw it. */
export interface SeenRequest {
  method: string;
  /** Path without query. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Parsed JSON body, when it was JSON. */
  json?: unknown;
}

export type Reply =
  | { status?: number; json?: unknown; raw?: string | Buffer; headers?: Record<string, string>; delayMs?: number }
  | 'hangup';

export type Handler = (req: SeenRequest, seen: SeenRequest[]) => Reply | Promise<Reply>;

export interface FakeWeChat {
  url: string;
  seen: SeenRequest[];
  /** Requests to one path. */
  calls(path: string): SeenRequest[];
  close(): Promise<void>;
}

/**
 * A scriptable stand-in for api.weixin.qq.com on 127.0.0.1, for transport behaviour the emulator cannot easily show
 * (exact timing, hang-ups, scripted token sequences). `handler` sees every request; unhandled paths answer 404.
 */
export async function startFakeWeChat(handler: Handler): Promise<FakeWeChat> {
  const seen: SeenRequest[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const body = Buffer.concat(chunks);
        const entry: SeenRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
        if (/json/.test(req.headers['content-type'] ?? '')) {
          try {
            entry.json = JSON.parse(body.toString('utf8'));
          } catch {
            // leave undefined
          }
        }
        seen.push(entry);
        const reply = await handler(entry, seen);
        if (reply === 'hangup') {
          req.socket.destroy();
          return;
        }
        if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
        const payload = reply.raw ?? (reply.json !== undefined ? JSON.stringify(reply.json) : '');
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json; encoding=utf-8', ...reply.headers });
        res.end(payload);
      })();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    calls: (path) => seen.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A token endpoint's success answer. */
export function stableTokenReply(token: string, expiresIn = 7200): Exclude<Reply, 'hangup'> {
  return { json: { access_token: token, expires_in: expiresIn } };
}

/** A minimal CONNECT proxy on 127.0.0.1 that records the targets it tunnels to. */
export async function startConnectProxy(): Promise<{ url: string; targets: string[]; close(): Promise<void> }> {
  const targets: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => {
    res.writeHead(405);
    res.end();
  });
  server.on('connect', (req, clientSocket: net.Socket, head: Buffer) => {
    targets.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    sockets.add(upstream);
    sockets.add(clientSocket);
    upstream.on('error', () => clientSocket.destroy());
    clientSocket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    targets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

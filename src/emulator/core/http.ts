/** The node:http server of the emulator (timeouts against slowloris, timeouts.ts) and writing answers. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { EmuResult } from '../router.js';
import type { EmulatorTimeouts } from '../types.js';
import { BusySockets, closeIdleSockets, resolveTimeouts, serverTimeoutOptions } from '../timeouts.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Starts listening; resolves with the server and the port it got (port 0 = a free one). */
export async function startHttpServer(
  timeoutOptions: EmulatorTimeouts | undefined,
  port: number,
  host: string,
  handler: RequestHandler,
): Promise<{ server: Server; port: number }> {
  const timeouts = resolveTimeouts(timeoutOptions);
  const busy = new BusySockets();
  const server = createServer(serverTimeoutOptions(timeouts), (req, res) => {
    const socket = req.socket;
    busy.enter(socket);
    void handler(req, res).finally(() => busy.leave(socket));
  });
  closeIdleSockets(server, timeouts.idleMs, busy);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  return { server, port: typeof addr === 'object' && addr ? addr.port : port };
}

/** `http://HOST:PORT` for the bound host (0.0.0.0 → 127.0.0.1, IPv6 in brackets). */
export function originFor(host: string, port: number): string {
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return `http://${urlHost}:${port}`;
}

export async function stopHttpServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  // Raw UTF-8, never \u-escaped (JSON.stringify keeps non-ASCII as is).
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendResult(res: ServerResponse, result: EmuResult): void {
  const status = result.status ?? 200;
  if (result.kind === 'json') sendJson(res, status, result.body);
  else {
    res.writeHead(status, { 'Content-Type': result.contentType, ...result.headers });
    res.end(result.body);
  }
}

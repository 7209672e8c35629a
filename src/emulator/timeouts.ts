/**
 * Server timeouts, so a slow or silent client (slowloris) cannot hold a connection forever
 * (docs/emulator.md "Security").
 */
import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { EmulatorTimeouts } from './types.js';

export const DEFAULT_TIMEOUTS: Readonly<Required<EmulatorTimeouts>> = {
  headersMs: 10_000,
  requestMs: 60_000,
  keepAliveMs: 5_000,
  idleMs: 30_000,
};

/** The timeouts with defaults filled in; throws on values node:http would reject. */
export function resolveTimeouts(input: EmulatorTimeouts = {}): Required<EmulatorTimeouts> {
  for (const [name, value] of Object.entries(input)) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new Error(`emulator timeouts.${name} must be a non-negative integer of milliseconds (got ${String(value)})`);
    }
  }
  const requestMs = input.requestMs ?? DEFAULT_TIMEOUTS.requestMs;
  // Lowering only requestMs lowers the headers timeout with it (node:http needs headers ≤ request).
  const headersMs = input.headersMs ?? (requestMs > 0 ? Math.min(DEFAULT_TIMEOUTS.headersMs, requestMs) : DEFAULT_TIMEOUTS.headersMs);
  if (headersMs === 0) throw new Error('emulator timeouts.headersMs must be positive');
  if (requestMs > 0 && headersMs > requestMs) {
    throw new Error(`emulator timeouts.headersMs (${headersMs}) must not exceed timeouts.requestMs (${requestMs})`);
  }
  return {
    headersMs,
    requestMs,
    keepAliveMs: input.keepAliveMs ?? DEFAULT_TIMEOUTS.keepAliveMs,
    idleMs: input.idleMs ?? DEFAULT_TIMEOUTS.idleMs,
  };
}

/** createServer options for the header, request and keep-alive timeouts. */
export function serverTimeoutOptions(timeouts: Required<EmulatorTimeouts>): ServerOptions {
  const shortest = timeouts.requestMs > 0 ? Math.min(timeouts.headersMs, timeouts.requestMs) : timeouts.headersMs;
  return {
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    // node checks the header/request deadlines on this interval (default 30 s); check often enough to honour them.
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(shortest / 2))),
  };
}

/** Sockets with a request being handled (a slow handler, or injected latency, is not an idle client). */
export class BusySockets {
  private readonly inFlight = new WeakMap<Socket, number>();

  enter(socket: Socket): void {
    this.inFlight.set(socket, (this.inFlight.get(socket) ?? 0) + 1);
  }

  leave(socket: Socket): void {
    const left = (this.inFlight.get(socket) ?? 1) - 1;
    if (left > 0) this.inFlight.set(socket, left);
    else this.inFlight.delete(socket);
  }

  has(socket: Socket): boolean {
    return this.inFlight.has(socket);
  }
}

/**
 * Destroys a socket after `idleMs` without traffic unless one of its requests is still being handled (then the
 * timer re-arms with the response's traffic). 0 disables it.
 */
export function closeIdleSockets(server: Server, idleMs: number, busy: BusySockets): void {
  if (idleMs <= 0) return;
  server.setTimeout(idleMs);
  server.on('timeout', (socket: Socket) => {
    if (!busy.has(socket)) socket.destroy();
  });
}

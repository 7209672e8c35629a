/**
 * Who may talk to the emulator (docs/emulator.md "Security").
 *
 * - Every request needs an acceptable `Host`: a DNS-rebinding page (evil.example re-resolved to 127.0.0.1) reaches the
 *   emulator with `Host: evil.example`, so names other than localhost and the configured ones are refused. An IP
 *   literal is always accepted: DNS rebinding needs a name the attacker controls, and a browser only sends an IP as
 *   Host when the page's own origin is that IP — i.e. the emulator itself.
 * - The control endpoints (`/__emulator*`) also refuse any `Origin` other than the emulator's own, which stops
 *   cross-origin "simple" POSTs (text/plain, form posts) from a page the developer visits. Requests without an Origin
 *   (curl, Node, SDKs) are fine.
 */
import { isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';

export interface GuardConfig {
  /** The host the server was bound to (`127.0.0.1`, `0.0.0.0`, `myhost.local`, …). */
  boundHost: string;
  /** Extra host names the emulator answers to (options.allowedHosts). */
  allowedHosts?: readonly string[];
  /** options.mediaBaseUrl: its host name is one the emulator was configured to be reached at. */
  mediaBaseUrl?: string;
  /** The emulator's own origin (`http://127.0.0.1:PORT`). */
  ownOrigin: () => string;
}

/** Why a request is refused (HTTP 403), or undefined when it may proceed. */
export type RequestGuard = (path: string, headers: IncomingHttpHeaders) => string | undefined;

const HOST_HEADER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/;

export function isControlPath(path: string): boolean {
  return path.startsWith('/__emulator');
}

/** The lower-cased host name of a Host header value (brackets kept for IPv6), or undefined when malformed. */
export function hostNameOf(hostHeader: string): string | undefined {
  const match = HOST_HEADER.exec(hostHeader.trim());
  return match ? match[1]!.toLowerCase() : undefined;
}

function isIpLiteral(name: string): boolean {
  const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  return isIP(bare) !== 0;
}

/** The names (besides IP literals) the emulator answers to: localhost, the bound host, mediaBaseUrl's, allowedHosts. */
function allowedNames(config: GuardConfig): Set<string> {
  const names = new Set(['localhost']);
  const add = (value: string | undefined): void => {
    const name = value === undefined ? undefined : hostNameOf(value);
    if (name && !isIpLiteral(name)) names.add(name);
  };
  add(config.boundHost);
  for (const host of config.allowedHosts ?? []) add(host);
  if (config.mediaBaseUrl) add(urlHost(config.mediaBaseUrl));
  return names;
}

function urlHost(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** `Host` and `Origin` compared as URL hosts (`localhost:80` and `localhost` are the same). */
function normalisedHost(hostHeader: string): string | undefined {
  return urlHost(`http://${hostHeader.trim()}`);
}

function isOwnOrigin(origin: string, hostHeader: string | undefined, ownOrigin: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // `null` (sandboxed frames, file: pages) and garbage
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  if (origin.replace(/\/+$/, '') === ownOrigin) return true;
  return hostHeader !== undefined && parsed.host === normalisedHost(hostHeader);
}

function hostRefusal(hostHeader: string | undefined, names: ReadonlySet<string>): string | undefined {
  if (hostHeader === undefined) return undefined; // HTTP/1.0 tools; browsers always send Host
  const name = hostNameOf(hostHeader);
  if (name && (isIpLiteral(name) || names.has(name))) return undefined;
  return (
    `Host "${hostHeader}" is not one the emulator answers to (DNS-rebinding protection): use localhost or an IP ` +
    `address, or add the name to the emulator's allowedHosts option`
  );
}

function originRefusal(origin: string | undefined, hostHeader: string | undefined, ownOrigin: string): string | undefined {
  if (origin === undefined || isOwnOrigin(origin, hostHeader, ownOrigin)) return undefined;
  return (
    `cross-origin request from Origin "${origin}" refused: the /__emulator control endpoints only accept requests ` +
    `without an Origin header (curl, scripts) or from the emulator's own pages`
  );
}

export function createRequestGuard(config: GuardConfig): RequestGuard {
  const names = allowedNames(config);
  return (path, headers) =>
    hostRefusal(headers.host, names) ??
    (isControlPath(path) ? originRefusal(headers.origin, headers.host, config.ownOrigin()) : undefined);
}

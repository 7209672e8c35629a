/**
 * Where the AppSecret may be sent. The token request carries it, so the API base decides who receives it
 * (docs/security.md, "Where credentials go"):
 * - https to any host;
 * - plain http only to this machine (127.0.0.0/8, ::1, localhost) — an emulator — and never through a proxy, which
 *   would read the request in clear text;
 * - anything else is refused before a request is made.
 * Which base is used comes from the real environment or the config, never from `.env` (see `loadDotEnv`).
 */

/** An API base that must not receive credentials. The message names the origin, never a secret. */
export class ApiBaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiBaseError';
  }
}

interface CheckedApiBase {
  /** The base as given (unchanged, so token cache keys stay the same). */
  base: string;
  /** The base without credentials or trailing slash, safe to print. */
  label: string;
  /** Plain http to this machine (an emulator). */
  local: boolean;
}

/** 127.0.0.0/8, ::1 or localhost. `hostname` as `URL` gives it: IPv4 canonical, IPv6 in brackets. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Checks one API base (and the proxy its requests would go through); throws ApiBaseError when it is refused. */
export function checkApiBase(base: string, proxy?: string): CheckedApiBase {
  const url = parseUrl(base);
  const label = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`; // no user:password
  if (url.protocol === 'https:') return { base, label, local: false };
  if (url.protocol !== 'http:') throw new ApiBaseError(`API base ${label} is not an http(s) URL`);
  if (!isLoopbackHost(url.hostname)) {
    throw new ApiBaseError(
      `refusing to send the AppSecret to ${label} over plain http: the API base must be https, or http to this machine (127.0.0.1, ::1, localhost) for an emulator`,
    );
  }
  if (proxy) throw new ApiBaseError(`refusing to send the AppSecret to ${label} through a proxy over plain http: unset the proxy for a local API base`);
  return { base, label, local: true };
}

const announced = new Set<string>();

/**
 * For a client about to be built: checks the base like `checkApiBase`, and says once per process on stderr when
 * credentials go to a local address (an emulator), so a surprising local base does not go unnoticed.
 */
export function announceApiBase(base: string | undefined, proxy?: string, write: (line: string) => void = (line) => process.stderr.write(line)): void {
  if (!base) return;
  const checked = checkApiBase(base, proxy);
  if (!checked.local || announced.has(checked.label)) return;
  announced.add(checked.label);
  write(`wxmp: API base ${checked.label} is a local address (emulator?): credentials go there\n`);
}

function parseUrl(base: string): URL {
  try {
    return new URL(base);
  } catch {
    throw new ApiBaseError('the API base is not a valid URL (expected an origin like https://api.weixin.qq.com)');
  }
}

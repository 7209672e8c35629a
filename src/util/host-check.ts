/**
 * DNS-rebinding protection for local HTTP services (`wxmp serve`; the emulator's guard follows the same rules): a page
 * on evil.example whose name is re-resolved to 127.0.0.1 reaches the service with `Host: evil.example`, so only
 * localhost, the names the service was configured with and IP literals are accepted. An IP literal is safe: DNS
 * rebinding needs a name the attacker controls, and a browser sends an IP as Host only when the page's own origin is
 * that IP — the service itself.
 */
import { isIP } from 'node:net';

const HOST_HEADER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?$/;

/** The lower-cased host name of a Host header value (brackets kept for IPv6), or undefined when malformed. */
export function hostNameOf(hostHeader: string): string | undefined {
  const match = HOST_HEADER.exec(hostHeader.trim());
  return match ? match[1]!.toLowerCase() : undefined;
}

/** `127.0.0.1`, `::1`, `[::1]`: an IP address rather than a name. */
export function isIpLiteral(name: string): boolean {
  const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  return isIP(bare) !== 0;
}

/** The names a service answers to: localhost plus the given hosts (bound host, `--allowed-host`), IP literals dropped. */
export function allowedHostNames(hosts: readonly (string | undefined)[]): Set<string> {
  const names = new Set(['localhost']);
  for (const host of hosts) {
    const name = host === undefined ? undefined : hostNameOf(host);
    if (name && !isIpLiteral(name)) names.add(name);
  }
  return names;
}

/** Whether a request's Host header is acceptable. A missing Host (HTTP/1.0 tools) is; browsers always send one. */
export function hostAllowed(hostHeader: string | undefined, names: ReadonlySet<string>): boolean {
  if (hostHeader === undefined) return true;
  const name = hostNameOf(hostHeader);
  return name !== undefined && (isIpLiteral(name) || names.has(name));
}

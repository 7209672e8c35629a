/**
 * Which addresses a post may make wxmp download from (docs/security.md, "Remote images").
 *
 * A post's remote image is fetched by the machine that syncs, which in CI holds the account secrets: an image URL on a
 * loopback, private, link-local or cloud-metadata address would let a post probe or read internal services. Literal
 * addresses are checked before a request ({@link checkUrl}); host names are checked on the addresses they resolve to,
 * inside the connection itself ({@link guardedLookup}), so a DNS answer that changes between a check and the connect
 * (DNS rebinding) cannot slip past. Hosts in `remoteImages.allowHosts` are let through by name.
 */
import dns, { type LookupAddress, type LookupAllOptions } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

type Family = 'ipv4' | 'ipv6';

interface Range {
  /** What an address in it is, for the refusal: "a loopback address". */
  label: string;
  family: Family;
  list: BlockList;
}

function range(label: string, family: Family, network: string, prefix: number): Range {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { label, family, list };
}

/** Refused ranges, most specific first (the metadata address before the link-local block it is in). */
const BLOCKED_RANGES: readonly Range[] = [
  range('a cloud metadata address', 'ipv4', '169.254.169.254', 32),
  range('a broadcast address', 'ipv4', '255.255.255.255', 32),
  range('a "this network" address', 'ipv4', '0.0.0.0', 8),
  range('a private address', 'ipv4', '10.0.0.0', 8),
  range('a carrier-grade NAT address', 'ipv4', '100.64.0.0', 10),
  range('a loopback address', 'ipv4', '127.0.0.0', 8),
  range('a link-local address', 'ipv4', '169.254.0.0', 16),
  range('a private address', 'ipv4', '172.16.0.0', 12),
  range('an IETF protocol address', 'ipv4', '192.0.0.0', 24),
  range('a private address', 'ipv4', '192.168.0.0', 16),
  range('a benchmarking address', 'ipv4', '198.18.0.0', 15),
  range('a multicast address', 'ipv4', '224.0.0.0', 4),
  range('a reserved address', 'ipv4', '240.0.0.0', 4),
  range('the unspecified address', 'ipv6', '::', 128),
  range('a loopback address', 'ipv6', '::1', 128),
  range('a unique local (private) address', 'ipv6', 'fc00::', 7),
  range('a link-local address', 'ipv6', 'fe80::', 10),
  range('a site-local address', 'ipv6', 'fec0::', 10),
  range('a multicast address', 'ipv6', 'ff00::', 8),
];

function rangeLabel(address: string, family: Family): string | undefined {
  return BLOCKED_RANGES.find((r) => r.family === family && r.list.check(address, family))?.label;
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part included). */
function ipv6Groups(address: string): number[] {
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  const text = dotted ? address.slice(0, dotted.index) + [0, 2].map((i) => ((Number(dotted[i + 1]) << 8) | Number(dotted[i + 2])).toString(16)).join(':') : address;
  const parse = (part: string | undefined) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const [head, tail] = text.split('::');
  const left = parse(head);
  const right = parse(tail);
  const zeros = tail === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}

/**
 * The IPv4 address inside an IPv6 one that carries it to an IPv4 host: mapped `::ffff:a.b.c.d`, NAT64
 * `64:ff9b::a.b.c.d`, the deprecated compatible `::a.b.c.d`, and 6to4 `2002:aabb:ccdd::/48`.
 */
function embeddedIPv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  const zero = (from: number, to: number) => g.slice(from, to).every((group) => group === 0);
  const v4 = (high: number, low: number) => [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  if (zero(0, 5) && g[5] === 0xffff) return v4(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return v4(g[6]!, g[7]!);
  if (zero(0, 6)) return v4(g[6]!, g[7]!);
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!);
  return undefined;
}

/**
 * Why an address may not be downloaded from ("a loopback address"), or undefined when it may. Something that is not an
 * IP address is refused too: only addresses come here.
 */
export function blockedReason(ip: string): string | undefined {
  const address = ip.replace(/%.*$/, ''); // an IPv6 zone (`fe80::1%eth0`)
  const family = isIP(address);
  if (family === 4) return rangeLabel(address, 'ipv4');
  if (family !== 6) return 'not an IP address';
  const own = rangeLabel(address, 'ipv6');
  if (own) return own;
  const inner = embeddedIPv4(address);
  const label = inner === undefined ? undefined : rangeLabel(inner, 'ipv4');
  return label && `${label} (${inner} inside an IPv6 address)`;
}

/** True when a post may not make wxmp connect to `ip`. */
export function isBlockedAddress(ip: string): boolean {
  return blockedReason(ip) !== undefined;
}

/** A host as URLs spell it, for comparing with the allow-list: lower case, punycode, no brackets, no final dot. */
function normalizeHost(host: string): string {
  const trimmed = host.trim();
  const bracketed = isIP(trimmed) === 6 ? `[${trimmed}]` : trimmed;
  let name: string;
  try {
    name = new URL(`http://${bracketed}/`).hostname;
  } catch {
    name = trimmed.toLowerCase();
  }
  return name.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

function allowSet(allowHosts: readonly string[]): Set<string> {
  return new Set(allowHosts.map(normalizeHost));
}

/** Names that mean this machine without asking DNS (RFC 6761, Debian's /etc/hosts). */
const LOCAL_NAMES = /^(?:(?:.+\.)?localhost|localhost\.localdomain|ip6-localhost|ip6-loopback)$/;

/** Why a URL may not be fetched. `internal`: it names an internal address (the allow-list can let it through). */
export interface UrlRefusal {
  reason: string;
  internal: boolean;
}

/**
 * Checks what can be checked before connecting: the scheme (http and https only), IP literals (which are connected to
 * without a lookup) and local host names. Other host names pass here and are checked by {@link guardedLookup}.
 */
export function checkUrl(url: URL, allowHosts: readonly string[]): UrlRefusal | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { reason: `${url.protocol} is not http or https`, internal: false };
  const host = normalizeHost(url.hostname);
  if (allowSet(allowHosts).has(host)) return undefined;
  if (isIP(host)) {
    const reason = blockedReason(host);
    return reason === undefined ? undefined : { reason: `${host} is ${reason}`, internal: true };
  }
  if (LOCAL_NAMES.test(host)) return { reason: `${host} is a name of this machine`, internal: true };
  return undefined;
}

/** A connection refused because its host resolved to an internal address. */
export class BlockedAddressError extends Error {
  readonly code = 'EWXMP_BLOCKED_ADDRESS';

  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`${host} resolves to ${address}, ${reason}`);
    this.name = 'BlockedAddressError';
  }
}

/** `dns.lookup` with `all: true` (tests pass a fake one). */
export type Resolver = (hostname: string, options: LookupAllOptions, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemResolver: Resolver = (hostname, options, callback) => dns.lookup(hostname, options, callback);

function firstBlocked(host: string, addresses: readonly LookupAddress[]): BlockedAddressError | undefined {
  for (const { address } of addresses) {
    const reason = blockedReason(address);
    if (reason !== undefined) return new BlockedAddressError(host, address, reason);
  }
  return undefined;
}

function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
}

/**
 * A `lookup` for `net.connect` (an undici Agent's `connect.lookup`): resolves every address of the host and refuses
 * the connection when any of them is internal, unless the host is allow-listed. The socket connects only to addresses
 * this returned, so the check holds for the address actually connected to.
 */
export function guardedLookup(allowHosts: readonly string[], resolve: Resolver = systemResolver): LookupFunction {
  const allowed = allowSet(allowHosts);
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const first = addresses[0];
      if (!first) return callback(notFound(hostname), '');
      const blocked = allowed.has(normalizeHost(hostname)) ? undefined : firstBlocked(hostname, addresses);
      if (blocked) return callback(blocked, '');
      if (options.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}

import { stat } from 'node:fs/promises';
import { LocalReadError, readCapped as readLocalCapped } from '../content/local-files.js';
import type { Dispatcher } from 'undici';
import type { ImageRef } from '../render/types.js';
import { sha256 } from '../util/hash.js';
import { createLimiter } from '../util/limiter.js';
import { BlockedAddressError, checkUrl, guardedLookup, type Resolver, type UrlRefusal } from '../util/net-guard.js';
import type { FileHashCache } from './file-hashes.js';

/** Defaults of config `limits.imageBytes` (WeChat's largest image material is 10 MB) and `remoteImages.timeoutMs`. */
const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const ALLOW_HINT = 'posts may not reach internal addresses; allow a host with remoteImages.allowHosts in wxmp.config.ts';

/** How remote images are downloaded (config `remoteImages` and `limits.imageBytes`). */
export interface DownloadOptions {
  /** Hosts (names or IP literals) that may be on internal addresses: `remoteImages.allowHosts`. */
  allowHosts?: readonly string[];
  /** Give up a download after this long, redirects included: `remoteImages.timeoutMs`. */
  timeoutMs?: number;
  /** Refuse an image larger than this many bytes: `limits.imageBytes`. */
  maxBytes?: number;
  /** Resolves host names (default `dns.lookup`; tests pass a fake). */
  resolve?: Resolver;
}

interface DownloadSettings {
  allowHosts: readonly string[];
  timeoutMs: number;
  maxBytes: number;
}

/** An image's bytes and their sha256 (the key of the upload cache). */
export interface ImageBytes {
  data: Buffer;
  sha256: string;
  /** Plan only: a remote image that was not downloaded (no bytes, no hash). */
  remote?: true;
}

/** An image could not be read or downloaded: an error on the post, at the image's line. */
export class ImageSourceError extends Error {
  constructor(
    message: string,
    readonly ref: ImageRef,
  ) {
    super(message);
    this.name = 'ImageSourceError';
  }
}

/** Reads a local image (recording its hash in the file-hash cache), decodes a data: URI, or downloads a remote image. */
export async function readImage(ref: ImageRef, hashes?: FileHashCache, downloader?: Downloader, maxBytes = DEFAULT_MAX_BYTES): Promise<ImageBytes> {
  if (ref.kind === 'local') {
    // Refused at render time: outside the project, through a symlink, or a file: URL (docs/security.md).
    if (ref.refused) throw new ImageSourceError(ref.refused, ref);
    if (!ref.path || ref.exists === false) throw new ImageSourceError(`Cannot find image \`${ref.src}\``, ref);
    let data: Buffer;
    try {
      data = await readLocalCapped(ref.path, maxBytes);
    } catch (error) {
      if (error instanceof LocalReadError) throw new ImageSourceError(`Image \`${ref.src}\`: ${error.message} (limits.imageBytes in wxmp.config.ts)`, ref);
      throw error;
    }
    const info = await stat(ref.path);
    const digest = sha256(data);
    hashes?.remember(ref.path, info.size, info.mtimeMs, digest);
    return { data, sha256: digest };
  }
  if (ref.kind === 'data') {
    const match = /^data:[^,]*?(;base64)?,(.*)$/is.exec(ref.src.trim());
    if (!match) throw new ImageSourceError(`Cannot decode data URI image`, ref);
    const data = match[1] ? Buffer.from(match[2]!, 'base64') : Buffer.from(decodeURIComponent(match[2]!), 'utf8');
    return { data, sha256: sha256(data) };
  }
  if (ref.kind === 'remote') return (downloader ?? new Downloader()).get(ref);
  throw new ImageSourceError(`\`${ref.src}\` is already hosted by WeChat`, ref);
}

function remoteUrl(ref: ImageRef): string {
  const src = ref.src.trim();
  return src.startsWith('//') ? `https:${src}` : src;
}

/** Network failures that say the host cannot be reached at all (as opposed to one missing or broken file). */
const HOST_FAILURES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'TimeoutError']);

/**
 * Downloads for one sync run: each URL is fetched once however many posts use it, and a host that cannot be reached
 * (DNS failure, refused, timeout) is not asked again for every other image it serves — on a machine without internet
 * a blog with hundreds of remote images would otherwise wait for hundreds of resolver timeouts. Either way the post
 * fails with the reason at the image's line, as before. Internal addresses are refused (src/util/net-guard.ts); such a
 * refusal is not a dead host, each image on it gets the refusal.
 */
export class Downloader {
  private readonly results = new Map<string, Promise<ImageBytes>>();
  private readonly deadHosts = new Map<string, string>();
  private cachedBytes = 0;
  // A post with fifty remote images should not open fifty connections to one blog's host at once.
  private readonly limit = createLimiter(8);
  private readonly settings: DownloadSettings;
  private readonly resolve: Resolver | undefined;
  private agent: Promise<Dispatcher> | undefined;

  /** `maxCachedBytes`: successful downloads kept for other posts up to this many bytes in all (failures are always remembered). */
  constructor(
    options: DownloadOptions = {},
    private readonly maxCachedBytes = 64 * 1024 * 1024,
  ) {
    this.settings = {
      allowHosts: options.allowHosts ?? [],
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    };
    this.resolve = options.resolve;
  }

  /** The connection pool, whose every connection to a named host goes through the address check. undici loads on the first download. */
  private dispatcher(): Promise<Dispatcher> {
    this.agent ??= import('undici').then((undici) => {
      // The CLI bundle (scripts/bundle.mjs) hands a CommonJS package over as `default` only; Node gives both.
      const { Agent } = (undici as unknown as { default?: typeof undici }).default ?? undici;
      return new Agent({ connect: { lookup: guardedLookup(this.settings.allowHosts, this.resolve) } });
    });
    return this.agent;
  }

  /** Rejects at once when `host` was found unreachable earlier in this run. */
  private refuseDeadHost(ref: ImageRef, host: string | undefined): Promise<never> | undefined {
    const code = host ? this.deadHosts.get(host) : undefined;
    if (!code) return undefined;
    return Promise.reject(new ImageSourceError(`Cannot download image \`${ref.src}\`: ${code} (host ${host} failed earlier in this run)`, ref));
  }

  get(ref: ImageRef): Promise<ImageBytes> {
    const url = remoteUrl(ref);
    const host = hostOf(url);
    const refused = this.refuseDeadHost(ref, host);
    if (refused) return refused;
    let pending = this.results.get(url);
    if (!pending) {
      // The host may be found unreachable while this download waits for its turn.
      pending = this.limit(async () => this.refuseDeadHost(ref, host) ?? download(ref, this.settings, await this.dispatcher())).then(
        (bytes) => {
          this.cachedBytes += bytes.data.length;
          if (this.cachedBytes > this.maxCachedBytes) this.results.delete(url);
          return bytes;
        },
        (error: unknown) => {
          const code = error instanceof DownloadError ? error.code : undefined;
          if (host && code && HOST_FAILURES.has(code)) this.deadHosts.set(host, code);
          throw error;
        },
      );
      this.results.set(url, pending);
    }
    // Each post reports the failure at its own line.
    return pending.catch((error: unknown) => {
      if (error instanceof ImageSourceError && error.ref !== ref) throw new ImageSourceError(error.message, ref);
      throw error;
    });
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** A failed download, with the network error code that caused it (`ENOTFOUND`…) when there was one. */
class DownloadError extends ImageSourceError {
  constructor(
    message: string,
    ref: ImageRef,
    readonly code: string | undefined,
  ) {
    super(message, ref);
  }
}

/** Downloads one remote image: at most `maxBytes`, within `timeoutMs`, never from an internal address. */
async function download(ref: ImageRef, settings: DownloadSettings, dispatcher: Dispatcher): Promise<ImageBytes> {
  const signal = AbortSignal.timeout(settings.timeoutMs);
  try {
    const response = await requestFollowingRedirects(ref, settings.allowHosts, dispatcher, signal);
    const data = await readCapped(ref, response, settings.maxBytes);
    return { data, sha256: sha256(data) };
  } catch (error) {
    throw downloadFailure(ref, error, signal.aborted ? settings.timeoutMs : undefined);
  }
}

/** GETs the image, following at most {@link MAX_REDIRECTS} redirects and checking every URL on the way. */
async function requestFollowingRedirects(ref: ImageRef, allowHosts: readonly string[], dispatcher: Dispatcher, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  let url = parseUrl(ref, remoteUrl(ref));
  for (let redirects = 0; ; redirects++) {
    const redirected = redirects > 0;
    const refusal = checkUrl(url, allowHosts);
    if (refusal) throw refused(ref, url, redirected, refusal);
    const response = await dispatcher.request({ origin: url.origin, path: url.pathname + url.search, method: 'GET', signal }).catch((error: unknown) => {
      if (error instanceof BlockedAddressError) throw refused(ref, url, redirected, { reason: error.message, internal: true });
      throw error;
    });
    // A body left unread is destroyed, which undici reports as an error: reading it reports errors by itself.
    response.body.on('error', () => {});
    const location = redirectLocation(response);
    if (location === undefined) return response;
    response.body.destroy();
    if (redirects === MAX_REDIRECTS) throw new ImageSourceError(`Cannot download image \`${ref.src}\`: more than ${MAX_REDIRECTS} redirects`, ref);
    url = parseUrl(ref, location, url);
  }
}

function parseUrl(ref: ImageRef, text: string, base?: URL): URL {
  try {
    return new URL(text, base);
  } catch {
    const what = base ? `it redirects to \`${text}\`, which is not a URL` : 'not a URL';
    throw new ImageSourceError(`Cannot download image \`${ref.src}\`: ${what}`, ref);
  }
}

function redirectLocation(response: Dispatcher.ResponseData): string | undefined {
  const location = response.headers.location;
  if (!REDIRECT_STATUSES.has(response.statusCode)) return undefined;
  return Array.isArray(location) ? location[0] : location;
}

/** The refusal of a URL (the image's own, or one it redirects to), with how to allow an internal host. */
function refused(ref: ImageRef, url: URL, redirected: boolean, refusal: UrlRefusal): ImageSourceError {
  const target = redirected ? `it redirects to ${url.href}, and ` : '';
  const hint = refusal.internal ? ` (${ALLOW_HINT})` : '';
  return new ImageSourceError(`Refused to download image \`${ref.src}\`: ${target}${refusal.reason}${hint}`, ref);
}

/** The body, read until it ends or passes `maxBytes` (then the connection is dropped: nothing more is read). */
async function readCapped(ref: ImageRef, response: Dispatcher.ResponseData, maxBytes: number): Promise<Buffer> {
  const { statusCode, headers, body } = response;
  if (statusCode < 200 || statusCode >= 300) {
    body.destroy();
    throw new ImageSourceError(`Cannot download image \`${ref.src}\`: HTTP ${statusCode}`, ref);
  }
  const declared = Number(headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    body.destroy();
    throw new ImageSourceError(`Image \`${ref.src}\` is ${declared} bytes, over the ${maxBytes}-byte limit (limits.imageBytes)`, ref);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new ImageSourceError(`Image \`${ref.src}\` is over the ${maxBytes}-byte limit (limits.imageBytes)`, ref);
    chunks.push(chunk);
  }
  if (size === 0) throw new ImageSourceError(`Image \`${ref.src}\` is empty`, ref);
  return Buffer.concat(chunks, size);
}

/** The error a failed download rejects with: ours as they are, a timeout with its limit, a network error with its code. */
function downloadFailure(ref: ImageRef, error: unknown, timedOutAfterMs: number | undefined): ImageSourceError {
  if (error instanceof ImageSourceError) return error;
  if (timedOutAfterMs !== undefined) {
    return new DownloadError(`Cannot download image \`${ref.src}\`: no complete answer within ${timedOutAfterMs} ms (remoteImages.timeoutMs)`, ref, 'TimeoutError');
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  return new DownloadError(`Cannot download image \`${ref.src}\`: ${reason}`, ref, code);
}

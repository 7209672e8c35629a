import { readFile, stat } from 'node:fs/promises';
import type { ImageRef } from '../render/types.js';
import { sha256 } from '../util/hash.js';
import { createLimiter } from '../util/limiter.js';
import type { FileHashCache } from './file-hashes.js';

/** A remote image larger than this is refused (WeChat's largest image material is 10 MB). */
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 30_000;

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
export async function readImage(ref: ImageRef, hashes?: FileHashCache, downloader?: Downloader): Promise<ImageBytes> {
  if (ref.kind === 'local') {
    if (!ref.path || ref.exists === false) throw new ImageSourceError(`Cannot find image \`${ref.src}\``, ref);
    const [data, info] = await Promise.all([readFile(ref.path), stat(ref.path)]);
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
  if (ref.kind === 'remote') return downloader ? downloader.get(ref) : download(ref);
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
 * fails with the reason at the image's line, as before.
 */
export class Downloader {
  private readonly results = new Map<string, Promise<ImageBytes>>();
  private readonly deadHosts = new Map<string, string>();
  private cachedBytes = 0;
  // A post with fifty remote images should not open fifty connections to one blog's host at once.
  private readonly limit = createLimiter(8);

  /** Successful downloads kept for other posts up to this many bytes in all (failures are always remembered). */
  constructor(private readonly maxCachedBytes = 64 * 1024 * 1024) {}

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
      pending = this.limit(() => this.refuseDeadHost(ref, host) ?? download(ref)).then(
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

async function download(ref: ImageRef): Promise<ImageBytes> {
  const url = remoteUrl(ref);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), redirect: 'follow' });
  } catch (error) {
    // undici reports "fetch failed" with the reason in `cause`: a system error code (ENOTFOUND…) or a message.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const code = cause?.code ?? (error as Error).name;
    throw new DownloadError(`Cannot download image \`${ref.src}\`: ${cause?.code ?? cause?.message ?? (error as Error).message}`, ref, code);
  }
  if (!response.ok) throw new ImageSourceError(`Cannot download image \`${ref.src}\`: HTTP ${response.status}`, ref);
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_DOWNLOAD_BYTES) throw new ImageSourceError(`Image \`${ref.src}\` is ${declared} bytes, over the ${MAX_DOWNLOAD_BYTES}-byte limit`, ref);
  const data = Buffer.from(await response.arrayBuffer());
  if (data.length > MAX_DOWNLOAD_BYTES) throw new ImageSourceError(`Image \`${ref.src}\` is over the ${MAX_DOWNLOAD_BYTES}-byte limit`, ref);
  if (data.length === 0) throw new ImageSourceError(`Image \`${ref.src}\` is empty`, ref);
  return { data, sha256: sha256(data) };
}

import { readFile, stat } from 'node:fs/promises';
import type { ImageRef } from '../render/types.js';
import { sha256 } from '../util/hash.js';
import type { FileHashCache } from './file-hashes.js';

/** A remote image larger than this is refused (WeChat's largest image material is 10 MB). */
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 30_000;

/** An image's bytes and their sha256 (the key of the upload cache). */
export interface ImageBytes {
  data: Buffer;
  sha256: string;
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
export async function readImage(ref: ImageRef, hashes?: FileHashCache): Promise<ImageBytes> {
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
  if (ref.kind === 'remote') return download(ref);
  throw new ImageSourceError(`\`${ref.src}\` is already hosted by WeChat`, ref);
}

async function download(ref: ImageRef): Promise<ImageBytes> {
  const url = ref.src.trim().startsWith('//') ? `https:${ref.src.trim()}` : ref.src.trim();
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), redirect: 'follow' });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new ImageSourceError(`Cannot download image \`${ref.src}\`: ${cause}`, ref);
  }
  if (!response.ok) throw new ImageSourceError(`Cannot download image \`${ref.src}\`: HTTP ${response.status}`, ref);
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_DOWNLOAD_BYTES) throw new ImageSourceError(`Image \`${ref.src}\` is ${declared} bytes, over the ${MAX_DOWNLOAD_BYTES}-byte limit`, ref);
  const data = Buffer.from(await response.arrayBuffer());
  if (data.length > MAX_DOWNLOAD_BYTES) throw new ImageSourceError(`Image \`${ref.src}\` is over the ${MAX_DOWNLOAD_BYTES}-byte limit`, ref);
  if (data.length === 0) throw new ImageSourceError(`Image \`${ref.src}\` is empty`, ref);
  return { data, sha256: sha256(data) };
}

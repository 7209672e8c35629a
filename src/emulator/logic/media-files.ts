/** File-type rules for uploads (docs/wechat-api.md §1 "Multipart uploads", §4): extension first, then magic bytes. */
import { randomBytes } from 'node:crypto';
import type { StateStore } from '../state.js';

/** Extensions WeChat recognises at all; anything else (or none) is `40113 unsupported file type`. */
const KNOWN_EXTENSIONS = new Set([
  'jpg', 'jpeg', 'png', 'gif', 'bmp', 'webp', 'tif', 'tiff', 'ico', 'svg', 'heic',
  'mp3', 'wma', 'wav', 'amr', 'm4a', 'aac', 'ogg', 'silk', 'speex',
  'mp4', 'mov', 'avi', 'flv', 'wmv', 'mkv', 'rm', 'rmvb', 'mpeg', 'mpg',
]);

export function extensionOf(filename: string): string | undefined {
  const m = /\.([A-Za-z0-9]+)$/.exec(filename.trim());
  const ext = m?.[1]?.toLowerCase();
  return ext && KNOWN_EXTENSIONS.has(ext) ? ext : undefined;
}

export type ImageFormat = 'jpg' | 'png' | 'gif' | 'bmp' | 'webp';

/** Sniffs the image format from magic bytes. */
export function sniffImage(data: Buffer): ImageFormat | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (data.length >= 4 && data.subarray(0, 4).toString('latin1') === 'GIF8') return 'gif';
  if (data.length >= 2 && data.subarray(0, 2).toString('latin1') === 'BM') return 'bmp';
  if (data.length >= 12 && data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
  return undefined;
}

export function normaliseImageExt(ext: string): string {
  return ext === 'jpeg' ? 'jpg' : ext;
}

export const MIME: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  bmp: 'image/bmp',
  webp: 'image/webp',
  mp3: 'audio/mpeg',
  wma: 'audio/x-ms-wma',
  wav: 'audio/wav',
  amr: 'audio/amr',
  mp4: 'video/mp4',
};

export function mimeOf(ext: string): string {
  return MIME[normaliseImageExt(ext)] ?? 'application/octet-stream';
}

/** A WeChat-style media id: 43+ URL-safe characters. */
export function newMediaId(): string {
  return randomBytes(48).toString('base64url');
}

/**
 * Keeps bytes servable at `<origin>/mmbiz_<fmt>/<id>/0?wx_fmt=<fmt>` (the shape of mmbiz.qpic.cn URLs) and returns
 * that URL.
 */
export function serveMedia(store: StateStore, mediaOrigin: string, blob: string, ext: string): string {
  const fmt = normaliseImageExt(ext);
  const id = randomBytes(36).toString('base64url');
  store.state.media[id] = { blob, mime: mimeOf(fmt), fmt };
  return mediaUrl(mediaOrigin, id, fmt);
}

export function mediaUrl(mediaOrigin: string, id: string, fmt: string): string {
  return `${mediaOrigin}/mmbiz_${fmt}/${id}/0?wx_fmt=${fmt}`;
}

/** Parses `/mmbiz_<fmt>/<id>/0` (also `/640`) into the served-media id. */
export function servedMediaId(pathname: string): string | undefined {
  const m = /^\/mmbiz_[a-z0-9]+\/([A-Za-z0-9_-]+)\/\d+$/.exec(pathname);
  return m?.[1];
}

/**
 * Turns any image a post references into bytes WeChat's upload APIs accept (docs/wechat-api.md §4):
 * - body images → `media/uploadimg`: JPEG/PNG only, strictly under 1 MiB (exactly 1 MiB is rejected, §4.1);
 * - covers and animated GIFs → `material/add_material?type=image`: bmp/png/jpeg/gif, ≤ 10 MB (§4.2).
 * Pure: bytes in, bytes out, deterministic (the same input gives the same bytes, which keeps lock hashes stable).
 * Nothing uploaded keeps Exif/XMP/IPTC/comments (GPS positions, serial numbers, names): images kept as is lose them
 * losslessly (convert/metadata.ts), re-encoded ones never had them written (sharp drops metadata by default).
 *
 * Concurrency: sharp's thread pool is left at its default (`sharp.concurrency()`; 1 on glibc builds without jemalloc,
 * where libvips would otherwise fragment memory). Callers that want throughput should run a few images in parallel.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { extensionOf, sniffImageFormat, type ImageFormat } from '../util/image-type.js';
import { BmpError, decodeBmp, type BmpPixels } from './convert/bmp.js';
import { describeRemoval, stripMetadata, type StrippedImage } from './convert/metadata.js';
import { decode, describeEncoding, encode, looksPhotographic, type Encoded, type Encoding, type Pixels } from './convert/pixels.js';

const KiB = 1024;
const MiB = 1024 * KiB;
/** uploadimg: "大小必须在1MB以下", observed strict (§4.1). */
export const UPLOADIMG_MAX_BYTES = MiB - 1;
/** Permanent image material: 10 MB (§4.2); MB read as MiB, like the 1 MB above and the emulator. */
export const MATERIAL_IMAGE_MAX_BYTES = 10 * MiB;
/** WeChat's article column is 677 px; phones are ~375 CSS px at DPR 2–3, so wider pixels are wasted. */
const DEFAULT_MAX_WIDTH = 1280;

export interface PreparedImage {
  data: Buffer;
  format: 'jpeg' | 'png' | 'gif';
  /** A file name with the right extension (WeChat infers the type from it, 40113 otherwise): `wxmp-<sha256[:12] of the original>.png`. */
  filename: string;
  /** How to upload: body images normally 'uploadimg'; animated GIFs (and covers) 'material'. */
  via: 'uploadimg' | 'material';
  /**
   * What was done, for logs and the lock file, e.g. 'webp→png', 'jpeg 2.3 MB→780 KB (1280 px, q85)', 'metadata removed
   * (Exif with GPS, XMP)'; undefined when uploaded byte for byte as is.
   */
  conversion?: string;
  width?: number;
  height?: number;
}

export interface PrepareOptions {
  /** Largest acceptable output in bytes (body: 1 MiB − 1; cover: 10 MiB). */
  maxBytes?: number;
  /** Images re-encoded anyway are shrunk to this width (covers: always). Default 1280. */
  maxWidth?: number;
  /** sha256 hex of `original` when the caller already has it (names the file). */
  sha256?: string;
}

/** The image cannot be read, or cannot be brought under the size limit. The message says which and what to do. */
export class ImagePreparationError extends Error {
  override name = 'ImagePreparationError';
}

/** Prepares an image that appears inside an article's HTML. */
export async function prepareBodyImage(original: Buffer, options: PrepareOptions = {}): Promise<PreparedImage> {
  return prepare(original, {
    maxBytes: options.maxBytes ?? UPLOADIMG_MAX_BYTES,
    maxWidth: options.maxWidth ?? DEFAULT_MAX_WIDTH,
    sha256: options.sha256,
    role: 'body',
  });
}

/**
 * Prepares a cover (permanent image material → `thumb_media_id`): JPEG/PNG, at most `maxWidth` wide, aspect ratio kept
 * (WeChat crops covers itself with the pic_crop_* fields). GIF covers become their first frame.
 */
export async function prepareCoverImage(original: Buffer, options: PrepareOptions = {}): Promise<PreparedImage> {
  return prepare(original, {
    maxBytes: options.maxBytes ?? MATERIAL_IMAGE_MAX_BYTES,
    maxWidth: options.maxWidth ?? DEFAULT_MAX_WIDTH,
    sha256: options.sha256,
    role: 'cover',
  });
}

interface Policy {
  maxBytes: number;
  maxWidth: number;
  sha256: string | undefined;
  role: 'body' | 'cover';
}

/** What we know about the input before (possibly) decoding it. */
interface Source {
  format: ImageFormat;
  /** For notes: 'jpeg', 'animated gif', … */
  label: string;
  width: number;
  height: number;
  /** Frames (GIF/WebP); APNG reports 1 because sharp reads only its default image. */
  pages: number;
  /** EXIF orientation (1–8) when the header has one. */
  orientation?: number;
  bmp?: BmpPixels;
}

async function prepare(original: Buffer, policy: Policy): Promise<PreparedImage> {
  if (!Number.isFinite(policy.maxBytes) || policy.maxBytes < 1) throw new RangeError(`maxBytes must be a positive number, got ${policy.maxBytes}`);
  if (!Number.isInteger(policy.maxWidth) || policy.maxWidth < 1) throw new RangeError(`maxWidth must be a positive integer, got ${policy.maxWidth}`);
  if (original.length === 0) throw new ImagePreparationError('The image file is empty (0 bytes).');

  const source = await inspect(original);
  const sha = (policy.sha256 ?? createHash('sha256').update(original).digest('hex')).slice(0, 12).toLowerCase();
  const via: PreparedImage['via'] = policy.role === 'cover' ? 'material' : 'uploadimg';
  const result = (encoded: { data: Buffer; width: number; height: number }, format: PreparedImage['format'], conversion?: string, how = via): PreparedImage => ({
    data: encoded.data,
    format,
    filename: `wxmp-${sha}.${extensionOf(format)}`,
    via: how,
    ...(conversion === undefined ? {} : { conversion }),
    width: encoded.width,
    height: encoded.height,
  });
  const fits = (bytes: number) => bytes <= policy.maxBytes;
  const tooWide = policy.role === 'cover' && source.width > policy.maxWidth;
  const { format } = source;
  const acceptedAsIs = format === 'jpeg' || format === 'png' || format === 'apng';
  // What an as-is upload sends: the original without its Exif/XMP/text (GPS positions, serial numbers, author names
  // would otherwise go to WeChat's public CDN), pixels untouched. A rotated photo (EXIF orientation ≠ 1) would display
  // sideways without its Exif, so it has no lossless form: it is re-encoded upright below.
  const rotated = acceptedAsIs && source.orientation !== undefined && source.orientation !== 1;
  const lossless: StrippedImage | undefined = acceptedAsIs && !rotated ? stripMetadata(original, format === 'jpeg' ? 'jpeg' : 'png') : undefined;
  const asIs = (stripped: StrippedImage, format: PreparedImage['format'], how = via) =>
    result({ data: stripped.data, width: source.width, height: source.height }, format, stripped.removed.length ? describeRemoval(stripped.removed) : undefined, how);

  if (lossless && fits(lossless.data.length) && !tooWide) {
    // Unchanged image data: no quality loss and a stable hash. An APNG is a valid PNG; WeChat shows its first frame.
    return asIs(lossless, format === 'jpeg' ? 'jpeg' : 'png');
  }
  if (format === 'gif' && source.pages > 1 && policy.role === 'body') {
    // uploadimg takes jpg/png only (§4.1): keep the animation by uploading it as a permanent image material (§4.2).
    const gif = stripMetadata(original, 'gif');
    if (gif.data.length <= MATERIAL_IMAGE_MAX_BYTES) return asIs(gif, 'gif', 'material');
  }

  const pixels = await decodeSource(original, source, policy);
  const firstFrame = source.pages > 1 || format === 'apng';
  const details = (encoded: Encoded) => [
    ...(firstFrame ? ['first frame'] : []),
    ...(encoded.width !== source.width || format === 'svg' ? [`${encoded.width} px`] : []),
  ];

  // Formats WeChat refuses are converted first without the size rules: PNG when transparent (and for SVG/GIF, drawings
  // more often than photos), JPEG q88 otherwise. Only if that is too big do the size rules below apply.
  const preferPng = format !== 'jpeg' && (pixels.transparent || format === 'png' || format === 'apng' || format === 'svg' || format === 'gif');
  let tried: Encoded | undefined;
  if (rotated && fits(original.length) && !tooWide) {
    // Only the orientation forces this re-encoding: upright, at high quality (lossless for PNG), then the size rules.
    const upright = (encoded: Encoded) =>
      `${source.label}: applied EXIF orientation ${source.orientation}, metadata removed (${[...details(encoded), describeEncoding(encoded.encoding)].join(', ')})`;
    tried = await encodeOrFail(pixels, format === 'jpeg' ? { format: 'jpeg', quality: 92 } : { format: 'png' }, pixels.width, source);
    if (fits(tried.data.length)) return result(tried, tried.encoding.format, upright(tried));
    const encoded = await shrinkUnderLimit(pixels, preferPng, policy, source, tried);
    return result(encoded, encoded.encoding.format, upright(encoded));
  }
  if (!acceptedAsIs) {
    tried = await encodeOrFail(pixels, preferPng ? { format: 'png' } : { format: 'jpeg', quality: 88 }, pixels.width, source);
    if (fits(tried.data.length)) return result(tried, tried.encoding.format, note(source, tried, details(tried)));
  }
  const encoded = await shrinkUnderLimit(pixels, preferPng, policy, source, tried);
  // A cover re-encoded only for being too wide can come out bigger (a palette PNG becomes truecolour; the corpus has an
  // 86 KB PNG that became 493 KB): the width cap saves bytes, WeChat does not require it, so then keep the original.
  if (lossless && tooWide && fits(lossless.data.length) && encoded.data.length >= lossless.data.length) return asIs(lossless, format === 'jpeg' ? 'jpeg' : 'png');
  return result(encoded, encoded.encoding.format, note(source, encoded, details(encoded), original.length));
}

/** Sniffs the format and reads the header (sharp's metadata does not decode pixels). */
async function inspect(original: Buffer): Promise<Source> {
  const format = sniffImageFormat(original) ?? (looksLikeSvg(original) ? 'svg' : undefined);
  if (!format) {
    const head = [...original.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new ImagePreparationError(`Not an image wxmp can read (first bytes: ${head}); use PNG, JPEG, GIF, WebP, AVIF, TIFF, BMP or SVG.`);
  }
  if (format === 'ico') throw new ImagePreparationError('ICO icons are not supported; save the icon as PNG.');
  if (format === 'bmp') {
    try {
      const bmp = decodeBmp(original);
      return { format, label: 'bmp', width: bmp.width, height: bmp.height, pages: 1, bmp };
    } catch (error) {
      if (error instanceof BmpError) throw new ImagePreparationError(`Cannot read this BMP image: ${error.message}.`);
      throw error;
    }
  }
  try {
    const meta = await sharp(original).metadata();
    const pages = meta.pages ?? 1;
    const { width, height } = meta.autoOrient;
    if (!width || !height) throw new Error('no dimensions in its header');
    const label = pages > 1 ? `animated ${format}` : format;
    return { format, label, width, height, pages, ...(meta.orientation === undefined ? {} : { orientation: meta.orientation }) };
  } catch (error) {
    throw unreadable(format, error);
  }
}

/**
 * `sniffImageFormat` expects the XML declaration, comments and DOCTYPE in that order; graphviz and matplotlib put
 * comments after the DOCTYPE (3 SVGs in the corpus). Accept any order before the root `<svg`.
 */
function looksLikeSvg(bytes: Buffer): boolean {
  let text = bytes.subarray(0, 8192).toString('utf8').replace(/^\uFEFF/, '');
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.trimStart().replace(/^(<\?xml[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(\[[\s\S]*?\])?\s*>)/i, '');
  }
  return /^<svg[\s>]/i.test(text);
}

function unreadable(format: ImageFormat, error: unknown): ImagePreparationError {
  const reason = error instanceof Error ? error.message.trim() : String(error);
  return new ImagePreparationError(
    `Cannot read this ${format.toUpperCase()} image (${reason}): the file is corrupt, truncated or not really ${format.toUpperCase()}; re-export it.`,
  );
}

/**
 * Decodes once, at most maxWidth wide: JPEG/PNG get here only when they must be re-encoded, other formats always are,
 * and an image re-encoded anyway gains nothing from pixels WeChat will not show.
 */
async function decodeSource(original: Buffer, source: Source, policy: Policy): Promise<Pixels> {
  try {
    if (source.bmp) return await decode(source.bmp, { maxWidth: policy.maxWidth });
    if (source.format === 'svg') {
      // Rasterise at 2× the SVG's own size (as sharp reads it at 72 DPI) for crisp text on DPR-2+ phones, but no wider
      // than maxWidth. libvips scales by density/72 *and* hands librsvg that DPI, so SVGs sized in pt/mm/in render
      // larger than asked (30pt at 144 DPI → 120 px): the exact resize brings every SVG to the intended width.
      const scale = Math.min(2, policy.maxWidth / source.width);
      const width = Math.max(1, Math.min(policy.maxWidth, Math.round(source.width * scale)));
      return await decode(original, { density: Math.min(100_000, Math.max(1, 72 * scale)), width });
    }
    return await decode(original, { maxWidth: policy.maxWidth });
  } catch (error) {
    throw unreadable(source.format, error);
  }
}

async function encodeOrFail(pixels: Pixels, encoding: Encoding, width: number, source: Source): Promise<Encoded> {
  try {
    return await encode(pixels, encoding, width);
  } catch (error) {
    throw unreadable(source.format, error);
  }
}

const JPEG_LADDER = [85, 80, 75, 70, 65, 60];

/**
 * The size rules: at ≤ maxWidth, try lossless PNG, then palette PNG (when PNG is preferred, unless the pixels look like a
 * photo), then JPEG 85→60 when opaque (PNG with transparency stays PNG, with a coarser palette). If nothing fits, shrink the width (estimated from
 * the best result: bytes grow roughly with pixel count) down to half of maxWidth, then give up with an explanation.
 */
async function shrinkUnderLimit(pixels: Pixels, preferPng: boolean, policy: Policy, source: Source, tried?: Encoded): Promise<Encoded> {
  const ladder: Encoding[] = [];
  if (preferPng) {
    ladder.push({ format: 'png' });
    // A photo saved as PNG would come out of the palette step banded and dithered: JPEG is the better lossy format.
    if (pixels.transparent || !looksPhotographic(pixels)) ladder.push({ format: 'png', palette: 90 });
  }
  if (!pixels.transparent) ladder.push(...JPEG_LADDER.map((quality): Encoding => ({ format: 'jpeg', quality })));
  else ladder.push({ format: 'png', palette: 70 }, { format: 'png', palette: 50 });

  const startWidth = pixels.width; // already ≤ maxWidth (decodeSource)
  const floorWidth = Math.min(startWidth, Math.round(policy.maxWidth / 2));
  const same = (a: Encoding, b: Encoding) => describeEncoding(a) === describeEncoding(b) && a.format === b.format;
  let width = startWidth;
  let smallest = tried;
  for (;;) {
    // Lossless PNG does not get smaller relative to palette PNG as the width shrinks: only try it at full width.
    const encodings = width === startWidth ? ladder.filter((e) => !tried || !same(e, tried.encoding)) : ladder.filter((e) => e.format === 'jpeg' || e.palette !== undefined);
    for (const encoding of encodings) {
      const attempt = await encodeOrFail(pixels, encoding, width, source);
      if (attempt.data.length <= policy.maxBytes) return attempt;
      if (!smallest || attempt.data.length < smallest.data.length) smallest = attempt;
    }
    if (width <= floorWidth) break;
    const factor = Math.min(0.9, Math.max(0.5, Math.sqrt(policy.maxBytes / smallest!.data.length) * 0.9));
    width = Math.max(floorWidth, Math.floor(width * factor));
  }
  throw new ImagePreparationError(
    `Cannot get this ${source.label} (${source.width}×${source.height}) within ${formatBytes(policy.maxBytes)}: even at ${width} px wide ` +
      `and ${describeEncoding(smallest!.encoding)} it is ${formatBytes(smallest!.data.length)}. Crop or split it, or compress it before adding it to the post.`,
  );
}

/** 'webp→png', 'png 2.3 MB→780 KB (1280 px, palette q90)', 'animated gif→png (first frame)'. */
function note(source: Source, encoded: Encoded, details: string[], originalBytes?: number): string {
  const target = encoded.encoding.format;
  let text = source.label === target ? source.label : `${source.label}→${target}`;
  if (originalBytes !== undefined) text += ` ${formatBytes(originalBytes)}→${formatBytes(encoded.data.length)}`;
  const all = [...details, ...(encoded.encoding.format === 'png' && encoded.encoding.palette === undefined ? [] : [describeEncoding(encoded.encoding)])];
  return all.length ? `${text} (${all.join(', ')})` : text;
}

/** 1,048,575 bytes reads "1.0 MB", not "1024 KB". */
function formatBytes(bytes: number): string {
  if (bytes >= 1000 * KiB) return `${(bytes / MiB).toFixed(1)} MB`;
  if (bytes >= KiB) return `${Math.round(bytes / KiB)} KB`;
  return `${bytes} B`;
}

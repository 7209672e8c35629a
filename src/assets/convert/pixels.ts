import sharp from 'sharp';
import type { BmpPixels } from './bmp.js';

/** Decoded, EXIF-oriented sRGB pixels, 8 bits per channel: what every re-encoding attempt starts from. */
export interface Pixels {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  /** True when some pixel is not fully opaque (an alpha channel that is all 255 does not count). */
  transparent: boolean;
}

export type Encoding =
  | { format: 'jpeg'; quality: number }
  /** `palette` is libimagequant's quality target; absent means lossless truecolour. */
  | { format: 'png'; palette?: number };

interface DecodeOptions {
  /** SVG rendering density in DPI (72 = the SVG's own pixel size). */
  density?: number;
  /** Shrink to this width when wider (for JPEG, sharp then decodes at a reduced scale: much faster). */
  maxWidth?: number;
  /** Resize to exactly this width (height follows the aspect ratio). */
  width?: number;
}

/**
 * Decodes once to raw pixels; all later attempts (qualities, widths) start from this buffer rather than from the
 * compressed original. `failOn: 'error'` rejects truncated files but tolerates the harmless warnings many real JPEGs
 * carry ("extraneous bytes before marker").
 */
export async function decode(input: Buffer | BmpPixels, options: DecodeOptions = {}): Promise<Pixels> {
  let image = Buffer.isBuffer(input)
    ? sharp(input, { failOn: 'error', ...(options.density ? { density: options.density } : {}) })
    : sharp(input.data, { raw: { width: input.width, height: input.height, channels: input.channels } });
  image = image.rotate(); // applies EXIF orientation; output carries no metadata (sharp strips it by default)
  if (options.width) image = image.resize({ width: options.width });
  else if (options.maxWidth) image = image.resize({ width: options.maxWidth, withoutEnlargement: true });
  const { data, info } = await image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const channels = info.channels as Pixels['channels'];
  return { data, width: info.width, height: info.height, channels, transparent: hasTransparency(data, channels) };
}

function hasTransparency(data: Buffer, channels: number): boolean {
  if (channels !== 2 && channels !== 4) return false;
  for (let i = channels - 1; i < data.length; i += channels) if (data[i] !== 255) return true;
  return false;
}

/** Encodes the pixels, shrunk to `width` when narrower than they are. Opaque pixels lose their alpha channel. */
export async function encode(pixels: Pixels, encoding: Encoding, width: number): Promise<Encoded> {
  let image = sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: pixels.channels } });
  if (width < pixels.width) image = image.resize({ width });
  if (!pixels.transparent && (pixels.channels === 2 || pixels.channels === 4)) image = image.removeAlpha();
  if (encoding.format === 'jpeg') image = image.jpeg({ quality: encoding.quality, mozjpeg: true });
  else if (encoding.palette !== undefined) image = image.png({ palette: true, quality: encoding.palette, compressionLevel: 9 });
  // No adaptive filtering: on the corpus it made drawings bigger and took 3–6× longer (2 s for a 1280×1940 diagram).
  else image = image.png({ compressionLevel: 9 });
  const { data, info } = await image.toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, encoding };
}

export interface Encoded {
  data: Buffer;
  width: number;
  height: number;
  encoding: Encoding;
}

export function describeEncoding(encoding: Encoding): string {
  if (encoding.format === 'jpeg') return `q${encoding.quality}`;
  return encoding.palette === undefined ? 'lossless' : `palette q${encoding.palette}`;
}

/**
 * True for photo-like pixels, where a 256-colour palette would visibly band and dither and JPEG is the better lossy
 * format. Measured on the corpus at ≤ 1280 px: screenshots and diagrams have at most ~6 distinct colours per 100
 * pixels, photos 8 or more (the JPEG banners, and PNG photos such as a palace banner at 16).
 */
export function looksPhotographic(pixels: Pixels): boolean {
  const { data, channels } = pixels;
  const limit = Math.ceil(pixels.width * pixels.height * PHOTO_COLOURS_PER_PIXEL);
  if (channels < 3) return false; // greyscale: at most 256 levels, a palette is exact
  const seen = new Uint8Array(1 << 21); // one bit per 24-bit colour
  let distinct = 0;
  for (let i = 0; i < data.length; i += channels) {
    const colour = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
    const bit = 1 << (colour & 7);
    if (seen[colour >> 3]! & bit) continue;
    seen[colour >> 3]! |= bit;
    if (++distinct > limit) return true;
  }
  return false;
}

const PHOTO_COLOURS_PER_PIXEL = 0.07;

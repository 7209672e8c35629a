/**
 * A small BMP decoder. sharp's prebuilt libvips has no BMP loader, yet BMP is a format people paste into posts (and
 * uploadimg refuses it: docs/wechat-api.md §4.1), so we decode the common uncompressed variants ourselves and hand sharp the
 * raw pixels. RLE and embedded JPEG/PNG BMPs are rare and rejected with a clear message.
 */

export interface BmpPixels {
  /** Top-down rows, RGB or RGBA, 8 bits per channel. */
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
}

export class BmpError extends Error {}

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;
/** sharp's own default pixel limit (0x3FFF²): refuse before allocating absurd buffers from a forged header. */
const MAX_PIXELS = 268_402_689;

export function decodeBmp(bytes: Buffer): BmpPixels {
  const header = readHeader(bytes);
  const { width, height, bpp } = header;
  const masks = channelMasks(bytes, header);
  const palette = bpp <= 8 ? readPalette(bytes, header) : undefined;
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  need(bytes, header.pixelOffset + stride * height);

  const channels: 3 | 4 = masks && masks[3] !== 0 ? 4 : 3;
  const out = decodePixels(bytes, header, stride, channels, palette, masks);
  // Many writers emit an alpha mask but leave every alpha byte 0; browsers then show the image opaque, so do we.
  if (channels === 4 && !out.some((v, i) => i % 4 === 3 && v !== 0)) return { data: dropAlpha(out), width, height, channels: 3 };
  return { data: out, width, height, channels };
}

interface BmpHeader {
  pixelOffset: number;
  headerSize: number;
  /** OS/2 BITMAPCOREHEADER: 16-bit sizes, 3-byte palette entries. */
  core: boolean;
  width: number;
  height: number;
  /** Rows stored top to bottom (a negative height in the file). */
  topDown: boolean;
  bpp: number;
  compression: number;
  colorsUsed: number;
}

/** The file and DIB headers, refused unless they describe an uncompressed variant this decoder reads. */
function readHeader(bytes: Buffer): BmpHeader {
  if (bytes.length < 26 || bytes.toString('latin1', 0, 2) !== 'BM') throw new BmpError('not a BMP file');
  const pixelOffset = bytes.readUInt32LE(10);
  const headerSize = bytes.readUInt32LE(14);
  const core = headerSize === 12;
  if (!core && (headerSize < 40 || bytes.length < 14 + 40)) throw new BmpError(`unsupported BMP header (${headerSize} bytes)`);

  const width = core ? bytes.readUInt16LE(18) : bytes.readInt32LE(18);
  const rawHeight = core ? bytes.readInt16LE(20) : bytes.readInt32LE(22);
  const bpp = core ? bytes.readUInt16LE(24) : bytes.readUInt16LE(28);
  const compression = core ? BI_RGB : bytes.readUInt32LE(30);
  const colorsUsed = core ? 0 : bytes.readUInt32LE(46);
  const height = Math.abs(rawHeight);

  if (width <= 0 || height <= 0) throw new BmpError(`invalid BMP size ${width}×${rawHeight}`);
  if (width * height > MAX_PIXELS) throw new BmpError(`BMP is ${width}×${height}, too many pixels`);
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) {
    const name = ({ 1: 'RLE8', 2: 'RLE4', 4: 'embedded JPEG', 5: 'embedded PNG' } as Record<number, string>)[compression] ?? `type ${compression}`;
    throw new BmpError(`${name}-compressed BMP is not supported; re-save it as PNG`);
  }
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) throw new BmpError(`unsupported BMP bit depth ${bpp}`);
  return { pixelOffset, headerSize, core, width, height, topDown: rawHeight < 0, bpp, compression, colorsUsed };
}

/**
 * Channel masks of 16/32-bit pixels: explicit for BITFIELDS (right after the 40-byte header, or inside V3+ headers),
 * implied otherwise.
 */
function channelMasks(bytes: Buffer, { bpp, compression, headerSize }: BmpHeader): [number, number, number, number] | undefined {
  if (bpp !== 16 && bpp !== 32) return undefined;
  if (compression === BI_RGB) return bpp === 16 ? [0x7c00, 0x03e0, 0x001f, 0] : [0x00ff0000, 0x0000ff00, 0x000000ff, 0];
  need(bytes, 14 + 40 + 12);
  const hasAlphaMask = compression === BI_ALPHABITFIELDS || headerSize >= 56;
  if (hasAlphaMask) need(bytes, 14 + 40 + 16);
  return [bytes.readUInt32LE(54), bytes.readUInt32LE(58), bytes.readUInt32LE(62), hasAlphaMask ? bytes.readUInt32LE(66) : 0];
}

/** The color table of a ≤ 8-bit image, as RGB triples. */
function readPalette(bytes: Buffer, { bpp, colorsUsed, core, headerSize }: BmpHeader): Buffer {
  const count = colorsUsed || 1 << bpp;
  const entry = core ? 3 : 4;
  const start = 14 + headerSize;
  need(bytes, start + count * entry);
  const palette = Buffer.alloc(count * 3);
  for (let i = 0; i < count; i++) {
    palette[i * 3] = bytes[start + i * entry + 2]!;
    palette[i * 3 + 1] = bytes[start + i * entry + 1]!;
    palette[i * 3 + 2] = bytes[start + i * entry]!;
  }
  return palette;
}

/** Top-down RGB(A) rows from the stored rows (bottom-up unless `topDown`). */
function decodePixels(
  bytes: Buffer,
  { pixelOffset, width, height, topDown, bpp }: BmpHeader,
  stride: number,
  channels: 3 | 4,
  palette: Buffer | undefined,
  masks: [number, number, number, number] | undefined,
): Buffer {
  const out = Buffer.alloc(width * height * channels);
  const fields = masks?.map(fieldOf);
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * stride;
    let o = y * width * channels;
    for (let x = 0; x < width; x++, o += channels) {
      if (palette) {
        const bit = x * bpp;
        const byte = bytes[row + (bit >> 3)]!;
        const index = bpp === 8 ? byte : (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        if (index * 3 >= palette.length) throw new BmpError(`BMP palette index ${index} out of range`);
        palette.copy(out, o, index * 3, index * 3 + 3);
      } else if (bpp === 24) {
        const p = row + x * 3;
        out[o] = bytes[p + 2]!;
        out[o + 1] = bytes[p + 1]!;
        out[o + 2] = bytes[p]!;
      } else {
        const value = bpp === 16 ? bytes.readUInt16LE(row + x * 2) : bytes.readUInt32LE(row + x * 4);
        for (let c = 0; c < channels; c++) out[o + c] = fields![c]!(value);
      }
    }
  }
  return out;
}

function need(bytes: Buffer, length: number): void {
  if (bytes.length < length) throw new BmpError(`BMP is truncated (${bytes.length} bytes, needs ${length})`);
}

/** An extractor that scales the masked bits of a pixel to 0–255. */
function fieldOf(mask: number): (value: number) => number {
  if (mask === 0) return () => 255;
  const m = mask >>> 0;
  let shift = 0;
  while (((m >>> shift) & 1) === 0) shift++;
  const max = m >>> shift;
  return (value) => Math.round((((value >>> 0) & m) >>> shift) * 255 / max);
}

function dropAlpha(rgba: Buffer): Buffer {
  const rgb = Buffer.alloc((rgba.length / 4) * 3);
  for (let i = 0, o = 0; i < rgba.length; i += 4, o += 3) {
    rgb[o] = rgba[i]!;
    rgb[o + 1] = rgba[i + 1]!;
    rgb[o + 2] = rgba[i + 2]!;
  }
  return rgb;
}

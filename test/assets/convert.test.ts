import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  ImagePreparationError,
  MATERIAL_IMAGE_MAX_BYTES,
  UPLOADIMG_MAX_BYTES,
  prepareBodyImage,
  prepareCoverImage,
  type PreparedImage,
} from '../../src/assets/convert.js';
import { sniffImageFormat } from '../../src/util/image-type.js';

// All fixtures are generated here with sharp (plus hand-built APNG/BMP/GIF bytes), so nothing large is committed.

const MiB = 1024 * 1024;

type Rgba = { r: number; g: number; b: number; alpha?: number };

function solid(width: number, height: number, background: Rgba, channels: 3 | 4 = 3) {
  return sharp({ create: { width, height, channels, background } });
}

/** Photo-like noise: compresses badly, so it is how we get "too big" images. */
function noise(width: number, height: number, sigma = 30) {
  return sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma } } });
}

/** Screenshot-like: flat background, anti-aliased text and outlines (few distinct colours, unlike a photo). */
function diagram(width: number, height: number, shapes = 600) {
  let seed = 7;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const colours = ['#d33', '#3a3', '#33d', '#fc0', '#222', '#0cc', '#c0c', '#888'];
  const drawn = Array.from({ length: shapes }, (_, i) => {
    const colour = colours[random(colours.length)];
    return i % 2
      ? `<circle cx="${random(width)}" cy="${random(height)}" r="${3 + random(30)}" fill="none" stroke="${colour}" stroke-width="1.5"/>`
      : `<text x="${random(width)}" y="${random(height)}" font-size="${9 + random(12)}" fill="${colour}">wxmp ${random(99999)}</text>`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="#f4f6f8"/>${drawn.join('')}</svg>`;
  return sharp(Buffer.from(svg));
}

/** Noise with a real alpha channel (varying transparency). */
async function noiseWithAlpha(width: number, height: number, sigma = 30): Promise<sharp.Sharp> {
  const rgb = await noise(width, height, sigma).raw().toBuffer();
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0, o = 0; i < rgb.length; i += 3, o += 4) {
    rgba[o] = rgb[i]!;
    rgba[o + 1] = rgb[i + 1]!;
    rgba[o + 2] = rgb[i + 2]!;
    rgba[o + 3] = (i / 3) % width < width / 2 ? 255 : 96; // right half semi-transparent
  }
  return sharp(rgba, { raw: { width, height, channels: 4 } });
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function pixelAt(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [...data.subarray(at, at + info.channels)];
}

/** Checks what every prepared image must satisfy, whatever the path taken. */
async function expectUploadable(prepared: PreparedImage, limit: number): Promise<void> {
  expect(prepared.data.length).toBeLessThanOrEqual(limit);
  const sniffed = sniffImageFormat(prepared.data);
  expect(sniffed === 'apng' ? 'png' : sniffed).toBe(prepared.format);
  expect(prepared.filename).toMatch(new RegExp(`^wxmp-[0-9a-f]{12}\\.${prepared.format === 'jpeg' ? 'jpg' : prepared.format}$`));
  const meta = await sharp(prepared.data).metadata();
  expect({ width: meta.autoOrient.width, height: meta.autoOrient.height }).toEqual({ width: prepared.width, height: prepared.height });
}

/** Prepares twice and checks the two results are byte-identical (lock hashes depend on it). */
async function deterministic(run: () => Promise<PreparedImage>): Promise<PreparedImage> {
  const first = await run();
  const second = await run();
  expect(second.data.equals(first.data)).toBe(true);
  expect(second).toEqual(first);
  return first;
}

// --- hand-built formats -------------------------------------------------------------------------------------------

function pngChunks(png: Buffer): { type: string; data: Buffer }[] {
  const chunks: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    chunks.push({ type: png.toString('latin1', at + 4, at + 8), data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** An animated PNG from same-sized PNG frames (acTL before IDAT; frame 0 is the default image). */
function apng(frames: Buffer[]): Buffer {
  const first = pngChunks(frames[0]!);
  const ihdr = first.find((c) => c.type === 'IHDR')!.data;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  let sequence = 0;
  const fctl = () => {
    const data = Buffer.alloc(26);
    data.writeUInt32BE(sequence++, 0);
    data.writeUInt32BE(width, 4);
    data.writeUInt32BE(height, 8);
    data.writeUInt16BE(1, 20); // delay 1/10 s
    data.writeUInt16BE(10, 22);
    return chunk('fcTL', data);
  };
  const actl = Buffer.alloc(8);
  actl.writeUInt32BE(frames.length, 0);
  const parts = [PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('acTL', actl), fctl()];
  parts.push(...first.filter((c) => c.type === 'IDAT').map((c) => chunk('IDAT', c.data)));
  for (const frame of frames.slice(1)) {
    parts.push(fctl());
    for (const idat of pngChunks(frame).filter((c) => c.type === 'IDAT')) {
      const seq = Buffer.alloc(4);
      seq.writeUInt32BE(sequence++, 0);
      parts.push(chunk('fdAT', Buffer.concat([seq, idat.data])));
    }
  }
  parts.push(chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

/**
 * Pads a PNG to exactly `size` bytes with a private ancillary chunk (decoders skip it: the pixels stay tiny). Not tEXt:
 * text chunks are metadata, which the as-is path removes before it checks the size.
 */
function padPng(png: Buffer, size: number): Buffer {
  const iend = png.length - 12;
  const padding = Buffer.alloc(size - png.length - 12, 0x61);
  const padded = Buffer.concat([png.subarray(0, iend), chunk('wxPd', padding), png.subarray(iend)]);
  expect(padded.length).toBe(size);
  return padded;
}

/**
 * Pads a GIF with an application extension of our own before its trailer (decoders skip it; the frames are unchanged).
 * Not a comment extension: comments are metadata, which the as-is path removes before it checks the size.
 */
function padGif(gif: Buffer, extra: number): Buffer {
  const blocks: Buffer[] = [Buffer.from([0x21, 0xff, 11]), Buffer.from('WXMPPAD1.0\0', 'latin1')];
  for (let left = extra; left > 0; left -= 255) {
    const n = Math.min(255, left);
    blocks.push(Buffer.from([n]), Buffer.alloc(n, 0x2e));
  }
  blocks.push(Buffer.from([0]));
  return Buffer.concat([gif.subarray(0, gif.length - 1), ...blocks, gif.subarray(gif.length - 1)]);
}

/** A BMP with a 40-byte header: 24-bit, 32-bit BITFIELDS with alpha (V4-style masks), or 8-bit palette. */
function bmp(width: number, height: number, bpp: 8 | 24 | 32, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const palette: number[][] = [];
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  const rows = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const row = (height - 1 - y) * stride; // bottom-up
    for (let x = 0; x < width; x++) {
      const [r, g, b, a] = pixel(x, y);
      if (bpp === 8) {
        let index = palette.findIndex((p) => p[0] === r && p[1] === g && p[2] === b);
        if (index === -1) index = palette.push([r, g, b]) - 1;
        rows[row + x] = index;
      } else if (bpp === 24) {
        rows.set([b, g, r], row + x * 3);
      } else {
        rows.writeUInt32LE(((a << 24) | (r << 16) | (g << 8) | b) >>> 0, row + x * 4);
      }
    }
  }
  const masks = bpp === 32 ? Buffer.alloc(16) : Buffer.alloc(0);
  if (bpp === 32) [0x00ff0000, 0x0000ff00, 0x000000ff, 0xff000000].forEach((m, i) => masks.writeUInt32LE(m >>> 0, i * 4));
  const table = Buffer.from(palette.flatMap(([r, g, b]) => [b!, g!, r!, 0]));
  const info = Buffer.alloc(40);
  info.writeUInt32LE(bpp === 32 ? 56 : 40, 0); // 56 = BITMAPV3INFOHEADER: the four masks follow the 40 bytes
  info.writeInt32LE(width, 4);
  info.writeInt32LE(height, 8);
  info.writeUInt16LE(1, 12);
  info.writeUInt16LE(bpp, 14);
  info.writeUInt32LE(bpp === 32 ? 3 : 0, 16);
  info.writeUInt32LE(rows.length, 20);
  info.writeUInt32LE(bpp === 8 ? palette.length : 0, 32);
  const offset = 14 + info.length + masks.length + table.length;
  const file = Buffer.alloc(14);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(offset + rows.length, 2);
  file.writeUInt32LE(offset, 10);
  return Buffer.concat([file, info, masks, table, rows]);
}

async function animatedGif(width: number, height: number, colours: Rgba[]): Promise<Buffer> {
  const frames = await Promise.all(colours.map((c) => solid(width, height, c).png().toBuffer()));
  return sharp(frames, { join: { animated: true } }).gif().toBuffer();
}

// --- JPEG / PNG as is ----------------------------------------------------------------------------------------------

describe('JPEG and PNG within the limits', () => {
  it('uploads a small JPEG unchanged through uploadimg, named by the sha256 of its bytes', async () => {
    const jpeg = await noise(2000, 300, 10).jpeg({ quality: 80 }).toBuffer(); // wider than 1280: still as is
    expect(jpeg.length).toBeLessThan(UPLOADIMG_MAX_BYTES);
    const prepared = await prepareBodyImage(jpeg);
    expect(prepared.data).toBe(jpeg);
    expect(prepared).toMatchObject({ format: 'jpeg', via: 'uploadimg', width: 2000, height: 300, filename: `wxmp-${sha256(jpeg).slice(0, 12)}.jpg` });
    expect(prepared.conversion).toBeUndefined();
  });

  it('uploads a small PNG with transparency unchanged', async () => {
    const png = await solid(64, 32, { r: 0, g: 128, b: 255, alpha: 0.5 }, 4).png().toBuffer();
    const prepared = await prepareBodyImage(png);
    expect(prepared.data.equals(png)).toBe(true);
    expect(prepared).toMatchObject({ format: 'png', via: 'uploadimg', width: 64, height: 32 });
    expect(prepared.conversion).toBeUndefined();
  });

  it('is strict about 1 MiB: 1,048,575 bytes passes as is, 1,048,576 bytes is re-encoded', async () => {
    const small = await solid(40, 40, { r: 200, g: 10, b: 10 }).png().toBuffer();
    const under = padPng(small, MiB - 1);
    const exact = padPng(small, MiB);
    expect((await prepareBodyImage(under)).data).toBe(under);
    const reencoded = await prepareBodyImage(exact);
    expect(reencoded.data.length).toBeLessThan(10_000); // the padding (metadata) is gone
    expect(reencoded).toMatchObject({ format: 'png', via: 'uploadimg', width: 40, height: 40 });
    expect(reencoded.conversion).toMatch(/^png 1\.0 MB→\d+ B$/);
    expect(await pixelAt(reencoded.data, 20, 20)).toEqual([200, 10, 10]);
  });

  it('uses the sha256 the caller passes for the file name', async () => {
    const png = await solid(8, 8, { r: 1, g: 2, b: 3 }).png().toBuffer();
    const prepared = await prepareBodyImage(png, { sha256: 'ABCDEF0123456789'.padEnd(64, '0') });
    expect(prepared.filename).toBe('wxmp-abcdef012345.png');
  });
});

// --- too big -------------------------------------------------------------------------------------------------------

describe('images over the size limit', () => {
  it('shrinks a big JPEG to 1280 px and re-encodes it from q85 down until it is under 1 MiB', async () => {
    const big = await noise(1600, 1200, 30).jpeg({ quality: 95 }).toBuffer();
    expect(big.length).toBeGreaterThan(MiB);
    const prepared = await deterministic(() => prepareBodyImage(big));
    await expectUploadable(prepared, UPLOADIMG_MAX_BYTES);
    expect(prepared).toMatchObject({ format: 'jpeg', via: 'uploadimg', width: 1280, height: 960 });
    expect(prepared.conversion).toMatch(/^jpeg 1\.\d MB→\d+ KB \(1280 px, q85\)$/);
  });

  it('walks the JPEG quality ladder when q85 is still too big', async () => {
    const photo = await noise(600, 400, 40).jpeg({ quality: 95 }).toBuffer();
    const q85 = await sharp(photo).jpeg({ quality: 85, mozjpeg: true }).toBuffer();
    const q60 = await sharp(photo).jpeg({ quality: 60, mozjpeg: true }).toBuffer();
    const maxBytes = Math.round((q85.length + q60.length) / 2);
    const prepared = await deterministic(() => prepareBodyImage(photo, { maxBytes }));
    await expectUploadable(prepared, maxBytes);
    expect(prepared).toMatchObject({ format: 'jpeg', width: 600, height: 400 });
    const quality = Number(/q(\d+)\)$/.exec(prepared.conversion!)![1]);
    expect(quality).toBeLessThan(85);
    expect(quality).toBeGreaterThanOrEqual(60);
  });

  it('turns a big opaque PNG into JPEG when lossless and palette PNG do not fit', async () => {
    const png = await noise(1600, 1200, 30).png().toBuffer();
    expect(png.length).toBeGreaterThan(MiB);
    const prepared = await prepareBodyImage(png);
    await expectUploadable(prepared, UPLOADIMG_MAX_BYTES);
    expect(prepared).toMatchObject({ format: 'jpeg', via: 'uploadimg', width: 1280, height: 960, filename: `wxmp-${sha256(png).slice(0, 12)}.jpg` });
    expect(prepared.conversion).toMatch(/^png→jpeg \d\.\d MB→\d+ KB \(1280 px, q\d+\)$/);
  });

  it('keeps a big PNG as PNG when resizing alone brings it under the limit (lossless)', async () => {
    const png = await noise(3000, 600, 8).png().toBuffer();
    expect(png.length).toBeGreaterThan(MiB);
    const prepared = await prepareBodyImage(png, { maxWidth: 640 });
    await expectUploadable(prepared, UPLOADIMG_MAX_BYTES);
    expect(prepared).toMatchObject({ format: 'png', width: 640, height: 128 });
    expect(prepared.conversion).toMatch(/^png \d\.\d MB→\d+ KB \(640 px\)$/);
  });

  it('quantises a screenshot-like PNG to a palette before resorting to JPEG', async () => {
    const png = await diagram(900, 600).png().toBuffer();
    const lossless = await sharp(png).removeAlpha().png({ compressionLevel: 9 }).toBuffer(); // as wxmp encodes it: opaque → RGB
    const palette90 = await sharp(png).png({ palette: true, quality: 90, compressionLevel: 9 }).toBuffer();
    expect(palette90.length).toBeLessThan(lossless.length);
    const maxBytes = lossless.length - 1;
    expect(png.length).toBeGreaterThan(maxBytes);
    const prepared = await deterministic(() => prepareBodyImage(png, { maxBytes }));
    await expectUploadable(prepared, maxBytes);
    expect(prepared).toMatchObject({ format: 'png', width: 900, height: 600 });
    expect(prepared.conversion).toMatch(/^png \d+ KB→\d+ KB \(palette q90\)$/);
  });

  it('skips the palette for a photo saved as PNG and goes to JPEG', async () => {
    const png = await noise(600, 400, 25).png().toBuffer();
    const prepared = await prepareBodyImage(png, { maxBytes: png.length - 1 });
    expect(prepared).toMatchObject({ format: 'jpeg', width: 600, height: 400 });
    expect(prepared.conversion).toMatch(/^png→jpeg \d+ KB→\d+ KB \(q85\)$/);
  });

  it('quantises a transparent PNG to a palette and keeps its transparency', async () => {
    const png = await (await noiseWithAlpha(240, 160, 20)).png().toBuffer();
    const palette90 = await sharp(png).png({ palette: true, quality: 90, compressionLevel: 9 }).toBuffer();
    const prepared = await deterministic(() => prepareBodyImage(png, { maxBytes: palette90.length + 1000 }));
    await expectUploadable(prepared, palette90.length + 1000);
    expect(prepared).toMatchObject({ format: 'png', width: 240, height: 160 });
    expect(prepared.conversion).toMatch(/\(palette q90\)$/);
    expect((await pixelAt(prepared.data, 200, 10))[3]).toBeGreaterThan(80);
    expect((await pixelAt(prepared.data, 200, 10))[3]).toBeLessThan(112);
    expect((await pixelAt(prepared.data, 10, 10))[3]).toBe(255);
  });

  it('narrows a transparent PNG when no palette fits at full width, never falling back to JPEG', async () => {
    const png = await (await noiseWithAlpha(400, 200, 40)).png().toBuffer();
    const prepared = await prepareBodyImage(png, { maxBytes: 40_000, maxWidth: 400 });
    await expectUploadable(prepared, 40_000);
    expect(prepared.format).toBe('png');
    expect(prepared.width).toBeLessThan(400);
    expect(prepared.width).toBeGreaterThanOrEqual(200); // the floor: half of maxWidth
    expect(Math.abs(prepared.height! - prepared.width! / 2)).toBeLessThanOrEqual(1);
    expect((await sharp(prepared.data).metadata()).hasAlpha).toBe(true);
    expect(prepared.conversion).toMatch(new RegExp(`^png \\d+ KB→\\d+ KB \\(${prepared.width} px, palette q\\d+\\)$`));
  });

  it('fails clearly when even the smallest attempt is too big', async () => {
    const photo = await noise(400, 300, 50).jpeg({ quality: 95 }).toBuffer();
    const attempt = prepareBodyImage(photo, { maxBytes: 2_000 });
    await expect(attempt).rejects.toBeInstanceOf(ImagePreparationError);
    await expect(attempt).rejects.toThrow(/Cannot get this jpeg \(400×300\) within 2 KB: even at \d+ px wide and q60 it is \d+ KB\. Crop or split it/);
  });

  it('applies the EXIF orientation and strips metadata when it re-encodes', async () => {
    const sideways = await noise(300, 200, 30).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    const prepared = await prepareBodyImage(sideways, { maxBytes: sideways.length - 1 });
    expect(prepared).toMatchObject({ format: 'jpeg', width: 200, height: 300 });
    const meta = await sharp(prepared.data).metadata();
    expect(meta.orientation).toBeUndefined();
    expect(meta.exif).toBeUndefined();
    expect([meta.width, meta.height]).toEqual([200, 300]);
  });
});

// --- formats WeChat refuses ----------------------------------------------------------------------------------------

describe('formats uploadimg refuses', () => {
  it('converts an opaque WebP to JPEG q88', async () => {
    const webp = await noise(320, 200, 20).webp({ quality: 90 }).toBuffer();
    const prepared = await deterministic(() => prepareBodyImage(webp));
    await expectUploadable(prepared, UPLOADIMG_MAX_BYTES);
    expect(prepared).toMatchObject({ format: 'jpeg', via: 'uploadimg', width: 320, height: 200, conversion: 'webp→jpeg (q88)' });
    expect(prepared.filename).toBe(`wxmp-${sha256(webp).slice(0, 12)}.jpg`);
  });

  it('converts a transparent WebP to PNG and keeps the alpha', async () => {
    const webp = await solid(120, 80, { r: 10, g: 200, b: 30, alpha: 0.25 }, 4).webp({ lossless: true }).toBuffer();
    const prepared = await deterministic(() => prepareBodyImage(webp));
    await expectUploadable(prepared, UPLOADIMG_MAX_BYTES);
    expect(prepared).toMatchObject({ format: 'png', width: 120, height: 80, conversion: 'webp→png' });
    expect(await pixelAt(prepared.data, 5, 5)).toEqual([10, 200, 30, 64]);
  });

  it('shrinks a wide WebP to maxWidth while converting it', async () => {
    const webp = await noise(2000, 500, 5).webp({ quality: 80 }).toBuffer();
    const prepared = await prepareBodyImage(webp);
    expect(prepared).toMatchObject({ format: 'jpeg', width: 1280, height: 320, conversion: 'webp→jpeg (1280 px, q88)' });
  });

  it('converts AVIF (opaque → JPEG, transparent → PNG)', async () => {
    const opaque = await solid(64, 48, { r: 250, g: 250, b: 0 }).avif().toBuffer();
    const clear = await solid(64, 48, { r: 0, g: 0, b: 250, alpha: 0.5 }, 4).avif().toBuffer();
    expect(sniffImageFormat(opaque)).toBe('avif');
    const a = await deterministic(() => prepareBodyImage(opaque));
    const b = await deterministic(() => prepareBodyImage(clear));
    expect(a).toMatchObject({ format: 'jpeg', conversion: 'avif→jpeg (q88)', width: 64, height: 48 });
    expect(b).toMatchObject({ format: 'png', conversion: 'avif→png', width: 64, height: 48 });
    expect((await sharp(b.data).metadata()).hasAlpha).toBe(true);
  });

  it('converts TIFF', async () => {
    const tiff = await solid(50, 40, { r: 90, g: 90, b: 90 }).tiff().toBuffer();
    const prepared = await prepareBodyImage(tiff);
    expect(prepared).toMatchObject({ format: 'jpeg', width: 50, height: 40, conversion: 'tiff→jpeg (q88)' });
  });

  it('decodes 24-bit, 8-bit palette and 32-bit alpha BMPs (sharp has no BMP loader)', async () => {
    const colour = (x: number, y: number): [number, number, number, number] => (x < 5 ? [255, 0, 0, 255] : y < 3 ? [0, 0, 255, 255] : [0, 255, 0, 128]);
    const rgb = await prepareBodyImage(bmp(10, 6, 24, colour));
    expect(rgb).toMatchObject({ format: 'jpeg', width: 10, height: 6, conversion: 'bmp→jpeg (q88)' });
    const indexed = await prepareBodyImage(bmp(10, 6, 8, colour));
    expect(indexed).toMatchObject({ format: 'jpeg', width: 10, height: 6 });
    const alpha = await deterministic(() => prepareBodyImage(bmp(10, 6, 32, colour)));
    expect(alpha).toMatchObject({ format: 'png', width: 10, height: 6, conversion: 'bmp→png' });
    expect(await pixelAt(alpha.data, 0, 0)).toEqual([255, 0, 0, 255]);
    expect(await pixelAt(alpha.data, 9, 0)).toEqual([0, 0, 255, 255]); // bottom-up rows decoded the right way up
    expect(await pixelAt(alpha.data, 9, 5)).toEqual([0, 255, 0, 128]);
  });

  it('rejects a compressed (RLE) BMP with a message saying what to do', async () => {
    const rle = bmp(4, 4, 8, () => [1, 2, 3, 255]);
    rle.writeUInt32LE(1, 30);
    await expect(prepareBodyImage(rle)).rejects.toThrow(/RLE8-compressed BMP is not supported; re-save it as PNG/);
  });
});

// --- SVG -----------------------------------------------------------------------------------------------------------

describe('SVG', () => {
  const svg = (width: number, height: number) =>
    Buffer.from(
      `<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 100 50">` +
        '<rect x="0" y="0" width="50" height="50" fill="#ff0000"/></svg>',
    );

  it('rasterises at twice its own size, as PNG, keeping the transparent background', async () => {
    const prepared = await deterministic(() => prepareBodyImage(svg(100, 50)));
    await expectUploadable(prepared, UPLOADIMG_MAX_BYTES);
    expect(prepared).toMatchObject({ format: 'png', via: 'uploadimg', width: 200, height: 100, conversion: 'svg→png (200 px)' });
    expect(await pixelAt(prepared.data, 20, 50)).toEqual([255, 0, 0, 255]);
    expect(await pixelAt(prepared.data, 180, 50)).toEqual([0, 0, 0, 0]);
  });

  it('caps the raster at maxWidth', async () => {
    const prepared = await prepareBodyImage(svg(1000, 500));
    expect(prepared).toMatchObject({ format: 'png', width: 1280, height: 640 });
    const narrow = await prepareBodyImage(svg(1000, 500), { maxWidth: 300 });
    expect(narrow).toMatchObject({ width: 300, height: 150 });
  });

  it('recognises SVG with comments after the DOCTYPE (graphviz, matplotlib)', async () => {
    const graphviz = Buffer.from(
      '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n' +
        '<!-- Generated by graphviz version 2.40.1\n -->\n<!-- Title: G Pages: 1 -->\n' +
        '<svg width="30pt" height="20pt" viewBox="0 0 30 20" xmlns="http://www.w3.org/2000/svg"><rect width="30" height="20" fill="#fff"/></svg>',
    );
    const prepared = await prepareBodyImage(graphviz);
    expect(prepared).toMatchObject({ format: 'png', width: 60, height: 40, conversion: 'svg→png (60 px)' });
  });

  it('uses the viewBox when the SVG has no width/height', async () => {
    const bare = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 30 20"><circle cx="10" cy="10" r="5"/></svg>');
    const prepared = await prepareBodyImage(bare);
    expect(prepared).toMatchObject({ format: 'png', width: 60, height: 40 });
  });
});

// --- GIF / APNG ----------------------------------------------------------------------------------------------------

describe('GIF and APNG', () => {
  it('converts a static GIF to PNG for uploadimg', async () => {
    const gif = await solid(40, 30, { r: 255, g: 0, b: 0 }).gif().toBuffer();
    const prepared = await deterministic(() => prepareBodyImage(gif));
    await expectUploadable(prepared, UPLOADIMG_MAX_BYTES);
    expect(prepared).toMatchObject({ format: 'png', via: 'uploadimg', width: 40, height: 30, conversion: 'gif→png' });
  });

  it('uploads an animated GIF as is as a permanent material, to keep the animation', async () => {
    const gif = await animatedGif(40, 30, [{ r: 255, g: 0, b: 0 }, { r: 0, g: 0, b: 255 }]);
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const prepared = await prepareBodyImage(gif);
    expect(prepared.data).toBe(gif);
    expect(prepared).toMatchObject({ format: 'gif', via: 'material', width: 40, height: 30, filename: `wxmp-${sha256(gif).slice(0, 12)}.gif` });
    expect(prepared.conversion).toBeUndefined();
  });

  it('uses the first frame of an animated GIF over 10 MB, as PNG through uploadimg', async () => {
    const gif = padGif(await animatedGif(40, 30, [{ r: 255, g: 0, b: 0 }, { r: 0, g: 0, b: 255 }]), MATERIAL_IMAGE_MAX_BYTES);
    expect(gif.length).toBeGreaterThan(MATERIAL_IMAGE_MAX_BYTES);
    const prepared = await prepareBodyImage(gif);
    await expectUploadable(prepared, UPLOADIMG_MAX_BYTES);
    expect(prepared).toMatchObject({ format: 'png', via: 'uploadimg', width: 40, height: 30, conversion: 'animated gif→png (first frame)' });
    expect(await pixelAt(prepared.data, 1, 1)).toEqual([255, 0, 0]);
  });

  it('keeps an APNG as is (it is a valid PNG)', async () => {
    const frames = [await solid(32, 32, { r: 255, g: 0, b: 0 }).png().toBuffer(), await solid(32, 32, { r: 0, g: 255, b: 0 }).png().toBuffer()];
    const animated = apng(frames);
    expect(sniffImageFormat(animated)).toBe('apng');
    const prepared = await prepareBodyImage(animated);
    expect(prepared.data).toBe(animated);
    expect(prepared).toMatchObject({ format: 'png', via: 'uploadimg', width: 32, height: 32, filename: `wxmp-${sha256(animated).slice(0, 12)}.png` });
  });

  it('flattens a too-big APNG to its first frame', async () => {
    const frames = [await noise(64, 64, 40).png().toBuffer(), await solid(64, 64, { r: 0, g: 255, b: 0 }).png().toBuffer()];
    const animated = apng(frames);
    const prepared = await deterministic(() => prepareBodyImage(animated, { maxBytes: frames[0]!.length - 1 }));
    expect(prepared.format === 'png' || prepared.format === 'jpeg').toBe(true);
    expect(prepared.conversion).toMatch(/^apng→(png|jpeg) \d+ KB→\d+ K?B \(first frame, /);
    expect(await pixelAt(prepared.data, 10, 10)).not.toEqual([0, 255, 0]);
  });
});

// --- unreadable ----------------------------------------------------------------------------------------------------

describe('unreadable input', () => {
  it('rejects bytes that are no image, saying which bytes it saw', async () => {
    const text = Buffer.from('<html><body>404 Not Found</body></html>');
    await expect(prepareBodyImage(text)).rejects.toThrow(ImagePreparationError);
    await expect(prepareBodyImage(text)).rejects.toThrow(/Not an image wxmp can read \(first bytes: 3c 68 74 6d 6c 3e 3c 62\)/);
  });

  it('rejects an empty file', async () => {
    await expect(prepareBodyImage(Buffer.alloc(0))).rejects.toThrow(/empty \(0 bytes\)/);
  });

  it('rejects a PNG whose header is cut off', async () => {
    const png = await solid(16, 16, { r: 1, g: 1, b: 1 }).png().toBuffer();
    await expect(prepareBodyImage(png.subarray(0, 20))).rejects.toThrow(/Cannot read this PNG image .*corrupt, truncated or not really PNG/);
  });

  it('rejects a truncated JPEG when it has to decode it', async () => {
    const jpeg = await noise(300, 300, 30).jpeg().toBuffer();
    const truncated = jpeg.subarray(0, jpeg.length >> 1);
    await expect(prepareBodyImage(truncated, { maxBytes: 1000 })).rejects.toThrow(/Cannot read this JPEG image/);
  });

  it('rejects garbage after a valid magic number', async () => {
    const fake = Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'), Buffer.alloc(200, 7)]);
    await expect(prepareBodyImage(fake)).rejects.toThrow(/Cannot read this WEBP image/);
  });

  it('names the output by its content, not by any file name (no extension needed)', async () => {
    // A WebP saved as "diagram.png" (the corpus has 17 such files): only the bytes are passed in.
    const webp = await solid(20, 20, { r: 5, g: 5, b: 5 }).webp().toBuffer();
    const prepared = await prepareBodyImage(webp);
    expect(prepared.filename).toBe(`wxmp-${sha256(webp).slice(0, 12)}.jpg`);
  });
});

// --- covers --------------------------------------------------------------------------------------------------------

describe('covers', () => {
  it('keeps a JPEG cover within 10 MB and 1280 px as is, as a permanent material', async () => {
    const jpeg = await noise(900, 383, 20).jpeg().toBuffer();
    const prepared = await prepareCoverImage(jpeg);
    expect(prepared.data).toBe(jpeg);
    expect(prepared).toMatchObject({ format: 'jpeg', via: 'material', width: 900, height: 383 });
  });

  it('resizes a wide cover to maxWidth, keeping its aspect ratio', async () => {
    const jpeg = await noise(2560, 1090, 10).jpeg().toBuffer();
    expect(jpeg.length).toBeLessThan(MATERIAL_IMAGE_MAX_BYTES);
    const prepared = await deterministic(() => prepareCoverImage(jpeg));
    await expectUploadable(prepared, MATERIAL_IMAGE_MAX_BYTES);
    expect(prepared).toMatchObject({ format: 'jpeg', via: 'material', width: 1280, height: 545 });
    expect(prepared.conversion).toMatch(/^jpeg \d+ KB→\d+ KB \(1280 px, q85\)$/);
  });

  it('keeps a wide cover as is when resizing would make the file bigger (palette PNG → truecolour)', async () => {
    const flat = await diagram(2400, 600, 200).png({ palette: true, colours: 16 }).toBuffer();
    const resized = await sharp(flat).resize({ width: 1280 }).removeAlpha().png({ compressionLevel: 9 }).toBuffer();
    expect(resized.length).toBeGreaterThan(flat.length); // the premise: re-encoding at 1280 px does not pay
    const prepared = await prepareCoverImage(flat);
    expect(prepared.data).toBe(flat);
    expect(prepared).toMatchObject({ format: 'png', via: 'material', width: 2400, height: 600 });
    expect(prepared.conversion).toBeUndefined();
  });

  it('always converts a wide WebP cover, even when the JPEG is bigger than the WebP', async () => {
    const webp = await solid(2600, 1000, { r: 30, g: 60, b: 90 }).webp({ quality: 10 }).toBuffer();
    const prepared = await prepareCoverImage(webp);
    expect(prepared.data.length).toBeGreaterThan(webp.length);
    expect(sniffImageFormat(prepared.data)).toBe('jpeg');
    expect(prepared).toMatchObject({ format: 'jpeg', via: 'material', width: 1280, height: 492, conversion: 'webp→jpeg (1280 px, q88)' });
  });

  it('uses the first frame of an animated GIF cover, as PNG', async () => {
    const gif = await animatedGif(60, 40, [{ r: 0, g: 0, b: 255 }, { r: 255, g: 0, b: 0 }]);
    const prepared = await prepareCoverImage(gif);
    expect(prepared).toMatchObject({ format: 'png', via: 'material', width: 60, height: 40, conversion: 'animated gif→png (first frame)' });
    expect(await pixelAt(prepared.data, 1, 1)).toEqual([0, 0, 255]);
  });

  it('converts a WebP cover and an SVG cover', async () => {
    const webp = await prepareCoverImage(await noise(1600, 800, 10).webp().toBuffer());
    expect(webp).toMatchObject({ format: 'jpeg', via: 'material', width: 1280, height: 640 });
    const svg = await prepareCoverImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="900" height="383"><rect width="900" height="383" fill="#08f"/></svg>'));
    expect(svg).toMatchObject({ format: 'png', via: 'material', width: 1280, height: 545 });
  });
});

describe('options', () => {
  it('rejects nonsensical limits', async () => {
    const png = await solid(4, 4, { r: 0, g: 0, b: 0 }).png().toBuffer();
    await expect(prepareBodyImage(png, { maxBytes: 0 })).rejects.toThrow(RangeError);
    await expect(prepareBodyImage(png, { maxWidth: 0 })).rejects.toThrow(RangeError);
  });
});

// --- metadata ------------------------------------------------------------------------------------------------------

describe('metadata of images uploaded as is', () => {
  const GPS_EXIF = {
    IFD0: { Make: 'Acme', Model: 'Phone 9', Artist: 'Zhang San', Copyright: 'Zhang San' },
    IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '39/1 54/1 2712/100', GPSLongitudeRef: 'E', GPSLongitude: '116/1 23/1 2990/100' },
  };
  const XMP = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Zhang San</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>';

  /** A phone-like photo: Exif with GPS, XMP and a Display P3 ICC profile. */
  function phonePhoto(width = 96, height = 64) {
    return noise(width, height, 25).jpeg({ quality: 90 }).withExif(GPS_EXIF).withXmp(XMP).withIccProfile('p3');
  }

  /** The JPEG's segments before SOS as [marker, payload] (fill bytes and standalone markers do not occur in these fixtures). */
  function jpegSegments(jpeg: Buffer): { marker: number; payload: Buffer; start: number }[] {
    const segments = [];
    for (let at = 2; jpeg[at + 1] !== 0xda; ) {
      const length = jpeg.readUInt16BE(at + 2);
      segments.push({ marker: jpeg[at + 1]!, payload: jpeg.subarray(at + 4, at + 2 + length), start: at });
      at += 2 + length;
    }
    return segments;
  }

  function segment(marker: number, payload: Buffer): Buffer {
    const head = Buffer.from([0xff, marker, 0, 0]);
    head.writeUInt16BE(payload.length + 2, 2);
    return Buffer.concat([head, payload]);
  }

  /** Inserts segments right after SOI (after APP0 JFIF when there is one: where cameras and editors put theirs). */
  function withSegments(jpeg: Buffer, ...segments: Buffer[]): Buffer {
    const at = jpeg[3] === 0xe0 ? 2 + 2 + jpeg.readUInt16BE(4) : 2;
    return Buffer.concat([jpeg.subarray(0, at), ...segments, jpeg.subarray(at)]);
  }

  /** From SOS to the end: the compressed image data, which stripping must copy byte for byte. */
  function scan(jpeg: Buffer): Buffer {
    const last = jpegSegments(jpeg).at(-1)!;
    return jpeg.subarray(last.start + 4 + last.payload.length);
  }

  async function raw(image: Buffer): Promise<Buffer> {
    return sharp(image).raw().toBuffer();
  }

  it('removes Exif (with GPS) and XMP from a JPEG, keeping the ICC profile and every pixel', async () => {
    const photo = await phonePhoto().toBuffer();
    const before = await sharp(photo).metadata();
    expect(before.exif).toBeDefined();
    expect(before.xmp).toBeDefined();
    expect(photo.includes('Zhang San')).toBe(true);

    const prepared = await deterministic(() => prepareBodyImage(photo));
    expect(prepared).toMatchObject({ format: 'jpeg', via: 'uploadimg', width: 96, height: 64, conversion: 'metadata removed (Exif with GPS, XMP)' });
    expect(prepared.filename).toBe(`wxmp-${sha256(photo).slice(0, 12)}.jpg`); // named by the original, like every path
    await expectUploadable(prepared, UPLOADIMG_MAX_BYTES);
    const after = await sharp(prepared.data).metadata();
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.icc?.equals(before.icc!)).toBe(true);
    expect(prepared.data.includes('Zhang San')).toBe(false);
    expect(prepared.data.includes('Acme')).toBe(false);
    expect(scan(prepared.data).equals(scan(photo))).toBe(true);
    expect((await raw(prepared.data)).equals(await raw(photo))).toBe(true);
  });

  it('does the same for covers', async () => {
    const photo = await phonePhoto().toBuffer();
    const cover = await prepareCoverImage(photo);
    expect(cover).toMatchObject({ format: 'jpeg', via: 'material', conversion: 'metadata removed (Exif with GPS, XMP)' });
    expect((await sharp(cover.data).metadata()).exif).toBeUndefined();
    expect((await raw(cover.data)).equals(await raw(photo))).toBe(true);
  });

  it('says "Exif" without GPS when the Exif has no GPS IFD', async () => {
    const photo = await noise(32, 32).jpeg().withExif({ IFD0: { Make: 'Acme', Model: 'Phone 9' } }).toBuffer();
    expect((await prepareBodyImage(photo)).conversion).toBe('metadata removed (Exif)');
  });

  it('drops APP13, COM and extended XMP but keeps JFIF, ICC, Adobe and unknown segments in order', async () => {
    const base = await noise(40, 40).jpeg().withIccProfile('p3').toBuffer();
    const adobe = segment(0xee, Buffer.from('Adobe\0\x64\0\0\0\0\x01', 'latin1'));
    const app10 = segment(0xea, Buffer.from('AROT\0\0\0\0', 'latin1'));
    const jpeg = withSegments(
      base,
      segment(0xfe, Buffer.from('taken at home, Zhang San', 'latin1')),
      segment(0xed, Buffer.from('Photoshop 3.0\x008BIM\x04\x04\0\0\0\0\0\0', 'latin1')),
      segment(0xe1, Buffer.from('http://ns.adobe.com/xmp/extension/\0' + '0'.repeat(32) + 'rest of the XMP', 'latin1')),
      adobe,
      app10,
    );
    const prepared = await deterministic(() => prepareBodyImage(jpeg));
    expect(prepared.conversion).toBe('metadata removed (comment, Photoshop/IPTC, XMP)');
    expect(jpegSegments(prepared.data).map((s) => s.marker.toString(16))).toEqual(jpegSegments(withSegments(base, adobe, app10)).map((s) => s.marker.toString(16)));
    expect(prepared.data.equals(withSegments(base, adobe, app10))).toBe(true);
    expect(jpegSegments(prepared.data).map((s) => s.marker)).toEqual(expect.arrayContaining([0xe2, 0xee, 0xea, 0xdb]));
  });

  it('returns a clean JPEG (ICC profile only) as the very same bytes', async () => {
    const clean = await noise(48, 48).jpeg().withIccProfile('p3').toBuffer();
    const prepared = await prepareBodyImage(clean);
    expect(prepared.data).toBe(clean);
    expect(prepared.conversion).toBeUndefined();
  });

  it('removes metadata before the size check, so a JPEG that fits without it stays lossless', async () => {
    const withoutXmp = await noise(64, 64, 20).jpeg({ quality: 80 }).toBuffer();
    const xmp = segment(0xe1, Buffer.from(`http://ns.adobe.com/xap/1.0/\0${XMP.replace('Zhang San', 'Zhang San '.repeat(2000))}`, 'utf8'));
    const photo = withSegments(withoutXmp, xmp);
    const prepared = await prepareBodyImage(photo, { maxBytes: withoutXmp.length + 100 });
    expect(photo.length).toBeGreaterThan(withoutXmp.length + 100);
    expect(prepared.conversion).toBe('metadata removed (XMP)');
    expect(prepared.data.equals(withoutXmp)).toBe(true);
  });

  it('keeps the original bytes when the segment structure is corrupt (the decoder still reads it)', async () => {
    const photo = await phonePhoto(32, 32).toBuffer();
    const segments = jpegSegments(photo);
    const dqt = segments.find((s) => s.marker === 0xdb)!;
    const corrupt = Buffer.concat([photo.subarray(0, dqt.start), Buffer.from([0x00]), photo.subarray(dqt.start)]); // a stray byte before a marker
    expect((await sharp(corrupt).metadata()).width).toBe(32);
    const prepared = await prepareBodyImage(corrupt);
    expect(prepared.data).toBe(corrupt);
    expect(prepared.conversion).toBeUndefined();
  });

  it('moves the MPF offsets of trailing images when it removes bytes after the MPF segment', async () => {
    const main = await noise(32, 32).jpeg().toBuffer();
    const second = await solid(8, 8, { r: 0, g: 255, b: 0 }).jpeg().toBuffer();
    // MPF (CIPA DC-007): 'MPF\0', big-endian TIFF header, an IFD with one MPEntry (2 images × 16 bytes).
    const mpf = Buffer.alloc(4 + 8 + 2 + 12 + 4 + 32);
    mpf.write('MPF\0', 0, 'latin1');
    mpf.write('MM', 4, 'latin1');
    mpf.writeUInt16BE(42, 6);
    mpf.writeUInt32BE(8, 8);
    mpf.writeUInt16BE(1, 12);
    mpf.writeUInt16BE(0xb002, 14);
    mpf.writeUInt16BE(7, 16);
    mpf.writeUInt32BE(32, 18);
    mpf.writeUInt32BE(26, 22); // the entries follow the IFD
    mpf.writeUInt32BE(main.length, 30 + 4);
    mpf.writeUInt32BE(second.length, 30 + 16 + 4);
    const comment = segment(0xfe, Buffer.from('after the MPF segment', 'latin1'));
    const mpfSegment = segment(0xe2, mpf);
    const headerAt = (main[3] === 0xe0 ? 2 + 2 + main.readUInt16BE(4) : 2) + 4 + 4; // SOI, [APP0], APP2 marker+length, 'MPF\0'
    const secondOffset = main.length + mpfSegment.length + comment.length - headerAt;
    mpf.writeUInt32BE(secondOffset, 30 + 16 + 8);
    const jpeg = Buffer.concat([withSegments(main, segment(0xe2, mpf), comment), second]);
    expect(jpeg.subarray(headerAt + secondOffset, headerAt + secondOffset + 2)).toEqual(Buffer.from([0xff, 0xd8]));

    const prepared = await prepareBodyImage(jpeg);
    expect(prepared.conversion).toBe('metadata removed (comment)');
    const kept = jpegSegments(prepared.data).find((s) => s.marker === 0xe2)!.payload;
    const moved = kept.readUInt32BE(30 + 16 + 8);
    expect(moved).toBe(secondOffset - comment.length);
    const secondAt = headerAt + moved;
    expect(prepared.data.subarray(secondAt).equals(second)).toBe(true);
  });

  it('applies EXIF orientation ≠ 1 by re-encoding upright at q92, since stripping would turn the photo sideways', async () => {
    // 60×40 stored, red on the left third; orientation 6 = rotate 90° clockwise for display → 40×60, red at the top.
    const stored = Buffer.alloc(60 * 40 * 3);
    for (let i = 0; i < 60 * 40; i++) stored.set((i % 60) < 20 ? [255, 0, 0] : [0, 0, 255], i * 3);
    const sideways = await sharp(stored, { raw: { width: 60, height: 40, channels: 3 } }).jpeg({ quality: 95 }).withExif(GPS_EXIF).withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(sideways).metadata()).orientation).toBe(6);

    const prepared = await deterministic(() => prepareBodyImage(sideways));
    expect(prepared).toMatchObject({ format: 'jpeg', width: 40, height: 60, conversion: 'jpeg: applied EXIF orientation 6, metadata removed (q92)' });
    await expectUploadable(prepared, UPLOADIMG_MAX_BYTES);
    const meta = await sharp(prepared.data).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    const [r, , b] = await pixelAt(prepared.data, 20, 5);
    expect(r).toBeGreaterThan(200);
    expect(b).toBeLessThan(50);
    expect((await pixelAt(prepared.data, 20, 50))[2]).toBeGreaterThan(200);
  });

  it('applies the orientation of a PNG eXIf chunk losslessly', async () => {
    const sideways = await solid(30, 20, { r: 9, g: 99, b: 199 }).png().withMetadata({ orientation: 8 }).toBuffer();
    const prepared = await prepareBodyImage(sideways);
    expect(prepared).toMatchObject({ format: 'png', width: 20, height: 30, conversion: 'png: applied EXIF orientation 8, metadata removed (lossless)' });
    expect(pngChunks(prepared.data).map((c) => c.type)).not.toContain('eXIf');
    expect(await pixelAt(prepared.data, 10, 10)).toEqual([9, 99, 199]);
  });

  it('removes eXIf, text chunks (XMP too) and tIME from a PNG, keeping colour chunks and every pixel', async () => {
    const base = await noiseWithAlpha(50, 30);
    const png = await base.png().withExif(GPS_EXIF).withXmp(XMP).withIccProfile('p3').toBuffer();
    const chunks = pngChunks(png);
    const at = chunks.findIndex((c) => c.type === 'IDAT');
    const extra = [
      chunk('gAMA', Buffer.from([0, 0, 0xb1, 0x8f])),
      chunk('tIME', Buffer.from([0x07, 0xe9, 5, 1, 12, 0, 0])),
      chunk('zTXt', Buffer.from('Author\0\0x\x9c\x03\0\0\0\0\x01', 'latin1')),
      chunk('iTXt', Buffer.from('Author\0\0\0\0\0Zhang San', 'utf8')),
    ];
    const rebuilt = Buffer.concat([PNG_SIGNATURE, ...chunks.slice(0, at).map((c) => chunk(c.type, c.data)), ...extra, ...chunks.slice(at).map((c) => chunk(c.type, c.data))]);
    expect(rebuilt.includes('Zhang San')).toBe(true);

    const prepared = await deterministic(() => prepareBodyImage(rebuilt));
    expect(prepared.conversion).toBe('metadata removed (XMP, Exif with GPS, timestamp, text)');
    expect(pngChunks(prepared.data).map((c) => c.type)).toEqual(['IHDR', 'iCCP', 'pHYs', 'gAMA', 'IDAT', 'IEND']);
    expect(prepared.data.includes('Zhang San')).toBe(false);
    expect((await sharp(prepared.data).metadata()).icc?.length).toBeGreaterThan(0);
    expect((await raw(prepared.data)).equals(await raw(rebuilt))).toBe(true);
  });

  it('keeps an APNG animated while removing its text', async () => {
    const frames = [await solid(16, 16, { r: 255, g: 0, b: 0 }).png().toBuffer(), await solid(16, 16, { r: 0, g: 0, b: 255 }).png().toBuffer()];
    const animated = apng(frames);
    const iend = animated.length - 12;
    const tagged = Buffer.concat([animated.subarray(0, iend), chunk('tEXt', Buffer.from('Software\0wxmp test', 'latin1')), animated.subarray(iend)]);
    const prepared = await prepareBodyImage(tagged);
    expect(prepared.data.equals(animated)).toBe(true);
    expect(sniffImageFormat(prepared.data)).toBe('apng');
    expect(prepared).toMatchObject({ format: 'png', conversion: 'metadata removed (text)' });
  });

  it('removes comments from an animated GIF uploaded as is, keeping the animation', async () => {
    const gif = await animatedGif(20, 10, [{ r: 255, g: 0, b: 0 }, { r: 0, g: 255, b: 0 }]);
    const comment = Buffer.from([0x21, 0xfe, 9, ...Buffer.from('Zhang San'), 0]);
    const tagged = Buffer.concat([gif.subarray(0, gif.length - 1), comment, gif.subarray(gif.length - 1)]);
    const prepared = await prepareBodyImage(tagged);
    expect(prepared).toMatchObject({ format: 'gif', via: 'material', conversion: 'metadata removed (comment)' });
    expect(prepared.data.equals(gif)).toBe(true);
    expect((await sharp(prepared.data).metadata()).pages).toBe(2);
  });

  it('leaves no metadata in re-encoded images (WebP, too-big JPEG)', async () => {
    const webp = await noise(40, 40).webp().withExif(GPS_EXIF).withXmp(XMP).toBuffer();
    const big = await phonePhoto(300, 200).toBuffer();
    for (const prepared of [await prepareBodyImage(webp), await prepareBodyImage(big, { maxBytes: big.length - 1 })]) {
      const meta = await sharp(prepared.data).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(prepared.data.includes('Zhang San')).toBe(false);
    }
  });
});

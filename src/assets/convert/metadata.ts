/**
 * Lossless metadata removal for images uploaded with their original bytes: phone photos carry the GPS position where
 * they were taken, camera serial numbers and author names in Exif/XMP/IPTC, and WeChat serves the bytes as we upload
 * them from its public CDN. Only container structure is touched (JPEG marker segments, PNG chunks, GIF extension
 * blocks); the compressed image data is copied byte for byte, so the pixels cannot change. Pure and deterministic, no
 * decoding. Anything that does not parse cleanly is returned unchanged rather than guessed at.
 *
 * EXIF orientation is the caller's business: once Exif is gone a rotated photo would display sideways (convert.ts
 * re-encodes those instead).
 */

export interface StrippedImage {
  /** The input Buffer itself when nothing was removed (same bytes, same hash), a new Buffer otherwise. */
  data: Buffer;
  /** What was removed, in order of first appearance: 'Exif with GPS', 'XMP', 'Photoshop/IPTC', 'comment', 'text', … */
  removed: string[];
}

type StrippableFormat = 'jpeg' | 'png' | 'gif';

export function stripMetadata(bytes: Buffer, format: StrippableFormat): StrippedImage {
  const unchanged: StrippedImage = { data: bytes, removed: [] };
  try {
    const result = format === 'jpeg' ? stripJpeg(bytes) : format === 'png' ? stripPng(bytes) : stripGif(bytes);
    return result ?? unchanged;
  } catch (error) {
    if (error instanceof RangeError) return unchanged; // a length pointing past the end: corrupt, keep as is
    throw error;
  }
}

/** 'metadata removed (Exif with GPS, XMP)'. */
export function describeRemoval(removed: readonly string[]): string {
  return `metadata removed (${removed.join(', ')})`;
}

// --- JPEG ------------------------------------------------------------------------------------------------------------

const APP1 = 0xe1;
const APP2 = 0xe2;
const APP13 = 0xed;
const COM = 0xfe;
const SOS = 0xda;
const EXIF_ID = Buffer.from('Exif\0\0', 'latin1');
const XMP_ID = Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1');
const XMP_EXTENSION_ID = Buffer.from('http://ns.adobe.com/xmp/extension/\0', 'latin1');
const MPF_ID = Buffer.from('MPF\0', 'latin1');

interface Segment {
  /** Offset of the 0xFF that starts the marker (fill bytes before it excluded). */
  start: number;
  end: number;
  marker: number;
  /** Payload after the two length bytes. */
  payload: Buffer;
}

/**
 * Walks the segments from SOI to SOS and drops Exif/XMP APP1, APP13 and COM; APP0 (JFIF), APP2 (ICC profile: the
 * colours depend on it), APP14 (Adobe colour transform) and everything else stay. Bytes from SOS to the end of the file
 * (entropy-coded data, EOI, and any trailing MPF images) are copied unchanged. Undefined when nothing was removed or
 * the structure is not what JPEG promises.
 */
function stripJpeg(bytes: Buffer): StrippedImage | undefined {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  const segments: Segment[] = [];
  let at = 2;
  for (;;) {
    if (at + 1 >= bytes.length || bytes[at] !== 0xff) return undefined;
    let markerAt = at;
    while (bytes[markerAt + 1] === 0xff) markerAt++; // fill bytes (B.1.1.2)
    const marker = bytes[markerAt + 1];
    if (marker === undefined || marker === 0x00) return undefined;
    if (marker === SOS) break;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9)) return undefined; // TEM/RSTn/SOI/EOI before any scan
    if (markerAt + 4 > bytes.length) return undefined;
    const length = bytes.readUInt16BE(markerAt + 2);
    const end = markerAt + 2 + length;
    if (length < 2 || end > bytes.length) return undefined;
    segments.push({ start: at, end, marker, payload: bytes.subarray(markerAt + 4, end) });
    at = end;
  }

  const removed = new Labels();
  const kept: Segment[] = [];
  let removedBytes = 0;
  let removedAfterMpf = 0;
  let mpf: { segment: Segment; index: number } | undefined;
  for (const segment of segments) {
    const label = jpegMetadataLabel(segment);
    if (label === undefined) {
      if (segment.marker === APP2 && startsWith(segment.payload, MPF_ID)) mpf = { segment, index: kept.length };
      kept.push(segment);
      continue;
    }
    removed.add(label);
    removedBytes += segment.end - segment.start;
    if (mpf) removedAfterMpf += segment.end - segment.start;
  }
  if (removed.size === 0) return undefined;

  const parts = kept.map((segment) => bytes.subarray(segment.start, segment.end));
  if (mpf && removedAfterMpf > 0) {
    // MPF offsets of the images after EOI count from the MPF header: removing bytes after it moves them (CIPA DC-007 5.2.3.3).
    const fixed = shiftMpfOffsets(mpf.segment, removedAfterMpf);
    if (!fixed) return undefined;
    parts[mpf.index] = fixed;
  }
  const data = Buffer.concat([bytes.subarray(0, 2), ...parts, bytes.subarray(at)], bytes.length - removedBytes);
  return { data, removed: removed.list() };
}

function jpegMetadataLabel({ marker, payload }: Segment): string | undefined {
  if (marker === COM) return 'comment';
  if (marker === APP13) return 'Photoshop/IPTC';
  if (marker !== APP1) return undefined;
  if (startsWith(payload, EXIF_ID)) return exifHasGps(payload.subarray(EXIF_ID.length)) ? 'Exif with GPS' : 'Exif';
  if (startsWith(payload, XMP_ID) || startsWith(payload, XMP_EXTENSION_ID)) return 'XMP';
  return undefined;
}

/** A copy of the MPF segment with every non-zero MP entry offset lowered by `shift`; undefined when it does not parse. */
function shiftMpfOffsets(segment: Segment, shift: number): Buffer | undefined {
  const copy = Buffer.from(segment.payload);
  const tiff = copy.subarray(MPF_ID.length);
  const reader = tiffReader(tiff);
  if (!reader) return undefined;
  const entries = reader.ifdEntries(reader.firstIfd);
  const mpEntry = entries?.find((e) => e.tag === 0xb002);
  if (!mpEntry || mpEntry.count % 16 !== 0) return undefined;
  const table = reader.u32(mpEntry.at + 8);
  if (table + mpEntry.count > tiff.length) return undefined;
  for (let entry = table; entry < table + mpEntry.count; entry += 16) {
    const offset = reader.u32(entry + 8);
    if (offset === 0) continue; // the first (main) image
    if (offset < shift) return undefined;
    reader.writeU32(entry + 8, offset - shift);
  }
  const head = Buffer.from([0xff, segment.marker, 0, 0]);
  head.writeUInt16BE(copy.length + 2, 2);
  return Buffer.concat([head, copy]);
}

// --- Exif (TIFF) -----------------------------------------------------------------------------------------------------

/** True when the Exif TIFF structure's IFD0 points to a GPS IFD (tag 0x8825). */
function exifHasGps(tiff: Buffer): boolean {
  try {
    const reader = tiffReader(tiff);
    return reader?.ifdEntries(reader.firstIfd)?.some((e) => e.tag === 0x8825) ?? false;
  } catch (error) {
    if (error instanceof RangeError) return false; // an offset past the end: no GPS we can see
    throw error;
  }
}

interface TiffReader {
  firstIfd: number;
  u32(at: number): number;
  writeU32(at: number, value: number): void;
  /** Tag, count and the entry's offset; undefined when the IFD runs past the end. */
  ifdEntries(at: number): { tag: number; count: number; at: number }[] | undefined;
}

function tiffReader(tiff: Buffer): TiffReader | undefined {
  if (tiff.length < 8) return undefined;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const little = order === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  if (u16(2) !== 42) return undefined;
  return {
    firstIfd: u32(4),
    u32,
    writeU32: (at, value) => void (little ? tiff.writeUInt32LE(value, at) : tiff.writeUInt32BE(value, at)),
    ifdEntries(at) {
      if (at + 2 > tiff.length) return undefined;
      const count = u16(at);
      if (at + 2 + count * 12 > tiff.length) return undefined;
      return Array.from({ length: count }, (_, i) => {
        const entry = at + 2 + i * 12;
        return { tag: u16(entry), count: u32(entry + 4), at: entry };
      });
    },
  };
}

// --- PNG -------------------------------------------------------------------------------------------------------------

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Drops eXIf, tEXt, zTXt, iTXt and tIME; keeps every critical chunk, the colour chunks (iCCP, sRGB, gAMA, cHRM, cICP),
 * pHYs, APNG's acTL/fcTL/fdAT and any other ancillary chunk. Kept chunks are copied whole, CRC included. Bytes after
 * IEND are kept as they are.
 */
function stripPng(bytes: Buffer): StrippedImage | undefined {
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  const removed = new Labels();
  const parts: Buffer[] = [bytes.subarray(0, 8)];
  let at = 8;
  let removedBytes = 0;
  for (;;) {
    if (at + 12 > bytes.length) return undefined; // no IEND
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if (length > 0x7fffffff || end > bytes.length || !/^[A-Za-z]{4}$/.test(type)) return undefined;
    const label = pngMetadataLabel(type, bytes.subarray(at + 8, at + 8 + length));
    if (label === undefined) parts.push(bytes.subarray(at, end));
    else {
      removed.add(label);
      removedBytes += end - at;
    }
    at = end;
    if (type === 'IEND') break;
  }
  if (removed.size === 0) return undefined;
  parts.push(bytes.subarray(at));
  return { data: Buffer.concat(parts, bytes.length - removedBytes), removed: removed.list() };
}

function pngMetadataLabel(type: string, data: Buffer): string | undefined {
  switch (type) {
    case 'eXIf':
      return exifHasGps(data) ? 'Exif with GPS' : 'Exif';
    case 'iTXt':
    case 'tEXt':
    case 'zTXt':
      // XMP in PNG is a text chunk with this keyword (XMP spec part 3, 1.1.5: iTXt; libvips writes tEXt).
      return data.toString('latin1', 0, 18) === 'XML:com.adobe.xmp\0' ? 'XMP' : 'text';
    case 'tIME':
      return 'timestamp';
    default:
      return undefined;
  }
}

// --- GIF -------------------------------------------------------------------------------------------------------------

/**
 * Animated GIFs are uploaded as they are (to keep the animation), so their comment extensions and XMP application
 * extensions would be published too. Drops those; keeps the graphic control, plain text and the other application
 * extensions (NETSCAPE2.0 loop count, ICC profile).
 */
function stripGif(bytes: Buffer): StrippedImage | undefined {
  const signature = bytes.toString('latin1', 0, 6);
  if ((signature !== 'GIF87a' && signature !== 'GIF89a') || bytes.length < 13) return undefined;
  const flags = bytes[10]!;
  let at = 13 + (flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0);
  const removed = new Labels();
  const parts: Buffer[] = [];
  let keptFrom = 0;
  let removedBytes = 0;
  /** Offset just past a chain of data sub-blocks starting at `from`. */
  const skipSubBlocks = (from: number): number => {
    let p = from;
    for (;;) {
      const size = bytes[p];
      if (size === undefined) throw new RangeError('GIF sub-blocks run past the end');
      p += 1 + size;
      if (size === 0) return p;
    }
  };
  for (;;) {
    const introducer = bytes[at];
    if (introducer === 0x3b) break; // trailer
    if (introducer === 0x2c) {
      const localFlags = bytes[at + 9];
      if (localFlags === undefined) return undefined;
      at += 10 + (localFlags & 0x80 ? 3 * 2 ** ((localFlags & 7) + 1) : 0) + 1; // descriptor, colour table, LZW size
      at = skipSubBlocks(at);
      continue;
    }
    if (introducer !== 0x21) return undefined;
    const label = bytes[at + 1];
    const end = skipSubBlocks(at + 2);
    let what: string | undefined;
    if (label === 0xfe) what = 'comment';
    else if (label === 0xff && bytes[at + 2] === 11 && bytes.toString('latin1', at + 3, at + 14) === 'XMP DataXMP') what = 'XMP';
    if (what !== undefined) {
      removed.add(what);
      parts.push(bytes.subarray(keptFrom, at));
      removedBytes += end - at;
      keptFrom = end;
    }
    at = end;
  }
  if (removed.size === 0) return undefined;
  parts.push(bytes.subarray(keptFrom));
  return { data: Buffer.concat(parts, bytes.length - removedBytes), removed: removed.list() };
}

// --- helpers ---------------------------------------------------------------------------------------------------------

function startsWith(bytes: Buffer, prefix: Buffer): boolean {
  return bytes.length >= prefix.length && bytes.subarray(0, prefix.length).equals(prefix);
}

/** Ordered, de-duplicated labels; 'Exif with GPS' absorbs a plain 'Exif'. */
class Labels {
  private readonly items: string[] = [];
  get size(): number {
    return this.items.length;
  }
  add(label: string): void {
    if (this.items.includes(label)) return;
    if (label === 'Exif' && this.items.includes('Exif with GPS')) return;
    const plain = label === 'Exif with GPS' ? this.items.indexOf('Exif') : -1;
    if (plain >= 0) this.items[plain] = label;
    else this.items.push(label);
  }
  list(): string[] {
    return [...this.items];
  }
}

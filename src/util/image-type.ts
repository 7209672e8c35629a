/** Image formats wxmp recognises by their bytes (WeChat checks extensions, we check content: docs/wechat-api.md §1). */
export type ImageFormat = 'jpeg' | 'png' | 'apng' | 'gif' | 'webp' | 'bmp' | 'avif' | 'svg' | 'tiff' | 'ico';

/** Identifies an image by its magic bytes (the first ~64 bytes are enough; SVG is recognised by its text). */
export function sniffImageFormat(head: Uint8Array): ImageFormat | undefined {
  const b = head;
  const ascii = (start: number, text: string) => {
    for (let i = 0; i < text.length; i++) if (b[start + i] !== text.charCodeAt(i)) return false;
    return true;
  };
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b[0] === 0x89 && ascii(1, 'PNG')) return isApng(b) ? 'apng' : 'png';
  if (ascii(0, 'GIF8')) return 'gif';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'webp';
  if (ascii(0, 'BM')) return 'bmp';
  if (ascii(4, 'ftyp') && (ascii(8, 'avif') || ascii(8, 'avis'))) return 'avif';
  if ((ascii(0, 'II*\0') || ascii(0, 'MM\0*'))) return 'tiff';
  if (b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0) return 'ico';
  const text = Buffer.from(b.subarray(0, Math.min(b.length, 512))).toString('utf8').trimStart();
  // XML declaration, comments and DOCTYPE may come in any order before <svg> (graphviz and matplotlib put comments last).
  if (/^(?:(?:<\?xml[^>]*>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>)\s*)*<svg[\s>]/i.test(text)) return 'svg';
  return undefined;
}

/** An animated PNG has an `acTL` chunk before the first `IDAT`. */
function isApng(b: Uint8Array): boolean {
  const text = Buffer.from(b).toString('latin1');
  const actl = text.indexOf('acTL');
  const idat = text.indexOf('IDAT');
  return actl !== -1 && (idat === -1 || actl < idat);
}

/** The conventional file extension of a format (WeChat infers the type from the upload's file name). */
export function extensionOf(format: ImageFormat): string {
  return format === 'jpeg' ? 'jpg' : format === 'apng' ? 'png' : format;
}

/** Extensions that name each format (for extension/content mismatch checks). */
export function formatOfExtension(ext: string): ImageFormat | undefined {
  const e = ext.toLowerCase().replace(/^\./, '');
  const map: Record<string, ImageFormat> = {
    jpg: 'jpeg', jpeg: 'jpeg', jpe: 'jpeg', png: 'png', apng: 'apng', gif: 'gif', webp: 'webp', bmp: 'bmp',
    avif: 'avif', svg: 'svg', tif: 'tiff', tiff: 'tiff', ico: 'ico',
  };
  return map[e];
}

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { WeChatClientError } from './errors.js';
import type { FileInput } from './types.js';

export interface SniffedType {
  ext: string;
  contentType: string;
}

/** Recognise the media types WeChat accepts from their first bytes. */
export function sniffFileType(bytes: Uint8Array): SniffedType | undefined {
  const b = bytes;
  const ascii = (start: number, text: string) =>
    b.length >= start + text.length && [...text].every((c, i) => b[start + i] === c.charCodeAt(0));
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { ext: 'jpg', contentType: 'image/jpeg' };
  if (b.length >= 8 && b[0] === 0x89 && ascii(1, 'PNG') && b[4] === 0x0d && b[5] === 0x0a) return { ext: 'png', contentType: 'image/png' };
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return { ext: 'gif', contentType: 'image/gif' };
  if (ascii(0, 'BM') && b.length >= 14) return { ext: 'bmp', contentType: 'image/bmp' };
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return { ext: 'webp', contentType: 'image/webp' };
  if (ascii(0, 'RIFF') && ascii(8, 'WAVE')) return { ext: 'wav', contentType: 'audio/wav' };
  if (ascii(0, '#!AMR')) return { ext: 'amr', contentType: 'audio/amr' };
  if (ascii(0, 'ID3')) return { ext: 'mp3', contentType: 'audio/mpeg' };
  // MPEG audio frame sync (11 set bits) with layer III.
  if (b.length >= 2 && b[0] === 0xff && (b[1]! & 0xe0) === 0xe0 && (b[1]! & 0x06) === 0x02) return { ext: 'mp3', contentType: 'audio/mpeg' };
  if (ascii(4, 'ftyp')) return { ext: 'mp4', contentType: 'video/mp4' };
  // ASF header GUID (wma/wmv).
  if (b.length >= 4 && b[0] === 0x30 && b[1] === 0x26 && b[2] === 0xb2 && b[3] === 0x75) return { ext: 'wma', contentType: 'audio/x-ms-wma' };
  return undefined;
}

const CONTENT_TYPES: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', bmp: 'image/bmp', webp: 'image/webp',
  mp3: 'audio/mpeg', amr: 'audio/amr', wav: 'audio/wav', wma: 'audio/x-ms-wma', mp4: 'video/mp4', speex: 'audio/speex',
};

export interface UploadFile {
  data: Uint8Array;
  filename: string;
  contentType: string;
}

/**
 * Give an upload a filename whose extension matches its bytes: WeChat infers the type from the extension and answers
 * 40113 otherwise (docs/wechat-api.md §1 "Multipart uploads"). A missing or wrong extension is replaced by the sniffed one.
 */
export async function prepareUpload(input: FileInput, endpoint: string): Promise<UploadFile> {
  const { data, name, contentType } =
    typeof input === 'string'
      ? { data: new Uint8Array(await readFile(input)), name: path.basename(input), contentType: undefined }
      : { data: input.data, name: input.filename ?? '', contentType: input.contentType };
  if (data.length === 0) throw new WeChatClientError(`the file ${name ? `"${name}" ` : ''}is empty`, endpoint);
  const sniffed = sniffFileType(data);
  const base = (name ? path.basename(name) : 'media').replace(/["\r\n]/g, '_');
  const currentExt = path.extname(base).slice(1).toLowerCase();
  const stem = currentExt ? base.slice(0, -(currentExt.length + 1)) || 'media' : base;
  if (sniffed) {
    const matches = currentExt === sniffed.ext || (sniffed.ext === 'jpg' && currentExt === 'jpeg');
    return {
      data,
      filename: matches ? base : `${stem}.${sniffed.ext}`,
      contentType: sniffed.contentType,
    };
  }
  if (!currentExt) {
    throw new WeChatClientError(
      `cannot tell the type of ${name ? `"${name}"` : 'the file'} from its bytes and it has no extension; WeChat needs one (.jpg, .png, .mp3, .mp4…) or answers 40113`,
      endpoint,
    );
  }
  return { data, filename: base, contentType: contentType ?? CONTENT_TYPES[currentExt] ?? 'application/octet-stream' };
}

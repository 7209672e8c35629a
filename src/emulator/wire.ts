/** Request-body rules of the WeChat API wire format (wechat-api.md §1). */
import busboy from 'busboy';
import type { IncomingHttpHeaders } from 'node:http';
import type { UploadedFile } from './router.js';

/**
 * True when a JSON text contains a real `\uXXXX` escape (an odd number of backslashes before `u`), which WeChat
 * rejects (47002 / 40033) or stores literally. `\\u` (an escaped backslash followed by `u`) is not an escape.
 */
export function hasUnicodeEscape(text: string): boolean {
  for (let i = text.indexOf('\\'); i !== -1; i = text.indexOf('\\', i + 2)) {
    // i is a backslash that starts an escape; i + 1 is the escaped character, skipped by the +2.
    if (text[i + 1] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return true;
  }
  return false;
}

/** Turns every real `\uXXXX` escape into an escaped backslash, so JSON.parse keeps the six characters literally. */
export function keepUnicodeEscapesLiteral(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = text[i + 1] ?? '';
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) out += '\\\\';
    else {
      out += ch + next;
      i++;
    }
  }
  return out;
}

export interface MultipartBody {
  fields: Record<string, string>;
  files: UploadedFile[];
}

/** Parses a multipart/form-data body already read into memory; undefined when it is not multipart. */
export function parseMultipart(headers: IncomingHttpHeaders, body: Buffer): Promise<MultipartBody | undefined> {
  const type = headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const fields: Record<string, string> = {};
    const files: UploadedFile[] = [];
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers, defParamCharset: 'utf8', limits: { fieldSize: 1024 * 1024 } });
    } catch {
      resolve(undefined);
      return;
    }
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        files.push({ field, filename: info.filename ?? '', mimeType: info.mimeType, data: Buffer.concat(chunks) });
      });
    });
    parser.on('close', () => resolve({ fields, files }));
    parser.on('error', () => resolve(undefined));
    parser.end(body);
  });
}

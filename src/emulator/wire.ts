/** Request-body rules of the WeChat API wire format (docs/wechat-api.md §1). */
import busboy from 'busboy';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
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

/**
 * Largest request body the emulator reads, multipart uploads included (WeChat's biggest upload is a 10 MB video);
 * a bigger body is drained without being buffered and answered 45001.
 */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Bounds on the parts of one multipart body: WeChat's uploads carry one file and a field or two. */
const MULTIPART_LIMITS: busboy.Limits = { fieldSize: 1024 * 1024, fields: 32, files: 8, parts: 64, headerPairs: 32 };

/** A request body as read off the socket: whole, over MAX_BODY_BYTES, or cut off (the client went away). */
export type BodyRead = { kind: 'complete'; data: Buffer } | { kind: 'too-large' } | { kind: 'incomplete' };

/**
 * Reads a request body. Never rejects: a request stream that errors or closes before its end (a client that drops
 * the connection mid-upload) gives `incomplete`.
 */
export function readBody(req: Readable, maxBytes = MAX_BODY_BYTES): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (read: BodyRead): void => {
      if (settled) return;
      settled = true;
      resolve(read);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => settle(size > maxBytes ? { kind: 'too-large' } : { kind: 'complete', data: Buffer.concat(chunks) }));
    req.on('error', () => settle({ kind: 'incomplete' }));
    req.on('close', () => settle({ kind: 'incomplete' }));
  });
}

/**
 * Parses a multipart/form-data body already read into memory. Undefined when it is not multipart or is malformed
 * (no boundary, a truncated part, an unterminated form): the caller answers 41005 "media data missing". Every stream
 * busboy creates has an error listener, so a bad body can never surface as an unhandled 'error' event.
 */
export function parseMultipart(headers: IncomingHttpHeaders, body: Buffer): Promise<MultipartBody | undefined> {
  const type = headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) return Promise.resolve(undefined);
  const parser = createMultipartParser(headers);
  if (!parser) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const fields: Record<string, string> = {};
    const files: Array<Promise<UploadedFile>> = [];
    let settled = false;
    const settle = (result: MultipartBody | undefined): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (field, stream, info) => {
      const file = collectFile(stream).then((data) => ({ field, filename: info.filename ?? '', mimeType: info.mimeType, data }));
      file.catch(() => settle(undefined));
      files.push(file);
    });
    parser.on('error', () => settle(undefined));
    parser.on('close', () => {
      Promise.all(files).then(
        (parsed) => settle({ fields, files: parsed }),
        () => settle(undefined),
      );
    });
    parser.end(body);
  });
}

/** A busboy parser for the request headers; undefined when they are unusable (e.g. no boundary). */
function createMultipartParser(headers: IncomingHttpHeaders): busboy.Busboy | undefined {
  try {
    return busboy({ headers, defParamCharset: 'utf8', limits: MULTIPART_LIMITS });
  } catch {
    return undefined;
  }
}

/** The bytes of one file part; rejects when the part is cut off or busboy destroys the stream. */
function collectFile(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

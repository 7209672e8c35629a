import { FormData, request, type Dispatcher } from 'undici';
import type { UploadFile } from './filetype.js';
import type { HttpMethod } from './types.js';

interface HttpRequest {
  method: HttpMethod;
  url: string;
  json?: string;
  multipart?: { file: UploadFile; fields?: Record<string, string> };
  timeoutMs: number;
  dispatcher: Dispatcher | undefined;
}

export interface HttpResponse {
  status: number;
  contentType: string;
  body: Uint8Array;
}

/** A failure before any HTTP answer; `code` is Node's / undici's error code. `message` may contain the URL: redact it. */
export class NetworkFailure extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** One HTTP exchange, no retries, no interpretation. */
export async function sendHttp(req: HttpRequest): Promise<HttpResponse> {
  const headers: Record<string, string> = { accept: 'application/json, */*' };
  let body: string | FormData | undefined;
  if (req.json !== undefined) {
    headers['content-type'] = 'application/json; charset=utf-8';
    body = req.json;
  } else if (req.multipart) {
    const form = new FormData();
    const { file, fields } = req.multipart;
    // Copy into a plain ArrayBuffer-backed view (Blob rejects SharedArrayBuffer-typed views).
    form.append('media', new Blob([new Uint8Array(file.data)], { type: file.contentType }), file.filename);
    for (const [name, value] of Object.entries(fields ?? {})) form.append(name, value);
    body = form;
  }
  try {
    const res = await request(req.url, {
      method: req.method,
      headers,
      body,
      dispatcher: req.dispatcher,
      signal: AbortSignal.timeout(req.timeoutMs),
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    const bytes = new Uint8Array(await res.body.arrayBuffer());
    const contentType = res.headers['content-type'];
    return {
      status: res.statusCode,
      contentType: (Array.isArray(contentType) ? contentType[0] : contentType) ?? '',
      body: bytes,
    };
  } catch (error) {
    throw toNetworkFailure(error);
  }
}

function toNetworkFailure(error: unknown): NetworkFailure {
  const err = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError' || err?.code === 'UND_ERR_HEADERS_TIMEOUT' || err?.code === 'UND_ERR_BODY_TIMEOUT') {
    return new NetworkFailure('ETIMEDOUT', 'request timed out');
  }
  const code = err?.code ?? err?.cause?.code ?? 'ENETWORK';
  const message = err?.cause?.message ?? err?.message ?? String(error);
  return new NetworkFailure(code, message);
}

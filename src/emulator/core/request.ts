/**
 * From an HTTP request to what a handler sees: the body rules of docs/wechat-api.md §1 (44002 empty POST, 47001
 * unparsable or non-object JSON, 47002 / a route's own errcode for `\uXXXX` escapes, 41005 broken multipart,
 * 45001 over the body cap) and the access_token check of §2.3.
 */
import type { IncomingMessage } from 'node:http';
import { EmuError } from '../errors.js';
import { findTokenOwner } from '../logic/tokens.js';
import type { EmuRequest, Route } from '../router.js';
import type { AccountState } from '../state.js';
import { hasUnicodeEscape, keepUnicodeEscapesLiteral, parseMultipart, type BodyRead } from '../wire.js';

/**
 * The bytes of a fully read body. A body over MAX_BODY_BYTES → 45001; a body cut off by the client → 41005 on upload
 * routes (the media data is missing), 47001 elsewhere — answered only if the socket is still open.
 */
export function bodyData(body: BodyRead, route: Route): Buffer {
  if (body.kind === 'complete') return body.data;
  if (body.kind === 'too-large') throw new EmuError(45001);
  throw new EmuError(route.body === 'multipart' ? 41005 : 47001);
}

/** 41001 missing, 40014 malformed, 40001 unknown/rotated/revoked, 42001 expired (docs/wechat-api.md §2.3). */
export function authenticate(token: string | null, accounts: AccountState[], now: number): AccountState {
  if (token === null || token === '') throw new EmuError(41001);
  if (!/^[A-Za-z0-9_-]{16,512}$/.test(token)) throw new EmuError(40014);
  const owner = findTokenOwner(accounts, token, now);
  if (owner.kind === 'unknown') throw new EmuError(40001);
  if (owner.kind === 'expired') throw new EmuError(42001);
  return owner.account;
}

export interface ParseInput {
  route: Route;
  params: Record<string, string>;
  req: IncomingMessage;
  url: URL;
  body: Buffer;
  unicodeEscapes: 'reject' | 'store';
}

/** The handler's view of a request, its body parsed as the route declares (JSON object, multipart, or none). */
export async function parseRequest({ route, params, req, url, body, unicodeEscapes }: ParseInput): Promise<EmuRequest> {
  const emuReq: EmuRequest = {
    method: route.method,
    path: url.pathname,
    query: url.searchParams,
    params,
    headers: req.headers,
    rawBody: body,
    json: {},
    fields: {},
    files: [],
    ip: req.socket.remoteAddress ?? '',
  };
  if (route.method !== 'POST' || route.body === 'none') return emuReq;
  if (body.length === 0) throw new EmuError(44002);
  if (route.body === 'multipart') {
    const parsed = await parseMultipart(req.headers, body);
    if (!parsed) throw new EmuError(41005);
    emuReq.fields = parsed.fields;
    emuReq.files = parsed.files;
    return emuReq;
  }
  emuReq.json = parseJsonObject(body.toString('utf8'), unicodeEscapes, route.unicodeEscapeErrcode ?? 47002);
  return emuReq;
}

function parseJsonObject(body: string, unicodeEscapes: 'reject' | 'store', escapeErrcode: number): Record<string, unknown> {
  let text = body;
  if (hasUnicodeEscape(text)) {
    if (unicodeEscapes === 'reject') throw new EmuError(escapeErrcode);
    text = keepUnicodeEscapesLiteral(text);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EmuError(47001);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new EmuError(47001);
  return parsed as Record<string, unknown>;
}

/**
 * Every failure of `wxmp serve` as `{ success: false, error }` with an HTTP status that says whose fault it is: 4xx
 * for the request (bad input, an unknown media_id, a WeChat refusal caused by what was sent), 5xx only when the
 * service or what is behind it failed. A WeChat errcode keeps `errcode` and `errmsg` verbatim, with the hint. Never a
 * stack trace, never a secret.
 */
import { AccountHaltedError, SessionError } from '../account/index.js';
import { ApiBaseError } from '../config/api-base.js';
import { ImageSourceError } from '../sync/image-source.js';
import { WeChatClientError, WeChatError, WeChatPublishError, WeChatTransportError } from '../wechat/errors.js';
import { AccountConflictError, AccountsFileError } from './accounts-store.js';

export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 500 | 502 | 503 | 504;

export interface ErrorBody {
  success: false;
  error: string;
  errcode?: number;
  errmsg?: string;
  hint?: string;
  /** Validation: the fields that were wrong. */
  issues?: { path: string; message: string }[];
  [extra: string]: unknown;
}

/** An error the handlers throw on purpose: its status and message go to the client as they are. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: ErrorStatus,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Credentials, IP whitelist, permissions: the account (as configured) may not do this. */
const FORBIDDEN = new Set([40001, 40013, 40125, 40164, 41002, 41004, 48001, 48004, 50001, 50002, 50005, 61024, 89506, 89507]);
/** Quotas and frequency limits. */
const TOO_MANY = new Set([45009, 45011, 45047, 45065, 45066, 45067]);
/** An id that does not exist (any more). */
const NOT_FOUND = new Set([40007, 53600, 53601, 53602]);

export function weChatStatus(errcode: number): ErrorStatus {
  if (errcode === -1) return 503;
  if (FORBIDDEN.has(errcode)) return 403;
  if (TOO_MANY.has(errcode)) return 429;
  if (NOT_FOUND.has(errcode)) return 404;
  return 400;
}

/** Maps anything thrown to a status and body; `internal` is set for faults to log on the server side. */
export function errorResponse(error: unknown): { status: ErrorStatus; body: ErrorBody; internal?: string } {
  if (error instanceof ApiError) return { status: error.status, body: { success: false, error: error.message, ...error.extra } };
  if (error instanceof WeChatError) {
    return {
      status: weChatStatus(error.errcode),
      body: { success: false, error: `${error.endpoint}: errcode ${error.errcode} ${error.errmsg}`, errcode: error.errcode, errmsg: error.errmsg, hint: error.hint },
    };
  }
  if (error instanceof WeChatTransportError) {
    const timeout = error.code === 'ETIMEDOUT' || (error.code?.includes('TIMEOUT') ?? false);
    return { status: timeout ? 504 : 502, body: { success: false, error: firstLine(error.message), hint: error.hint } };
  }
  if (error instanceof WeChatPublishError) return { status: 502, body: { success: false, error: firstLine(error.message), hint: error.hint } };
  if (error instanceof WeChatClientError) return { status: 400, body: { success: false, error: error.message } };
  if (error instanceof AccountHaltedError) return { status: 503, body: { success: false, error: error.message, hint: 'Fix the account (secret, IP whitelist, quota); the service tries it again a minute later.' } };
  // ImagePreparationError by name: assets/convert.js loads sharp, which only an upload needs.
  if ((error instanceof Error && error.name === 'ImagePreparationError') || error instanceof ImageSourceError) return { status: 422, body: { success: false, error: (error as Error).message } };
  if (error instanceof AccountConflictError) return { status: error.status, body: { success: false, error: error.message } };
  if (error instanceof SessionError || error instanceof ApiBaseError || error instanceof AccountsFileError) {
    return { status: 503, body: { success: false, error: error.message }, internal: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: { success: false, error: 'internal error: see the wxmp serve log' }, internal: message };
}

function firstLine(text: string): string {
  return text.split('\n')[0]!;
}

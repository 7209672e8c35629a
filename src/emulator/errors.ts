import { randomBytes } from 'node:crypto';

/**
 * English errmsg strings as WeChat returns them (wechat-api.md §11, NIEFY/observed strings).
 * Codes that WeChat only documents in Chinese get a short English phrase of our own.
 */
export const ERRMSG: Readonly<Record<number, string>> = {
  [-1]: 'system error',
  0: 'ok',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40004: 'invalid media type',
  40005: 'invalid file type',
  40006: 'invalid meida size', // sic — WeChat's own spelling
  40007: 'invalid media_id',
  40008: 'invalid message type',
  40009: 'invalid image size',
  40010: 'invalid voice size',
  40011: 'invalid video size',
  40012: 'invalid thumb size',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40033: 'invalid charset. please check your request, if include \\uxxxx will create fail!',
  40035: 'invalid args size',
  40060: 'invalid article idx',
  40113: 'unsupported file type',
  40114: 'invalid index value',
  40125: 'invalid appsecret',
  40164: 'invalid ip, not in whitelist',
  40227: 'title is empty',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41005: 'media data missing',
  41006: 'media_id missing',
  41039: 'invalid content_source_url',
  42001: 'access_token expired',
  43001: 'require GET method',
  43002: 'require POST method',
  44001: 'empty media data',
  44002: 'empty post data',
  44003: 'empty news data',
  45001: 'media size out of limit',
  45002: 'content size out of limit',
  45003: 'title size out of limit',
  45004: 'description size out of limit',
  45008: 'article size out of limit',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit mustslower retry next minute',
  45106: 'This API has been unsupported',
  45110: 'author size out of limit',
  45166: 'invalid content',
  47001: 'data format error',
  47002: 'data format error, do NOT use json unicode encode (\\uxxxx\\uxxxx), please use utf8 encoded text!',
  48001: 'api unauthorized',
  48006: 'forbid to clear quota because of reaching the limit',
  53406: 'product capability not enabled',
  53501: 'publish request too frequent',
  53502: 'invalid publish_id',
  53600: 'invalid article_id',
  76021: 'cgi_path not found',
  88000: 'without comment privilege',
};

/** `xxxxxxxx-xxxxxxxx-xxxxxxxx` — the trace id real errmsgs end with (wechat-api.md §1 "errmsg suffix"). */
export function newRid(nowMs: number): string {
  const time = Math.floor(nowMs / 1000).toString(16).padStart(8, '0').slice(-8);
  return `${time}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
}

export function errmsgFor(errcode: number): string {
  return ERRMSG[errcode] ?? `error ${errcode}`;
}

/** Thrown by route handlers (through `ctx.error`) and by the transport layer; turned into an HTTP 200 error body. */
export class EmuError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string = errmsgFor(errcode),
  ) {
    super(`${errcode} ${errmsg}`);
    this.name = 'EmuError';
  }
}

/**
 * How the emulator fails a call: `throw new EmuError(errcode)` anywhere below a route handler (routes, logic). The
 * server turns it into WeChat's HTTP 200 `{"errcode","errmsg":"… rid: …"}`, with the errmsg from the one table below.
 * Pure validators under logic/ may instead return `{ ok: false, errcode }`; the route raises it as an EmuError.
 * The control endpoints (`/__emulator/*`) refuse with `throw new ControlError(message, status)` instead.
 */
import { randomBytes } from 'node:crypto';

/**
 * English errmsg strings as WeChat returns them (docs/wechat-api.md §11, NIEFY/observed strings), for every group.
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
  40015: 'invalid button type',
  40016: 'invalid button size',
  40018: 'invalid button name size',
  40019: 'invalid button key size',
  40020: 'invalid button url size',
  40023: 'invalid sub button size',
  40024: 'invalid sub button type',
  40025: 'invalid sub button name size',
  40026: 'invalid sub button key size',
  40027: 'invalid sub button url size',
  40032: 'invalid openid list size',
  40033: 'invalid charset. please check your request, if include \\uxxxx will create fail!',
  40035: 'invalid args size',
  40059: 'invalid msg id',
  40060: 'invalid article idx',
  40113: 'unsupported file type',
  40114: 'invalid index value',
  40125: 'invalid appsecret',
  40130: 'invalid openid list size, at least two openid',
  40164: 'invalid ip, not in whitelist',
  40201: 'invalid url',
  40202: 'invalid action',
  40203: 'invalid check_operator',
  40227: 'title is empty',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41005: 'media data missing',
  41006: 'media_id missing',
  41033: 'invaid register type', // sic — WeChat's own spelling
  41039: 'invalid content_source_url',
  42001: 'access_token expired',
  43001: 'require GET method',
  43002: 'require POST method',
  43004: 'require subscribe',
  44001: 'empty media data',
  44002: 'empty post data',
  44003: 'empty news data',
  44004: 'empty content',
  45001: 'media size out of limit',
  45002: 'content size out of limit',
  45003: 'title size out of limit',
  45004: 'description size out of limit',
  45008: 'article size out of limit',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit mustslower retry next minute',
  45015: 'response out of time limit or subscription is canceled',
  45028: 'has no masssend quota',
  45047: 'out of response count limit',
  45056: 'too many tag now, no need to add new',
  45057: "can't delete the tag that has too many fans",
  45058: "can't modify sys tag",
  45059: 'can not tagging one user too much',
  45064: 'no permission to use weapp in menu',
  45065: 'clientmsgid exist',
  45067: 'clientmsgid size out of limit',
  45080: 'need to have interacted with the user within the last 30 seconds to set typing',
  45081: 'already typing',
  45083: 'the speed out of range',
  45084: 'no speed',
  45106: 'This API has been unsupported',
  45110: 'author size out of limit',
  45157: 'invalid tag name',
  45158: 'tag name too long',
  45159: 'invalid tag id',
  45166: 'invalid content',
  46003: 'menu no exist',
  47001: 'data format error',
  47002: 'data format error, do NOT use json unicode encode (\\uxxxx\\uxxxx), please use utf8 encoded text!',
  48001: 'api unauthorized',
  48006: 'forbid to clear quota because of reaching the limit',
  48021: 'auto-saved draft can not be previewed or sent, save it manually first',
  49003: 'not match openid with appid',
  53406: 'product capability not enabled',
  53501: 'publish request too frequent',
  53502: 'invalid publish_id',
  53600: 'invalid article_id',
  61500: 'date format error',
  61501: 'date range error',
  65301: 'no such conditional menu',
  65302: 'no such user',
  65303: 'no default menu, can not create conditional menu',
  65304: 'match rule empty',
  65316: 'invalid url domain, too many domains in menu urls (at most 3)',
  65317: 'invalid url',
  65320: 'matchrule field not allowed for privacy reasons',
  76001: 'rid not found',
  76002: 'rid is error',
  76003: 'rid is not belong to you',
  76004: 'rid is expired',
  76021: 'cgi_path not found',
  76022: 'could not use this cgi_path，no permission',
  88000: 'without comment privilege',
};

/** `xxxxxxxx-xxxxxxxx-xxxxxxxx` — the trace id real errmsgs end with (docs/wechat-api.md §1 "errmsg suffix"). */
export function newRid(nowMs: number): string {
  const time = Math.floor(nowMs / 1000).toString(16).padStart(8, '0').slice(-8);
  return `${time}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
}

export function errmsgFor(errcode: number): string {
  return ERRMSG[errcode] ?? `error ${errcode}`;
}

/**
 * Thrown by route handlers, logic modules and the transport layer; turned into an HTTP 200 error body. `errmsg`
 * defaults to the table's; pass one only for a message that carries call data (40164 names the caller's IP).
 * `extra` fields follow errcode/errmsg in the body (45065 answers the earlier msg_id).
 */
export class EmuError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string = errmsgFor(errcode),
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(`${errcode} ${errmsg}`);
    this.name = 'EmuError';
  }
}

/**
 * A refused control call (`/__emulator/*`, routes/admin*.ts): answered with HTTP `status` and `{"error": message}`.
 * Not a WeChat error — the control endpoints are the emulator's own API.
 */
export class ControlError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

import { isInteger, isSafeNumber, parse } from 'lossless-json';
import type { IdInput, WeChatId } from './types.js';

/** C0 controls other than tab/LF/CR: JSON.stringify would emit them as `\u00XX`, which WeChat rejects (40033/47002). */
const ESCAPED_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;
/** Lone surrogates: JSON.stringify emits them as `\udXXX` escapes. */
const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Serialize a request body as WeChat wants it: UTF-8 with Chinese and other non-ASCII text raw, never `\uXXXX`
 * (docs/wechat-api.md §1: escapes are rejected with 40033/47002 or stored literally). JSON.stringify already leaves non-ASCII
 * alone; we only remove the characters it would escape. bigint values become JSON numbers with all their digits.
 */
export function encodeJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'string') return v.replace(ESCAPED_CONTROLS, '').replace(LONE_SURROGATES, '\ufffd');
    if (typeof v === 'bigint') return { __wxmpBigInt: v.toString() };
    return v;
  });
  return text.replace(/\{"__wxmpBigInt":"(-?\d+)"\}/g, '$1');
}

/**
 * Parse a WeChat response. Integers beyond 2^53 (publish_id, msg_id, msg_data_id can be 64-bit) come back as strings
 * with every digit kept; raw control characters inside strings (seen in real responses, co-wechat-api strips them) are
 * escaped before parsing.
 */
export function parseJson(text: string): unknown {
  try {
    return parse(text, null, parseNumber);
  } catch {
    return parse(escapeControlCharsInStrings(text), null, parseNumber);
  }
}

function parseNumber(digits: string): number | string {
  if (isSafeNumber(digits)) return Number(digits);
  return isInteger(digits) ? digits : Number(digits);
}

function escapeControlCharsInStrings(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === '\\') {
        out += ch + (text[i + 1] ?? '');
        i++;
        continue;
      }
      if (ch === '"') inString = false;
      const code = ch.charCodeAt(0);
      out += code < 0x20 ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
    } else {
      if (ch === '"') inString = true;
      out += ch;
    }
  }
  return out;
}

/** Normalize an id WeChat sent as an int or a string (or a big int we kept as a string). */
export function idString(value: unknown): WeChatId {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return '';
}

/** Accept an id as int, string or bigint; validated as an integer string. */
export function idInput(value: IdInput, name: string): string {
  const text = typeof value === 'string' ? value.trim() : String(value);
  if (!/^\d+$/.test(text)) throw new TypeError(`${name} must be an integer (got ${JSON.stringify(String(value))})`);
  return text;
}

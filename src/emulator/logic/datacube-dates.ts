/**
 * Datacube request validation (docs/wechat-api.md §10): `{"begin_date":"YYYY-MM-DD","end_date":"YYYY-MM-DD"}`,
 * `end_date` at most yesterday (Beijing time, UTC+8, by the emulator clock), inclusive span ≤ the API's maximum.
 * Bad format → 61500 date format error; order/span/future → 61501 date range error.
 */

export interface DatacubeApi {
  /** Maximum inclusive span in days (1 ⇒ begin_date must equal end_date). */
  maxSpan: number;
  /** New-generation analytics API (2025): carries `is_delay`, data only from 2025-11-01. */
  isNew?: boolean;
}

/** Every datacube API with its max span (§10 table). */
export const DATACUBE_APIS: Readonly<Record<string, DatacubeApi>> = {
  getusersummary: { maxSpan: 7 },
  getusercumulate: { maxSpan: 7 },
  getarticlesummary: { maxSpan: 1 },
  getarticletotal: { maxSpan: 1 },
  getuserread: { maxSpan: 3 },
  getuserreadhour: { maxSpan: 1 },
  getusershare: { maxSpan: 7 },
  getusersharehour: { maxSpan: 1 },
  getupstreammsg: { maxSpan: 7 },
  getupstreammsghour: { maxSpan: 1 },
  getupstreammsgweek: { maxSpan: 30 },
  getupstreammsgmonth: { maxSpan: 30 },
  getupstreammsgdist: { maxSpan: 15 },
  getupstreammsgdistweek: { maxSpan: 30 },
  getupstreammsgdistmonth: { maxSpan: 30 },
  getinterfacesummary: { maxSpan: 30 },
  getinterfacesummaryhour: { maxSpan: 1 },
  getarticleread: { maxSpan: 1, isNew: true },
  getarticleshare: { maxSpan: 1, isNew: true },
  getbizsummary: { maxSpan: 1, isNew: true },
  getarticletotaldetail: { maxSpan: 1, isNew: true },
};

/** Data exists from 2014-12-01; the new APIs only from 2025-11-01 (§10). */
export const DATA_START = '2014-12-01';
export const NEW_API_DATA_START = '2025-11-01';
/** The previous day's data is ready after about 08:00 Beijing time (§10). */
export const DATA_READY_HOUR_BEIJING = 8;

const BEIJING_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 for a valid `YYYY-MM-DD`, else null (rejects 2025-02-30 and friends). */
export function parseDay(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = DATE_PATTERN.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / DAY_MS;
}

export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Today's day number in Beijing time for an emulator clock value. */
export function beijingToday(nowMs: number): number {
  return Math.floor((nowMs + BEIJING_OFFSET_MS) / DAY_MS);
}

export function beijingHour(nowMs: number): number {
  return Math.floor(((nowMs + BEIJING_OFFSET_MS) % DAY_MS) / 3_600_000);
}

export type DateRangeCheck = { ok: true; begin: number; end: number; days: number[] } | { ok: false; errcode: 61500 | 61501 };

export function validateDateRange(body: unknown, api: DatacubeApi, nowMs: number): DateRangeCheck {
  const { begin_date, end_date } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const begin = parseDay(begin_date);
  const end = parseDay(end_date);
  if (begin === null || end === null) return { ok: false, errcode: 61500 };
  if (begin > end) return { ok: false, errcode: 61501 };
  // "结束日期（最大值为昨日）".
  if (end > beijingToday(nowMs) - 1) return { ok: false, errcode: 61501 };
  if (end - begin + 1 > api.maxSpan) return { ok: false, errcode: 61501 };
  const days: number[] = [];
  for (let d = begin; d <= end; d++) days.push(d);
  return { ok: true, begin, end, days };
}

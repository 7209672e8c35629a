/**
 * Date ranges for the analytics APIs (docs/wechat-api.md §10), pure: a range the user asks for is clamped to the latest
 * day with data (yesterday, Beijing time), split into the windows each API allows (7, 3 or 1 days — the
 * DATACUBE_MAX_SPAN table), and the answers of every window merged back into one row per day.
 */
import { DATACUBE_MAX_SPAN, type DatacubeApiName, type DateRange } from './api/datacube.js';

const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** The first day of the 2025 article APIs (getarticleread, getarticleshare…): "数据从 2025-11-01 开始". */
export const NEW_ARTICLE_API_START = '2025-11-01';
/** The first day WeChat has analytics for. */
export const DATACUBE_DATA_START = '2014-12-01';

/** A date the user gave that cannot be used; the message says what to change. */
export class DateRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DateRangeError';
  }
}

/** Days since 1970-01-01 of a real `YYYY-MM-DD` date, or undefined (2025-02-30 is not a date). */
export function parseDate(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const day = ms / DAY_MS;
  return formatDate(day) === text ? day : undefined;
}

export function formatDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return formatDate(requireDate(date, 'date') + days);
}

/** Every date from `from` to `to`, both included. */
export function eachDate(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = requireDate(from, 'from'); d <= requireDate(to, 'to'); d++) out.push(formatDate(d));
  return out;
}

/** Yesterday in Beijing time: the latest day analytics exist for (ready after about 08:00 Beijing time). */
export function beijingYesterday(nowMs: number): string {
  return formatDate(Math.floor((nowMs + BEIJING_OFFSET_MS) / DAY_MS) - 1);
}

/** Whether yesterday's data may not be ready yet (before 08:00 Beijing time). */
export function beforeDataReady(nowMs: number): boolean {
  return Math.floor(((nowMs + BEIJING_OFFSET_MS) % DAY_MS) / 3_600_000) < 8;
}

export interface ClampedRange {
  from: string;
  to: string;
  /** The end the user asked for, when it was later than yesterday and so moved back. */
  requestedTo?: string;
  /** Yesterday in Beijing time. */
  yesterday: string;
}

/**
 * Checks a `--from`/`--to` range and moves an end later than yesterday (Beijing time) back to yesterday. Throws
 * DateRangeError for a malformed date, a start after the end, or a start with no data yet.
 */
export function clampRange(from: string, to: string, nowMs: number): ClampedRange {
  const begin = requireDate(from, '--from');
  const end = requireDate(to, '--to');
  if (begin > end) throw new DateRangeError(`--from ${from} is after --to ${to}`);
  const yesterday = beijingYesterday(nowMs);
  const last = parseDate(yesterday)!;
  if (begin > last) {
    throw new DateRangeError(`--from ${from} has no data yet: the latest day with statistics is yesterday in Beijing time (${yesterday}), ready after about 08:00`);
  }
  if (end > last) return { from, to: yesterday, requestedTo: to, yesterday };
  return { from, to, yesterday };
}

/** Consecutive windows of at most `maxSpan` days (both ends included) covering `from`..`to`. */
export function splitRange(from: string, to: string, maxSpan: number): Required<DateRange>[] {
  if (!Number.isInteger(maxSpan) || maxSpan < 1) throw new DateRangeError(`a window is at least 1 day (got ${maxSpan})`);
  const begin = requireDate(from, 'from');
  const end = requireDate(to, 'to');
  const out: Required<DateRange>[] = [];
  for (let start = begin; start <= end; start += maxSpan) {
    out.push({ begin: formatDate(start), end: formatDate(Math.min(end, start + maxSpan - 1)) });
  }
  return out;
}

/** The requests one API needs for `from`..`to`: windows of its maximum span (§10). */
export function planWindows(api: DatacubeApiName, from: string, to: string): Required<DateRange>[] {
  return splitRange(from, to, DATACUBE_MAX_SPAN[api]);
}

/** Splits `from`..`to` at `cutover`: the days before it and the days from it on (either may be absent). */
export function splitAt(from: string, to: string, cutover: string): { before?: Required<DateRange>; after?: Required<DateRange> } {
  const begin = requireDate(from, 'from');
  const end = requireDate(to, 'to');
  const cut = requireDate(cutover, 'cutover');
  const out: { before?: Required<DateRange>; after?: Required<DateRange> } = {};
  if (begin < cut) out.before = { begin: from, end: formatDate(Math.min(end, cut - 1)) };
  if (end >= cut) out.after = { begin: formatDate(Math.max(begin, cut)), end: to };
  return out;
}

type Row = Record<string, unknown>;

function num(value: unknown): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

function dateOf(row: Row): string {
  return typeof row.ref_date === 'string' ? row.ref_date : '';
}

/** One day of followers: getusersummary (summed over user_source) with getusercumulate. */
export interface UserDay {
  ref_date: string;
  new_user: number;
  cancel_user: number;
  /** new_user − cancel_user. */
  net_user: number;
  /** Followers at the end of the day; null when WeChat sent no cumulate row for it. */
  cumulate_user: number | null;
}

/** Every day of `from`..`to` (days without rows count 0), from the rows of all windows. */
export function mergeUserDays(summary: readonly Row[], cumulate: readonly Row[], from: string, to: string): UserDay[] {
  const days = new Map<string, UserDay>(eachDate(from, to).map((d) => [d, { ref_date: d, new_user: 0, cancel_user: 0, net_user: 0, cumulate_user: null }]));
  for (const row of summary) {
    const day = days.get(dateOf(row));
    if (!day) continue;
    day.new_user += num(row.new_user);
    day.cancel_user += num(row.cancel_user);
    day.net_user = day.new_user - day.cancel_user;
  }
  for (const row of cumulate) {
    const day = days.get(dateOf(row));
    if (day) day.cumulate_user = Math.max(day.cumulate_user ?? 0, num(row.cumulate_user));
  }
  return [...days.values()];
}

/** One day of article reads over the whole account (getuserread). */
export interface ReadDay {
  ref_date: string;
  read_user: number;
  read_count: number;
  /** Reads of the original page (阅读原文). */
  ori_read_user: number;
  share_user: number;
  share_count: number;
  fav_user: number;
}

/** `user_source` of getuserread's all-sources row. */
export const ALL_SOURCES = 99_999_999;

/**
 * Every day of `from`..`to` from getuserread rows: the all-sources row (user_source 99999999) when WeChat sends one,
 * else the sum over the sources.
 */
export function mergeReadDays(rows: readonly Row[], from: string, to: string): ReadDay[] {
  const byDay = new Map<string, Row[]>();
  for (const row of rows) {
    if (row.ref_hour !== undefined) continue;
    const list = byDay.get(dateOf(row)) ?? [];
    list.push(row);
    byDay.set(dateOf(row), list);
  }
  return eachDate(from, to).map((ref_date) => {
    const list = byDay.get(ref_date) ?? [];
    const total = list.find((r) => num(r.user_source) === ALL_SOURCES);
    const use = total ? [total] : list;
    const sum = (key: string) => use.reduce((acc, r) => acc + num(r[key]), 0);
    return {
      ref_date,
      read_user: sum('int_page_read_user'),
      read_count: sum('int_page_read_count'),
      ori_read_user: sum('ori_page_read_user'),
      share_user: sum('share_user'),
      share_count: sum('share_count'),
      fav_user: sum('add_to_fav_user'),
    };
  });
}

/** One article on one day. */
export interface ArticleDay {
  ref_date: string;
  /** `{msg_data_id}_{index}`. */
  msgid: string;
  title: string;
  read_user: number;
  read_count: number;
  share_user: number;
  /** Favourites: only the old getarticlesummary reports them (null from the 2025 APIs). */
  fav_user: number | null;
}

/**
 * Article rows of every window merged per (day, msgid): getarticlesummary rows (before 2025-11-01) and the 2025
 * APIs' getarticleread + getarticleshare rows, sorted by day, then reads (most read first).
 */
export function mergeArticleDays(sources: { summary?: readonly Row[]; read?: readonly Row[]; share?: readonly Row[] }): ArticleDay[] {
  const byKey = new Map<string, ArticleDay>();
  const entry = (row: Row): ArticleDay => {
    const key = `${dateOf(row)}\u0000${String(row.msgid ?? '')}`;
    let day = byKey.get(key);
    if (!day) {
      day = { ref_date: dateOf(row), msgid: String(row.msgid ?? ''), title: typeof row.title === 'string' ? row.title : '', read_user: 0, read_count: 0, share_user: 0, fav_user: null };
      byKey.set(key, day);
    }
    if (!day.title && typeof row.title === 'string') day.title = row.title;
    return day;
  };
  for (const row of sources.summary ?? []) {
    const day = entry(row);
    day.read_user += num(row.int_page_read_user);
    day.read_count += num(row.int_page_read_count);
    day.share_user += num(row.share_user);
    day.fav_user = (day.fav_user ?? 0) + num(row.add_to_fav_user);
  }
  for (const row of sources.read ?? []) {
    const detail = (row.detail ?? {}) as Row;
    const day = entry(row);
    day.read_user += num(detail.read_user);
    day.read_count += num(detail.read_cnt ?? detail.read_count);
  }
  for (const row of sources.share ?? []) {
    const detail = (row.detail ?? {}) as Row;
    entry(row).share_user += num(detail.share_user);
  }
  return [...byKey.values()].sort((a, b) => a.ref_date.localeCompare(b.ref_date) || b.read_user - a.read_user || a.msgid.localeCompare(b.msgid));
}

function requireDate(text: string, name: string): number {
  const day = parseDate(text);
  if (day === undefined) throw new DateRangeError(`${name} must be a date written YYYY-MM-DD (got ${JSON.stringify(text)})`);
  return day;
}

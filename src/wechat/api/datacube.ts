import type { ApiContext } from './context.js';
import { WeChatClientError } from '../errors.js';

/** Maximum inclusive span in days per analytics API (docs/wechat-api.md §10). */
export const DATACUBE_MAX_SPAN = {
  getusersummary: 7,
  getusercumulate: 7,
  getuserread: 3,
  getuserreadhour: 1,
  getusershare: 7,
  getusersharehour: 1,
  getarticlesummary: 1,
  getarticletotal: 1,
  getupstreammsg: 7,
  getupstreammsghour: 1,
  getupstreammsgweek: 30,
  getupstreammsgmonth: 30,
  getupstreammsgdist: 15,
  getupstreammsgdistweek: 30,
  getupstreammsgdistmonth: 30,
  getinterfacesummary: 30,
  getinterfacesummaryhour: 1,
  // The 2025 article APIs: "日期范围仅支持查询1天", data from 2025-11-01.
  getarticleread: 1,
  getarticleshare: 1,
  getbizsummary: 1,
  getarticletotaldetail: 1,
} as const;

export type DatacubeApiName = keyof typeof DATACUBE_MAX_SPAN;

export interface DatacubeResult<Row = Record<string, unknown>> {
  list: Row[];
  /** New APIs: the day's data is still being computed. */
  is_delay?: boolean;
}

export interface DateRange {
  /** YYYY-MM-DD (Beijing date). */
  begin: string;
  /** YYYY-MM-DD, at most yesterday; defaults to `begin`. */
  end?: string;
}

const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** `datacube/*` analytics. Date ranges are checked before calling: WeChat's own answer (61501) does not say what is wrong. */
export class DatacubeApi {
  constructor(private readonly ctx: ApiContext) {}

  getUserSummary(range: DateRange) { return this.query('getusersummary', range); }
  getUserCumulate(range: DateRange) { return this.query('getusercumulate', range); }
  getUserRead(range: DateRange) { return this.query('getuserread', range); }
  getUserReadHour(range: DateRange) { return this.query('getuserreadhour', range); }
  getUserShare(range: DateRange) { return this.query('getusershare', range); }
  getUserShareHour(range: DateRange) { return this.query('getusersharehour', range); }
  /** 停止维护: prefer getArticleRead / getArticleTotalDetail. */
  getArticleSummary(range: DateRange) { return this.query('getarticlesummary', range); }
  /** 停止维护: prefer getArticleTotalDetail. */
  getArticleTotal(range: DateRange) { return this.query('getarticletotal', range); }
  getArticleRead(range: DateRange) { return this.query('getarticleread', range); }
  getArticleShare(range: DateRange) { return this.query('getarticleshare', range); }
  getBizSummary(range: DateRange) { return this.query('getbizsummary', range); }
  getArticleTotalDetail(range: DateRange) { return this.query('getarticletotaldetail', range); }

  /** Any datacube API by name, with its span checked. */
  async query<Row = Record<string, unknown>>(api: DatacubeApiName, range: DateRange): Promise<DatacubeResult<Row>> {
    const end = range.end ?? range.begin;
    checkRange(api, range.begin, end, this.ctx.now());
    const res = await this.ctx.call<Partial<DatacubeResult<Row>>>({
      path: `datacube/${api}`,
      method: 'POST',
      json: { begin_date: range.begin, end_date: end },
    });
    const out: DatacubeResult<Row> = { list: res.list ?? [] };
    if (typeof res.is_delay === 'boolean') out.is_delay = res.is_delay;
    return out;
  }
}

/** Throws a WeChatClientError explaining what is wrong with the range (61500/61501 otherwise). */
function checkRange(api: DatacubeApiName, begin: string, end: string, now: number): void {
  const endpoint = `datacube/${api}`;
  const beginDay = parseDay(begin, 'begin_date', endpoint);
  const endDay = parseDay(end, 'end_date', endpoint);
  if (endDay < beginDay) throw new WeChatClientError(`begin_date ${begin} is after end_date ${end}`, endpoint);
  const yesterday = Math.floor((now + BEIJING_OFFSET_MS) / DAY_MS) - 1;
  if (endDay > yesterday) {
    throw new WeChatClientError(
      `end_date ${end} is too recent: the latest day with data is yesterday in Beijing time (${formatDay(yesterday)}), available after about 08:00`,
      endpoint,
    );
  }
  const span = endDay - beginDay + 1;
  const max = DATACUBE_MAX_SPAN[api];
  if (span > max) {
    const rule = max === 1 ? 'begin_date must equal end_date' : `at most ${max} days, both ends inclusive`;
    throw new WeChatClientError(`${api} covers ${rule}; ${begin}..${end} is ${span} days — split the range`, endpoint);
  }
}

function parseDay(text: string, name: string, endpoint: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!match || Number.isNaN(ms) || formatDay(ms / DAY_MS) !== text) {
    throw new WeChatClientError(`${name} must be a date written YYYY-MM-DD (got ${JSON.stringify(text)})`, endpoint);
  }
  return ms / DAY_MS;
}

function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

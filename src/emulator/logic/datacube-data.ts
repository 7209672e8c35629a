/**
 * Deterministic, plausible analytics for the datacube APIs (docs/wechat-api.md §10). Every number is derived from a
 * seeded generator keyed by (appId, API family, date), so the same request always answers the same data and tests
 * can assert exact values. Days before the data start (2014-12-01; new APIs 2025-11-01) are empty — `{"list":[]}`.
 * Yesterday's data is "not ready" before 08:00 Beijing time: old APIs answer no rows for it, new APIs flag
 * `is_delay: true`.
 *
 * Articles: the account "posts" on about a third of the days (synthetic articles with msgid
 * `"{msg_data_id}_{idx}"`, §10), plus whatever the caller passes in `published` (really published drafts).
 */
import { seededRandom as seededNumberRandom } from '../clock.js';
import {
  DATA_READY_HOUR_BEIJING,
  DATA_START,
  NEW_API_DATA_START,
  beijingHour,
  beijingToday,
  formatDay,
  parseDay,
  type DatacubeApi,
} from './datacube-dates.js';

export interface PublishedArticleInput {
  msgDataId: number;
  titles: string[];
  /** Day number (days since epoch, Beijing calendar) of the publication. */
  day: number;
}

export interface DatacubeQuery {
  appId: string;
  name: string;
  api: DatacubeApi;
  days: number[];
  nowMs: number;
  published?: PublishedArticleInput[];
}

type Row = Record<string, unknown>;

const START_DAY = parseDay(DATA_START)!;
const NEW_START_DAY = parseDay(NEW_API_DATA_START)!;

/** FNV-1a of the seed string → the emulator's mulberry32: deterministic across runs and platforms. */
export function seededRandom(seed: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return seededNumberRandom(h >>> 0);
}

function randInt(rand: () => number, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

const TITLES = [
  '用 Markdown 写公众号：从草稿到发布',
  '周末读书笔记｜慢下来的力量',
  '一文讲清楚 TypeScript 的类型收窄',
  '城市散步指南：老街、咖啡与旧书店',
  '我们为什么还在写长文',
  '新手摄影：光线比器材更重要',
  '年度回顾：这一年写下的 52 篇文章',
  '如何把代码片段排版得好看',
];

interface Article {
  msgid: string;
  title: string;
  publishDay: number;
  /** How strongly this article is read (scales every metric). */
  weight: number;
}

/** Articles published on `day`: synthetic ones (about one day in three) plus real ones. */
function articlesPublishedOn(appId: string, day: number, published: readonly PublishedArticleInput[]): Article[] {
  const out: Article[] = [];
  if (day >= START_DAY) {
    const rand = seededRandom(`${appId}:post:${day}`);
    if (rand() < 0.34) {
      const count = rand() < 0.8 ? 1 : 2;
      // Synthetic msg_data_ids stay below the emulator's real ones (~2247xxxxxx) and are unique per day.
      const msgDataId = 2_240_000_000 + day;
      for (let idx = 1; idx <= count; idx++) {
        out.push({
          msgid: `${msgDataId}_${idx}`,
          title: TITLES[randInt(rand, 0, TITLES.length - 1)]!,
          publishDay: day,
          weight: 0.5 + rand() * (idx === 1 ? 1.5 : 0.5),
        });
      }
    }
  }
  for (const p of published) {
    if (p.day !== day) continue;
    p.titles.forEach((title, i) => {
      const rand = seededRandom(`${appId}:real:${p.msgDataId}:${i}`);
      out.push({ msgid: `${p.msgDataId}_${i + 1}`, title, publishDay: day, weight: 0.8 + rand() });
    });
  }
  return out;
}

/** Articles read on `day`: those published within the previous `windowDays` days (reads decay with age). */
function articlesReadOn(appId: string, day: number, published: readonly PublishedArticleInput[], windowDays: number): Article[] {
  const out: Article[] = [];
  for (let d = day - windowDays + 1; d <= day; d++) out.push(...articlesPublishedOn(appId, d, published));
  return out;
}

/** Reads of one article on one day: high on publication day, decaying afterwards. */
interface ArticleMetrics {
  int_page_read_user: number;
  int_page_read_count: number;
  ori_page_read_user: number;
  ori_page_read_count: number;
  share_user: number;
  share_count: number;
  add_to_fav_user: number;
  add_to_fav_count: number;
}

function articleMetrics(appId: string, article: Article, statDay: number): ArticleMetrics {
  const age = statDay - article.publishDay;
  const rand = seededRandom(`${appId}:read:${article.msgid}:${statDay}`);
  const decay = 1 / (1 + age * age);
  const readUser = Math.round(article.weight * decay * randInt(rand, 300, 900));
  const readCount = readUser + Math.round(readUser * rand() * 0.3);
  const shareUser = Math.round(readUser * (0.02 + rand() * 0.05));
  const favUser = Math.round(readUser * (0.01 + rand() * 0.03));
  const oriUser = Math.round(readUser * rand() * 0.05);
  return {
    int_page_read_user: readUser,
    int_page_read_count: readCount,
    ori_page_read_user: oriUser,
    ori_page_read_count: oriUser + Math.round(oriUser * rand() * 0.2),
    share_user: shareUser,
    share_count: shareUser + Math.round(shareUser * rand() * 0.5),
    add_to_fav_user: favUser,
    add_to_fav_count: favUser + Math.round(favUser * rand() * 0.2),
  };
}

/** Split `total` over `keys` with seeded weights (sums exactly to total). */
function splitTotal(rand: () => number, total: number, keys: readonly number[]): Map<number, number> {
  const weights = keys.map(() => 0.2 + rand());
  const sum = weights.reduce((a, b) => a + b, 0);
  const out = new Map<number, number>();
  let left = total;
  keys.forEach((key, i) => {
    const share = i === keys.length - 1 ? left : Math.min(left, Math.floor((total * weights[i]!) / sum));
    out.set(key, share);
    left -= share;
  });
  return out;
}

/** Cumulative followers at the end of `day`; non-decreasing by construction (net follows ≥ 2 a day). */
function cumulateUsers(appId: string, day: number): number {
  const jitter = (d: number) => Math.floor(seededRandom(`${appId}:cum:${d}`)() * 6);
  return 1_000 + Math.floor((day - START_DAY) * 7.3) + jitter(day);
}

const USER_SOURCES = [0, 1, 17, 30, 43, 51, 57];
const READ_SOURCES = [0, 1, 2, 4, 5];
const SHARE_SCENES = [1, 2, 255];
const UPSTREAM_TYPES = [1, 2, 3, 4, 6];

function hours(): number[] {
  return Array.from({ length: 24 }, (_, h) => h);
}

/** Activity of an hour relative to the day (night is quiet, evening busiest). */
function hourFactor(hour: number): number {
  const curve = [2, 1, 1, 0, 0, 1, 2, 4, 6, 6, 5, 5, 6, 5, 4, 4, 5, 5, 6, 7, 8, 9, 7, 4];
  return curve[hour]! / 102;
}

/** What a per-day row builder gets: the API, the account, the day and the account's real publications. */
interface DayInput {
  appId: string;
  name: string;
  day: number;
  ref_date: string;
  published: readonly PublishedArticleInput[];
  nowMs: number;
}

type DayRowBuilder = (d: DayInput) => Row[];

/**
 * Rows of one day by slot — the whole day, or each hour when `hourly` — and by category: each slot's share of
 * `total` is split over `keys`, and `fill` gives the columns of one (key, users) cell; cells with no users are left
 * out. `allKey` adds a first cell per slot that carries the whole slot (user_source 99999999 of getuserread);
 * `skipEmptySlots` leaves out slots with no users before they are split.
 */
function slotRows(
  { ref_date }: DayInput,
  rand: () => number,
  total: number,
  hourly: boolean,
  split: { keys: readonly number[]; allKey?: number; skipEmptySlots?: boolean },
  fill: (key: number, users: number) => Row,
): Row[] {
  const rows: Row[] = [];
  for (const hour of hourly ? hours() : [null]) {
    const slotTotal = hour === null ? total : Math.round(total * hourFactor(hour));
    if (split.skipEmptySlots && slotTotal === 0) continue;
    const byKey = splitTotal(rand, slotTotal, split.keys);
    const keys = split.allKey === undefined ? split.keys : [split.allKey, ...split.keys];
    for (const key of keys) {
      const users = key === split.allKey ? slotTotal : byKey.get(key)!;
      if (users === 0) continue;
      const row: Row = { ref_date };
      if (hour !== null) row.ref_hour = hour * 100;
      rows.push({ ...row, ...fill(key, users) });
    }
  }
  return rows;
}

const userSummary: DayRowBuilder = ({ appId, day, ref_date }) => {
  const rand = seededRandom(`${appId}:users:${day}`);
  const cancel = randInt(rand, 0, 4);
  const net = cumulateUsers(appId, day) - cumulateUsers(appId, day - 1);
  const perSource = splitTotal(rand, net + cancel, USER_SOURCES);
  const rows: Row[] = [];
  for (const source of USER_SOURCES) {
    const newUser = perSource.get(source)!;
    const cancelUser = source === 0 ? cancel : 0;
    if (newUser > 0 || cancelUser > 0) rows.push({ ref_date, user_source: source, new_user: newUser, cancel_user: cancelUser });
  }
  return rows;
};

const userCumulate: DayRowBuilder = ({ appId, day, ref_date }) => [
  { ref_date, user_source: 0, cumulate_user: cumulateUsers(appId, day) },
];

const articleSummary: DayRowBuilder = ({ appId, day, ref_date, published }) =>
  articlesReadOn(appId, day, published, 7)
    .map((a) => ({ ref_date, user_source: 0, msgid: a.msgid, title: a.title, ...articleMetrics(appId, a, day) }))
    .filter((row) => row.int_page_read_user + row.share_user + row.add_to_fav_user >= 3);

const articleTotal: DayRowBuilder = ({ appId, day, ref_date, published, nowMs }) => {
  const yesterday = beijingToday(nowMs) - 1;
  return articlesPublishedOn(appId, day, published).map((a) => {
    const details: Row[] = [];
    // Totals for up to 7 days after publication, never past yesterday.
    for (let d = day; d <= Math.min(day + 6, yesterday); d++) {
      const m = articleMetrics(appId, a, d);
      details.push({ stat_date: formatDay(d), target_user: cumulateUsers(appId, day), ...m });
    }
    return { ref_date, msgid: a.msgid, title: a.title, details };
  });
};

const userRead: DayRowBuilder = (d) => {
  const { appId, day, published } = d;
  const articles = articlesReadOn(appId, day, published, 7);
  const total = articles.reduce((sum, a) => sum + articleMetrics(appId, a, day).int_page_read_user, 0);
  const rand = seededRandom(`${appId}:userread:${day}`);
  const base = total + randInt(rand, 5, 40); // reads of older articles from the history page
  const split = { keys: READ_SOURCES, allKey: 99_999_999, skipEmptySlots: true };
  return slotRows(d, rand, base, d.name === 'getuserreadhour', split, (source, users) => ({
    user_source: source,
    int_page_read_user: users,
    int_page_read_count: Math.round(users * 1.2),
    ori_page_read_user: Math.round(users * 0.03),
    ori_page_read_count: Math.round(users * 0.04),
    share_user: Math.round(users * 0.04),
    share_count: Math.round(users * 0.05),
    add_to_fav_user: Math.round(users * 0.02),
    add_to_fav_count: Math.round(users * 0.02),
  }));
};

const userShare: DayRowBuilder = (d) => {
  const rand = seededRandom(`${d.appId}:share:${d.day}`);
  const total = randInt(rand, 0, 60);
  return slotRows(d, rand, total, d.name === 'getusersharehour', { keys: SHARE_SCENES }, (scene, users) => ({
    share_scene: scene,
    share_count: users + randInt(rand, 0, 3),
    share_user: users,
  }));
};

const upstreamMsg: DayRowBuilder = (d) => {
  const rand = seededRandom(`${d.appId}:upstream:${d.day}`);
  const total = rand() < 0.15 ? 0 : randInt(rand, 1, 80);
  return slotRows(d, rand, total, d.name === 'getupstreammsghour', { keys: UPSTREAM_TYPES }, (type, users) => ({
    msg_type: type,
    msg_user: users,
    msg_count: users + randInt(rand, 0, users),
  }));
};

const upstreamMsgDist: DayRowBuilder = ({ appId, day, ref_date }) => {
  const rand = seededRandom(`${appId}:dist:${day}`);
  return [1, 2, 3]
    .map((interval) => ({ ref_date, count_interval: interval, msg_user: randInt(rand, 0, 30) >> (interval - 1) }))
    .filter((row) => row.msg_user > 0);
};

const interfaceSummary: DayRowBuilder = ({ appId, name, day, ref_date }) => {
  const rand = seededRandom(`${appId}:interface:${day}`);
  const total = randInt(rand, 20, 400);
  const rows: Row[] = [];
  for (const hour of name === 'getinterfacesummary' ? [null] : hours()) {
    const calls = hour === null ? total : Math.round(total * hourFactor(hour));
    if (calls === 0) continue;
    const row: Row = { ref_date };
    if (hour !== null) row.ref_hour = hour * 100;
    const avg = randInt(rand, 40, 180);
    rows.push({
      ...row,
      callback_count: calls,
      fail_count: Math.floor(calls * rand() * 0.02),
      total_time_cost: calls * avg,
      max_time_cost: avg * randInt(rand, 2, 6),
    });
  }
  return rows;
};

const articleReadOrShare: DayRowBuilder = ({ appId, name, day, ref_date, published }) =>
  articlesReadOn(appId, day, published, 7).map((a) => {
    const m = articleMetrics(appId, a, day);
    const rand = seededRandom(`${appId}:${name}:${a.msgid}:${day}`);
    if (name === 'getarticleread') {
      const bySource = splitTotal(rand, m.int_page_read_user, READ_SOURCES);
      return {
        ref_date,
        msgid: a.msgid,
        title: a.title,
        detail: {
          read_user: m.int_page_read_user,
          read_cnt: m.int_page_read_count,
          read_user_source: READ_SOURCES.map((s) => ({ user_source: s, read_user: bySource.get(s) })),
        },
      };
    }
    return { ref_date, msgid: a.msgid, title: a.title, detail: { share_user: m.share_user, share_cnt: m.share_count } };
  });

const bizSummary: DayRowBuilder = ({ appId, day, ref_date, published }) => {
  const metrics = articlesReadOn(appId, day, published, 7).map((a) => articleMetrics(appId, a, day));
  const sum = (key: keyof ArticleMetrics) => metrics.reduce((acc, m) => acc + m[key], 0);
  const rand = seededRandom(`${appId}:biz:${day}`);
  const readUser = sum('int_page_read_user');
  if (readUser === 0) return [];
  const bySource = splitTotal(rand, readUser, READ_SOURCES);
  return [
    {
      ref_date,
      detail: {
        read_user: readUser,
        read_user_source: READ_SOURCES.map((s) => ({ user_source: s, read_user: bySource.get(s) })),
        share_user: sum('share_user'),
        zaikan_user: Math.round(readUser * 0.01 * (1 + rand())),
        like_user: Math.round(readUser * 0.015 * (1 + rand())),
        comment_count: Math.round(readUser * 0.003 * (1 + rand())),
      },
    },
  ];
};

const articleTotalDetail: DayRowBuilder = ({ appId, day, ref_date, published, nowMs }) => {
  const yesterday = beijingToday(nowMs) - 1;
  return articlesPublishedOn(appId, day, published).map((a) => {
    const rand = seededRandom(`${appId}:totaldetail:${a.msgid}`);
    const detail_list: Row[] = [];
    // Stats for up to 30 days after publication (§10), never past yesterday.
    for (let d = day; d <= Math.min(day + 29, yesterday); d++) {
      const m = articleMetrics(appId, a, d);
      detail_list.push({
        stat_date: formatDay(d),
        read_user: m.int_page_read_user,
        share_user: m.share_user,
        add_to_fav_user: m.add_to_fav_user,
      });
    }
    return { ref_date, msgid: a.msgid, title: a.title, publish_type: rand() < 0.7 ? 0 : 1, detail_list };
  });
};

/** The per-day APIs (the weekly/monthly upstream ones are in periodRows). */
const DAY_ROWS: Readonly<Record<string, DayRowBuilder>> = {
  getusersummary: userSummary,
  getusercumulate: userCumulate,
  getarticlesummary: articleSummary,
  getarticletotal: articleTotal,
  getuserread: userRead,
  getuserreadhour: userRead,
  getusershare: userShare,
  getusersharehour: userShare,
  getupstreammsg: upstreamMsg,
  getupstreammsghour: upstreamMsg,
  getupstreammsgdist: upstreamMsgDist,
  getinterfacesummary: interfaceSummary,
  getinterfacesummaryhour: interfaceSummary,
  getarticleread: articleReadOrShare,
  getarticleshare: articleReadOrShare,
  getbizsummary: bizSummary,
  getarticletotaldetail: articleTotalDetail,
};

function dayRows(appId: string, name: string, day: number, published: readonly PublishedArticleInput[], nowMs: number): Row[] {
  const build = DAY_ROWS[name];
  return build ? build({ appId, name, day, ref_date: formatDay(day), published, nowMs }) : [];
}

/** Monday of the ISO week containing `day` (1970-01-01 was a Thursday). */
function weekStart(day: number): number {
  return day - ((day + 3) % 7);
}

function monthStart(day: number): number {
  const d = new Date(day * 86_400_000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 86_400_000;
}

/** Weekly/monthly upstream APIs: one row set per week (Monday) / month (1st) touched by the range. */
function periodRows(appId: string, name: string, days: readonly number[]): Row[] {
  const monthly = name.endsWith('month');
  const dist = name.startsWith('getupstreammsgdist');
  const periods = [...new Set(days.map((d) => (monthly ? monthStart(d) : weekStart(d))))];
  const rows: Row[] = [];
  for (const period of periods) {
    if (period < START_DAY) continue;
    const rand = seededRandom(`${appId}:${name}:${period}`);
    const scale = monthly ? 30 : 7;
    const ref_date = formatDay(period);
    if (dist) {
      for (const interval of [1, 2, 3]) {
        const users = randInt(rand, 0, 30 * scale) >> (interval - 1);
        if (users > 0) rows.push({ ref_date, count_interval: interval, msg_user: users });
      }
    } else {
      for (const type of UPSTREAM_TYPES) {
        const users = randInt(rand, 0, 12 * scale);
        if (users > 0) rows.push({ ref_date, msg_type: type, msg_user: users, msg_count: users + randInt(rand, 0, users) });
      }
    }
  }
  return rows;
}

/** The response body of one datacube call whose dates were already validated. */
export function datacubeResponse(query: DatacubeQuery): { list: Row[]; is_delay?: boolean } {
  const { appId, name, api, days, nowMs } = query;
  const published = query.published ?? [];
  const yesterday = beijingToday(nowMs) - 1;
  const notReady = (day: number) => day === yesterday && beijingHour(nowMs) < DATA_READY_HOUR_BEIJING;
  if (api.isNew) {
    const list = days.filter((d) => d >= NEW_START_DAY).flatMap((d) => dayRows(appId, name, d, published, nowMs));
    return { list, is_delay: days.some(notReady) };
  }
  if (/^getupstreammsg(dist)?(week|month)$/.test(name)) {
    return { list: periodRows(appId, name, days.filter((d) => !notReady(d))) };
  }
  const list = days
    .filter((d) => d >= START_DAY && !notReady(d))
    .flatMap((d) => dayRows(appId, name, d, published, nowMs));
  return { list };
}

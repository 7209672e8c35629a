/** The analytics range helpers (src/wechat/datacube-range.ts): clamping, windows per API, merging the answers. */
import { describe, expect, it } from 'vitest';
import {
  ALL_SOURCES,
  DateRangeError,
  addDays,
  beijingYesterday,
  beforeDataReady,
  clampRange,
  eachDate,
  mergeArticleDays,
  mergeReadDays,
  mergeUserDays,
  parseDate,
  planWindows,
  splitAt,
  splitRange,
} from '../../src/wechat/datacube-range.js';

/** 2026-03-10 10:00 in Beijing (02:00 UTC). */
const NOW = Date.UTC(2026, 2, 10, 2, 0);

describe('dates', () => {
  it('parses only real YYYY-MM-DD dates', () => {
    expect(parseDate('2026-03-10')).toBe(Date.UTC(2026, 2, 10) / 86_400_000);
    expect(parseDate('2026-02-30')).toBeUndefined();
    expect(parseDate('2026-3-1')).toBeUndefined();
    expect(parseDate('yesterday')).toBeUndefined();
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(eachDate('2024-02-28', '2024-03-01')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
  });

  it('yesterday is counted in Beijing time, and its data is ready after 08:00 there', () => {
    expect(beijingYesterday(NOW)).toBe('2026-03-09');
    // 2026-03-09 17:00 UTC is already 2026-03-10 01:00 in Beijing.
    expect(beijingYesterday(Date.UTC(2026, 2, 9, 17, 0))).toBe('2026-03-09');
    expect(beijingYesterday(Date.UTC(2026, 2, 9, 15, 59))).toBe('2026-03-08');
    expect(beforeDataReady(Date.UTC(2026, 2, 9, 23, 0))).toBe(true); // 07:00 Beijing
    expect(beforeDataReady(NOW)).toBe(false);
  });
});

describe('clampRange', () => {
  it('keeps a range that ends by yesterday', () => {
    expect(clampRange('2026-03-01', '2026-03-09', NOW)).toEqual({ from: '2026-03-01', to: '2026-03-09', yesterday: '2026-03-09' });
  });

  it('moves an end after yesterday back to yesterday, and remembers what was asked', () => {
    expect(clampRange('2026-03-01', '2026-03-31', NOW)).toEqual({ from: '2026-03-01', to: '2026-03-09', requestedTo: '2026-03-31', yesterday: '2026-03-09' });
    expect(clampRange('2026-03-09', '2026-03-10', NOW).to).toBe('2026-03-09');
  });

  it('refuses malformed dates, a start after the end, and a start with no data yet', () => {
    expect(() => clampRange('2026-3-1', '2026-03-09', NOW)).toThrow(/--from must be a date written YYYY-MM-DD/);
    expect(() => clampRange('2026-03-01', '2026-02-30', NOW)).toThrow(/--to must be a date/);
    expect(() => clampRange('2026-03-05', '2026-03-01', NOW)).toThrow(/after --to/);
    expect(() => clampRange('2026-03-10', '2026-03-12', NOW)).toThrow(DateRangeError);
    expect(() => clampRange('2026-03-10', '2026-03-12', NOW)).toThrow(/latest day with statistics is yesterday in Beijing time \(2026-03-09\)/);
  });
});

describe('windows', () => {
  it('splits a range into consecutive windows of at most the span, both ends included', () => {
    expect(splitRange('2026-03-01', '2026-03-16', 7)).toEqual([
      { begin: '2026-03-01', end: '2026-03-07' },
      { begin: '2026-03-08', end: '2026-03-14' },
      { begin: '2026-03-15', end: '2026-03-16' },
    ]);
    expect(splitRange('2026-03-01', '2026-03-01', 7)).toEqual([{ begin: '2026-03-01', end: '2026-03-01' }]);
    expect(splitRange('2026-02-27', '2026-03-02', 1)).toHaveLength(4);
    expect(() => splitRange('2026-03-01', '2026-03-02', 0)).toThrow(DateRangeError);
  });

  it('uses each API\'s maximum span: 7 for the user APIs, 3 for getuserread, 1 for the article APIs', () => {
    expect(planWindows('getusersummary', '2026-02-01', '2026-02-28')).toHaveLength(4);
    expect(planWindows('getusercumulate', '2026-02-01', '2026-02-28')).toHaveLength(4);
    expect(planWindows('getuserread', '2026-02-01', '2026-02-28')).toHaveLength(10);
    expect(planWindows('getuserread', '2026-02-01', '2026-02-28').at(-1)).toEqual({ begin: '2026-02-28', end: '2026-02-28' });
    expect(planWindows('getarticleread', '2026-02-01', '2026-02-28')).toHaveLength(28);
    expect(planWindows('getarticlesummary', '2026-02-01', '2026-02-03').map((w) => w.begin === w.end)).toEqual([true, true, true]);
  });

  it('splits a range at a cutover day', () => {
    expect(splitAt('2025-10-30', '2025-11-02', '2025-11-01')).toEqual({
      before: { begin: '2025-10-30', end: '2025-10-31' },
      after: { begin: '2025-11-01', end: '2025-11-02' },
    });
    expect(splitAt('2025-11-05', '2025-11-06', '2025-11-01')).toEqual({ after: { begin: '2025-11-05', end: '2025-11-06' } });
    expect(splitAt('2025-10-01', '2025-10-02', '2025-11-01')).toEqual({ before: { begin: '2025-10-01', end: '2025-10-02' } });
  });
});

describe('merging', () => {
  it('users: sums getusersummary over sources, adds cumulate, fills missing days with 0 / null', () => {
    const summary = [
      { ref_date: '2026-03-01', user_source: 0, new_user: 3, cancel_user: 2 },
      { ref_date: '2026-03-01', user_source: 30, new_user: 5, cancel_user: 0 },
      { ref_date: '2026-03-03', user_source: 0, new_user: 1, cancel_user: 4 },
    ];
    const cumulate = [
      { ref_date: '2026-03-01', user_source: 0, cumulate_user: 1006 },
      { ref_date: '2026-03-03', user_source: 0, cumulate_user: 1003 },
    ];
    expect(mergeUserDays(summary, cumulate, '2026-03-01', '2026-03-03')).toEqual([
      { ref_date: '2026-03-01', new_user: 8, cancel_user: 2, net_user: 6, cumulate_user: 1006 },
      { ref_date: '2026-03-02', new_user: 0, cancel_user: 0, net_user: 0, cumulate_user: null },
      { ref_date: '2026-03-03', new_user: 1, cancel_user: 4, net_user: -3, cumulate_user: 1003 },
    ]);
  });

  it('reads: takes the all-sources row when there is one, else sums the sources; hourly rows are ignored', () => {
    const rows = [
      { ref_date: '2026-03-01', user_source: ALL_SOURCES, int_page_read_user: 100, int_page_read_count: 120, ori_page_read_user: 3, share_user: 4, share_count: 5, add_to_fav_user: 2 },
      { ref_date: '2026-03-01', user_source: 0, int_page_read_user: 60, int_page_read_count: 70 },
      { ref_date: '2026-03-01', user_source: 1, int_page_read_user: 40, int_page_read_count: 50 },
      { ref_date: '2026-03-02', user_source: 0, int_page_read_user: 7, int_page_read_count: 9 },
      { ref_date: '2026-03-02', user_source: 2, int_page_read_user: 3, int_page_read_count: 3 },
      { ref_date: '2026-03-02', ref_hour: 1300, user_source: 2, int_page_read_user: 999 },
    ];
    const days = mergeReadDays(rows, '2026-03-01', '2026-03-03');
    expect(days[0]).toEqual({ ref_date: '2026-03-01', read_user: 100, read_count: 120, ori_read_user: 3, share_user: 4, share_count: 5, fav_user: 2 });
    expect(days[1]).toMatchObject({ ref_date: '2026-03-02', read_user: 10, read_count: 12 });
    expect(days[2]).toMatchObject({ ref_date: '2026-03-03', read_user: 0 });
  });

  it('articles: merges the old summary and the 2025 read + share rows per day and msgid, most read first', () => {
    const merged = mergeArticleDays({
      summary: [{ ref_date: '2025-10-31', msgid: '100_1', title: '旧文章', int_page_read_user: 50, int_page_read_count: 60, share_user: 2, add_to_fav_user: 1 }],
      read: [
        { ref_date: '2025-11-01', msgid: '200_1', title: '新文章', detail: { read_user: 10, read_cnt: 12 } },
        { ref_date: '2025-11-01', msgid: '200_2', title: '第二篇', detail: { read_user: 30, read_cnt: 31 } },
      ],
      share: [{ ref_date: '2025-11-01', msgid: '200_1', title: '新文章', detail: { share_user: 4, share_cnt: 5 } }],
    });
    expect(merged).toEqual([
      { ref_date: '2025-10-31', msgid: '100_1', title: '旧文章', read_user: 50, read_count: 60, share_user: 2, fav_user: 1 },
      { ref_date: '2025-11-01', msgid: '200_2', title: '第二篇', read_user: 30, read_count: 31, share_user: 0, fav_user: null },
      { ref_date: '2025-11-01', msgid: '200_1', title: '新文章', read_user: 10, read_count: 12, share_user: 4, fav_user: null },
    ]);
  });
});

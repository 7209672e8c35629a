/**
 * `wxmp stats users|reads|articles --from --to`: the account's analytics (数据统计, docs/wechat-api.md §10). Each
 * datacube API answers at most a few days per call (7 for followers, 3 for reads, 1 for articles), so the range is
 * split into windows, the end moved back to yesterday (Beijing time) when later, and the answers merged into one row
 * per day (src/wechat/datacube-range.ts). Output: a table with a small bar chart, `--csv`, or `--json`.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import type { DatacubeApiName, DateRange } from '../../../wechat/api/datacube.js';
import type { WeChatClient } from '../../../wechat/client.js';
import {
  addDays,
  beforeDataReady,
  beijingYesterday,
  clampRange,
  DateRangeError,
  eachDate,
  mergeArticleDays,
  mergeReadDays,
  mergeUserDays,
  NEW_ARTICLE_API_START,
  planWindows,
  splitAt,
  type ArticleDay,
  type ClampedRange,
  type ReadDay,
  type UserDay,
} from '../../../wechat/datacube-range.js';
import type { Limiter } from '../../../util/limiter.js';
import { accountOptions, printRows, withAccount, type AccountCliOptions } from '../../account.js';
import { csvCell } from './followers.js';
import { printJson, UserError } from '../../output.js';

interface StatsOptions extends AccountCliOptions {
  from?: string;
  to?: string;
  csv?: boolean;
  chart: boolean;
}

type Row = Record<string, unknown>;

/** A report: its columns (header → value of a row) and the daily series the chart shows. */
interface Report<T> {
  rows: T[];
  columns: [string, (row: T) => string | number | null][];
  chart?: { label: string; series: { date: string; value: number }[] };
}

const DEFAULT_DAYS = 7;

export function registerStatsCommands(program: Command): void {
  const stats = program
    .command('stats')
    .description('Analytics (数据统计): followers, reads and articles per day, over any date range')
    .addHelpText('after', `
Each analytics API answers a few days per call — followers 7, reads 3, articles 1 — so the range is split into as
many calls as needed and the answers merged. The latest day with data is yesterday in Beijing time (ready after about
08:00); a later --to is moved back to it, and the command says so.

Examples:
  wxmp stats users                                       # the last 7 days: new, cancelled, net, total followers
  wxmp stats users --from 2026-01-01 --to 2026-01-31     # a month: 5 + 5 calls
  wxmp stats reads --from 2026-03-01 --csv > reads.csv   # reads per day (3 days a call)
  wxmp stats articles --from 2026-03-01 --to 2026-03-07 --json   # one row per article and day`);

  const command = (name: string, description: string, examples: string) =>
    accountOptions(
      stats
        .command(name)
        .description(description)
        .option('--from <date>', `first day, YYYY-MM-DD (default: ${DEFAULT_DAYS} days before --to)`)
        .option('--to <date>', 'last day, YYYY-MM-DD (default and latest: yesterday, Beijing time)')
        .option('--csv', 'print CSV on stdout (UTF-8, a header row)')
        .option('--no-chart', 'no bar chart under the table'),
    ).addHelpText('after', `\nWith --json: the merged rows, a JSON array (messages stay on stderr).\n\nExamples:\n${examples.replace(/^\n/, '')}`);

  command('users', 'Followers per day: new, cancelled, net and total (getusersummary + getusercumulate, 7 days a call)', `
  wxmp stats users --from 2026-01-01 --to 2026-01-31
  wxmp stats users --json | jq '.[] | select(.net_user < 0)'`).action(async (options: StatsOptions) => {
    await runStats<UserDay>(options, 'wxmp stats users', async (range, fetch) => {
      const [summary, cumulate] = await Promise.all([fetch('getusersummary', range), fetch('getusercumulate', range)]);
      const rows = mergeUserDays(summary, cumulate, range.from, range.to);
      return {
        rows,
        columns: [
          ['date', (r) => r.ref_date],
          ['new', (r) => r.new_user],
          ['cancelled', (r) => r.cancel_user],
          ['net', (r) => r.net_user],
          ['total', (r) => r.cumulate_user],
        ],
        chart: { label: 'new followers per day', series: rows.map((r) => ({ date: r.ref_date, value: r.new_user })) },
      };
    });
  });

  command('reads', 'Article reads per day over the whole account (getuserread, 3 days a call)', `
  wxmp stats reads --from 2026-03-01
  wxmp stats reads --from 2026-03-01 --to 2026-03-31 --csv > reads.csv`).action(async (options: StatsOptions) => {
    await runStats<ReadDay>(options, 'wxmp stats reads', async (range, fetch) => {
      const rows = mergeReadDays(await fetch('getuserread', range), range.from, range.to);
      return {
        rows,
        columns: [
          ['date', (r) => r.ref_date],
          ['readers', (r) => r.read_user],
          ['reads', (r) => r.read_count],
          ['shares', (r) => r.share_user],
          ['favourites', (r) => r.fav_user],
          ['阅读原文', (r) => r.ori_read_user],
        ],
        chart: { label: 'readers per day', series: rows.map((r) => ({ date: r.ref_date, value: r.read_user })) },
      };
    });
  });

  command('articles', `Reads and shares of each article per day (1 day a call: getarticleread + getarticleshare from ${NEW_ARTICLE_API_START}, getarticlesummary before)`, `
  wxmp stats articles --from 2026-03-01 --to 2026-03-07
  wxmp stats articles --json | jq 'group_by(.msgid) | map({title: .[0].title, readers: (map(.read_user) | add)})'`).action(async (options: StatsOptions) => {
    await runStats<ArticleDay>(options, 'wxmp stats articles', async (range, fetch) => {
      const { before, after } = splitAt(range.from, range.to, NEW_ARTICLE_API_START);
      const [summary, read, share] = await Promise.all([
        before ? fetch('getarticlesummary', { from: before.begin, to: before.end }) : [],
        after ? fetch('getarticleread', { from: after.begin, to: after.end }) : [],
        after ? fetch('getarticleshare', { from: after.begin, to: after.end }) : [],
      ]);
      const rows = mergeArticleDays({ summary, read, share });
      const perDay = new Map<string, number>(eachDate(range.from, range.to).map((d) => [d, 0]));
      for (const row of rows) perDay.set(row.ref_date, (perDay.get(row.ref_date) ?? 0) + row.read_user);
      return {
        rows,
        columns: [
          ['date', (r) => r.ref_date],
          ['msgid', (r) => r.msgid],
          ['readers', (r) => r.read_user],
          ['reads', (r) => r.read_count],
          ['shares', (r) => r.share_user],
          ['favourites', (r) => r.fav_user],
          ['title', (r) => r.title],
        ],
        chart: { label: 'article readers per day', series: [...perDay].map(([date, value]) => ({ date, value })) },
      };
    });
  });
}

type Fetch = (api: DatacubeApiName, range: { from: string; to: string }) => Promise<Row[]>;

async function runStats<T>(options: StatsOptions, command: string, build: (range: ClampedRange, fetch: Fetch) => Promise<Report<T>>): Promise<void> {
  if (options.json && options.csv) throw new UserError('--json and --csv: choose one');
  const range = resolveRange(options);
  await withAccount(options, command, async ({ client, call }) => {
    const counts = new Map<string, number>();
    let delayed = false;
    const fetch: Fetch = async (api, span) => {
      const windows = planWindows(api, span.from, span.to);
      counts.set(api, (counts.get(api) ?? 0) + windows.length);
      const answers = await Promise.all(windows.map((w) => query(client, call, api, w)));
      delayed ||= answers.some((a) => a.is_delay === true);
      return answers.flatMap((a) => a.list);
    };
    const report = await build(range, fetch);
    const calls = [...counts].map(([api, n]) => `${api} ×${n}`).join(', ');
    process.stderr.write(pc.dim(`${range.from} … ${range.to}: ${calls}\n`));
    if (delayed) process.stderr.write(pc.yellow('WeChat is still computing some of these days (is_delay): their numbers may grow.\n'));
    if (options.json) return printJson(report.rows);
    if (options.csv) {
      process.stdout.write(`${report.columns.map(([h]) => csvCell(h)).join(',')}\n`);
      for (const row of report.rows) process.stdout.write(`${report.columns.map(([, get]) => csvCell(get(row) ?? '')).join(',')}\n`);
      return;
    }
    if (report.rows.length === 0) {
      process.stdout.write('No data for these days.\n');
      return;
    }
    printRows(report.columns.map(([h]) => h), report.rows.map((row) => report.columns.map(([, get]) => { const v = get(row); return v === null ? '-' : String(v); })));
    if (options.chart && report.chart && report.chart.series.length > 1) {
      process.stdout.write(`\n${pc.dim(report.chart.label)}\n`);
      for (const line of barChart(report.chart.series)) process.stdout.write(`${line}\n`);
    }
  });
}

function query(client: WeChatClient, call: Limiter, api: DatacubeApiName, window: Required<DateRange>) {
  return call(() => client.datacube.query<Row>(api, window));
}

/** --from/--to with their defaults, checked and clamped to yesterday (said on stderr). */
function resolveRange(options: StatsOptions): ClampedRange {
  const now = Date.now();
  const yesterday = beijingYesterday(now);
  try {
    // Without --to: yesterday — or --from itself when that is later, so the message is about --from having no data.
    const to = options.to ?? (options.from && options.from > yesterday ? options.from : yesterday);
    const from = options.from ?? addDays(to > yesterday ? yesterday : to, -(DEFAULT_DAYS - 1));
    const range = clampRange(from, to, now);
    if (range.requestedTo) {
      process.stderr.write(pc.yellow(`--to ${range.requestedTo} is later than yesterday in Beijing time: showing ${range.from} … ${range.to} (statistics exist up to yesterday)\n`));
    }
    if (range.to === yesterday && beforeDataReady(now)) {
      process.stderr.write(pc.yellow(`It is before 08:00 in Beijing: ${yesterday}'s statistics may not be ready yet.\n`));
    }
    return range;
  } catch (error) {
    if (error instanceof DateRangeError) throw new UserError(error.message);
    throw error;
  }
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** `2026-03-01 ███████▍ 123` per day, the longest bar `width` columns. */
export function barChart(series: readonly { date: string; value: number }[], width = 40): string[] {
  const max = Math.max(0, ...series.map((s) => s.value));
  const digits = Math.max(...series.map((s) => String(s.value).length));
  return series.map(({ date, value }) => {
    const eighths = max > 0 ? Math.round((Math.max(0, value) / max) * width * 8) : 0;
    const bar = '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
    return `${date} ${String(value).padStart(digits)} ${pc.cyan(bar)}`;
  });
}

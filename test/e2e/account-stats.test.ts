/** `wxmp stats users|reads|articles` as processes against the emulator: windows per API, the end clamped, outputs. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { addDays, beijingYesterday, eachDate } from '../../src/wechat/datacube-range.js';
import { runCli } from '../helpers/cli.js';
import { startAccountCli } from '../helpers/account-cli.js';

const APP = { appId: 'wxstat000000000001', appSecret: 'stats-cli-secret-0123456789abcdef0' };
let emulator: RunningEmulator;
let root: string;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCli([...args, '--root', root], { env });
/** Calls per datacube API since the last reset. */
const datacubeCalls = () => {
  const counts: Record<string, number> = {};
  for (const r of emulator.control.requests()) if (r.path.startsWith('/datacube/')) counts[r.path.slice('/datacube/'.length)] = (counts[r.path.slice('/datacube/'.length)] ?? 0) + 1;
  return counts;
};
const SLOW = { timeout: 180_000 };
const yesterday = () => beijingYesterday(Date.now());

beforeAll(async () => {
  ({ emulator, root, env } = await startAccountCli(APP));
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => emulator.control.resetRequests());

describe('wxmp stats', SLOW, () => {
  it('users: 21 days are 3 + 3 calls (7 days each), merged into one row per day', async () => {
    const to = yesterday();
    const from = addDays(to, -20);
    const result = await cli('stats', 'users', '--from', from, '--to', to, '--json');
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout);
    expect(rows.map((r: { ref_date: string }) => r.ref_date)).toEqual(eachDate(from, to));
    expect(rows[0]).toEqual({ ref_date: from, new_user: expect.any(Number), cancel_user: expect.any(Number), net_user: expect.any(Number), cumulate_user: expect.any(Number) });
    for (const r of rows) expect(r.net_user).toBe(r.new_user - r.cancel_user);
    expect(datacubeCalls()).toEqual({ getusersummary: 3, getusercumulate: 3 });
    expect(result.stderr).toMatch(/getusersummary ×3, getusercumulate ×3/);
  });

  it('an end after yesterday is moved back to yesterday, and the command says so', async () => {
    const to = addDays(yesterday(), 5);
    const from = addDays(yesterday(), -3);
    const result = await cli('stats', 'users', '--from', from, '--to', to, '--json');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`--to ${to} is later than yesterday in Beijing time: showing ${from} … ${yesterday()}`);
    const rows = JSON.parse(result.stdout);
    expect(rows.at(-1).ref_date).toBe(yesterday());
    expect(rows).toHaveLength(4);
    expect(datacubeCalls()).toEqual({ getusersummary: 1, getusercumulate: 1 });
  });

  it('reads: 3 days a call; a table with a bar chart, or CSV', async () => {
    const to = yesterday();
    const from = addDays(to, -9);
    const table = await cli('stats', 'reads', '--from', from, '--to', to);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^date\s+readers\s+reads\s+shares\s+favourites\s+阅读原文\n/);
    expect(table.stdout).toContain('readers per day');
    expect(table.stdout).toMatch(new RegExp(`${from} +\\d+ [█▏▎▍▌▋▊▉]*\\n`));
    expect(table.stdout).toContain('█');
    expect(datacubeCalls()).toEqual({ getuserread: 4 });

    emulator.control.resetRequests();
    const csv = await cli('stats', 'reads', '--from', from, '--to', to, '--csv');
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('date,readers,reads,shares,favourites,阅读原文');
    expect(lines).toHaveLength(11);
    expect(lines[1]).toMatch(new RegExp(`^${from},\\d+,\\d+,\\d+,\\d+,\\d+$`));
    expect(csv.stdout).not.toContain('█');
  });

  it('articles: one day a call, the old API before 2025-11-01 and the 2025 APIs from then on', async () => {
    const result = await cli('stats', 'articles', '--from', '2025-10-29', '--to', '2025-11-02', '--json');
    expect(result.code).toBe(0);
    expect(datacubeCalls()).toEqual({ getarticlesummary: 3, getarticleread: 2, getarticleshare: 2 });
    const rows = JSON.parse(result.stdout) as { ref_date: string; msgid: string; title: string; read_user: number; fav_user: number | null }[];
    for (const r of rows) {
      expect(r.msgid).toMatch(/^\d+_\d+$/);
      expect(r.ref_date >= '2025-10-29' && r.ref_date <= '2025-11-02').toBe(true);
      expect(r.fav_user === null).toBe(r.ref_date >= '2025-11-01');
    }
    expect(rows.length).toBeGreaterThan(0);
  });

  it('refuses malformed dates and a range with no data yet, before any request; --json and --csv together', async () => {
    const bad = await cli('stats', 'users', '--from', '2026-02-30');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--from must be a date written YYYY-MM-DD \(got "2026-02-30"\)/);
    const future = await cli('stats', 'reads', '--from', addDays(yesterday(), 1));
    expect(future.code).toBe(1);
    expect(future.stderr).toMatch(/has no data yet: the latest day with statistics is yesterday in Beijing time/);
    const both = await cli('stats', 'users', '--json', '--csv');
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/choose one/);
    expect(emulator.control.requests().filter((r) => !r.path.startsWith('/__emulator'))).toEqual([]);
  });

  it('a WeChat error is printed with its errcode, errmsg and what to do', async () => {
    emulator.control.setFaults({ exhaustedQuota: ['/datacube/getusersummary'] });
    try {
      const result = await cli('stats', 'users');
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/datacube\/getusersummary: errcode 45009 reach max api daily quota limit/);
      expect(result.stderr).toMatch(/hint: /);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      emulator.control.setFaults({ exhaustedQuota: [] });
    }
  });

  it('--help has examples', async () => {
    const help = await cli('stats', 'users', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:\n\s+wxmp stats users --from/);
  });
});

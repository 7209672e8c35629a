/** `wxmp followers` as a process against the emulator (25 000 generated followers + alice and bob; carol unfollowed). */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { WeChatClient } from '../../src/wechat/client.js';
import { runCli } from '../helpers/cli.js';
import { startAccountCli } from '../helpers/account-cli.js';

const APP = { appId: 'wxfans000000000001', appSecret: 'followers-cli-secret-0123456789ab' };
const FOLLOWERS = 25_002;
const ALICE = 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M';
let emulator: RunningEmulator;
let root: string;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCli([...args, '--root', root], { env });
const count = (p: string) => emulator.control.requests().filter((r) => r.path === p).length;
const SLOW = { timeout: 300_000 };

beforeAll(async () => {
  ({ emulator, root, env } = await startAccountCli(APP));
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => emulator.control.resetRequests());

/** The records of a CSV export (RFC 4180: quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else if (ch !== '\r') field += ch;
  }
  return rows;
}

describe('wxmp followers', SLOW, () => {
  it('without --out: the count and the first rows (one user/get, one batchget)', async () => {
    const table = await cli('followers', '--limit', '5');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^${FOLLOWERS} followers\nopenid\\s+followed\\s+scene\\s+tags\\s+remark\n`));
    expect(table.stdout.trim().split('\n')).toHaveLength(2 + 5);
    expect(count('/cgi-bin/user/get')).toBe(1);
    expect(count('/cgi-bin/user/info/batchget')).toBe(1);

    const json = JSON.parse((await cli('followers', '--json', '--limit', '3')).stdout);
    expect(json.total).toBe(FOLLOWERS);
    expect(json.followers).toHaveLength(3);
    expect(json.followers[0]).toMatchObject({ subscribe: 1, openid: expect.stringMatching(/^[A-Za-z0-9_-]{28}$/) });
  });

  it('--out file.csv: every follower over every user/get page and many batchget calls, UTF-8 with BOM, a header, tags', async () => {
    // Alice carries two tags: the CSV lists them as "a;b".
    const client = new WeChatClient({ ...APP, apiBase: emulator.url, tokenCache: false });
    const tags: number[] = [];
    for (const name of ['读者', '同事']) {
      const { tag } = await client.call<{ tag: { id: number } }>({ path: 'cgi-bin/tags/create', json: { tag: { name } } });
      await client.call({ path: 'cgi-bin/tags/members/batchtagging', json: { openid_list: [ALICE], tagid: tag.id } });
      tags.push(tag.id);
    }
    const total = (await client.user.list()).total;
    expect(total).toBe(FOLLOWERS);
    emulator.control.resetRequests();

    const out = path.join(root, 'followers.csv');
    const result = await cli('followers', '--out', out);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/followers: page of 10000 openids done/);
    expect(result.stderr).toMatch(new RegExp(`wrote ${total} followers to .*followers\\.csv`));
    const bytes = readFileSync(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.toString('utf8').slice(1));
    expect(rows[0]).toEqual(['openid', 'subscribe', 'subscribe_time', 'subscribe_scene', 'qr_scene', 'qr_scene_str', 'tagid_list', 'remark', 'unionid', 'language']);
    expect(rows).toHaveLength(total + 1);
    expect(new Set(rows.slice(1).map((r) => r[0])).size).toBe(total);
    expect(rows.find((r) => r[0] === ALICE)?.[6]).toBe(tags.join(';'));
    expect(rows[1]![2]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    // 3 pages of openids (10 000 + 10 000 + the rest) and one call after the last; 100 profiles a batchget call.
    expect(count('/cgi-bin/user/get')).toBeGreaterThanOrEqual(3);
    expect(count('/cgi-bin/user/info/batchget')).toBe(Math.ceil(10_000 / 100) * 2 + Math.ceil((total - 20_000) / 100));
  });

  it('--out file.jsonl: one follower per line; --resume skips the openids already there and mends a cut-off line', async () => {
    const out = path.join(root, 'followers.jsonl');
    const first = await cli('followers', '--out', out, '--json');
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ file: out, format: 'jsonl', written: summary.total, skipped: 0 });
    const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(summary.total);
    expect(JSON.parse(lines[0]!)).toMatchObject({ subscribe: 1, openid: expect.any(String) });

    // An export interrupted after 12 345 followers, in the middle of a line.
    writeFileSync(out, `${lines.slice(0, 12_345).join('\n')}\n${lines[12_345]!.slice(0, 20)}`);
    emulator.control.resetRequests();
    const resumed = await cli('followers', '--out', out, '--resume', '--json');
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/resuming: 12345 followers already in/);
    expect(resumed.stderr).toMatch(/removed an incomplete last record/);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ written: summary.total - 12_345, skipped: 12_345 });
    const after = readFileSync(out, 'utf8').split('\n').filter(Boolean);
    expect(after).toHaveLength(summary.total);
    expect(new Set(after.map((l) => JSON.parse(l).openid)).size).toBe(summary.total);
    // Batches are cut per user/get page: page 1 is all in the file, page 2 has 7 655 left, page 3 the rest.
    expect(count('/cgi-bin/user/info/batchget')).toBe(Math.ceil((20_000 - 12_345) / 100) + Math.ceil((summary.total - 20_000) / 100));
  });

  it('--resume on a CSV export keeps its BOM and header and appends the missing followers', async () => {
    const out = path.join(root, 'followers.csv');
    const full = readFileSync(out, 'utf8');
    const records = full.split('\r\n');
    // The header and 250 followers, then a record cut off in the middle.
    writeFileSync(out, `${records.slice(0, 251).join('\r\n')}\r\n${records[251]!.slice(0, 10)}`);
    const resumed = await cli('followers', '--out', out, '--resume');
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/resuming: 250 followers already in/);
    const rows = parseCsv(readFileSync(out, 'utf8').slice(1));
    expect(rows[0]![0]).toBe('openid');
    expect(rows.filter((r) => r[0] === 'openid')).toHaveLength(1);
    expect(rows).toHaveLength(FOLLOWERS + 1);
    expect(new Set(rows.slice(1).map((r) => r[0])).size).toBe(FOLLOWERS);
    expect(readFileSync(out).subarray(0, 3).toString('hex')).toBe('efbbbf');
  });

  it('refuses an unknown format and --resume without --out; a WeChat error names the errcode and what to do', async () => {
    const format = await cli('followers', '--out', path.join(root, 'followers.xlsx'));
    expect(format.code).toBe(1);
    expect(format.stderr).toMatch(/end it in \.csv or \.jsonl/);
    const resume = await cli('followers', '--resume');
    expect(resume.code).toBe(1);
    expect(resume.stderr).toMatch(/--resume needs --out/);
    expect(count('/cgi-bin/user/get')).toBe(0);

    emulator.control.setFaults({ exhaustedQuota: ['/cgi-bin/user/get'] });
    try {
      const quota = await cli('followers', '--out', path.join(root, 'quota.csv'));
      expect(quota.code).toBe(1);
      expect(quota.stderr).toMatch(/cgi-bin\/user\/get: errcode 45009 reach max api daily quota limit/);
      expect(quota.stderr).toMatch(/hint: .*quota/);
      expect(quota.stderr).toMatch(/run again with --resume/);
      expect(quota.stderr).not.toMatch(/\n\s+at /);
    } finally {
      emulator.control.setFaults({ exhaustedQuota: [] });
    }
  });
});

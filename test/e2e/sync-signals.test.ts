/**
 * A sync stopped by a signal (Ctrl-C, or SIGTERM when CI cancels a job) exits 128 + the signal number, says it was
 * interrupted, leaves a valid lock file, and the next run finishes without duplicate drafts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { cleanEnv, runCli, startCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';

const APP = { appId: 'wxsig0000000000001', appSecret: 'signals-secret-0123456789abcdef' };
const POSTS = 9;
let cacheHome: string;
let emulator: RunningEmulator | undefined;

beforeAll(() => {
  cacheHome = mkdtempSync(path.join(tmpdir(), 'wxmp-cache-'));
});
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});
afterAll(() => rmSync(cacheHome, { recursive: true, force: true }));

const envFor = (emu: RunningEmulator) =>
  cleanEnv({ WXMP_API_BASE: emu.url, WECHAT_APP_ID: APP.appId, WECHAT_APP_SECRET: APP.appSecret, XDG_CACHE_HOME: cacheHome });

const successCount = (emu: RunningEmulator, endpoint: string) =>
  emu.control.requests().filter((r) => r.path === `/cgi-bin/${endpoint}` && !r.errcode && r.status === 200).length;

/** Titles of every draft in the account, read over HTTP like any client. */
async function draftTitles(emu: RunningEmulator): Promise<string[]> {
  const token = (await (await fetch(`${emu.url}/cgi-bin/stable_token`, { method: 'POST', body: JSON.stringify({ grant_type: 'client_credential', appid: APP.appId, secret: APP.appSecret }) })).json()).access_token;
  const titles: string[] = [];
  for (let offset = 0; ; offset += 20) {
    const page = await (await fetch(`${emu.url}/cgi-bin/draft/batchget?access_token=${token}`, { method: 'POST', body: JSON.stringify({ offset, count: 20, no_content: 1 }) })).json();
    titles.push(...page.item.map((i: { content: { news_item: { title: string }[] } }) => i.content.news_item[0]!.title));
    if (page.item.length < 20) return titles.sort();
  }
}

/** Resolves once `condition` holds (polled every millisecond, so the signal lands right after it). */
function when(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (!condition()) return;
      clearInterval(timer);
      resolve();
    }, 1);
  });
}

describe('sync stopped by a signal', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s mid-run: exit %i, "interrupted", a valid lock file, and no duplicate draft on the next run', async (signal, exitCode) => {
    const root = await makeRepo({ posts: POSTS });
    writeFileSync(path.join(root, 'wxmp.config.mjs'), 'export default { retry: { attempts: 8, baseDelayMs: 5, maxDelayMs: 20 } };\n');
    // Slow answers keep the run going long enough to be interrupted in the middle.
    emulator = await startEmulator({ accounts: [APP], faults: { latencyMs: 40 } });
    const emu = emulator;
    const { child, done } = startCli(['sync', '--root', root, '--concurrency', '2'], { env: envFor(emu) });
    await when(() => successCount(emu, 'draft/add') >= 3);
    child.kill(signal);
    const stopped = await done;

    expect(stopped.signal).toBeNull();
    expect(stopped.code, stopped.stderr).toBe(exitCode);
    expect(stopped.stderr).toMatch(/interrupted/i);
    expect(stopped.stdout + stopped.stderr).not.toContain(APP.appSecret);
    const lock = JSON.parse(readFileSync(path.join(root, 'wxmp.lock.json'), 'utf8'));
    expect(lock.version).toBe(1);
    expect(successCount(emu, 'draft/add')).toBeLessThan(POSTS); // it was stopped before the end

    emu.control.setFaults({ latencyMs: 0 });
    const rerun = await runCli(['sync', '--root', root, '--json'], { env: envFor(emu) });
    expect(rerun.code, rerun.stderr).toBe(0);
    const titles = await draftTitles(emu);
    expect(titles).toHaveLength(POSTS);
    expect(new Set(titles).size).toBe(POSTS);
    expect(successCount(emu, 'draft/add')).toBe(POSTS);
  }, 120_000);
});

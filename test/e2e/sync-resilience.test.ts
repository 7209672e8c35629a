/**
 * Sync under failure: the CLI process is killed, the network fails, tokens are revoked. The end state must be the
 * same as a clean run: one draft per post, one upload per image, nothing lost.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { spawnSync } from 'node:child_process';
import { cleanEnv, repoRoot, runCli, startCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';

const APP = { appId: 'wxres0000000000001', appSecret: 'resilience-secret-0123456789abcdef' };
let cacheHome: string;
let emulator: RunningEmulator | undefined;

beforeAll(() => {
  cacheHome = mkdtempSync(path.join(tmpdir(), 'wxmp-cache-'));
});
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const envFor = (emu: RunningEmulator) =>
  cleanEnv({ WXMP_API_BASE: emu.url, WECHAT_APP_ID: APP.appId, WECHAT_APP_SECRET: APP.appSecret, XDG_CACHE_HOME: cacheHome });

/** Fast retries for tests (the defaults wait 400 ms and up). */
function fastRetries(root: string, attempts = 8): void {
  writeFileSync(path.join(root, 'wxmp.config.mjs'), `export default { retry: { attempts: ${attempts}, baseDelayMs: 5, maxDelayMs: 20 } };\n`);
}

async function syncJson(root: string, emu: RunningEmulator) {
  const result = await runCli(['sync', '--root', root, '--json'], { env: envFor(emu) });
  return { ...result, report: JSON.parse(result.stdout || '{}') };
}

/** What the account holds, read over HTTP like any client would. */
async function remoteState(emu: RunningEmulator) {
  const token = (await (await fetch(`${emu.url}/cgi-bin/stable_token`, { method: 'POST', body: JSON.stringify({ grant_type: 'client_credential', appid: APP.appId, secret: APP.appSecret }) })).json()).access_token;
  const titles: string[] = [];
  for (let offset = 0; ; offset += 20) {
    const page = await (await fetch(`${emu.url}/cgi-bin/draft/batchget?access_token=${token}`, { method: 'POST', body: JSON.stringify({ offset, count: 20, no_content: 1 }) })).json();
    titles.push(...page.item.map((i: { content: { news_item: { title: string }[] } }) => i.content.news_item[0]!.title));
    if (page.item.length < 20) break;
  }
  const materials = await (await fetch(`${emu.url}/cgi-bin/material/get_materialcount?access_token=${token}`)).json();
  return { titles: titles.sort(), images: materials.image_count as number };
}

const successCount = (emu: RunningEmulator, p: string) => emu.control.requests().filter((r) => r.path === `/cgi-bin/${p}` && !r.errcode && r.status === 200).length;

describe('sync resilience', () => {
  it('a sync killed with SIGKILL mid-run and run again makes no duplicate draft or cover', async () => {
    const root = await makeRepo({ posts: 9 });
    fastRetries(root);
    emulator = await startEmulator({ accounts: [APP], faults: { latencyMs: 25 } });
    const emu = emulator;
    const { child, done } = startCli(['sync', '--root', root, '--concurrency', '2'], { env: envFor(emu) });
    // Kill the moment WeChat has created the third draft: its answer may or may not have reached the lock file.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (successCount(emu, 'draft/add') >= 3) {
          child.kill('SIGKILL');
          clearInterval(timer);
          resolve();
        }
      }, 1);
    });
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    const lockAfterKill = JSON.parse(readFileSync(path.join(root, 'wxmp.lock.json'), 'utf8'));
    expect(lockAfterKill.version).toBe(1); // never torn

    emu.control.setFaults({ latencyMs: 0 });
    const rerun = await syncJson(root, emu);
    expect(rerun.code).toBe(0);
    const state = await remoteState(emu);
    expect(state.titles).toHaveLength(9);
    expect(new Set(state.titles).size).toBe(9);
    expect(state.images).toBe(3); // three distinct covers, each a permanent material once
    expect(successCount(emu, 'draft/add')).toBe(9);
    expect(successCount(emu, 'material/add_material')).toBe(3);
    // uploadimg has no listing API: only an upload whose answer was lost at the kill can be repeated.
    expect(successCount(emu, 'media/uploadimg')).toBeGreaterThanOrEqual(10);
    expect(successCount(emu, 'media/uploadimg')).toBeLessThanOrEqual(11);
    const again = await syncJson(root, emu);
    expect(again.report.requests).toBe(0);
  });

  it('one sync at a time per repo; a lock left by a killed sync is taken over', async () => {
    const root = await makeRepo({ posts: 3 });
    fastRetries(root);
    emulator = await startEmulator({ accounts: [APP], faults: { latencyMs: 2000 } });
    const first = startCli(['sync', '--root', root], { env: envFor(emulator) });
    // Wait until the first sync is talking to WeChat (it holds the lock by then). Each call takes 2 s, so the
    // first run is still going when the second one starts, however loaded the machine.
    while (emulator.control.requests().length === 0) await new Promise((r) => setTimeout(r, 20));
    const second = await runCli(['sync', '--root', root], { env: envFor(emulator) });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/another `wxmp sync` on .* is already running \(pid \d+\)/);
    expect((await first.done).code).toBe(0);
    // A stale lock (its process is gone) does not block.
    mkdirSync(path.join(root, '.wxmp'), { recursive: true });
    writeFileSync(path.join(root, '.wxmp', 'sync.pid'), '999999\n');
    emulator.control.setFaults({ latencyMs: 0 });
    const third = await runCli(['sync', '--root', root, '--json'], { env: envFor(emulator) });
    expect(third.code).toBe(0);
    expect(JSON.parse(third.stdout).summary).toMatchObject({ UNCHANGED: 3 });
  }, 90_000);

  it('20 % injected transient failures reach the same end state as a clean run', async () => {
    const root = await makeRepo({ posts: 6 });
    fastRetries(root);
    emulator = await startEmulator({ accounts: [APP], faults: { failureRate: 0.2, seed: 42 } });
    const { code, report } = await syncJson(root, emulator);
    expect(code).toBe(0);
    expect(report.summary).toMatchObject({ CREATED: 6, FAILED: 0 });
    const failures = emulator.control.requests().filter((r) => r.errcode === -1 || r.status === 503).length;
    expect(failures).toBeGreaterThan(0);
    emulator.control.setFaults({ failureRate: 0 });
    const state = await remoteState(emulator);
    expect(state.titles).toHaveLength(6);
    expect(state.images).toBe(2);
    expect(successCount(emulator, 'media/uploadimg')).toBe(7);
  });

  it('tokens revoked mid-run: one refresh, the run completes', async () => {
    const root = await makeRepo({ posts: 4 });
    fastRetries(root);
    emulator = await startEmulator({ accounts: [APP], faults: { revokeTokensAtCall: 4 } });
    const { code, report } = await syncJson(root, emulator);
    expect(code).toBe(0);
    expect(report.summary).toMatchObject({ CREATED: 4, FAILED: 0 });
    const requests = emulator.control.requests();
    expect(requests.filter((r) => r.errcode === 40001).length).toBeGreaterThan(0);
    expect(requests.filter((r) => r.path === '/cgi-bin/stable_token').length).toBe(2);
    expect((await remoteState(emulator)).titles).toHaveLength(4);
  });

  it('stops calling an account after a fatal error (quota), and says what to do', async () => {
    const root = await makeRepo({ posts: 3 });
    fastRetries(root);
    emulator = await startEmulator({ accounts: [APP], faults: { exhaustedQuota: ['/cgi-bin/media/uploadimg'] } });
    const result = await runCli(['sync', '--root', root, '--json', '--concurrency', '2'], { env: envFor(emulator) });
    const { code } = result;
    const report = JSON.parse(result.stdout);
    expect(code).toBe(1);
    expect(report.summary.FAILED).toBe(3);
    const first = report.posts.find((p: { error: { errcode?: number } | null }) => p.error?.errcode === 45009);
    expect(first.error.hint).toMatch(/quota/i);
    // Requests already in flight when the first 45009 arrived may still be answered; no new one is sent after it.
    expect(emulator.control.requests().filter((r) => r.path === '/cgi-bin/media/uploadimg').length).toBeLessThanOrEqual(2);
  });
});

describe('plan, reconcile and the sandbox', () => {
  it('plan needs no credentials and no network, and lists what would change', async () => {
    const root = await makeRepo({ posts: 2 });
    const result = await runCli(['plan', '--root', root, '--json'], { env: cleanEnv({ XDG_CACHE_HOME: cacheHome }) });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.mode).toBe('plan');
    expect(report.requests).toBe(0);
    expect(report.posts.map((p: { status: string }) => p.status)).toEqual(['CREATED', 'CREATED']);
    expect(report.posts[0].pendingUploads).toEqual({ count: 3, bytes: expect.any(Number) });
  });

  it('reconcile adopts drafts by title when the lock file is lost', async () => {
    const root = await makeRepo({ posts: 3 });
    fastRetries(root);
    emulator = await startEmulator({ accounts: [APP] });
    expect((await syncJson(root, emulator)).code).toBe(0);
    rmSync(path.join(root, 'wxmp.lock.json'));
    const reconciled = await runCli(['reconcile', '--root', root, '--json'], { env: envFor(emulator) });
    expect(reconciled.code).toBe(0);
    expect(JSON.parse(reconciled.stdout).posts.map((p: { status: string }) => p.status)).toEqual(['ADOPTED', 'ADOPTED', 'ADOPTED']);
    emulator.control.resetRequests();
    const after = await syncJson(root, emulator);
    expect(after.report.summary).toMatchObject({ UPDATED: 3, CREATED: 0 });
    expect(successCount(emulator, 'draft/add')).toBe(0);
    expect((await remoteState(emulator)).titles).toHaveLength(3);
  });

  it('without credentials, sync runs in the sandbox, says so, and writes previews', async () => {
    const root = await makeRepo({ posts: 2 });
    const env = cleanEnv({ XDG_CACHE_HOME: cacheHome });
    const first = await runCli(['sync', '--root', root], { env });
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/SANDBOX MODE/);
    expect(first.stderr).toMatch(/WECHAT_APP_ID=/);
    const previews = [...first.stderr.matchAll(/(file:\/\/\S+\.html)/g)].map((m) => fileURLToPath(m[1]!));
    expect(previews).toHaveLength(2);
    const html = readFileSync(previews[0]!, 'utf8');
    expect(html).toMatch(/src="media\/[^"]+\.png"/);
    // The real lock file is untouched; the sandbox keeps its own.
    expect(() => readFileSync(path.join(root, 'wxmp.lock.json'))).toThrow();
    const second = await runCli(['sync', '--root', root, '--json'], { env });
    expect(JSON.parse(second.stdout)).toMatchObject({ mode: 'sandbox', requests: 0, summary: { UNCHANGED: 2 } });
  });

  it('a fresh clone of this repo syncs its sample posts into the sandbox, without any credentials', async () => {
    const clone = path.join(mkdtempSync(path.join(tmpdir(), 'wxmp-clone-')), 'wxmp');
    const cloned = spawnSync('git', ['clone', '--quiet', '--depth', '1', `file://${repoRoot}`, clone], { encoding: 'utf8' });
    expect(cloned.status, cloned.stderr).toBe(0);
    const env = cleanEnv({ XDG_CACHE_HOME: cacheHome });
    const result = await runCli(['sync', '--root', clone], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/SANDBOX MODE/);
    expect(result.stderr).toMatch(/CREATED\s+posts\/hello-wxmp\.md/);
    expect(result.stderr).toMatch(/SKIPPED\s+posts\/draft-idea\.md/);
    expect(result.stderr).toMatch(/Preview the sandbox drafts:/);
    // Nothing the sandbox writes is tracked by git: the clone stays clean.
    const status = spawnSync('git', ['status', '--porcelain'], { cwd: clone, encoding: 'utf8' });
    expect(status.stdout).toBe('');
  });
});

/** The run of `wxmp sync` / `wxmp plan` (src/cli/commands/sync.ts): options → session → engine → report. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pc from 'picocolors';
import { announceApiBase } from '../config/api-base.js';
import type { AccountSession, ResolvedAccount } from '../account/index.js';
import { RenderPool } from '../render/pool.js';
import { syncPosts, type PostResult, type SyncEvent } from '../sync/engine.js';
import type { LockStore } from '../sync/lock.js';
import { sandboxDir, sandboxPreviewFile, writeSandboxPreview } from '../sync/sandbox.js';
import { LockedError } from '../util/process-lock.js';
import { plural, printJson, UserError } from './output.js';
import { loadProject, noPostsMessage, selectPosts } from './project.js';
import { openCliSession } from './session.js';
import { countStatuses, printMessages, printTable, reportToGitHub, resultToJson, summarize } from './sync-report.js';
import type { SyncCliOptions } from './commands/sync.js';

export async function runSync(patterns: string[], options: SyncCliOptions): Promise<number> {
  const project = await loadProject(options);
  const { root, config } = project;
  const files = await selectPosts(project, patterns);
  if (files.length === 0) throw new UserError(noPostsMessage(patterns, config.include, root));
  const dryRun = options.dryRun === true;
  const concurrency = options.concurrency ? Number.parseInt(options.concurrency, 10) : config.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UserError(`--concurrency must be a positive integer (got ${options.concurrency})`);

  const session = await openCliSession({ root, config, sandbox: options.sandbox, readOnly: dryRun, concurrency }, 'wxmp sync --help');
  const sandboxMode = session.mode === 'sandbox';
  // The sandbox's own emulator is not announced: its banner says where drafts go.
  if (!sandboxMode && !dryRun) for (const account of session.accounts.values()) announceApiBase(account.apiBase, account.proxy);
  const out = process.stderr;
  if (sandboxMode && !options.json) printSandboxBanner(out, dryRun);
  try {
    // One sync at a time per repo (and per sandbox): two would both create a draft for a new post. A plan sends nothing.
    acquireRunLock(session);
    const started = Date.now();
    const results = await runEngine(files, session, options, concurrency, out);
    const previews = sandboxMode && !dryRun ? await sandboxPreviews(session, results) : new Map<string, string>();
    const report: SyncReport = { results, previews, seconds: (Date.now() - started) / 1000, patterns, dryRun };
    if (options.json) printJsonReport(session, report);
    else printTextReport(session, report, { verbose: options.verbose === true, quiet: options.quiet === true }, out);
    reportToGitHub(results, root, dryRun ? 'wxmp plan' : 'wxmp sync');
    return countStatuses(results).FAILED > 0 ? 1 : 0;
  } finally {
    await session.close();
  }
}

function acquireRunLock(session: AccountSession): void {
  try {
    session.acquireRunLock();
  } catch (error) {
    if (error instanceof LockedError) throw new UserError(error.message);
    throw error;
  }
}

/** The engine with progress on stderr, worker threads for many posts, and Ctrl-C / SIGTERM handled. */
async function runEngine(files: string[], session: AccountSession, options: SyncCliOptions, concurrency: number, out: NodeJS.WriteStream): Promise<PostResult[]> {
  const dryRun = session.readOnly;
  const progress = createProgress(out, options.json === true || options.quiet === true, dryRun);
  // Worker threads start only when a post needs rendering; with few posts, rendering in this thread is as fast.
  const renderPool = new RenderPool({ root: session.root, config: session.config, batch: files.length });
  // Ctrl-C and CI cancellation (SIGTERM) stop the same way: flush the lock file (a call in flight has its pending
  // marker in it, so the next run finds its draft instead of creating another), then exit 128 + the signal number.
  const stopHandlers = onStopSignals((code) => {
    progress.clear();
    out.write(pc.yellow('\nInterrupted. Everything done so far is recorded in the lock file: run the same command again to resume.\n'));
    void settleWithin(STOP_GRACE_MS, dryRun ? [] : [session.lock.save(), session.close()]).finally(() => process.exit(code));
  });
  try {
    return await syncPosts(files, session, {
      force: options.force,
      verify: options.verify,
      concurrency,
      collectImages: session.mode === 'sandbox' && !dryRun,
      renderPool,
      onEvent: progress.onEvent,
    });
  } finally {
    stopHandlers.remove();
    progress.clear();
    await renderPool.close();
  }
}

/** Preview pages of the sandbox drafts: written for drafts sent now, kept from earlier runs for unchanged ones. */
async function sandboxPreviews(session: AccountSession, results: PostResult[]): Promise<Map<string, string>> {
  const previews = new Map<string, string>();
  const sandbox = session.sandbox;
  if (sandbox) {
    const { buildPostPage } = await import('../preview/page.js');
    const client = await session.client(session.accounts.get('sandbox')!);
    for (const result of results) {
      if (!result.mediaId || !result.imageBytes) continue;
      const file = await writeSandboxPreview(sandbox, client, result.mediaId, result.imageBytes, (entry) =>
        buildPostPage({ ...entry, href: '', errors: 0, warnings: 0 }), result.source);
      previews.set(result.source, file);
    }
  }
  for (const result of results) {
    const file = sandboxPreviewFile(sandboxDir(session.root), result.source);
    if (result.mediaId && !previews.has(result.source) && existsSync(file)) previews.set(result.source, file);
  }
  return previews;
}

interface SyncReport {
  results: PostResult[];
  previews: Map<string, string>;
  seconds: number;
  patterns: string[];
  dryRun: boolean;
}

/** Drafts of posts that are no longer in the repo: reported, never deleted (a draft may have been edited in WeChat). */
function orphansOf(session: AccountSession, report: SyncReport) {
  return report.patterns.length === 0 ? findOrphans(session.lock, [...session.accounts.values()], new Set(report.results.map((r) => r.source))) : [];
}

function printJsonReport(session: AccountSession, report: SyncReport): void {
  const { results, previews, dryRun } = report;
  printJson({
    mode: dryRun ? 'plan' : session.mode,
    root: session.root,
    lockFile: session.lockFileLabel,
    requests: dryRun ? 0 : session.requests,
    seconds: report.seconds,
    summary: countStatuses(results),
    posts: results.map((r) => ({ ...resultToJson(r), preview: previews.get(r.source) ?? null })),
    orphans: orphansOf(session, report),
  });
}

function printTextReport(session: AccountSession, report: SyncReport, options: { verbose: boolean; quiet: boolean }, out: NodeJS.WriteStream): void {
  const { verbose, quiet } = options;
  const { results, previews, dryRun } = report;
  const sandboxMode = session.mode === 'sandbox';
  const counts = countStatuses(results);
  // Quiet: only the rows that need attention.
  const rows = quiet ? results.filter((r) => r.status === 'FAILED') : results;
  printTable(rows, { dryRun, showAccount: session.accounts.size > 1 }, out);
  printMessages(results, verbose, out);
  const summary = summarize(counts, dryRun);
  const requests = dryRun ? 'no requests' : plural(session.requests, 'request');
  out.write(`\n${dryRun ? 'Plan (nothing sent)' : sandboxMode ? 'Sandbox sync' : 'Sync'}: ${summary || 'no posts'} · ${requests} · ${report.seconds.toFixed(2)} s\n`);
  const orphans = orphansOf(session, report);
  if (orphans.length) {
    out.write(`\n${pc.yellow(`${plural(orphans.length, 'draft')} ${orphans.length === 1 ? 'belongs' : 'belong'} to posts no longer in the repo`)} (left in WeChat; delete them in the web UI if they are not needed):\n`);
    for (const o of orphans) out.write(`  ${o.source}  ${pc.dim(`${o.account} ${o.mediaId}`)}\n`);
  }
  if (previews.size) {
    out.write(`\n${pc.bold('Preview the sandbox drafts:')}\n`);
    // A file: URL (spaces and CJK percent-encoded) stays one clickable link in a terminal.
    for (const [source, file] of previews) out.write(`  ${source}  ${pc.cyan(pathToFileURL(file).href)}\n`);
  }
  if (sandboxMode && !dryRun) printSandboxFooter(out);
}

/** The command to run again, as the user ran it: `npm run sync` from an npm script, else the wxmp command line. */
function rerunCommand(): string {
  const script = process.env.npm_lifecycle_event;
  if (script && script !== 'npx') return `npm run ${script}`;
  return ['wxmp', ...process.argv.slice(2).filter((arg) => arg !== '--sandbox')].join(' ');
}

/** Exit codes of a sync stopped by a signal: 128 + its number, as a shell reports it. */
const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;
/** How long an interrupted sync may take to flush its lock file before it exits anyway. */
const STOP_GRACE_MS = 3000;

/**
 * Calls `stop` with the exit code on the first SIGINT or SIGTERM; a second signal while stopping exits at once with
 * its own code. `remove()` restores the default behaviour.
 */
function onStopSignals(stop: (exitCode: number) => void): { remove(): void } {
  let stopping = false;
  const listeners = Object.entries(STOP_SIGNALS).map(([signal, code]) => {
    const listener = () => {
      if (stopping) process.exit(code);
      stopping = true;
      stop(code);
    };
    process.on(signal, listener);
    return { signal, listener };
  });
  return {
    remove: () => {
      for (const { signal, listener } of listeners) process.removeListener(signal, listener);
    },
  };
}

/** Waits for every task to settle, or for `ms`, whichever comes first. */
async function settleWithin(ms: number, tasks: (Promise<unknown> | undefined)[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([Promise.allSettled(tasks), timeout]);
  clearTimeout(timer);
}

function printSandboxBanner(out: NodeJS.WriteStream, dryRun: boolean): void {
  const lines = [
    pc.bold(pc.yellow('SANDBOX MODE')) + pc.yellow(' — no WeChat credentials are configured.'),
    dryRun
      ? 'Planning against the sandbox lock (.wxmp/sandbox/wxmp.lock.json).'
      : 'Syncing into wxmp\'s built-in WeChat emulator (state in .wxmp/sandbox/), not into a real 公众号.',
  ];
  out.write(`${lines.join('\n')}\n\n`);
}

function printSandboxFooter(out: NodeJS.WriteStream): void {
  out.write(
    `\n${pc.yellow('This was the sandbox.')} To sync into your real account, set your AppID and AppSecret
(公众平台 → 设置与开发 → 基本配置) in the environment or in a .env file next to your posts:
  WECHAT_APP_ID=wx…
  WECHAT_APP_SECRET=…
and add this machine's IP to the API IP whitelist there (errcode 40164 otherwise). Then run \`${rerunCommand()}\` again.\n`,
  );
}

/** A live progress line on a terminal; one line per finished post otherwise (CI logs). */
function createProgress(out: NodeJS.WriteStream, silent: boolean, dryRun: boolean) {
  const tty = Boolean(out.isTTY) && !silent;
  let last = '';
  const write = (text: string) => {
    if (!tty) return;
    const line = text.length > (out.columns ?? 100) - 1 ? `${text.slice(0, (out.columns ?? 100) - 2)}…` : text;
    out.write(`\r\x1b[2K${line}`);
    last = line;
  };
  return {
    onEvent(event: SyncEvent) {
      if (silent) return;
      if (event.type === 'post') write(`${pc.dim('…')} ${event.source}: ${event.phase}`);
      if (event.type === 'result') {
        const r = event.result;
        if (tty) write(`[${event.done}/${event.total}] ${r.status} ${r.source}`);
        else if (r.status !== 'UNCHANGED' || dryRun) out.write(`[${event.done}/${event.total}] ${r.status.padEnd(9)} ${r.source}${r.error ? ` — ${r.error.message}` : ''}\n`);
      }
    },
    clear() {
      if (tty && last) out.write('\r\x1b[2K');
      last = '';
    },
  };
}

/** Lock entries with a draft whose post file is gone (only meaningful when the whole include set was synced). */
function findOrphans(lock: LockStore, accounts: ResolvedAccount[], sources: Set<string>): { source: string; account: string; mediaId: string }[] {
  const orphans: { source: string; account: string; mediaId: string }[] = [];
  for (const account of accounts) {
    for (const [source, entry] of Object.entries(lock.peekAccount(account.appId)?.posts ?? {})) {
      if (!sources.has(source) && entry.mediaId && entry.status === 'draft') orphans.push({ source, account: account.name, mediaId: entry.mediaId });
    }
  }
  return orphans.sort((a, b) => (a.source < b.source ? -1 : 1));
}

import { appendFileSync } from 'node:fs';
import path from 'node:path';
import pc from 'picocolors';
import type { PostResult, SyncStatus } from '../sync/engine.js';
import { formatProblem, problemToJson, severityOf } from '../util/messages.js';
import { textWidth } from '../util/text-width.js';
import { formatBytes } from './output.js';

export const STATUSES: SyncStatus[] = ['CREATED', 'UPDATED', 'UNCHANGED', 'SKIPPED', 'FAILED'];

const colour: Record<SyncStatus, (s: string) => string> = {
  CREATED: pc.green,
  UPDATED: pc.cyan,
  UNCHANGED: pc.dim,
  SKIPPED: pc.dim,
  FAILED: pc.red,
};

/** A plan sends nothing: its table says what a sync would do. */
const PLAN_LABELS: Record<SyncStatus, string> = {
  CREATED: 'WILL CREATE',
  UPDATED: 'WILL UPDATE',
  UNCHANGED: 'UNCHANGED',
  SKIPPED: 'SKIPPED',
  FAILED: 'FAILED',
};

/** The run's counts in words: "2 created, 1 unchanged", or for a plan "2 to create, 1 unchanged". */
export function summarize(counts: Record<SyncStatus, number>, dryRun: boolean): string {
  const word = (status: SyncStatus) => (dryRun && status === 'CREATED' ? 'to create' : dryRun && status === 'UPDATED' ? 'to update' : status.toLowerCase());
  return STATUSES.filter((s) => counts[s]).map((s) => `${counts[s]} ${word(s)}`).join(', ');
}

export function countStatuses(results: PostResult[]): Record<SyncStatus, number> {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<SyncStatus, number>;
  for (const r of results) counts[r.status]++;
  return counts;
}

/** `posts/a.md:12:3` when the failure has a position. */
export function where(result: PostResult): string {
  const line = result.error?.line;
  return line ? `${result.source}:${line}${result.error?.column ? `:${result.error.column}` : ''}` : result.source;
}

export function describeResult(result: PostResult, dryRun: boolean): string {
  if (result.status === 'FAILED') return result.error?.message ?? 'failed';
  const parts: string[] = [];
  if (result.note) parts.push(result.note);
  if (dryRun && result.pendingUploads?.count) parts.push(`${result.pendingUploads.count} image(s) to upload, ${formatBytes(result.pendingUploads.bytes)}`);
  if (dryRun && result.pendingDownloads) parts.push(`${result.pendingDownloads} remote image(s) to download first`);
  if (!dryRun && result.images.uploaded) parts.push(`${result.images.uploaded} image(s) uploaded (${formatBytes(result.images.bytes)})`);
  if (!dryRun && result.cover === 'uploaded') parts.push('cover uploaded');
  if (result.verify && !result.verify.ok) parts.push(`WeChat changed: ${result.verify.changes.join('; ')}`);
  else if (result.verify?.ok) parts.push('verified: stored as sent');
  return parts.join('; ');
}

/** The final table: one row per post and account. */
export function printTable(results: PostResult[], options: { dryRun: boolean; showAccount: boolean }, out: NodeJS.WriteStream = process.stderr): void {
  if (results.length === 0) return;
  const rows = results.map((r) => ({
    status: r.status,
    label: options.dryRun ? PLAN_LABELS[r.status] : r.status,
    post: where(r),
    account: r.account,
    draft: r.mediaId ? shortId(r.mediaId) : '',
    note: describeResult(r, options.dryRun),
    hint: r.status === 'FAILED' ? r.error?.hint : undefined,
  }));
  const width = (key: 'label' | 'post' | 'account' | 'draft') => Math.max(key.length, ...rows.map((r) => textWidth(r[key])));
  const w = { status: width('label'), post: width('post'), account: width('account'), draft: width('draft') };
  const header = [pad('STATUS', w.status), pad('POST', w.post), ...(options.showAccount ? [pad('ACCOUNT', w.account)] : []), pad('DRAFT', w.draft), 'NOTE'];
  out.write(`\n${pc.bold(header.join('  '))}\n`);
  for (const row of rows) {
    const cells = [colour[row.status](pad(row.label, w.status)), pad(row.post, w.post), ...(options.showAccount ? [pad(row.account, w.account)] : []), pc.dim(pad(row.draft, w.draft)), row.note];
    out.write(`${cells.join('  ')}\n`);
    if (row.hint) out.write(`${' '.repeat(w.status + 2)}${pc.dim(`hint: ${row.hint}`)}\n`);
  }
}

/** Lint errors and warnings of the posts (infos only with --verbose). */
export function printMessages(results: PostResult[], verbose: boolean, out: NodeJS.WriteStream = process.stderr): void {
  const seen = new Set<string>();
  for (const result of results) {
    for (const message of result.messages) {
      if (!verbose && severityOf(message) === 'info') continue;
      const line = formatProblem(message);
      if (seen.has(line)) continue;
      seen.add(line);
      const severity = severityOf(message);
      out.write(`${severity === 'error' ? pc.red(line) : severity === 'warning' ? pc.yellow(line) : pc.dim(line)}\n`);
    }
  }
}

function shortId(id: string): string {
  return id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-6)}` : id;
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - textWidth(text)));
}

export function resultToJson(result: PostResult) {
  return {
    source: result.source,
    account: result.account,
    appId: result.appId ?? null,
    status: result.status,
    title: result.title ?? null,
    mediaId: result.mediaId ?? null,
    note: result.note ?? null,
    images: result.images,
    cover: result.cover ?? null,
    pendingUploads: result.pendingUploads ?? null,
    pendingDownloads: result.pendingDownloads ?? null,
    error: result.error ?? null,
    verify: result.verify ?? null,
    messages: result.messages.map(problemToJson),
  };
}

/**
 * GitHub Actions: `::error file=…,line=…::` annotations (shown on the PR's files) and a Markdown step summary.
 * Paths are relative to the workspace (the repository root), whatever `--root` is.
 */
export function reportToGitHub(results: PostResult[], root: string, title: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.GITHUB_ACTIONS !== 'true') return;
  // Annotations go to stderr (the runner reads workflow commands from both): stdout belongs to --json.
  const out = process.stderr;
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const rel = (source: string) => path.relative(workspace, path.join(root, source)).split(path.sep).join('/');
  const escape = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const seen = new Set<string>();
  for (const result of results) {
    for (const message of result.messages) {
      const severity = severityOf(message);
      if (severity === 'info') continue;
      const line = `::${severity} file=${rel(result.source)}${message.line ? `,line=${message.line}` : ''}${message.column ? `,col=${message.column}` : ''}::${escape(message.reason)}`;
      if (!seen.has(line)) out.write(`${line}\n`);
      seen.add(line);
    }
    if (result.status === 'FAILED' && result.error && !result.messages.some((m) => m.reason === result.error?.message)) {
      const e = result.error;
      out.write(`::error file=${rel(result.source)}${e.line ? `,line=${e.line}` : ''}::${escape(`${e.message}${e.hint ? `\n${e.hint}` : ''}`)}\n`);
    }
  }
  if (env.GITHUB_STEP_SUMMARY) {
    const counts = countStatuses(results);
    const lines = [
      `### ${title}`,
      '',
      STATUSES.map((s) => `${s} ${counts[s]}`).join(' · '),
      '',
      '| Status | Post | Account | Note |',
      '| --- | --- | --- | --- |',
      ...results.map((r) => `| ${r.status} | \`${where(r)}\` | ${r.account} | ${describeResult(r, false).replace(/\|/g, '\\|')} |`),
      '',
    ];
    appendFileSync(env.GITHUB_STEP_SUMMARY, `${lines.join('\n')}\n`);
  }
}

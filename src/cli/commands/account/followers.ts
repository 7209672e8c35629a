/**
 * `wxmp followers [--out file.csv|file.jsonl] [--resume]`: every follower of the account (docs/wechat-api.md §9) —
 * the openids from every page of `user/get` (10 000 a page), their profiles from `user/info/batchget` (100 a call),
 * streamed to the file as they arrive, with progress on stderr. `--resume` skips the openids already in the file, so
 * an interrupted export continues where it stopped.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import type { UserInfo, UserLang } from '../../../wechat/api/user.js';
import { accountOptions, formatTime, printRows, withAccount, type AccountCliOptions } from '../../account.js';
import { printJson, UserError } from '../../output.js';

interface FollowersOptions extends AccountCliOptions {
  out?: string;
  resume?: boolean;
  lang: string;
  limit: string;
}

type Format = 'csv' | 'jsonl';

/** The CSV columns, in order (user/info fields; nickname and avatar are no longer given out since 2021-12-27). */
export const CSV_COLUMNS = ['openid', 'subscribe', 'subscribe_time', 'subscribe_scene', 'qr_scene', 'qr_scene_str', 'tagid_list', 'remark', 'unionid', 'language'] as const;

const BATCH = 100;
const LANGS: readonly UserLang[] = ['zh_CN', 'zh_TW', 'en'];

export function registerFollowersCommand(program: Command): void {
  accountOptions(
    program
      .command('followers')
      .description('Export every follower (openid, follow time, scene, tags, remark…) to CSV or JSON Lines')
      .option('--out <file>', 'write every follower to a .csv (UTF-8 with BOM, for Excel) or .jsonl file')
      .option('--resume', 'continue an interrupted export: keep the file and skip the openids already in it')
      .option('--lang <lang>', 'language of the profile fields: zh_CN, zh_TW or en', 'zh_CN')
      .option('--limit <n>', 'without --out: how many followers to show', '10'),
  )
    .addHelpText('after', `
Reads every page of user/get (10 000 openids a call; WeChat allows 500 calls a day) and the profiles through
user/info/batchget (100 a call). WeChat no longer gives out nicknames or avatars (since 2021-12-27).
CSV: one row per follower with a header, UTF-8 with a BOM so Excel shows Chinese; JSON Lines: one user/info object per
line. Progress goes to stderr. Without --out: the number of followers and the first few.

Examples:
  wxmp followers                              # how many, and the first 10
  wxmp followers --out followers.csv          # everyone, for Excel
  wxmp followers --out followers.jsonl        # everyone, one JSON object per line
  wxmp followers --out followers.jsonl --resume   # continue after an interruption (Ctrl+C, quota, network)
  wxmp followers --json --limit 3             # {"total": …, "followers": [first 3 profiles]}`)
    .action(async (options: FollowersOptions) => {
      const lang = options.lang as UserLang;
      if (!LANGS.includes(lang)) throw new UserError(`--lang must be one of ${LANGS.join(', ')} (got ${JSON.stringify(options.lang)})`);
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > BATCH) throw new UserError(`--limit must be a whole number from 1 to ${BATCH} (got ${JSON.stringify(options.limit)})`);
      if (options.resume && !options.out) throw new UserError('--resume needs --out <file>: the file to continue');
      const format = options.out ? formatOf(options.out) : undefined;
      if (!options.out || !format) {
        await withAccount(options, 'wxmp followers', async ({ client, call }) => {
          const page = await call(() => client.user.list());
          const infos = page.openids.length ? await call(() => client.user.batchInfo(page.openids.slice(0, limit), lang)) : [];
          if (options.json) return printJson({ total: page.total, followers: infos });
          process.stdout.write(`${page.total} follower${page.total === 1 ? '' : 's'}\n`);
          if (infos.length === 0) return;
          printRows(['openid', 'followed', 'scene', 'tags', 'remark'], infos.map((u) => [u.openid, u.subscribe_time ? formatTime(u.subscribe_time) : '', u.subscribe_scene ?? '', (u.tagid_list ?? []).join(','), u.remark ?? '']));
          if (page.total > infos.length) process.stderr.write(pc.dim(`… and ${page.total - infos.length} more: \`wxmp followers --out followers.csv\` exports everyone\n`));
        });
        return;
      }
      await exportFollowers(options, options.out, format, lang);
    });
}

function formatOf(file: string): Format {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new UserError(`--out ${file}: the file name decides the format — end it in .csv or .jsonl`);
}

async function exportFollowers(options: FollowersOptions, file: string, format: Format, lang: UserLang): Promise<void> {
  const { ids: done, started } = options.resume ? await readDone(file, format) : { ids: new Set<string>(), started: false };
  const appending = started;
  if (done.size > 0) process.stderr.write(`resuming: ${done.size} follower${done.size === 1 ? '' : 's'} already in ${file}\n`);
  else if (options.resume) process.stderr.write(`resuming: ${file} has no followers yet, starting from the beginning\n`);

  await withAccount(options, 'wxmp followers', async ({ client, call }) => {
    const stream = createWriteStream(file, { flags: appending ? 'a' : 'w' });
    const opened = once(stream, 'open');
    stream.on('error', () => {});
    try {
      await opened;
    } catch (error) {
      throw new UserError(`--out ${file}: cannot write it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    const progress = new Progress();
    let written = 0;
    let skipped = 0;
    let total = 0;
    let seen = 0;
    try {
      if (!appending) await write(stream, format === 'csv' ? `\uFEFF${CSV_COLUMNS.join(',')}\r\n` : '');
      const pages = client.user.pages();
      for (;;) {
        const next = await call(() => pages.next());
        if (next.done) break;
        const page = next.value;
        total = Math.max(total, page.total);
        seen += page.openids.length;
        const todo = page.openids.filter((openid) => !done.has(openid));
        skipped += page.openids.length - todo.length;
        // The batches of a page run under the session's concurrency limit, and are written in order.
        const batches: Promise<UserInfo[]>[] = [];
        for (let i = 0; i < todo.length; i += BATCH) {
          const task = call(() => client.user.batchInfo(todo.slice(i, i + BATCH), lang));
          task.catch(() => {});
          batches.push(task);
        }
        for (const batch of batches) {
          const infos = await batch;
          await write(stream, infos.map((u) => (format === 'csv' ? csvRow(u) : `${JSON.stringify(u)}\n`)).join(''));
          for (const u of infos) done.add(u.openid);
          written += infos.length;
          progress.update(`followers: ${written + skipped}/${total}${skipped ? ` (${skipped} already in the file)` : ''}`);
        }
        progress.line(`followers: page of ${page.openids.length} openids done — ${seen}/${total} listed, ${written} written`);
      }
    } catch (error) {
      progress.end();
      await close(stream);
      process.stderr.write(pc.yellow(`${written} follower${written === 1 ? '' : 's'} written to ${file} before the error; run again with --resume to continue\n`));
      throw error;
    }
    progress.end();
    await close(stream);
    if (options.json) return printJson({ file, format, total, written, skipped });
    process.stderr.write(`${pc.green('wrote')} ${written} follower${written === 1 ? '' : 's'} to ${file}${skipped ? ` (${skipped} already there)` : ''}\n`);
  });
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!text) return;
  if (!stream.write(text)) await Promise.race([once(stream, 'drain'), once(stream, 'error').then(([e]) => Promise.reject(e as Error))]);
}

async function close(stream: WriteStream): Promise<void> {
  if (stream.closed) return;
  await new Promise<void>((resolve) => stream.end(resolve));
}

/** One CSV record (RFC 4180: quoted when needed, CRLF). */
export function csvRow(user: UserInfo): string {
  const values: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    openid: user.openid,
    subscribe: user.subscribe,
    subscribe_time: user.subscribe_time ? formatSeconds(user.subscribe_time) : '',
    subscribe_scene: user.subscribe_scene,
    qr_scene: user.qr_scene,
    qr_scene_str: user.qr_scene_str,
    tagid_list: (user.tagid_list ?? []).join(';'),
    remark: user.remark,
    unionid: user.unionid,
    language: user.language,
  };
  return `${CSV_COLUMNS.map((c) => csvCell(values[c])).join(',')}\r\n`;
}

export function csvCell(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `YYYY-MM-DD HH:MM:SS`, local time (what Excel reads as a date). */
function formatSeconds(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return `${formatTime(epochSeconds)}:${String(d.getSeconds()).padStart(2, '0')}`;
}

/**
 * The openids already in an export (for --resume). A record cut off by an interruption (no line end) is removed from
 * the file first, so the export continues on a clean line.
 */
async function readDone(file: string, format: Format): Promise<{ ids: Set<string>; started: boolean }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ids: new Set(), started: false };
    throw new UserError(`--resume: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const { ids, complete } = format === 'csv' ? csvOpenids(text, file) : jsonlOpenids(text, file);
  if (complete < text.length) {
    const size = Buffer.byteLength(text.slice(0, complete), 'utf8');
    if (size < (await stat(file)).size) {
      await truncate(file, size);
      process.stderr.write(pc.dim(`resuming: removed an incomplete last record from ${file}\n`));
    }
  }
  // A CSV file with its header (and no follower yet) is started too: append to it rather than write a second header.
  return { ids, started: complete > 0 };
}

function jsonlOpenids(text: string, file: string): { ids: Set<string>; complete: number } {
  const complete = text.lastIndexOf('\n') + 1;
  const ids = new Set<string>();
  text.slice(0, complete).split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let openid: unknown;
    try {
      openid = (JSON.parse(line) as { openid?: unknown }).openid;
    } catch {
      throw new UserError(`--resume: ${file} line ${i + 1} is not JSON — is this a \`wxmp followers\` export?`);
    }
    if (typeof openid !== 'string') throw new UserError(`--resume: ${file} line ${i + 1} has no openid — is this a \`wxmp followers\` export?`);
    ids.add(openid);
  });
  return { ids, complete };
}

/** First field of every complete CSV record (quoted fields may hold line breaks); `complete` = end of the last one. */
function csvOpenids(text: string, file: string): { ids: Set<string>; complete: number } {
  const ids = new Set<string>();
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let complete = 0;
  let record = 0;
  let field = '';
  let fieldIndex = 0;
  let quoted = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          if (fieldIndex === 0) field += '"';
          i++;
        } else quoted = false;
      } else if (fieldIndex === 0) field += ch;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === ',') fieldIndex++;
    else if (ch === '\n') {
      if (record === 0) {
        if (field !== CSV_COLUMNS[0]) throw new UserError(`--resume: ${file} does not start with the header "${CSV_COLUMNS.join(',')}" — is this a \`wxmp followers\` export?`);
      } else if (field) ids.add(field);
      record++;
      field = '';
      fieldIndex = 0;
      complete = i + 1;
      start = i + 1;
    } else if (ch !== '\r' && fieldIndex === 0) field += ch;
  }
  return { ids, complete };
}

/** Progress on stderr: one updated line on a terminal, a line per page otherwise. */
class Progress {
  private readonly tty = Boolean(process.stderr.isTTY);
  private shown = false;

  update(text: string): void {
    if (!this.tty) return;
    process.stderr.write(`\r\x1b[2K${text}`);
    this.shown = true;
  }

  line(text: string): void {
    if (this.tty) this.update(text);
    else process.stderr.write(`${text}\n`);
  }

  end(): void {
    if (this.tty && this.shown) process.stderr.write('\n');
    this.shown = false;
  }
}

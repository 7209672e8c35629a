/**
 * What every account command shares (`wxmp drafts`, `publish`, `menu`, `followers`…): the common options, an
 * account session opened for one account, a confirmation for destructive operations, and plain tables.
 */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import pc from 'picocolors';
import type { AccountSession, ResolvedAccount } from '../account/index.js';
import type { Limiter } from '../util/limiter.js';
import type { WeChatClient } from '../wechat/client.js';
import { textWidth } from '../util/text-width.js';
import { UserError } from './output.js';

export interface AccountCliOptions {
  root?: string;
  config?: string;
  account?: string;
  json?: boolean;
  sandbox?: boolean;
}

/** `--root`, `--config`, `--account`, `--json`, `--sandbox`: the options of every account command. */
export function accountOptions(command: Command): Command {
  return command
    .option('--root <dir>', 'the posts repo (its config and .env)', process.cwd())
    .option('--config <file>', 'config file (default: wxmp.config.ts in the root)')
    .option('--account <name>', 'account from the config\'s `accounts` (default: the default account)')
    .option('--json', 'print JSON on stdout (messages stay on stderr)')
    .option('--sandbox', 'work on the built-in sandbox emulator (.wxmp/sandbox/) even if credentials are set');
}

/** One account of the project, ready to call. */
export interface AccountContext {
  session: AccountSession;
  account: ResolvedAccount;
  client: WeChatClient;
  /** Runs a request under the session's limit (and stops after an errcode every call would meet). */
  call: Limiter;
}

/**
 * Opens the project's session for the account `--account` names (or the default one), runs `task`, and closes the
 * session. Without credentials the commands work on the sandbox (what `npm run sync` wrote there), and say so.
 */
export async function withAccount<T>(options: AccountCliOptions, command: string, task: (ctx: AccountContext) => Promise<T>): Promise<T> {
  // Loaded when an account command runs: the CLI's start-up and `--help` do not load config or session code.
  const [{ loadProject }, { openCliSession }] = await Promise.all([import('./project.js'), import('./session.js')]);
  const project = await loadProject(options);
  const session = await openCliSession({ root: project.root, config: project.config, sandbox: options.sandbox }, `${command} --help`);
  try {
    const account = session.account(options.account);
    if ('error' in account) throw new UserError(account.error);
    if (session.mode === 'sandbox') process.stderr.write(pc.yellow('sandbox: no WeChat credentials, so this works on the built-in emulator (.wxmp/sandbox/)\n'));
    const client = await session.client(account);
    return await task({ session, account, client, call: session.call(account) });
  } finally {
    await session.close();
  }
}

/**
 * Asks before a destructive operation: `--yes` answers for scripts; on a terminal the user types "yes"; otherwise
 * (CI, a pipe) it refuses, so nothing destructive happens by accident.
 */
export async function confirm(question: string, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY || !process.stderr.isTTY) throw new UserError(`${question}\nNot confirmed: pass --yes to do it without asking.`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question}\nType "yes" to go on: `);
    if (answer.trim().toLowerCase() !== 'yes') throw new UserError('Cancelled: nothing was changed.', 1);
  } finally {
    rl.close();
  }
}

/** Prints rows as an aligned table on stderr-free stdout (CJK characters count double, as terminals show them). */
export function printRows(headers: string[], rows: string[][], out: NodeJS.WritableStream = process.stdout): void {
  const widths = headers.map((h, i) => Math.max(textWidth(h), ...rows.map((r) => textWidth(r[i] ?? ''))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]!))).join('  ').trimEnd();
  out.write(`${pc.bold(line(headers))}\n`);
  for (const row of rows) out.write(`${line(row)}\n`);
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - textWidth(text)));
}

/** Epoch seconds as `YYYY-MM-DD HH:MM` in local time. */
export function formatTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

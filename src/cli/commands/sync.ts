/**
 * `wxmp sync` and `wxmp plan`: options and help only. The run (src/cli/sync-run.ts) loads when the command runs, so
 * `wxmp --help` and every other command do not load the sync engine (bench/startup.mjs).
 */
import type { Command } from 'commander';

export interface SyncCliOptions {
  root?: string;
  config?: string;
  dryRun?: boolean;
  json?: boolean;
  verify?: boolean;
  force?: boolean;
  concurrency?: string;
  sandbox?: boolean;
  verbose?: boolean;
  quiet?: boolean;
}

export function registerSyncCommands(program: Command): void {
  const common = (command: Command) =>
    command
      .argument('[posts...]', 'post files or globs, relative to the root (default: the config\'s include)')
      .option('--root <dir>', 'the posts repo', process.cwd())
      .option('--config <file>', 'config file (default: wxmp.config.ts in the root)')
      .option('--json', 'print a JSON report on stdout (progress, messages and annotations go to stderr)')
      .option('--sandbox', 'use the embedded emulator even if credentials are set')
      .option('-q, --quiet', 'print only problems and the summary')
      .option('--verbose', 'also print informational messages');

  common(program.command('sync'))
    .description('Create or update a WeChat draft for every post; unchanged posts make no request at all')
    .option('--dry-run', 'show the plan and send nothing (same as `wxmp plan`)')
    .option('--force', 'render every post and send every draft again, even when nothing changed (also recreates drafts deleted in WeChat)')
    .option('--verify', 'read every written draft back and report what WeChat changed or stripped')
    .option('--concurrency <n>', 'parallel requests (default: config `concurrency`, 4)')
    .addHelpText(
      'after',
      `
Per post: render → upload new images (once per content hash) → upload the cover as a permanent material →
draft/add (new post), draft/update (changed post) or nothing (unchanged). State lives in wxmp.lock.json at the root:
commit it, so CI and other machines know what is already on WeChat.

Credentials: WECHAT_APP_ID and WECHAT_APP_SECRET (environment or .env), or \`accounts\` in the config with secrets
in WECHAT_APP_SECRET_<NAME>. Without any, sync runs against the built-in sandbox emulator (.wxmp/sandbox/).
WXMP_API_BASE points the client at another origin (an emulator, a fixed-IP relay); WXMP_PROXY sets an HTTP proxy.
Both are read from the real environment only, never from .env; plain http is allowed to this machine only.

Examples:
  npm run sync                         # every post under posts/
  wxmp sync --root ~/blog 'content/**/*.md' --verify
  wxmp sync --dry-run --json | jq '.posts[] | select(.status != "UNCHANGED")'`,
    )
    .action(async (patterns: string[], options: SyncCliOptions) => {
      process.exitCode = await (await import('../sync-run.js')).runSync(patterns, options);
    });

  common(program.command('plan'))
    .description('Show what sync would create or update, the images to upload and lint problems (no credentials, no network)')
    .action(async (patterns: string[], options: SyncCliOptions) => {
      process.exitCode = await (await import('../sync-run.js')).runSync(patterns, { ...options, dryRun: true });
    });
}


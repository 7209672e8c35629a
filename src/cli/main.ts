import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { ConfigError } from '../config/load.js';
import { LockFileError } from '../sync/lock.js';
import { registerDraftCommands } from './commands/account/drafts.js';
import { registerFollowersCommand } from './commands/account/followers.js';
import { registerMenuCommands } from './commands/account/menu.js';
import { registerStatsCommands } from './commands/account/stats.js';
import { registerAccountCommands } from './commands/account/account.js';
import { registerMessageCommands } from './commands/account/message.js';
import { registerPreviewCommand } from './commands/account/preview.js';
import { registerPublishCommand } from './commands/account/publish.js';
import { registerBuildCommand } from './commands/build.js';
import { registerDevCommand } from './commands/dev.js';
import { registerEmulatorCommand } from './commands/emulator.js';
import { registerInitCommand } from './commands/init.js';
import { registerReconcileCommand } from './commands/reconcile.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSyncCommands } from './commands/sync.js';
import { UserError } from './output.js';
import { WeChatClientError, WeChatError, WeChatPublishError, WeChatTransportError } from '../wechat/errors.js';
import { registerThemeCommands } from './commands/theme.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function createProgram(): Command {
  const program = new Command('wxmp')
    .version(pkg.version, '-v, --version')
    .description('Publish a repo of Markdown posts to a WeChat Official Account (微信公众号).')
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      `
Getting started:
  npm install && npm run sync     sync posts/ into the built-in sandbox (no account needed)
  wxmp build                      render every post to WeChat HTML + out/index.html preview
  wxmp emulator                   run the offline WeChat API emulator on http://127.0.0.1:4000

Credentials: WECHAT_APP_ID and WECHAT_APP_SECRET (environment or .env in the root).
Every command takes --root <dir> (the posts repo, default: the current directory) and --help.`,
    );
  program.exitOverride();
  registerInitCommand(program);
  registerBuildCommand(program);
  registerDevCommand(program);
  registerSyncCommands(program);
  registerReconcileCommand(program);
  registerDraftCommands(program);
  registerMenuCommands(program);
  registerFollowersCommand(program);
  registerStatsCommands(program);
  registerAccountCommands(program);
  registerPublishCommand(program);
  registerPreviewCommand(program);
  registerMessageCommands(program);
  registerEmulatorCommand(program);
  registerServeCommand(program);
  registerThemeCommands(program);
  return program;
}

/** Runs the CLI; returns the exit code. Expected failures print a message, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return error.exitCode;
    }
    // ThemeError is matched by name: importing the theme module here would load the renderer for every command.
    if (error instanceof ConfigError || error instanceof UserError || error instanceof LockFileError || (error instanceof Error && error.name === 'ThemeError')) {
      process.stderr.write(`${pc.red('wxmp:')} ${error.message}\n`);
      return error instanceof UserError ? error.exitCode : 1;
    }
    if (error instanceof WeChatError) {
      // The errcode and errmsg verbatim, then what to do (docs/wechat-api.md §11).
      process.stderr.write(`${pc.red('wxmp:')} ${error.endpoint}: errcode ${error.errcode} ${error.errmsg}\n  ${pc.dim('hint:')} ${error.hint}\n`);
      return 1;
    }
    if (error instanceof WeChatTransportError || error instanceof WeChatClientError || error instanceof WeChatPublishError) {
      process.stderr.write(`${pc.red('wxmp:')} ${error.message}\n`);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${pc.red('wxmp: unexpected error:')} ${message}\n`);
    if (process.env.WXMP_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    else process.stderr.write(pc.dim('Set WXMP_DEBUG=1 to see the stack trace, and please report it.\n'));
    return 70;
  }
}

import { Command, CommanderError } from 'commander';
import pc from 'picocolors';
import { packageVersion } from '../util/package-root.js';
import { UserError } from './output.js';
import { WeChatClientError, WeChatError, WeChatPublishError, WeChatTransportError } from '../wechat/errors.js';


/** Errors whose message is the whole story (a problem in the user's config, lock file or theme): no stack trace. */
const USER_ERRORS = new Set(['ConfigError', 'LockFileError', 'ThemeError']);

type Register = (program: Command) => void;

/**
 * Every top-level command and the module that registers it, in the order `wxmp --help` lists them. A command line that
 * names a command loads only that module (`wxmp sync` never loads the account commands' definitions); help, an unknown
 * command or none loads them all. The modules are light: each loads its implementation when its action runs.
 */
const COMMANDS: [names: string[], load: () => Promise<Register>][] = [
  [['init'], async () => (await import('./commands/init.js')).registerInitCommand],
  [['build'], async () => (await import('./commands/build.js')).registerBuildCommand],
  [['dev'], async () => (await import('./commands/dev.js')).registerDevCommand],
  [['sync', 'plan'], async () => (await import('./commands/sync.js')).registerSyncCommands],
  [['reconcile'], async () => (await import('./commands/reconcile.js')).registerReconcileCommand],
  [['drafts', 'published'], async () => (await import('./commands/account/drafts.js')).registerDraftCommands],
  [['menu'], async () => (await import('./commands/account/menu.js')).registerMenuCommands],
  [['followers'], async () => (await import('./commands/account/followers.js')).registerFollowersCommand],
  [['stats'], async () => (await import('./commands/account/stats.js')).registerStatsCommands],
  [['account'], async () => (await import('./commands/account/account.js')).registerAccountCommands],
  [['publish'], async () => (await import('./commands/account/publish.js')).registerPublishCommand],
  [['preview'], async () => (await import('./commands/account/preview.js')).registerPreviewCommand],
  [['message'], async () => (await import('./commands/account/message.js')).registerMessageCommands],
  [['emulator'], async () => (await import('./commands/emulator.js')).registerEmulatorCommand],
  [['serve'], async () => (await import('./commands/serve.js')).registerServeCommand],
  [['theme'], async () => (await import('./commands/theme.js')).registerThemeCommands],
];

/** The registrations a command line needs: its command's alone when argv names one, else all of them. */
async function registrationsFor(argv: string[]): Promise<Register[]> {
  const name = argv[2];
  const named = COMMANDS.find(([names]) => name !== undefined && names.includes(name));
  return Promise.all((named ? [named] : COMMANDS).map(([, load]) => load()));
}

export async function createProgram(argv: string[] = []): Promise<Command> {
  const registrations = await registrationsFor(argv);
  const program = new Command('wxmp')
    .version(packageVersion(), '-v, --version')
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
  for (const register of registrations) register(program);
  return program;
}

/** Runs the CLI; returns the exit code. Expected failures print a message, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  try {
    const program = await createProgram(argv);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return error.exitCode;
    }
    // Matched by name: importing the config, lock or theme modules here would load zod and the sync for every command,
    // `wxmp --help` included (bench/startup.mjs).
    if (error instanceof UserError || (error instanceof Error && USER_ERRORS.has(error.name))) {
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

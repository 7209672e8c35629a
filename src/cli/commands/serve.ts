/** `wxmp serve` — the local REST API for other tools (docs/serve.md). The server code loads only when it runs. */
import type { Command } from 'commander';
import pc from 'picocolors';
import { UserError } from '../output.js';
import { waitForStopSignal } from '../signals.js';

interface ServeCommandOptions {
  root: string;
  config?: string;
  port: string;
  host: string;
  accounts?: string;
  apiKey?: string;
  cors?: string[];
  allowedHost?: string[];
  quiet?: boolean;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the local REST API (JSON over http://127.0.0.1:3001/api) for tools in other languages')
    .option('--root <dir>', 'the posts repo (its config, .env, themes; local images of Markdown content)', process.cwd())
    .option('--config <file>', 'config file (default: wxmp.config.ts in the root)')
    .option('--port <port>', 'port to listen on (0 = any free port)', '3001')
    .option('--host <host>', 'interface to listen on; anything but 127.0.0.1/::1/localhost needs --api-key', '127.0.0.1')
    .option('--accounts <file>', 'stored accounts (default: $XDG_CONFIG_HOME/wxmp/accounts.json or ~/.config/wxmp/accounts.json)')
    .option('--api-key <key>', 'require "Authorization: Bearer <key>" (default: env WXMP_SERVE_API_KEY)')
    .option('--cors <origin...>', 'let these browser origins call the API (CORS is off by default)')
    .option('--allowed-host <name...>', 'also answer requests whose Host is this name; localhost and IP addresses always work')
    .option('--quiet', 'no request log on stderr')
    .addHelpText(
      'after',
      `
Endpoints: /api/accounts, /api/upload/image, /api/upload/thumb, /api/draft/create, /api/draft/list,
/api/draft/:mediaId, /api/material/list, /api/publish, /api/publish/:publishId, /api/render, /api/health.
The OpenAPI document is at /api/openapi.json. Requests pick the account by appid+secret (or accountId), else the
default stored account, else the project's account (config / WECHAT_APP_ID), else the sandbox emulator.

Examples:
  wxmp serve                                   # http://127.0.0.1:3001/api
  curl -F file=@cover.jpg http://127.0.0.1:3001/api/upload/thumb
  WXMP_SERVE_API_KEY=$(openssl rand -hex 24) wxmp serve --host 0.0.0.0`,
    )
    .action(async (options: ServeCommandOptions) => {
      process.exitCode = await runServe(options);
    });
}

export async function runServe(options: ServeCommandOptions): Promise<number> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port must be an integer from 0 to 65535 (got "${options.port}")`);
  // Loaded on use: the other commands never load Hono.
  const { startServe, ServeConfigError } = await import('../../serve/index.js');
  const { AccountsFileError } = await import('../../serve/accounts-store.js');
  const log = options.quiet ? undefined : (line: string) => process.stderr.write(`${pc.dim(new Date().toISOString().slice(11, 19))} ${line}\n`);
  let running: Awaited<ReturnType<typeof startServe>>;
  try {
    running = await startServe({
      root: options.root,
      configFile: options.config,
      port,
      host: options.host,
      accountsFile: options.accounts,
      apiKey: options.apiKey,
      cors: options.cors,
      allowedHosts: options.allowedHost,
      log,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${options.port} on ${options.host} is in use — pass --port <another> (or 0 for any free port)`);
    if (code === 'EACCES') throw new UserError(`not allowed to listen on ${options.host}:${options.port} — try a port above 1024`);
    if (error instanceof ServeConfigError || error instanceof AccountsFileError) throw new UserError(error.message);
    throw error;
  }
  const stored = running.store.list();
  const def = running.store.defaultAccount();
  const lines = [
    pc.bold('wxmp serve — local REST API'),
    `  API        ${pc.cyan(`${running.url}/api`)}   OpenAPI ${pc.cyan(`${running.url}/api/openapi.json`)}`,
    `  Accounts   ${running.accountsFile} (${stored.length} stored${def ? `, default ${def.name} ${def.appid}` : ''})`,
    `  No account ${stored.length ? 'given: the default stored account; with none stored: ' : 'stored: requests without appid+secret use '}${running.fallback}`,
    `  Security   ${running.apiKeyRequired ? 'API key required (Authorization: Bearer)' : 'no API key (local only)'}; CORS ${options.cors?.length ? options.cors.join(', ') : 'off'}`,
  ];
  if (process.env.WXMP_API_BASE) lines.push(`  API base   ${originOf(process.env.WXMP_API_BASE)} (WXMP_API_BASE)`);
  lines.push('', pc.dim('Ctrl+C to stop.'));
  process.stdout.write(`${lines.join('\n')}\n`);
  const signal = await waitForStopSignal();
  await running.close();
  process.stderr.write(pc.dim(`wxmp serve: stopped (${signal})\n`));
  return 0;
}

/** An API base without credentials or path, safe to print. */
function originOf(base: string): string {
  try {
    return new URL(base).origin;
  } catch {
    return '(not a URL)';
  }
}

/** `wxmp emulator` — run the offline WeChat MP API emulator as a sandbox (docs/emulator.md). */
import type { Command } from 'commander';
import pc from 'picocolors';
import path from 'node:path';
import type { EmulatorAccountInput, EmulatorOptions, RunningEmulator } from '../../emulator/index.js';
import { UserError } from '../output.js';
import { waitForStopSignal } from '../signals.js';

interface EmulatorCommandOptions {
  port: string;
  host: string;
  state?: string;
  appId?: string;
  appSecret?: string;
  publishDelay?: string;
  failRate?: string;
  latency?: string;
  allowedHost?: string[];
}

function numberOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new UserError(`--${name} must be a number from ${min} to ${max} (got "${value}")`);
  return n;
}

/** Shows enough of a user-supplied secret to recognise it, never the whole thing. */
function maskSecret(secret: string): string {
  return secret.length <= 8 ? '********' : `${secret.slice(0, 4)}…${secret.slice(-2)} (${secret.length} chars)`;
}

export function emulatorOptionsFrom(options: EmulatorCommandOptions): EmulatorOptions {
  const port = numberOption('port', options.port, 0, 65535);
  if (port === undefined || !Number.isInteger(port)) throw new UserError(`--port must be an integer (got "${options.port}")`);
  if (Boolean(options.appId) !== Boolean(options.appSecret)) throw new UserError('--app-id and --app-secret go together');
  const accounts: EmulatorAccountInput[] | undefined =
    options.appId && options.appSecret ? [{ appId: options.appId, appSecret: options.appSecret, name: options.appId }] : undefined;
  const failureRate = numberOption('fail-rate', options.failRate, 0, 1);
  const latencyMs = numberOption('latency', options.latency, 0, 600_000);
  const publishDelayMs = numberOption('publish-delay', options.publishDelay, 0, 86_400_000);
  const result: EmulatorOptions = { port, host: options.host };
  if (options.state) result.stateDir = path.resolve(options.state);
  // Host names other than localhost and IP addresses (a docker-compose service name): refused otherwise, against DNS
  // rebinding (docs/emulator.md, "Security").
  if (options.allowedHost?.length) result.allowedHosts = options.allowedHost;
  if (accounts) result.accounts = accounts;
  if (publishDelayMs !== undefined) result.publishDelayMs = publishDelayMs;
  if (failureRate !== undefined || latencyMs !== undefined) {
    result.faults = { ...(failureRate !== undefined ? { failureRate } : {}), ...(latencyMs !== undefined ? { latencyMs } : {}) };
  }
  return result;
}

function banner(emu: RunningEmulator, options: EmulatorCommandOptions, stateDir: string | undefined): string {
  const lines = [
    pc.bold('wxmp emulator — offline WeChat Official Account API'),
    `  API base   ${pc.cyan(emu.url)}`,
    `  Drafts     ${pc.cyan(`${emu.url}/__emulator/`)}  (phone-width previews)`,
    `  State      ${stateDir ?? `in memory ${pc.dim('(pass --state <dir> to keep accounts and data across restarts)')}`}`,
  ];
  const userGiven = Boolean(options.appId);
  for (const acc of emu.accounts) {
    const secret = userGiven ? maskSecret(acc.appSecret) : acc.appSecret;
    lines.push(`  Account    AppID ${pc.bold(acc.appId)}  AppSecret ${userGiven ? secret : pc.bold(secret)}${userGiven ? '' : pc.dim('  (sandbox)')}`);
  }
  const first = emu.accounts[0];
  if (first) {
    const secretForShell = userGiven ? '<your secret>' : first.appSecret;
    lines.push(
      '',
      'Point a client at it:',
      `  export WXMP_API_BASE=${emu.url}`,
      `  export WECHAT_APP_ID=${first.appId} WECHAT_APP_SECRET=${secretForShell}`,
      `  curl '${emu.url}/cgi-bin/token?grant_type=client_credential&appid=${first.appId}&secret=${secretForShell}'`,
    );
  }
  lines.push('', pc.dim('Ctrl+C to stop.'));
  return `${lines.join('\n')}\n`;
}

export function registerEmulatorCommand(program: Command): void {
  program
    .command('emulator')
    .description('Run the offline WeChat MP API emulator (a sandbox for wxmp and for your own WeChat code)')
    .option('--port <port>', 'port to listen on (0 = any free port)', '4000')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--state <dir>', 'persist accounts, tokens, drafts and uploads in this folder')
    .option('--app-id <id>', 'serve this AppID (with --app-secret) instead of a generated sandbox account')
    .option('--app-secret <secret>', 'AppSecret for --app-id')
    .option('--publish-delay <ms>', 'how long freepublish jobs stay "publishing" (default 3000)')
    .option('--fail-rate <r>', 'fraction 0..1 of API calls answered -1 system error / HTTP 503')
    .option('--latency <ms>', 'delay added to every API response')
    .option('--allowed-host <name...>', 'also answer requests whose Host is this name (e.g. a docker-compose service); localhost and IP addresses always work')
    .addHelpText(
      'after',
      `
Speaks WeChat's wire format (GET cgi-bin/token, POST JSON, multipart uploads, HTTP 200 errors with errcode) for the
token, media/material, draft, freepublish, quota, message, menu, user and datacube APIs.
Control endpoints: GET /__emulator/requests, POST /__emulator/faults, POST /__emulator/time/advance, ... (docs/emulator.md)

Examples:
  wxmp emulator                                  # random sandbox account, in memory
  wxmp emulator --state .wxmp/emulator           # keeps the sandbox account and drafts across restarts
  wxmp emulator --port 4100 --fail-rate 0.1 --latency 200`,
    )
    .action(async (options: EmulatorCommandOptions) => {
      process.exitCode = await runEmulator(options);
    });
}

export async function runEmulator(options: EmulatorCommandOptions): Promise<number> {
  const emulatorOptions = emulatorOptionsFrom(options);
  emulatorOptions.log = (line) => process.stderr.write(`${line}\n`);
  let emu: RunningEmulator;
  try {
    // Loaded on use: other commands do not pay for the emulator at start-up.
    const { startEmulator } = await import('../../emulator/index.js');
    emu = await startEmulator(emulatorOptions);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${options.port} on ${options.host} is in use — pass --port <another> (or 0 for any free port)`);
    if (code === 'EACCES') throw new UserError(`not allowed to listen on ${options.host}:${options.port} — try a port above 1024`);
    throw error;
  }
  process.stdout.write(banner(emu, options, emulatorOptions.stateDir));
  const signal = await waitForStopSignal();
  await emu.close();
  process.stderr.write(pc.dim(`wxmp emulator: stopped (${signal})${emulatorOptions.stateDir ? ', state saved' : ''}\n`));
  return 0;
}

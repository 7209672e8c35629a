import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const binPath = path.join(repoRoot, 'bin', 'wxmp.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment a CLI test runs with: nothing from the developer's or CI's WeChat/GitHub settings leaks in. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(WECHAT_|WXMP_|GITHUB_|HTTPS?_PROXY|NODE_OPTIONS|VITEST|FORCE_COLOR)/i.test(key)) continue;
    env[key] = value;
  }
  env.NO_COLOR = '1';
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

/** Starts `wxmp …` as a separate process (the compiled CLI, as users run it). */
export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [binPath, ...args], { env: options.env ?? cleanEnv(), cwd: options.cwd ?? repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

const execFileAsync = promisify(execFile);

/**
 * Runs `wxmp build <args> --json` as a process and returns its report. Exit code 1 means a post has an error (real
 * posts are too long for WeChat, samples show lint on purpose): the HTML is still written, so that is a build too.
 */
export async function runBuildJson<Report>(args: string[], options: { maxBuffer?: number } = {}): Promise<Report> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(process.execPath, [binPath, 'build', ...args, '--json'], { cwd: repoRoot, maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024 }));
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (failed.code !== 1 || !failed.stdout) throw new Error(`wxmp build failed (exit ${failed.code}): ${failed.stderr ?? error}`);
    stdout = failed.stdout;
  }
  return JSON.parse(stdout) as Report;
}

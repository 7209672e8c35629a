/** A `wxmp serve` on a free port in front of an emulator, for the tests of test/serve. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveConfig } from '../../src/config/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { startServe, type RunningServe, type ServeOptions } from '../../src/serve/index.js';
import { makeImage } from '../helpers/repo.js';

export const APP = { appId: 'wxserve00000000001', appSecret: 'serve-secret-0123456789abcdef' };
export const OTHER = { appId: 'wxserve00000000002', appSecret: 'serve-secret-second-account-xyz' };

export interface Harness {
  emulator: RunningEmulator;
  serve: RunningServe;
  root: string;
  api: string;
  logs: string[];
  close(): Promise<void>;
}

/** An emulator with two accounts, a posts root with an image, and the service (no stored account yet). */
export async function startHarness(options: Partial<ServeOptions> = {}): Promise<Harness> {
  const emulator = await startEmulator({ accounts: [APP, OTHER], publishDelayMs: 0 });
  const root = mkdtempSync(path.join(tmpdir(), 'wxmp-serve-'));
  writeFileSync(path.join(root, 'local.png'), await makeImage(7));
  const logs: string[] = [];
  const serve = await startServe({
    root,
    config: resolveConfig({}),
    env: { WXMP_API_BASE: emulator.url },
    accountsFile: path.join(root, 'config', 'accounts.json'),
    port: 0,
    tokenCache: false,
    log: (line) => logs.push(line),
    ...options,
  });
  return {
    emulator,
    serve,
    root,
    api: `${serve.url}/api`,
    logs,
    close: async () => {
      await serve.close();
      await emulator.close();
    },
  };
}

export async function call(url: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set('content-type', 'application/json');
  const res = await fetch(url, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the test will say so
  }
  return { status: res.status, body, headers: res.headers };
}

export function form(file: Buffer | string, name = 'image.png', fields: Record<string, string> = {}): FormData {
  const data = new FormData();
  data.set('file', new Blob([typeof file === 'string' ? file : new Uint8Array(file)]), name);
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

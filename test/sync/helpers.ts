import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSession, type AccountSession } from '../../src/account/index.js';
import { resolveConfig } from '../../src/config/load.js';
import type { WxmpConfig } from '../../src/config/schema.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { makeRepo } from '../helpers/repo.js';

export const APP = { appId: 'wxsync000000000001', appSecret: 'sync-stage-secret-0123456789abcdef' };

/** The environment of a live account pointed at the emulator (nothing from the real environment). */
export function liveEnv(emulator: RunningEmulator): NodeJS.ProcessEnv {
  return { WECHAT_APP_ID: APP.appId, WECHAT_APP_SECRET: APP.appSecret, WXMP_API_BASE: emulator.url };
}

export interface StageWorld {
  root: string;
  config: WxmpConfig;
  emulator: RunningEmulator;
  session: AccountSession;
}

/** A temp repo of `posts` posts, a fresh emulator, and a live session on it (fast retries, no token cache). */
export async function world(posts = 2, options: { readOnly?: boolean } = {}): Promise<StageWorld> {
  const root = await makeRepo({ posts });
  const config = resolveConfig({ retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
  const emulator = await startEmulator({ accounts: [APP] });
  const session = await openSession({ root, config, env: liveEnv(emulator), tokenCache: false, readOnly: options.readOnly });
  return { root, config, emulator, session };
}

/** API calls the emulator answered without an error, by path (e.g. `draft/add`). */
export function okCalls(emulator: RunningEmulator, api: string): number {
  return emulator.control.requests().filter((r) => r.path === `/cgi-bin/${api}` && !r.errcode && r.status === 200).length;
}

export function tempRoot(): string {
  return mkdtempSync(path.join(tmpdir(), 'wxmp-session-'));
}

export function writePost(root: string, name: string, text: string): string {
  const file = path.join(root, 'posts', name);
  writeFileSync(file, text);
  return file;
}

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CachedToken, TokenCacheKey, TokenCacheStore } from './types.js';

export const DEFAULT_API_BASE = 'https://api.weixin.qq.com';

/** `$XDG_CACHE_HOME/wxmp/tokens`, else `~/.cache/wxmp/tokens`. */
export function defaultTokenCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'wxmp', 'tokens');
}

interface CacheFile {
  v: 1;
  appId: string;
  apiBase: string;
  source: CachedToken['source'];
  expiresAt: number;
  /** AES-256-GCM of the token, keyed by AppID + AppSecret (see below). */
  iv: string;
  tag: string;
  data: string;
}

/**
 * Access tokens on disk, one file per AppID (and per API base other than the real one, so an emulator token never
 * shadows a real one). Files are mode 0600 and written atomically (temp file + rename). The token itself is encrypted
 * with a key derived from the AppSecret: a leaked cache file alone does not grant API access, and a changed AppSecret
 * simply turns the cache into a miss.
 */
export class FileTokenCache implements TokenCacheStore {
  constructor(readonly dir: string) {}

  fileFor(key: TokenCacheKey): string {
    const safeId = key.appId.replace(/[^A-Za-z0-9_-]/g, '_');
    const suffix = key.apiBase === DEFAULT_API_BASE ? '' : `@${createHash('sha256').update(key.apiBase).digest('hex').slice(0, 10)}`;
    return path.join(this.dir, `${safeId}${suffix}.json`);
  }

  async read(key: TokenCacheKey): Promise<CachedToken | undefined> {
    let parsed: CacheFile;
    try {
      parsed = JSON.parse(await readFile(this.fileFor(key), 'utf8')) as CacheFile;
    } catch {
      return undefined;
    }
    if (parsed.v !== 1 || parsed.appId !== key.appId || parsed.apiBase !== key.apiBase) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', cacheKey(key), Buffer.from(parsed.iv, 'base64'));
      decipher.setAuthTag(Buffer.from(parsed.tag, 'base64'));
      const token = Buffer.concat([decipher.update(Buffer.from(parsed.data, 'base64')), decipher.final()]).toString('utf8');
      return { accessToken: token, expiresAt: parsed.expiresAt, source: parsed.source };
    } catch {
      return undefined; // written with another AppSecret, or corrupted
    }
  }

  async write(key: TokenCacheKey, token: CachedToken): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', cacheKey(key), iv);
    const data = Buffer.concat([cipher.update(token.accessToken, 'utf8'), cipher.final()]);
    const file: CacheFile = {
      v: 1,
      appId: key.appId,
      apiBase: key.apiBase,
      source: token.source,
      expiresAt: token.expiresAt,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
    const target = this.fileFor(key);
    const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, JSON.stringify(file), { mode: 0o600 });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async remove(key: TokenCacheKey): Promise<void> {
    await rm(this.fileFor(key), { force: true });
  }
}

function cacheKey(key: TokenCacheKey): Buffer {
  return createHash('sha256').update(`wxmp-token-cache\0${key.appId}\0${key.appSecret}`).digest();
}

import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-write.js';
import { sha256 } from '../util/hash.js';

interface Entry {
  size: number;
  mtimeMs: number;
  sha256: string;
}

/**
 * sha256 of files, remembered by (size, mtime) in a local, git-ignored cache (`.wxmp/cache/file-hashes.json`), so a
 * no-op sync reads no image twice. A fresh clone has new mtimes: everything is hashed once, and results are the same.
 */
export class FileHashCache {
  private entries: Record<string, Entry> = {};
  private changed = false;

  constructor(private readonly file?: string) {}

  static async load(file?: string): Promise<FileHashCache> {
    const cache = new FileHashCache(file);
    if (file && existsSync(file)) {
      try {
        cache.entries = JSON.parse(await readFile(file, 'utf8')) as Record<string, Entry>;
      } catch {
        // A damaged cache is only a cache: start again.
      }
    }
    return cache;
  }

  /** The file's sha256, or undefined when it does not exist. */
  async hash(absPath: string): Promise<string | undefined> {
    let info;
    try {
      info = await stat(absPath);
    } catch {
      return undefined;
    }
    const known = this.entries[absPath];
    if (known && known.size === info.size && known.mtimeMs === info.mtimeMs) return known.sha256;
    const digest = sha256(await readFile(absPath));
    this.entries[absPath] = { size: info.size, mtimeMs: info.mtimeMs, sha256: digest };
    this.changed = true;
    return digest;
  }

  /** Records a hash computed elsewhere from bytes just read (saves re-reading the file). */
  remember(absPath: string, size: number, mtimeMs: number, digest: string): void {
    this.entries[absPath] = { size, mtimeMs, sha256: digest };
    this.changed = true;
  }

  async save(): Promise<void> {
    if (!this.file || !this.changed) return;
    await writeFileAtomic(this.file, JSON.stringify(this.entries));
    this.changed = false;
  }
}

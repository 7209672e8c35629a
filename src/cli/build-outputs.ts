/**
 * What `wxmp build` last wrote into an output folder: per output name, the render-cache key it was written from and
 * each file's size and mtime. A post whose key is unchanged and whose files are still as written is neither read from
 * the cache nor written again, so a rebuild of an unchanged 280-post corpus reads summaries and writes one index
 * (issue 12: "the same again with nothing changed"). Lives in `.wxmp/cache/build-outputs/` (one file per output
 * folder, safe to delete: the next build then writes every file once).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { sha256 } from '../util/hash.js';

/** [size, mtimeMs] of a written file. */
type Stamp = [number, number];

interface OutputRecord {
  key: string;
  files: Stamp[];
}

interface Manifest {
  v: 1;
  outDir: string;
  outputs: { [name: string]: OutputRecord };
}

export class BuildOutputs {
  private changed = false;

  private constructor(
    private readonly file: string,
    private readonly manifest: Manifest,
  ) {}

  static async open(root: string, outDir: string): Promise<BuildOutputs> {
    const file = path.join(root, '.wxmp', 'cache', 'build-outputs', `${sha256(outDir).slice(0, 16)}.json`);
    let manifest: Manifest = { v: 1, outDir, outputs: {} };
    try {
      const read = JSON.parse(await readFile(file, 'utf8')) as Manifest;
      if (read.v === 1 && read.outDir === outDir && read.outputs && typeof read.outputs === 'object') manifest = read;
    } catch {
      // No manifest yet (or an unreadable one): every file is written.
    }
    return new BuildOutputs(file, manifest);
  }

  /** Whether `files` were written from `key` and are still exactly as written. */
  async current(name: string, key: string, files: string[]): Promise<boolean> {
    const record = this.manifest.outputs[name];
    if (!record || record.key !== key || record.files.length !== files.length) return false;
    const stamps = await Promise.all(files.map(stampOf));
    return stamps.every((s, i) => s !== undefined && s[0] === record.files[i]![0] && s[1] === record.files[i]![1]);
  }

  /** Records that `files` were just written from `key`. */
  async record(name: string, key: string, files: string[]): Promise<void> {
    const stamps = await Promise.all(files.map(stampOf));
    if (stamps.some((s) => s === undefined)) return;
    this.manifest.outputs[name] = { key, files: stamps as Stamp[] };
    this.changed = true;
  }

  /** Forgets a name whose files were written without a cache key (rendered with --no-cache, or not cacheable). */
  forget(name: string): void {
    if (this.manifest.outputs[name]) {
      delete this.manifest.outputs[name];
      this.changed = true;
    }
  }

  async save(): Promise<void> {
    if (this.changed) await writeFileAtomic(this.file, JSON.stringify(this.manifest));
  }
}

async function stampOf(file: string): Promise<Stamp | undefined> {
  try {
    const info = await stat(file);
    return [info.size, info.mtimeMs];
  } catch {
    return undefined;
  }
}

/**
 * Reads of local files named by a post (images, the cover, `--8<--` snippets) and by the project (themes): every one
 * resolves its real path and must stay inside the project root or a configured static folder, and is size-capped
 * before it is read (docs/security.md). A post is data from anyone (guest authors, crossposted blogs, pull requests)
 * and the sync runs in CI with the AppSecret in its environment: `../../secret.png`, `%2e%2e/…`, a symlink into
 * `/etc` or `/proc/self/environ` must never be uploaded or pasted into an article.
 */
import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';

type ResolvedFile =
  /** Inside the allowed folders: `path` as written (resolved), `real` with symlinks followed. */
  | { status: 'inside'; path: string; real: string }
  /** Inside the allowed folders as written but does not exist. */
  | { status: 'missing'; path: string }
  /** Outside the allowed folders, as written or through a symlink: `reason` says which. */
  | { status: 'outside'; path: string; reason: string };

/** `child` is `parent` or below it (both absolute and normalized). */
export function isWithin(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

const realRoots = new Map<string, string>();

/** A root's own real path (a project may live under a symlinked folder such as macOS /tmp → /private/tmp). */
function realRoot(root: string): string {
  let real = realRoots.get(root);
  if (real === undefined) {
    try {
      real = realpathSync.native(root);
    } catch {
      real = path.resolve(root);
    }
    realRoots.set(root, real);
  }
  return real;
}

/**
 * Resolves `file` (absolute) against the allowed `roots`: it must lie inside one of them as written, and its real
 * path (every symlink along the way followed) must too. A symlink between two places inside the project is fine.
 */
export function resolveInside(file: string, roots: readonly string[]): ResolvedFile {
  const absolute = path.resolve(file);
  const allowed = roots.map((root) => path.resolve(root));
  if (!allowed.some((root) => isWithin(absolute, root))) {
    return { status: 'outside', path: absolute, reason: 'is outside the project folder' };
  }
  let real: string;
  try {
    real = realpathSync.native(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 'missing', path: absolute };
    return { status: 'outside', path: absolute, reason: `cannot be read (${code ?? 'error'})` };
  }
  if (!allowed.some((root) => isWithin(real, realRoot(root)))) {
    return { status: 'outside', path: absolute, reason: 'is a symlink to a file outside the project folder' };
  }
  return { status: 'inside', path: absolute, real };
}

/** A local file that is not a regular file, or larger than its limit: refused before its bytes are read. */
export class LocalReadError extends Error {
  constructor(
    message: string,
    /** The file's size, when it was refused for being over the limit. */
    readonly size?: number,
  ) {
    super(message);
    this.name = 'LocalReadError';
  }
}

/**
 * Reads a regular file of at most `maxBytes`. The size and type come from the opened descriptor, so the file that is
 * checked is the file that is read (a FIFO or `/dev/zero` never blocks or fills memory).
 */
export function readCappedSync(file: string, maxBytes: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new LocalReadError(`${path.basename(file)} is not a regular file`);
    if (stats.size > maxBytes) throw new LocalReadError(`${path.basename(file)} is ${stats.size} bytes, over the limit of ${maxBytes}`, stats.size);
    const buffer = Buffer.allocUnsafe(stats.size);
    let read = 0;
    while (read < stats.size) {
      const n = readSync(fd, buffer, read, stats.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return read === stats.size ? buffer : buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** `readCappedSync` without blocking the event loop (post files, images during a sync). */
export async function readCapped(file: string, maxBytes: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new LocalReadError(`${path.basename(file)} is not a regular file`);
    if (stats.size > maxBytes) throw new LocalReadError(`${path.basename(file)} is ${stats.size} bytes, over the limit of ${maxBytes}`, stats.size);
    const buffer = Buffer.allocUnsafe(stats.size);
    let read = 0;
    while (read < stats.size) {
      const { bytesRead } = await handle.read(buffer, read, stats.size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return read === stats.size ? buffer : buffer.subarray(0, read);
  } finally {
    await handle.close();
  }
}

/**
 * Watches a posts repo for `wxmp dev` and `wxmp build --watch`, with `node:fs` only (no chokidar): Node ≥ 20 has
 * recursive `fs.watch` on Linux, macOS and Windows, and we only need "these paths changed", debounced.
 *
 * The root itself is watched without recursion (config files, mkdocs.yml, the lock file, posts at the top): a
 * recursive watch of the root would walk node_modules and .git. The folders posts live in (the static part of each
 * `include` glob), the themes and the static folder are watched recursively, and the folder of any other file a post
 * reads (an image in `assets/`) gets its own watch when `watchFiles` names it.
 */
import { existsSync, statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { isWithin } from '../content/local-files.js';

export interface ProjectWatcherOptions {
  root: string;
  /** Folders watched recursively (missing ones are skipped; ones outside the root too, except `extraRoots`). */
  folders: string[];
  /** Folders outside the root that may still be watched (the built-in themes while developing wxmp). */
  extraRoots?: string[];
  /** Paths below these are never reported (`.git`, `node_modules`, `.wxmp`, the build output). */
  ignore: string[];
  /** Called with the absolute paths changed since the last call, after `debounceMs` of quiet. */
  onChange: (paths: Set<string>) => void;
  debounceMs?: number;
}

export interface ProjectWatcher {
  /** Also watches the folders of these files (non-recursively) when no watch covers them yet. */
  watchFiles(files: Iterable<string>): void;
  close(): void;
}

/** The folder before the first glob character of a pattern: `posts/**\/*.md` → `posts`, `*.md` → ``. */
export function globBase(pattern: string): string {
  const parts = pattern.split('/');
  const base: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (/[*?[\]{}()!]/.test(part)) break;
    base.push(part);
  }
  return base.join('/');
}

export function watchProject(options: ProjectWatcherOptions): ProjectWatcher {
  const root = path.resolve(options.root);
  const ignore = options.ignore.map((p) => path.resolve(root, p));
  const debounceMs = options.debounceMs ?? 12;
  const recursive: string[] = [];
  const flat = new Set<string>();
  const watchers: FSWatcher[] = [];
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const report = (dir: string, name: string | Buffer | null) => {
    if (closed) return;
    const file = name ? path.resolve(dir, name.toString()) : dir;
    if (ignore.some((p) => isWithin(file, p))) return;
    pending.add(file);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      const batch = pending;
      pending = new Set();
      options.onChange(batch);
    }, debounceMs);
  };

  const add = (dir: string, deep: boolean) => {
    try {
      const watcher = watch(dir, { recursive: deep, persistent: true }, (_event, name) => report(dir, name));
      watcher.on('error', () => undefined);
      watchers.push(watcher);
      if (deep) recursive.push(dir);
      else flat.add(dir);
    } catch {
      // A folder that vanished between the check and the watch: nothing to watch.
    }
  };
  const covered = (dir: string) => recursive.some((r) => isWithin(dir, r)) || flat.has(dir);
  const allowed = (dir: string) => isWithin(dir, root) || (options.extraRoots ?? []).some((r) => isWithin(dir, path.resolve(r)));

  add(root, false);
  const folders = [...new Set(options.folders.map((f) => path.resolve(root, f)))]
    // Outer folders first, so that a folder inside another one is not watched twice.
    .sort((a, b) => a.length - b.length);
  for (const dir of folders) {
    if (dir === root || !allowed(dir) || !isDir(dir) || covered(dir) || ignore.some((p) => isWithin(dir, p))) continue;
    add(dir, true);
  }

  return {
    watchFiles(files) {
      for (const file of files) {
        const dir = path.dirname(path.resolve(file));
        if (!covered(dir) && isWithin(dir, root) && isDir(dir) && !ignore.some((p) => isWithin(dir, p))) add(dir, false);
      }
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}

function isDir(dir: string): boolean {
  try {
    return existsSync(dir) && statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

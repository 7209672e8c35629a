/**
 * What the Obsidian plugins look up in the posts repo: the posts (by file name without extension, by relative path,
 * by title), the images (by file name, for `![[image.png]]` written without a folder, as Obsidian resolves them), and
 * the published article URLs in wxmp.lock.json. Read lazily (only a post with a wiki link or embed asks) and kept for
 * a few seconds, so that a build of hundreds of posts scans the repo a few times at most and a watch sees new posts.
 */
import { openSync, readFileSync, readSync, closeSync, statSync } from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';

const TTL_MS = 5000;
const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'bmp', 'avif', 'tif', 'tiff'];
const IGNORE = ['**/node_modules/**', '**/.*/**', 'dist/**', 'site/**'];

export const isImageName = (name: string): boolean => IMAGE_EXTENSIONS.includes(path.extname(name).slice(1).toLowerCase());

interface RepoIndex {
  at: number;
  /** Lower-cased keys (file name without extension, relative path without extension, title) → root-relative paths. */
  posts: Map<string, string[]>;
  /** Lower-cased image file name → root-relative paths. */
  images: Map<string, string[]>;
}

const indexes = new Map<string, RepoIndex>();

function add(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key.toLowerCase());
  if (!list) map.set(key.toLowerCase(), [value]);
  else if (!list.includes(value)) list.push(value);
}

/** The title a post declares: front matter `title:`, else its leading `# heading`. Reads the first 4 KB only. */
function declaredTitle(file: string): string | undefined {
  let head = '';
  try {
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(4096);
      head = buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const fm = /^---\r?\n([\s\S]*?)\r?\n---/.exec(head);
  const fmTitle = fm && /^title:[ \t]*(.+?)[ \t]*$/m.exec(fm[1]!);
  if (fmTitle) return fmTitle[1]!.replace(/^(['"])(.*)\1$/, '$2').trim();
  const heading = /^#[ \t]+(.+?)[ \t#]*$/m.exec(fm ? head.slice(fm[0].length) : head);
  return heading?.[1]?.trim();
}

function repoIndex(root: string): RepoIndex {
  const cached = indexes.get(root);
  if (cached && Date.now() - cached.at < TTL_MS) return cached;
  const files = fg.sync(['**/*.md', '**/*.markdown', ...IMAGE_EXTENSIONS.map((ext) => `**/*.${ext}`)], {
    cwd: root,
    ignore: IGNORE,
    caseSensitiveMatch: false,
    followSymbolicLinks: false,
  });
  const index: RepoIndex = { at: Date.now(), posts: new Map(), images: new Map() };
  for (const rel of files.sort()) {
    if (isImageName(rel)) {
      add(index.images, path.posix.basename(rel), rel);
      continue;
    }
    const withoutExt = rel.replace(/\.(md|markdown)$/i, '');
    add(index.posts, withoutExt, rel);
    add(index.posts, path.posix.basename(withoutExt), rel);
    const title = declaredTitle(path.join(root, rel));
    if (title) add(index.posts, title, rel);
  }
  indexes.set(root, index);
  return index;
}

/**
 * The post a wiki link names (`Other post`, `folder/other-post`, a title), root-relative; several matches: the one
 * nearest the linking post (same folder first), as Obsidian does.
 */
export function findPost(root: string, target: string, fromDir: string): string | undefined {
  const key = target.trim().replace(/\.(md|markdown)$/i, '').replace(/^\/+/, '');
  return nearest(root, repoIndex(root).posts.get(key.toLowerCase()), fromDir);
}

/** An image named without a (correct) folder: the file of that name in the repo nearest the post. */
export function findImage(root: string, name: string, fromDir: string): string | undefined {
  return nearest(root, repoIndex(root).images.get(path.posix.basename(name).toLowerCase()), fromDir);
}

function nearest(root: string, candidates: string[] | undefined, fromDir: string): string | undefined {
  if (!candidates?.length) return undefined;
  const here = path.relative(root, fromDir).split(path.sep).join('/');
  const score = (rel: string) => {
    const dir = path.posix.dirname(rel);
    return dir === here ? 0 : here.startsWith(`${dir}/`) || dir.startsWith(`${here}/`) ? 1 : 2;
  };
  return [...candidates].sort((a, b) => score(a) - score(b) || a.length - b.length)[0];
}

interface LockUrls {
  mtimeMs: number;
  urls: Map<string, string>;
}
const locks = new Map<string, LockUrls>();

/**
 * The published URL of a post (root-relative path) from wxmp.lock.json: the first account, by name, that has one
 * (the body is rendered once for every account, so one URL is chosen).
 */
export function publishedUrl(root: string, rel: string): string | undefined {
  const file = path.join(root, 'wxmp.lock.json');
  let mtimeMs: number;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
  let cached = locks.get(file);
  if (!cached || cached.mtimeMs !== mtimeMs) {
    const urls = new Map<string, string>();
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as { accounts?: Record<string, { posts?: Record<string, { articleUrl?: unknown }> }> };
      for (const name of Object.keys(data.accounts ?? {}).sort()) {
        for (const [source, post] of Object.entries(data.accounts![name]!.posts ?? {})) {
          if (typeof post.articleUrl === 'string' && /^https?:\/\/mp\.weixin\.qq\.com\//.test(post.articleUrl) && !urls.has(source)) urls.set(source, post.articleUrl.replace(/^http:/, 'https:'));
        }
      }
    } catch {
      // An unreadable lock: no URLs (the sync reports the lock itself).
    }
    cached = { mtimeMs, urls };
    locks.set(file, cached);
  }
  return cached.urls.get(rel);
}

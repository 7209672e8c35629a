/**
 * Page titles from a MkDocs site's `mkdocs.yml` navigation. MkDocs sites such as OI-wiki write most pages without a
 * title (no front matter, no `# heading`): the title lives in `nav:`
 *
 *   docs_dir: docs            # default
 *   nav:
 *     - 字符串:
 *       - 前缀函数与 KMP 算法: string/kmp.md
 *
 * wxmp uses it after the front matter's `title` and the leading heading. `mkdocs.yml` is looked for in the posts root,
 * then in its parent (for `--root docs`). Real configs carry Python tags (`!!python/name:material.extensions.emoji.twemoji`, `!ENV`)
 * that a strict YAML loader refuses; they are irrelevant here and read as plain values (`anyTag`, src/util/yaml.ts).
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadYaml } from '../util/yaml.js';

interface MkdocsNav {
  /** The mkdocs.yml that was read (absolute). */
  file: string;
  /** Absolute page path → title. */
  titles: Map<string, string>;
}

const CONFIG_NAMES = ['mkdocs.yml', 'mkdocs.yaml'];
/** Parsed navigations by file, re-read when the file changes (a long-lived process sees edits). */
const cache = new Map<string, { mtimeMs: number; nav: MkdocsNav | undefined }>();

/** The navigation of the MkDocs site the posts root belongs to, if any. */
function mkdocsNav(root: string): MkdocsNav | undefined {
  for (const dir of [root, path.dirname(root)]) {
    for (const name of CONFIG_NAMES) {
      const file = path.join(dir, name);
      const mtimeMs = statSync(file, { throwIfNoEntry: false })?.mtimeMs;
      if (mtimeMs === undefined) continue;
      const cached = cache.get(file);
      if (cached?.mtimeMs === mtimeMs) return cached.nav;
      const nav = readNav(file);
      cache.set(file, { mtimeMs, nav });
      return nav;
    }
  }
  return undefined;
}

/** Title of the page at `absPath` in the site's navigation. */
export function mkdocsNavTitle(root: string, absPath: string): { title: string; file: string } | undefined {
  const nav = mkdocsNav(root);
  const title = nav?.titles.get(path.resolve(absPath));
  return nav && title ? { title, file: nav.file } : undefined;
}

function readNav(file: string): MkdocsNav | undefined {
  let config: unknown;
  try {
    // A site's whole config: a bigger node budget than a post's front matter.
    config = loadYaml(readFileSync(file, 'utf8'), { anyTag: true, maxNodes: 200_000 });
  } catch {
    // An unreadable mkdocs.yml only means no titles from it; the title-missing lint says what to do.
    return undefined;
  }
  if (!config || typeof config !== 'object') return undefined;
  const { docs_dir: docsDir, nav } = config as { docs_dir?: unknown; nav?: unknown };
  const base = path.resolve(path.dirname(file), typeof docsDir === 'string' ? docsDir : 'docs');
  const titles = new Map<string, string>();
  collect(nav, base, titles);
  return { file, titles };
}

/** Walks `nav`: a list whose items are `page.md`, `{Title: page.md}` or `{Section: [ …items ]}`. */
function collect(items: unknown, base: string, titles: Map<string, string>): void {
  if (!Array.isArray(items)) return;
  for (const item of items) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) continue;
    for (const [title, target] of Object.entries(item as Record<string, unknown>)) {
      if (typeof target === 'string') {
        if (/\.md$/i.test(target) && !/^[a-z]+:\/\//i.test(target)) titles.set(path.resolve(base, target), String(title).trim());
      } else {
        collect(target, base, titles);
      }
    }
  }
}

import path from 'node:path';
import { loadDotEnv } from '../config/env.js';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { discoverPosts } from '../content/discover.js';

export interface ProjectOptions {
  root?: string;
  config?: string;
}

/** Loads `.env` and the config of the posts repo at `--root` (default: the current directory). */
export async function loadProject(options: ProjectOptions): Promise<LoadedConfig> {
  const root = path.resolve(options.root ?? process.cwd());
  loadDotEnv(root);
  return loadConfig(root, options.config);
}

/** The posts to work on: positional files/globs when given (relative to the root), else the config's include. */
export async function selectPosts(project: LoadedConfig, patterns: string[] = []): Promise<string[]> {
  const include = patterns.length
    ? patterns.map((p) => path.relative(project.root, path.resolve(project.root, p)).split(path.sep).join('/'))
    : project.config.include;
  return discoverPosts({ root: project.root, include, exclude: project.config.exclude });
}

/** What to do when nothing matched: where wxmp looked, and the ways to point it elsewhere. */
export function noPostsMessage(patterns: string[], include: string[], root: string): string {
  const where = patterns.length ? patterns.join(' ') : include.join(', ');
  return `no posts match ${where} under ${root}.\nPut Markdown files there, pass files or globs (\`wxmp sync 'content/**/*.md'\`), or set \`include\` in wxmp.config.ts (\`wxmp init\` sets up a new repo).`;
}

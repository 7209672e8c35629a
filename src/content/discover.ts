import path from 'node:path';
import fg from 'fast-glob';

export interface DiscoverOptions {
  root: string;
  include: string[];
  exclude: string[];
}

/**
 * Finds post files under the root. fast-glob does not guarantee order, so results are sorted (by their relative
 * path, code-point order) to make builds, plans and lock files stable across machines.
 */
export async function discoverPosts({ root, include, exclude }: DiscoverOptions): Promise<string[]> {
  const files = await fg(include, {
    cwd: root,
    ignore: exclude,
    onlyFiles: true,
    absolute: false,
    dot: false,
    followSymbolicLinks: true,
  });
  return files
    .filter((file) => /\.(md|markdown)$/i.test(file))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((file) => path.resolve(root, file));
}

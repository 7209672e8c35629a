/**
 * Where wxmp's own files are: package.json, templates/, the compiled worker. Found by walking up from this module,
 * because the module sits at different depths in the sources (src/util/), tsc's output (dist/util/) and the CLI bundle
 * (dist/bundle/ or dist/bundle/chunks/, scripts/bundle.mjs).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Replaced by `true` when scripts/bundle.mjs bundles the CLI; undeclared (so `typeof` is 'undefined') elsewhere. */
declare const __WXMP_BUNDLED__: boolean | undefined;

/** True in the CLI bundle (dist/bundle/), false in tsc's output and under the test runner. */
export const isBundled = typeof __WXMP_BUNDLED__ !== 'undefined' && __WXMP_BUNDLED__;

let root: string | undefined;

/** The package folder: the nearest folder above this module holding both package.json and templates/. */
export function packageRoot(): string {
  if (root === undefined) {
    let dir = path.dirname(fileURLToPath(import.meta.url));
    while (!(existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'templates')))) {
      const up = path.dirname(dir);
      if (up === dir) throw new Error(`wxmp: cannot find its package folder above ${fileURLToPath(import.meta.url)}`);
      dir = up;
    }
    root = dir;
  }
  return root;
}

let version: string | undefined;

/** wxmp's version, from its package.json. */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}

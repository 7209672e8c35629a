#!/usr/bin/env node
/**
 * wenyan's side of bench/batch.mjs, as its own process: renders each Markdown file with @wenyan-md/core (bench/lib/wenyan.mjs)
 * and writes <out>/<n>.html, one post after the other, the way its CLI does.
 *
 *   node bench/lib/wenyan-build.mjs <out-dir> <file.md>…
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { wenyanEngine } from './wenyan.mjs';

const [out, ...files] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
// MathJax loads some TeX extensions asynchronously and rejects when it cannot (wenyan sets no loader): not our failure.
process.on('unhandledRejection', () => undefined);
const render = await wenyanEngine();
let failed = 0;
for (const [i, file] of files.entries()) {
  try {
    writeFileSync(path.join(out, `${i}.html`), await render(readFileSync(file, 'utf8')));
  } catch {
    failed++;
  }
}
process.stdout.write(`${JSON.stringify({ posts: files.length, failed })}\n`);

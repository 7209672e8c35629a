#!/usr/bin/env node
/**
 * Bundles the CLI into dist/bundle/ (issue 12): `wxmp` then reads a few dozen files at start-up instead of ~1,400
 * (node_modules included), which halves a one-post `wxmp build` (bench/startup.mjs). Each command's code sits in chunks
 * loaded by the dynamic imports the sources already use, so a command still loads only what it runs. `wxmp serve`'s
 * server is a second bundle under dist/bundle/serve/ (see SERVE_ENTRIES below).
 *
 *   node scripts/bundle.mjs            (run by `npm run compile` after tsc)
 *
 * The library (`dist/index.js`, its types and deep imports) stays tsc's one-file-per-module output; bin/wxmp.js runs
 * the bundle when it exists and dist/cli/main.js otherwise (the GitHub Action compiles with tsc alone).
 *
 * External (loaded from node_modules as usual): native or optional packages (sharp; playwright-core and mermaid, the
 * optional peers), packages that read their own files at run time (mathjax-full's components), and jiti (it
 * transpiles the user's config, only when there is one). css-tree is bundled: wxmp imports only its parser and walker
 * entries, which do not read mdn-data's JSON the way its main entry does.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(repo, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });

/** `cheerio` (juice's require and ours) → `cheerio/slim`; an esbuild `alias` would also rewrite `cheerio/slim` itself. */
const cheerioSlim = {
  name: 'cheerio-slim',
  setup(build) {
    build.onResolve({ filter: /^cheerio$/ }, (args) => build.resolve('cheerio/slim', { kind: args.kind, resolveDir: args.resolveDir }));
  },
};

/**
 * `wxmp serve` is bundled on its own (dist/bundle/serve/), and the main bundle imports it as an external file. Its
 * OpenAPI layer (@hono/zod-openapi) extends zod through the whole `z` namespace, which made esbuild keep all of zod,
 * 64 locales included, in the chunk every command that reads a config loads: 755 kB to compile on each start, against
 * ~170 kB for what the config and front-matter schemas use (~15 ms of `wxmp build`, issue 12). The serve bundle has
 * its own copy of what it shares with the CLI; the CLI tells errors apart by name, so that copy is harmless.
 */
const SERVE_ENTRIES = { 'serve/index': 'src/serve/index.ts', 'serve/accounts-store': 'src/serve/accounts-store.ts' };
const serveExternal = {
  name: 'serve-external',
  setup(build) {
    build.onResolve({ filter: /\/serve\/(index|accounts-store)\.js$/ }, (args) =>
      args.importer.endsWith(path.join('src', 'cli', 'commands', 'serve.ts'))
        ? { path: `../${args.path.slice(args.path.indexOf('serve/'))}`, external: true } // from dist/bundle/chunks/
        : undefined,
    );
  },
};

const common = {
  absWorkingDir: repo,
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['sharp', 'mathjax-full', 'mathjax-full/*', 'jiti', 'playwright-core', 'mermaid'],
  // CommonJS dependencies (juice, cheerio's helpers…) call require() for Node built-ins: give the ESM chunks one.
  banner: { js: "import { createRequire as __wxmpCreateRequire } from 'node:module'; const require = __wxmpCreateRequire(import.meta.url);" },
  // Code can tell it runs bundled (src/util/package-root.ts: where the worker and the package's files are).
  define: { __WXMP_BUNDLED__: 'true' },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};

const results = await Promise.all([
  build({
    ...common,
    entryPoints: { cli: 'src/cli/main.ts', worker: 'src/render/worker.ts' },
    chunkNames: 'chunks/[name]-[hash]',
    // juice parses with htmlparser2 (its lib/cheerio.js passes `xml` options), which is all cheerio/slim has: the full
    // entry adds parse5, undici and iconv-lite (~1.5 MB to compile at start-up) for loaders wxmp never calls.
    plugins: [cheerioSlim, serveExternal],
  }),
  build({ ...common, entryPoints: SERVE_ENTRIES, chunkNames: 'serve/chunks/[name]-[hash]', plugins: [cheerioSlim] }),
]);
const outputs = results.flatMap((result) => Object.entries(result.metafile.outputs));
const bytes = outputs.reduce((sum, [, o]) => sum + o.bytes, 0);
process.stderr.write(`bundle: ${outputs.length} files, ${(bytes / 1e6).toFixed(1)} MB in ${path.relative(repo, outdir)}/\n`);

#!/usr/bin/env node
// The CLI runs the compiled library (dist/ is built by `npm install`/`npm ci` through the `prepare` script).
import { existsSync, readFileSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// `wxmp --version` answers before anything loads (scripts and bug reports call it; bench/startup.mjs).
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
  process.exit(0);
}

// The bundle (scripts/bundle.mjs: a few dozen files to load instead of ~1,400) when it was built, else tsc's output.
const bundled = new URL('../dist/bundle/cli.js', import.meta.url);
const entry = existsSync(fileURLToPath(bundled)) ? bundled : new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('wxmp: dist/ is missing. Run `npm install` (it compiles the TypeScript sources), or `npm run compile`.');
  process.exit(1);
}
// Node 22.1+ keeps the compiled code of the modules it loads on disk, so the next start skips compiling them.
module.enableCompileCache?.();
// `wxmp --help | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);

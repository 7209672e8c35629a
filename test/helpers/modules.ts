/**
 * Which modules a CLI process loads, as source paths (`src/render/cache.ts`, `node_modules/zod/…`), whether it ran
 * from the CLI bundle (dist/bundle/, scripts/bundle.mjs: a chunk stands for the modules esbuild put in it, named in its
 * `// src/…` section comments) or from tsc's output (dist/x.js stands for src/x.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { binPath, cleanEnv, repoRoot, type CliResult } from './cli.js';

// Runs in the loader thread: every file: URL the ESM loader resolves goes to the main thread, which writes them at exit.
const HOOK = `let port; export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) { const r = await next(specifier, context); if (r.url.startsWith('file:')) port.postMessage(r.url); return r; }`;
const REGISTER = `import { register, createRequire } from 'node:module'; import { writeFileSync } from 'node:fs'; import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel(); const urls = new Set(); port1.on('message', (u) => urls.add(u)); port1.unref();
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOK)}), { data: { port: port2 }, transferList: [port2] });
process.on('exit', () => writeFileSync(process.env.WXMP_TEST_MODULES, [...urls, ...Object.keys(createRequire(process.cwd() + '/').cache)].join('\\n')));`;

/** Runs `wxmp …args` (synchronously) and returns its result with the source paths of the modules it loaded. */
export function runCliRecordingModules(args: string[], env: NodeJS.ProcessEnv = cleanEnv()): CliResult & { modules: string[] } {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'wxmp-modules-')), 'modules.txt');
  const result = spawnSync(process.execPath, [`--import=data:text/javascript,${encodeURIComponent(REGISTER)}`, binPath, ...args], {
    env: { ...env, WXMP_TEST_MODULES: out },
    cwd: repoRoot,
    encoding: 'utf8',
  });
  const modules = readFileSync(out, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((url) => (url.startsWith('file:') ? fileURLToPath(url) : url))
    .flatMap((file) => {
      const rel = path.relative(repoRoot, file).split(path.sep).join('/');
      if (rel.startsWith('dist/bundle/')) return [...readFileSync(file, 'utf8').matchAll(/^\/\/ ((?:src|node_modules)\/\S+)$/gm)].map((m) => m[1]!);
      return [rel.replace(/^dist\/(.*)\.js$/, 'src/$1.ts')];
    });
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr, modules: [...new Set(modules)] };
}

/** The npm packages among source paths. */
export function packagesOf(modules: string[]): Set<string> {
  return new Set(modules.flatMap((m) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(m)?.[1] ?? []));
}

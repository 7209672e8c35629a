/**
 * Start-up loads only what a command uses (issue 12): the modules each command line loads, recorded by a `node:module`
 * hook in the CLI process. No timing here (bench/startup.mjs prints the times); these are the rules that keep it fast.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binPath, cleanEnv, repoRoot } from '../helpers/cli.js';

// Runs in the loader thread: every file: URL the ESM loader resolves goes to the main thread, which writes them at exit.
const HOOK = `let port; export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) { const r = await next(specifier, context); if (r.url.startsWith('file:')) port.postMessage(r.url); return r; }`;
const REGISTER = `import { register, createRequire } from 'node:module'; import { writeFileSync } from 'node:fs'; import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel(); const urls = new Set(); port1.on('message', (u) => urls.add(u)); port1.unref();
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOK)}), { data: { port: port2 }, transferList: [port2] });
process.on('exit', () => writeFileSync(process.env.WXMP_TEST_MODULES, [...urls, ...Object.keys(createRequire(process.cwd() + '/').cache)].join('\\n')));`;

/** The repo-relative paths of the modules `wxmp …args` loads. */
function modulesOf(args: string[]): string[] {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'wxmp-modules-')), 'modules.txt');
  const result = spawnSync(process.execPath, [`--import=data:text/javascript,${encodeURIComponent(REGISTER)}`, binPath, ...args], {
    env: cleanEnv({ WXMP_TEST_MODULES: out }),
    cwd: repoRoot,
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  return readFileSync(out, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((url) => path.relative(repoRoot, url.startsWith('file:') ? new URL(url).pathname : url));
}

const packages = (modules: string[]) => new Set(modules.flatMap((m) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(m)?.[1] ?? []));

describe('what a command line loads', () => {
  it('`wxmp --version` loads nothing but bin/wxmp.js', () => {
    expect(modulesOf(['--version'])).toEqual(['bin/wxmp.js']);
  });

  it('`wxmp --help` loads the command definitions, not the config, the sync, the renderer or the client', () => {
    const modules = modulesOf(['--help']);
    expect([...packages(modules)].sort()).toEqual(expect.not.arrayContaining(['zod', 'fast-glob', 'unified', 'undici', 'js-yaml', 'juice', 'hono']));
    expect(modules.filter((m) => /^dist\/(sync|render|content|config|emulator|serve|dev)\//.test(m))).toEqual([]);
    expect(modules).toContain('dist/cli/commands/account/menu.js');
  });

  it('`wxmp build --help` loads the build command alone', () => {
    const modules = modulesOf(['build', '--help']);
    expect(modules.filter((m) => m.startsWith('dist/cli/commands/'))).toEqual(['dist/cli/commands/build.js']);
  });
});

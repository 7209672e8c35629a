/**
 * The package as a user gets it: `npm pack`, installed with production dependencies only into an empty project, then
 * the CLI (help, build, a sandbox sync) and the library through both `import` and `require`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, repoRoot } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';

let consumer: string;
let bin: string;

beforeAll(() => {
  const packDir = mkdtempSync(path.join(tmpdir(), 'wxmp-pack-'));
  // --ignore-scripts: dist/ is already compiled by `npm test`; the tarball ships it.
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir, '--silent'], { cwd: repoRoot, stdio: 'pipe' });
  const tarball = path.join(packDir, readdirSync(packDir).find((f) => f.endsWith('.tgz'))!);
  consumer = mkdtempSync(path.join(tmpdir(), 'wxmp-consumer-'));
  writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'my-blog', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: consumer, stdio: 'pipe' });
  bin = path.join(consumer, 'node_modules', '.bin', 'wxmp');
}, 240_000);

describe('the packed package, installed into an empty project', () => {
  it('ships what the README links and nothing of the tests', () => {
    const files = readdirSync(path.join(consumer, 'node_modules', 'wxmp'));
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'bin', 'dist', 'docs', 'templates', 'action.yml', 'package.json']));
    expect(files).not.toContain('test');
    expect(readdirSync(path.join(consumer, 'node_modules'))).not.toContain('vitest');
  });

  it('runs --help, build and a sandbox sync', async () => {
    const run = (args: string[], cwd = consumer) => spawnSync(bin, args, { cwd, env: cleanEnv(), encoding: 'utf8' });
    expect(run(['--help']).stdout).toMatch(/Usage: wxmp/);
    const root = await makeRepo({ posts: 2 });
    const build = run(['build', '--root', root, '--json']);
    expect(build.status).toBe(0);
    expect(JSON.parse(build.stdout).posts).toHaveLength(2);
    const sync = run(['sync', '--root', root]);
    expect(sync.status).toBe(0);
    expect(sync.stderr).toMatch(/SANDBOX MODE/);
    expect(sync.stderr).toMatch(/Sandbox sync: 2 created/);
  });

  it('loads as a library through import and require', () => {
    const esm = spawnSync(process.execPath, ['--input-type=module', '-e', "const m = await import('wxmp'); console.log(typeof m.renderMarkdown, typeof m.openSession)"], { cwd: consumer, encoding: 'utf8' });
    expect(esm.stdout.trim()).toBe('function function');
    const cjs = spawnSync(process.execPath, ['-e', "const m = require('wxmp'); console.log(typeof m.renderMarkdown, typeof m.WeChatClient)"], { cwd: consumer, encoding: 'utf8' });
    expect(cjs.stderr).not.toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED|ERR_REQUIRE/);
    expect(cjs.stdout.trim()).toBe('function function');
  });
});

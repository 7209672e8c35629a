/**
 * Start-up loads only what a command uses (issue 12): the modules each command line loads, recorded by a `node:module`
 * hook in the CLI process. No timing here (bench/startup.mjs prints the times); these are the rules that keep it fast.
 */
import { describe, expect, it } from 'vitest';
import { packagesOf, runCliRecordingModules } from '../helpers/modules.js';

function modulesOf(args: string[]): string[] {
  const result = runCliRecordingModules(args);
  expect(result.code, result.stderr).toBe(0);
  return result.modules;
}

describe('what a command line loads', () => {
  it('`wxmp --version` loads nothing but bin/wxmp.js', () => {
    expect(modulesOf(['--version'])).toEqual(['bin/wxmp.js']);
  });

  it('`wxmp --help` loads the command definitions, not the config, the sync, the renderer or the client', () => {
    const modules = modulesOf(['--help']);
    expect([...packagesOf(modules)].sort()).toEqual(expect.not.arrayContaining(['zod', 'fast-glob', 'unified', 'undici', 'js-yaml', 'juice', 'hono']));
    expect(modules.filter((m) => /^src\/(sync|render|content|config|emulator|serve|dev)\//.test(m))).toEqual([]);
    expect(modules).toContain('src/cli/commands/account/menu.ts');
    expect(packagesOf(modules)).toContain('commander');
  });

  it('`wxmp build --help` loads the build command alone', () => {
    const modules = modulesOf(['build', '--help']);
    expect(modules.filter((m) => m.startsWith('src/cli/commands/'))).toEqual(['src/cli/commands/build.ts']);
  });
});

/** `wxmp init [dir]` — set up a posts repo (src/init/scaffold.ts). */
import path from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { UserError } from '../output.js';

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('Set up a posts repo: wxmp.config.ts, an example post, .gitignore, .env.example and a GitHub workflow')
    .argument('[dir]', 'the folder (created when missing)', '.')
    .addHelpText(
      'after',
      `
Never overwrites a file: if any of them exists, nothing is written and the existing ones are listed.
An existing package.json is kept as it is.

Then:
  npx wxmp dev       live preview in the browser
  npx wxmp sync      sync into the local sandbox (no credentials needed), or your account once .env is filled in`,
    )
    .action(async (dir: string) => {
      const { initProject, InitConflictError } = await import('../../init/scaffold.js');
      const { packageVersion } = await import('../../util/package-root.js');
      let result;
      try {
        result = await initProject(dir, { version: packageVersion() });
      } catch (error) {
        if (error instanceof InitConflictError) throw new UserError(error.message);
        throw error;
      }
      const out = process.stderr;
      out.write(`${pc.bold('wxmp init')} ${result.root}\n`);
      for (const file of result.written) out.write(`  ${pc.green('+')} ${file}\n`);
      for (const file of result.kept) out.write(`  ${pc.dim(`= ${file} (kept)`)}\n`);
      const cd = path.relative(process.cwd(), result.root);
      out.write(`\nNext:\n${cd ? `  cd ${cd}\n` : ''}  npm install         # wxmp as a dev dependency\n  npx wxmp dev        # live preview, copy to the WeChat editor\n  npx wxmp sync       # drafts in the local sandbox until .env holds WECHAT_APP_ID / WECHAT_APP_SECRET\n`);
    });
}

import type { Command } from 'commander';
import pc from 'picocolors';
import { printJson } from '../output.js';

export function registerReconcileCommand(program: Command): void {
  program
    .command('reconcile')
    .description('Rebuild lost wxmp.lock.json entries by matching posts to drafts with the same title')
    .argument('[posts...]', 'post files or globs (default: the config\'s include)')
    .option('--root <dir>', 'the posts repo', process.cwd())
    .option('--config <file>', 'config file')
    .option('--dry-run', 'show the matches without writing the lock file')
    .option('--json', 'print a JSON report')
    .addHelpText(
      'after',
      `
Use it when the lock file was lost or not committed, so that sync does not create a second draft for posts that are
already in the draft box. A post adopts the single draft whose title equals its title; entries whose draft no longer
exists are marked missing (the next sync creates a new draft). Needs credentials (reads the draft box).`,
    )
    .action(async (patterns: string[], options: { root?: string; config?: string; dryRun?: boolean; json?: boolean }) => {
      // Loaded when the command runs, not at the CLI's start-up (bench/startup.mjs).
      const [{ reconcile }, { announceApiBase }, { loadProject, selectPosts }, { openCliSession }] = await Promise.all([
        import('../../sync/reconcile.js'),
        import('../../config/api-base.js'),
        import('../project.js'),
        import('../session.js'),
      ]);
      const project = await loadProject(options);
      const session = await openCliSession({ root: project.root, config: project.config, requireCredentials: 'wxmp reconcile' }, 'wxmp reconcile --help');
      let results;
      try {
        for (const account of session.accounts.values()) announceApiBase(account.apiBase, account.proxy);
        const files = await selectPosts(project, patterns);
        results = await reconcile(files, session, { dryRun: options.dryRun });
      } finally {
        await session.close();
      }
      if (options.json) printJson({ dryRun: options.dryRun === true, posts: results });
      else {
        for (const r of results) {
          const colour = r.status === 'ADOPTED' ? pc.green : r.status === 'AMBIGUOUS' || r.status === 'MISSING' ? pc.yellow : pc.dim;
          process.stderr.write(`${colour(r.status.padEnd(9))} ${r.source}  ${pc.dim(r.title)}${r.note ? `  ${r.note}` : ''}\n`);
        }
        if (options.dryRun) process.stderr.write(pc.dim('\nDry run: the lock file was not changed.\n'));
      }
      process.exitCode = results.some((r) => r.status === 'AMBIGUOUS') ? 1 : 0;
    });
}

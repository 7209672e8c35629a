import path from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { announceApiBase } from '../../config/api-base.js';
import { resolveAccounts, type ResolvedAccount } from '../../sync/accounts.js';
import { LOCK_FILE, LockStore } from '../../sync/lock.js';
import type { WeChatClient } from '../../wechat/client.js';
import { printJson, UserError } from '../output.js';
import { loadProject, selectPosts } from '../project.js';

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
      const [{ reconcile }, { WeChatClient: Client }] = await Promise.all([import('../../sync/reconcile.js'), import('../../wechat/client.js')]);
      const project = await loadProject(options);
      const setup = resolveAccounts(project.config, process.env);
      if (setup.mode !== 'live') throw new UserError(setup.mode === 'error' ? setup.message : 'reconcile needs credentials: set WECHAT_APP_ID and WECHAT_APP_SECRET');
      for (const account of setup.accounts.values()) announceApiBase(account.apiBase, account.proxy);
      const files = await selectPosts(project, patterns);
      const lock = await LockStore.load(path.join(project.root, LOCK_FILE));
      const clients = new Map<string, WeChatClient>();
      const clientFor = async (a: ResolvedAccount) => {
        if (!clients.has(a.appId)) clients.set(a.appId, new Client({ appId: a.appId, appSecret: a.appSecret, apiBase: a.apiBase, proxy: a.proxy, retry: project.config.retry }));
        return clients.get(a.appId)!;
      };
      const results = await reconcile(files, { root: project.root, config: project.config, lock, accounts: [...setup.accounts.values()], clientFor, dryRun: options.dryRun });
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

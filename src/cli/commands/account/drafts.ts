/** `wxmp drafts list|show|delete` and `wxmp published list|show|delete`: the draft box and the published articles. */
import type { Command } from 'commander';
import pc from 'picocolors';
import { accountOptions, confirm, formatTime, printRows, withAccount, type AccountCliOptions } from '../../account.js';
import { printJson } from '../../output.js';

interface DeleteOptions extends AccountCliOptions {
  yes?: boolean;
}

export function registerDraftCommands(program: Command): void {
  const drafts = program
    .command('drafts')
    .description('The account\'s draft box (草稿箱): list, show or delete drafts')
    .addHelpText('after', `
Examples:
  wxmp drafts list                      # every draft, newest first (20 per API call, all pages)
  wxmp drafts show <media_id> --json    # the stored article, as WeChat keeps it
  wxmp drafts delete <media_id> --yes   # destructive: the draft is gone from WeChat`);

  accountOptions(drafts.command('list').description('List every draft: media_id, update time, title'))
    .action(async (options: AccountCliOptions) => {
      await withAccount(options, 'wxmp drafts list', async ({ client, call }) => {
        const rows: { media_id: string; update_time: number; title: string; articles: number }[] = [];
        await call(async () => {
          for await (const item of client.draft.iterate({ noContent: true })) {
            rows.push({ media_id: item.media_id, update_time: item.update_time, title: item.content.news_item[0]?.title ?? '', articles: item.content.news_item.length });
          }
        });
        if (options.json) return printJson({ total: rows.length, drafts: rows });
        printRows(['media_id', 'updated', 'title'], rows.map((r) => [r.media_id, formatTime(r.update_time), r.articles > 1 ? `${r.title} (+${r.articles - 1})` : r.title]));
        process.stderr.write(pc.dim(`${rows.length} draft${rows.length === 1 ? '' : 's'}\n`));
      });
    });

  accountOptions(drafts.command('show').argument('<media_id>', 'the draft (from `wxmp drafts list` or the lock file)').description('Show a stored draft'))
    .action(async (mediaId: string, options: AccountCliOptions) => {
      await withAccount(options, 'wxmp drafts show', async ({ client, call }) => {
        const draft = await call(() => client.draft.get(mediaId));
        if (options.json) return printJson({ media_id: mediaId, ...draft });
        for (const [i, article] of draft.news_item.entries()) {
          if (i > 0) process.stdout.write('\n');
          process.stdout.write(`${pc.bold(article.title)}\n`);
          if (article.author) process.stdout.write(`author:  ${article.author}\n`);
          if (article.digest) process.stdout.write(`digest:  ${article.digest}\n`);
          process.stdout.write(`content: ${[...article.content].length} characters\n`);
          if (article.url) process.stdout.write(`preview: ${article.url}\n`);
        }
      });
    });

  accountOptions(drafts.command('delete').argument('<media_id>', 'the draft to delete').description('Delete a draft (asks first)').option('--yes', 'do not ask'))
    .action(async (mediaId: string, options: DeleteOptions) => {
      await withAccount(options, 'wxmp drafts delete', async ({ client, call }) => {
        const draft = await call(() => client.draft.get(mediaId));
        await confirm(`Delete the draft "${draft.news_item[0]?.title ?? mediaId}" (${mediaId}) from WeChat?`, options.yes);
        await call(() => client.draft.delete(mediaId));
        if (options.json) return printJson({ deleted: mediaId });
        process.stderr.write(`${pc.green('deleted')} ${mediaId}\n`);
      });
    });

  const published = program
    .command('published')
    .description('Published articles (发布记录): list, show or delete them')
    .addHelpText('after', `
Examples:
  wxmp published list                        # every published article (article_id, time, title, URL)
  wxmp published delete <article_id> --yes   # destructive: removes the article for readers too`);

  accountOptions(published.command('list').description('List every published article'))
    .action(async (options: AccountCliOptions) => {
      await withAccount(options, 'wxmp published list', async ({ client, call }) => {
        const rows: { article_id: string; update_time: number; title: string; url: string }[] = [];
        await call(async () => {
          for await (const item of client.freepublish.iterate({ noContent: true })) {
            const first = item.content.news_item[0];
            rows.push({ article_id: item.article_id, update_time: item.update_time, title: first?.title ?? '', url: first?.url ?? '' });
          }
        });
        if (options.json) return printJson({ total: rows.length, published: rows });
        printRows(['article_id', 'published', 'title', 'url'], rows.map((r) => [r.article_id, formatTime(r.update_time), r.title, r.url]));
        process.stderr.write(pc.dim(`${rows.length} published article${rows.length === 1 ? '' : 's'}\n`));
      });
    });

  accountOptions(published.command('show').argument('<article_id>', 'from `wxmp published list`').description('Show a published article'))
    .action(async (articleId: string, options: AccountCliOptions) => {
      await withAccount(options, 'wxmp published show', async ({ client, call }) => {
        const article = await call(() => client.freepublish.getArticle(articleId));
        if (options.json) return printJson({ article_id: articleId, ...article });
        for (const item of article.news_item) process.stdout.write(`${pc.bold(item.title)}${item.is_deleted ? pc.red(' (deleted)') : ''}\n${item.url}\n`);
      });
    });

  accountOptions(published.command('delete').argument('<article_id>', 'from `wxmp published list`').description('Delete a published article (asks first)').option('--yes', 'do not ask'))
    .action(async (articleId: string, options: DeleteOptions) => {
      await withAccount(options, 'wxmp published delete', async ({ client, call }) => {
        const article = await call(() => client.freepublish.getArticle(articleId));
        await confirm(`Delete the published article "${article.news_item[0]?.title ?? articleId}"? Readers will no longer see it.`, options.yes);
        await call(() => client.freepublish.delete(articleId));
        if (options.json) return printJson({ deleted: articleId });
        process.stderr.write(`${pc.green('deleted')} ${articleId}\n`);
      });
    });
}

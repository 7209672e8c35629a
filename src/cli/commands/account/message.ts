/**
 * `wxmp message send --to <openid> (--text … | --image <file> | --article <article_id|post>)`: one customer-service
 * (客服) message (`message/custom/send`, docs/wechat-api.md §7.1). WeChat allows it only in a reply window — within
 * 48 hours after the user last wrote to the account (5 messages), or a minute after a menu click, follow or scan (3) —
 * else 45015 / 45047. Sends are never retried automatically (a repeat would message the user twice).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import type { CustomMessagePayload } from '../../../wechat/api/message.js';
import { accountOptions, withAccount, type AccountCliOptions } from '../../account.js';
import { printJson, UserError } from '../../output.js';
import { lockEntry, postOrId } from './publish.js';

interface SendOptions extends AccountCliOptions {
  to: string;
  text?: string;
  image?: string;
  article?: string;
}

export function registerMessageCommands(program: Command): void {
  const message = program
    .command('message')
    .description('Customer-service (客服) messages to one follower')
    .addHelpText('after', `
Examples:
  wxmp message send --to <openid> --text '你好，收到了'
  wxmp message send --to <openid> --image ./figure.png
  wxmp message send --to <openid> --article posts/hello.md    # a published post (its article_id from the lock)`);

  accountOptions(
    message
      .command('send')
      .description('Send one customer-service message: text, an image, or a published article')
      .requiredOption('--to <openid>', 'the follower\'s openid (per account; from user/get or a message they sent)')
      .option('--text <content>', 'a text message (may contain <a href="…"> links)')
      .option('--image <file>', 'an image (jpg/png/gif ≤ 2 MB): uploaded as temporary media (media/upload), then sent')
      .option('--article <article_id|post>', 'a published article: its article_id (`wxmp published list`), or a post published with `wxmp publish`'),
  )
    .addHelpText(
      'after',
      `
Give exactly one of --text, --image, --article. WeChat accepts customer-service messages only while the user's
reply window is open: within 48 hours after they last wrote to the account (at most 5 messages), or within a minute
after a menu click, follow or QR scan (at most 3). Outside it: errcode 45015; window used up: 45047. Verified
accounts only (48001 otherwise). A failed send is never retried automatically.

Examples:
  wxmp message send --to o6_bmjrPTlm6_2sgVt7hMZOPfL2M --text '新文章已发布'
  wxmp message send --to <openid> --image posts/images/cover.jpg --json
  wxmp message send --to <openid> --article posts/hello.md --account work`,
    )
    .action(async (options: SendOptions) => {
      const kinds = (['text', 'image', 'article'] as const).filter((k) => options[k] !== undefined);
      if (kinds.length !== 1) {
        throw new UserError(`give exactly one of --text, --image or --article${kinds.length ? ` (got ${kinds.map((k) => `--${k}`).join(' and ')})` : ''}`);
      }
      if (options.text !== undefined && options.text.trim() === '') throw new UserError('--text is empty (WeChat answers 44004 to an empty text)');
      const touser = options.to.trim();

      await withAccount(options, 'wxmp message send', async (ctx) => {
        const { session, account, client, call } = ctx;
        let payload: CustomMessagePayload;
        const report: Record<string, unknown> = { touser };
        if (options.text !== undefined) {
          payload = { msgtype: 'text', text: { content: options.text } };
        } else if (options.image !== undefined) {
          const file = [path.resolve(options.image), path.resolve(session.root, options.image)].find((f) => existsSync(f) && statSync(f).isFile());
          if (!file) throw new UserError(`--image ${options.image}: no such file`);
          const uploaded = await call(() => client.media.upload('image', file));
          process.stderr.write(pc.dim(`uploaded ${path.basename(file)} as temporary media ${uploaded.media_id} (kept 3 days)\n`));
          payload = { msgtype: 'image', image: { media_id: uploaded.media_id } };
          report.media_id = uploaded.media_id;
        } else {
          const ref = postOrId(options.article!, session.root);
          let articleId: string;
          if (ref.kind === 'post') {
            const entry = lockEntry(session, account, ref.source);
            if (!entry?.articleId) {
              throw new UserError(
                `${ref.source} has no published article on account "${account.name}" in ${session.lockFileLabel}: publish it first (\`wxmp publish ${ref.source}\`), or pass an article_id from \`wxmp published list\`.`,
              );
            }
            articleId = entry.articleId;
            report.source = ref.source;
          } else articleId = ref.id;
          payload = { msgtype: 'mpnewsarticle', mpnewsarticle: { article_id: articleId } };
          report.article_id = articleId;
        }

        await call(() => client.message.sendCustom({ touser, ...payload }));
        if (options.json) return printJson({ sent: payload.msgtype, ...report });
        process.stderr.write(`${pc.green('sent')} ${payload.msgtype} message to ${touser}\n`);
      });
    });
}

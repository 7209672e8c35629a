/**
 * `wxmp preview <post|media_id> --to <openid>`: a draft on one phone, before publishing (`message/mass/preview` with
 * msgtype mpnews and the draft's media_id, docs/wechat-api.md §7.2). Uses no mass-send quota and publishes nothing;
 * verified accounts only (48001 otherwise), previews to a WeChat ID (`--wxname`) at most 100 a day.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import type { PreviewTarget } from '../../../wechat/api/message.js';
import { WeChatError } from '../../../wechat/errors.js';
import { accountOptions, withAccount, type AccountCliOptions } from '../../account.js';
import { printJson } from '../../output.js';
import { draftOfPost, postOrId } from './publish.js';

/** What openids look like (28 characters, the same prefix for every follower of an account). */
const OPENID = /^[A-Za-z0-9_-]{28}$/;

interface PreviewOptions extends AccountCliOptions {
  to: string;
  wxname?: boolean;
}

export function registerPreviewCommand(program: Command): void {
  accountOptions(
    program
      .command('preview')
      .argument('<post|media_id>', 'a post (its draft from the lock, after `wxmp sync`) or a draft media_id')
      .description('Send a draft to one phone as a preview (message/mass/preview): nothing is published')
      .requiredOption('--to <recipient>', 'a follower\'s openid (or, with --wxname, their WeChat ID 微信号)')
      .option('--wxname', '--to is a WeChat ID (towxname, at most 100 previews a day) instead of an openid'),
  )
    .addHelpText(
      'after',
      `
The recipient must follow the account. An openid is per account (take it from \`user/get\`, or from a message the
reader sent); a WeChat ID (微信号, --wxname) is what the reader sees in their own profile. Previews to WeChat IDs
are limited to 100 a day; previews to openids use no quota besides the API's daily call limit.

Preview needs a verified account (微信认证): an unverified one gets errcode 48001 — verify the account, or use
预览 in the web UI (公众平台 → 内容管理 → 草稿箱). Given a post, the draft is the one \`wxmp sync\` recorded in the lock
(a post that changed since is previewed as last synced, with a warning).

Examples:
  wxmp preview posts/hello.md --to o6_bmjrPTlm6_2sgVt7hMZOPfL2M
  wxmp preview posts/hello.md --to my_wechat_id --wxname
  wxmp preview <draft media_id> --to <openid> --account work --json`,
    )
    .action(async (target: string, options: PreviewOptions) => {
      await withAccount(options, 'wxmp preview', async (ctx) => {
        const { session, client, call } = ctx;
        const ref = postOrId(target, session.root);
        let mediaId: string;
        let title: string | undefined;
        if (ref.kind === 'post') {
          const draft = await draftOfPost(ctx, ref);
          if (!draft.current) process.stderr.write(`${pc.yellow('warning:')} ${ref.source} changed since its last sync: this previews the draft as last synced (run \`wxmp sync ${ref.source}\` to update it)\n`);
          mediaId = draft.mediaId;
          title = draft.entry.title;
        } else mediaId = ref.id;

        const to = options.to.trim();
        const recipient: PreviewTarget = options.wxname ? { towxname: to } : { touser: to };
        const sent = await call(() => client.message.previewDraft(recipient, mediaId)).catch((error: unknown) => {
          if (!options.wxname && error instanceof WeChatError && error.errcode === 40003 && !OPENID.test(to)) {
            process.stderr.write(`${pc.yellow('note:')} "${to}" does not look like an openid (28 characters): if it is a WeChat ID (微信号), add --wxname\n`);
          }
          throw error;
        });
        if (options.json) {
          return printJson({ previewed: mediaId, ...(title !== undefined ? { title } : {}), ...recipient, ...(sent.msg_id !== undefined ? { msg_id: sent.msg_id } : {}) });
        }
        const who = options.wxname ? `WeChat ID ${to}` : `openid ${to}`;
        process.stderr.write(`${pc.green('preview sent')}${title ? ` "${title}"` : ''} (draft ${mediaId}) to ${who}${sent.msg_id !== undefined ? `, msg_id ${sent.msg_id}` : ''}\n`);
      });
    });
}

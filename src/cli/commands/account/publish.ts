/**
 * `wxmp publish <post|media_id>`: publish a draft (发布, docs/wechat-api.md §6) and wait for WeChat's verdict;
 * `wxmp publish --status <publish_id>` follows an earlier submission. Also the "post path or WeChat id" helpers the
 * other account commands (`preview`, `message send`) share.
 *
 * The submit is sent once and never repeated (the client does not retry freepublish/submit: a repeat after a lost
 * answer could publish twice); only freepublish/get is polled, with backoff. Exit codes: 0 published, 1 failed
 * (status 2–6 or an errcode), 3 still publishing when `--timeout` ran out.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import type { AccountSession, ResolvedAccount } from '../../../account/index.js';
import type { LockPost } from '../../../sync/lock.js';
import type { PublishResult } from '../../../wechat/api/freepublish.js';
import { publishStatusText, WeChatError, WeChatPublishError } from '../../../wechat/errors.js';
import { accountOptions, confirm, withAccount, type AccountCliOptions, type AccountContext } from '../../account.js';
import { printJson, UserError } from '../../output.js';

/** Exit code when WeChat is still publishing at the end of `--timeout` (0 published, 1 failed). */
export const EXIT_STILL_PUBLISHING = 3;

/** Polling of freepublish/get: 1 s, then ×1.5 per poll up to 10 s. */
const POLL = { intervalMs: 1000, backoff: 1.5, maxIntervalMs: 10_000 };

/** publish_status (§6.2) as a word for `--json`. */
const STATUS_NAMES: Record<number, string> = {
  0: 'published',
  1: 'publishing',
  2: 'original_check_failed',
  3: 'failed',
  4: 'rejected',
  5: 'deleted',
  6: 'banned',
};

export function publishStatusName(status: number): string {
  return STATUS_NAMES[status] ?? 'unknown';
}

// ---------------------------------------------------------------------------------------------------------------
// A command argument that is a post path or a WeChat id (media_id, article_id)

export type PostOrId = { kind: 'post'; file: string; source: string } | { kind: 'id'; id: string };

/**
 * A post when the argument names a file (relative to the root, else to the current directory), or looks like a path
 * (a `/` or a `.md` ending) — then a missing file is an error; anything else is an id. `source` is the lock's key: the
 * path relative to the root, with `/`.
 */
export function postOrId(arg: string, root: string): PostOrId {
  const file = [path.resolve(root, arg), path.resolve(arg)].find((f) => existsSync(f) && statSync(f).isFile());
  if (!file) {
    if (/[\\/]|\.(md|markdown)$/i.test(arg)) throw new UserError(`${arg}: no such post (looked under ${root} and the current directory)`);
    return { kind: 'id', id: arg };
  }
  const source = path.relative(root, file).split(path.sep).join('/');
  if (source.startsWith('../') || path.isAbsolute(source)) throw new UserError(`${arg}: the post is outside the root ${root} (pass --root)`);
  return { kind: 'post', file, source };
}

/** The lock's entry of a post for an account, or undefined. */
export function lockEntry(session: AccountSession, account: ResolvedAccount, source: string): LockPost | undefined {
  return session.lock.peekAccount(account.appId)?.posts[source];
}

/** Whether the post's inputs still match what its last sync wrote (the sync's own freshness check, nothing sent). */
async function draftIsCurrent(session: AccountSession, account: ResolvedAccount, file: string, entry: LockPost): Promise<boolean> {
  // The sync's own freshness check, loaded when a post is published (not at the CLI's start-up).
  const [{ loadPost }, { postThemeVersion }, { fileHashCacheFile }, { FileHashCache }, { configHashOf, isFresh }] = await Promise.all([
    import('../../../content/post.js'),
    import('../../../render/resolve-theme.js'),
    import('../../../sync/engine.js'),
    import('../../../sync/file-hashes.js'),
    import('../../../sync/stages/freshness.js'),
  ]);
  const post = await loadPost(file, session.root, session.config);
  const themeVersion = await postThemeVersion(post.meta, session.root, session.config).catch(() => 'unknown');
  const hashes = await FileHashCache.load(fileHashCacheFile(session.root));
  return isFresh(entry, { post, account, themeVersion, configHash: configHashOf(session.config) }, session.root, hashes);
}

export interface PostDraft {
  mediaId: string;
  entry: LockPost;
  /** False when the post changed since the sync that wrote the draft. */
  current: boolean;
}

/**
 * The draft a post's last sync wrote for the account, from the lock. Without one — never synced, already published
 * (its draft is gone), an interrupted sync — it says to run `wxmp sync` first.
 */
export async function draftOfPost(ctx: Pick<AccountContext, 'session' | 'account'>, post: { file: string; source: string }): Promise<PostDraft> {
  const { session, account } = ctx;
  const { source } = post;
  const sync = `run \`wxmp sync ${source}\` first`;
  const entry = lockEntry(session, account, source);
  if (!entry) throw new UserError(`${source} has no draft on account "${account.name}" yet: ${sync} (the lock, ${session.lockFileLabel}, records the draft it creates).`);
  if (entry.status === 'published') {
    throw new UserError(`${source} was already published${entry.articleUrl ? ` (${entry.articleUrl})` : ''}, which used up its draft: ${sync} to create a new draft from the post.`);
  }
  if (!entry.mediaId || entry.pending || entry.status !== 'draft') {
    throw new UserError(`${source}: its entry in ${session.lockFileLabel} has no usable draft (status ${entry.status}${entry.pending ? ', an interrupted sync' : ''}): ${sync}.`);
  }
  return { mediaId: entry.mediaId, entry, current: await draftIsCurrent(session, account, post.file, entry) };
}

// ---------------------------------------------------------------------------------------------------------------
// wxmp publish

interface PublishOptions extends AccountCliOptions {
  yes?: boolean;
  timeout: string;
  status?: string;
}

/** What `--json` prints for every outcome. */
interface PublishReport {
  status: string;
  publish_status: number;
  status_text: string;
  publish_id: string;
  article_id?: string;
  article_urls: string[];
  fail_idx: number[];
  timed_out?: boolean;
  media_id?: string;
  title?: string;
  source?: string;
  account: string;
}

export function registerPublishCommand(program: Command): void {
  accountOptions(
    program
      .command('publish')
      .argument('[post|media_id]', 'a post (its draft from the lock, after `wxmp sync`) or a draft media_id (`wxmp drafts list`)')
      .description('Publish a draft (发布): it goes live on the account and uses its publishing quota; waits for WeChat\'s verdict')
      .option('--yes', 'do not ask for confirmation (scripts, CI)')
      .option('--timeout <seconds>', 'how long to wait for the verdict before exiting with code 3', '600')
      .option('--status <publish_id>', 'submit nothing: wait for an earlier submission (after a timeout) and record it'),
  )
    .addHelpText(
      'after',
      `
Publishing (发布) puts the draft on the account's profile; it is not a mass send (群发) and pushes nothing to
followers. It is destructive: the draft leaves the draft box, the article is public, and it uses the account's
publishing quota. wxmp shows the title and the draft and asks first (--yes answers for scripts; without a terminal
and without --yes it refuses). The submit is sent exactly once — never retried — then freepublish/get is polled.

Given a post, the draft is the one \`wxmp sync\` recorded in the lock; a post that changed since, or that has no
draft, must be synced first. On success the lock records the article (status published, publishId, articleId,
articleUrl), and the next sync creates a new draft for the post.

Exit codes: 0 published (the URL is printed on stdout); 1 failed — 2 原创校验失败 original check failed,
3 常规失败 general failure, 4 审核不通过 rejected by review, 5 用户删除 deleted, 6 系统封禁 banned (with the
failing articles, fail_idx), or an errcode; 3 still publishing when --timeout ran out (check later with
\`wxmp publish --status <publish_id>\` or \`wxmp published list\`).

Examples:
  wxmp sync posts/hello.md && wxmp publish posts/hello.md    # asks, then publishes the post's draft
  wxmp publish posts/hello.md --yes --json                   # in CI: {"status":"published","article_urls":[…],…}
  wxmp publish <draft media_id> --yes --account work
  wxmp publish --status 2247483901                           # after exit code 3: wait again, record the result`,
    )
    .action(async (target: string | undefined, options: PublishOptions) => {
      process.exitCode = await runPublish(target, options);
    });
}

async function runPublish(target: string | undefined, options: PublishOptions): Promise<number> {
  const timeoutSeconds = Number(options.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0) throw new UserError(`--timeout must be a number of seconds (got "${options.timeout}")`);
  if (options.status !== undefined && target !== undefined) throw new UserError('give either a post / media_id to publish, or --status <publish_id> to follow an earlier submission, not both');
  if (options.status === undefined && target === undefined) throw new UserError('nothing to publish: give a post path or a draft media_id (see `wxmp publish --help`)');
  return withAccount(options, 'wxmp publish', async (ctx) => {
    const wait = { timeoutMs: timeoutSeconds * 1000, json: options.json === true, account: options.account };
    if (options.status !== undefined) return follow(ctx, options.status.trim(), wait);
    return submitAndFollow(ctx, target!, options, wait);
  });
}

interface WaitSettings {
  timeoutMs: number;
  json: boolean;
  account?: string;
}

/** Confirms, submits once, records the publish_id, then waits. */
async function submitAndFollow(ctx: AccountContext, target: string, options: PublishOptions, wait: WaitSettings): Promise<number> {
  const { session, account, client, call } = ctx;
  const ref = postOrId(target, session.root);
  let mediaId: string;
  let source: string | undefined;
  if (ref.kind === 'post') {
    const draft = await draftOfPost(ctx, ref);
    if (!draft.current) {
      throw new UserError(`${ref.source} changed since its last sync, so its draft (${draft.mediaId}) is out of date: run \`wxmp sync ${ref.source}\` first, then publish.`);
    }
    mediaId = draft.mediaId;
    source = ref.source;
  } else mediaId = ref.id;

  // The draft as WeChat has it (40007 when it is gone: published or deleted in the web UI).
  const draft = await call(() => client.draft.get(mediaId)).catch((error: unknown) => {
    if (source && error instanceof WeChatError && error.errcode === 40007) {
      throw new UserError(`the draft of ${source} (${mediaId}) no longer exists in WeChat (published or deleted there): run \`wxmp sync ${source}\` first to create a new one.`);
    }
    throw error;
  });
  const titles = draft.news_item.map((a) => a.title);
  const title = titles[0] ?? '';
  const more = titles.length > 1 ? ` (+${titles.length - 1} more article${titles.length > 2 ? 's' : ''})` : '';
  process.stderr.write(`${pc.bold('publish')} "${title}"${more}\n  draft:   ${mediaId}${source ? ` (${source})` : ''}\n  account: ${account.name} (${account.appId})${session.mode === 'sandbox' ? ' — sandbox' : ''}\n`);
  await confirm(`Publish "${title}"${more} on ${account.name}? It goes live on the account's profile and uses its publishing quota.`, options.yes);

  // Once: freepublish/submit is never retried (the client sends it a single time; docs/client.md).
  const submitted = await call(() => client.freepublish.submit(mediaId));
  const publishId = submitted.publish_id;
  process.stderr.write(`submitted: publish_id ${publishId}\n`);
  if (source) await session.lock.recordPost(account.appId, source, { publishId });
  return waitAndReport(ctx, publishId, wait, { media_id: mediaId, title, source });
}

/** `--status`: wait for an earlier submission; the lock entry that recorded its publish_id is updated. */
async function follow(ctx: AccountContext, publishId: string, wait: WaitSettings): Promise<number> {
  if (!/^\d+$/.test(publishId)) throw new UserError(`--status takes the publish_id printed by \`wxmp publish\` (digits; got "${publishId}")`);
  const posts = ctx.session.lock.peekAccount(ctx.account.appId)?.posts ?? {};
  const source = Object.keys(posts).find((key) => posts[key]!.publishId === publishId);
  const entry = source ? posts[source] : undefined;
  return waitAndReport(ctx, publishId, wait, { media_id: entry?.mediaId, title: entry?.title, source });
}

async function waitAndReport(
  ctx: AccountContext,
  publishId: string,
  wait: WaitSettings,
  about: { media_id?: string; title?: string; source?: string },
): Promise<number> {
  const { session, account, client, call } = ctx;
  const base = { publish_id: publishId, ...about, account: account.name };
  let result: PublishResult;
  try {
    result = await call(() =>
      client.freepublish.waitForPublish(publishId, {
        ...POLL,
        timeoutMs: wait.timeoutMs,
        onStatus: (status, elapsedMs) => {
          if (status.publish_status === 1) process.stderr.write(pc.dim(`  ${(elapsedMs / 1000).toFixed(1)} s  status 1 ${publishStatusText(1)}…\n`));
        },
      }),
    );
  } catch (error) {
    if (!(error instanceof WeChatPublishError)) {
      process.stderr.write(`${pc.yellow('note:')} publish_id ${publishId} was submitted; its outcome is unknown. Check with \`wxmp publish --status ${publishId}\`.\n`);
      throw error;
    }
    return reportFailure(ctx, error, wait, base);
  }

  const report: PublishReport = {
    status: publishStatusName(0),
    publish_status: 0,
    status_text: publishStatusText(0),
    ...base,
    article_id: result.article_id,
    article_urls: result.article_urls,
    fail_idx: [],
  };
  if (about.source) {
    await session.lock.recordPost(account.appId, about.source, {
      status: 'published',
      publishId,
      articleId: result.article_id,
      articleUrl: result.article_urls[0],
    });
  }
  if (wait.json) printJson(report);
  else {
    process.stderr.write(`${pc.green('published')} "${about.title ?? ''}" — publish_id ${publishId}, article_id ${result.article_id}\n`);
    for (const url of result.article_urls) process.stdout.write(`${url}\n`);
    if (about.source) process.stderr.write(pc.dim(`recorded in ${session.lockFileLabel}; the next \`wxmp sync\` creates a new draft for ${about.source}\n`));
  }
  return 0;
}

/** Status 2–6 (exit 1) or still publishing at the deadline (exit 3). */
async function reportFailure(
  ctx: AccountContext,
  error: WeChatPublishError,
  wait: WaitSettings,
  base: { publish_id: string; media_id?: string; title?: string; source?: string; account: string },
): Promise<number> {
  const { session, account } = ctx;
  const report: PublishReport = {
    status: publishStatusName(error.status),
    publish_status: error.status,
    status_text: publishStatusText(error.status),
    ...base,
    article_urls: [],
    fail_idx: error.failIdx,
    ...(error.timedOut ? { timed_out: true } : {}),
  };
  if (wait.json) printJson(report);
  const id = base.publish_id;
  if (error.timedOut) {
    const flags = wait.account ? ` --account ${wait.account}` : '';
    process.stderr.write(
      `${pc.yellow('wxmp:')} still publishing after ${wait.timeoutMs / 1000} s (publish_id ${id}, status 1 ${publishStatusText(1)}). ` +
        'WeChat accepted the draft and finishes on its own — do not publish it again.\n' +
        `  check later: wxmp publish --status ${id}${flags}   (waits for the verdict and records it in the lock)\n` +
        `           or: wxmp published list${flags}\n`,
    );
    return EXIT_STILL_PUBLISHING;
  }
  // The draft stays in the draft box after 2–4: forget the failed attempt's publish_id.
  if (base.source && error.status >= 2 && error.status <= 4) await session.lock.recordPost(account.appId, base.source, { publishId: undefined });
  const articles = error.failIdx.length ? ` — failing article(s) fail_idx ${error.failIdx.join(', ')} (1-based)` : '';
  process.stderr.write(
    `${pc.red('wxmp:')} publish failed: status ${error.status} ${publishStatusText(error.status)}${articles} (publish_id ${id})\n  ${pc.dim('hint:')} ${error.hint}\n`,
  );
  return 1;
}

/**
 * `wxmp account check` and `wxmp account quota [api]`: is the account usable, and how much of each API's daily quota
 * is left (docs/wechat-api.md §2, §3).
 *
 * `check` fetches a fresh token (never the cached one: the IP whitelist and the AppSecret are checked when a token is
 * issued), asks for the account's basic information, then makes one cheap read per API group and reports each as
 * ✓ or ✗ with the errcode — an unverified account typically gets 48001 on publishing. Exit code 0 when everything
 * answered, 1 when the credentials do not work, 2 when some groups are refused.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import { accountTypeText, type AccountBasicInfo } from '../../../wechat/api/account.js';
import type { WeChatClient } from '../../../wechat/client.js';
import { beijingYesterday } from '../../../wechat/datacube-range.js';
import { WeChatClientError, WeChatError, WeChatTransportError } from '../../../wechat/errors.js';
import { accountOptions, printRows, withAccount, type AccountCliOptions } from '../../account.js';
import { printJson, UserError } from '../../output.js';

/** Exit code of `check` when the credentials work but some API groups are refused (and of `quota` when a row failed). */
export const EXIT_PARTIAL = 2;

const WHITELIST_PATH = '公众平台 → 设置与开发 → 基本配置 → IP白名单';

/** The APIs wxmp calls, for `wxmp account quota` without an argument. */
export const WXMP_APIS = [
  '/cgi-bin/draft/add',
  '/cgi-bin/draft/update',
  '/cgi-bin/draft/batchget',
  '/cgi-bin/media/uploadimg',
  '/cgi-bin/material/add_material',
  '/cgi-bin/material/batchget_material',
  '/cgi-bin/freepublish/submit',
  '/cgi-bin/freepublish/get',
  '/cgi-bin/message/mass/preview',
  '/cgi-bin/menu/create',
  '/cgi-bin/user/get',
] as const;

/** How one step of the check went. */
interface Outcome {
  ok: boolean;
  detail?: string;
  errcode?: number;
  errmsg?: string;
  hint?: string;
  error?: string;
}

interface GroupProbe {
  group: string;
  endpoint: string;
  probe: (client: WeChatClient) => Promise<string>;
}

/** One cheap read per API group (permissions are granted per group: 接口权限). */
const GROUPS: GroupProbe[] = [
  { group: 'drafts', endpoint: 'draft/count', probe: async (c) => plural(await c.draft.count(), 'draft') },
  {
    group: 'materials',
    endpoint: 'material/get_materialcount',
    probe: async (c) => {
      const n = await c.material.count();
      return `${n.image_count} images, ${n.video_count} videos, ${n.voice_count} voices`;
    },
  },
  { group: 'publishing', endpoint: 'freepublish/batchget', probe: async (c) => plural((await c.freepublish.batchget({ count: 1, noContent: true })).total_count, 'published article') },
  { group: 'menu', endpoint: 'menu/get', probe: async (c) => ((await c.menu.get()) ? 'a menu is set' : 'no menu set') },
  { group: 'followers', endpoint: 'user/get', probe: async (c) => plural((await c.user.list()).total, 'follower') },
  {
    group: 'analytics',
    endpoint: 'datacube/getusersummary',
    probe: async (c) => {
      const day = beijingYesterday(c.now());
      const res = await c.datacube.getUserSummary({ begin: day, end: day });
      return `${day}: ${res.list.reduce((n, r) => n + Number(r.new_user ?? 0), 0)} new followers`;
    },
  },
];

export function registerAccountCommands(program: Command): void {
  const account = program
    .command('account')
    .description('Check that the account\'s credentials work and what it may call; show API quotas')
    .addHelpText('after', `
Examples:
  wxmp account check                   # token, IP whitelist, basic info, and which API groups are authorised
  wxmp account check --account work --json
  wxmp account quota                   # daily limit / used / remain of every API wxmp calls
  wxmp account quota draft/add         # one API (a path like /cgi-bin/draft/add; the /cgi-bin/ may be left out)`);

  accountOptions(account.command('check').description('Prove the credentials work and report which API groups the account may use'))
    .addHelpText('after', `
Steps: a fresh access token (stable_token — the AppID, the AppSecret and this machine's IP against the account's IP
whitelist), the account's basic information (account/getaccountbasicinfo: WeChat answers it only for accounts created
through a third-party platform, otherwise 41033/48001 — shown, not a failure), then one cheap read per API group:
draft/count, material/get_materialcount, freepublish/batchget, menu/get, user/get, datacube/getusersummary.
Exit code: 0 all good, 1 the credentials do not work, ${EXIT_PARTIAL} some API groups are refused (e.g. 48001 api unauthorized).

Examples:
  wxmp account check
  wxmp account check --json | jq '.groups[] | select(.ok | not)'`)
    .action(async (options: AccountCliOptions) => {
      await withAccount(options, 'wxmp account check', async ({ session, account: acct, client: sessionClient }) => {
        // A client of its own without a token cache: the token is fetched now, from this machine.
        const { WeChatClient } = await import('../../../wechat/client.js');
        const client = new WeChatClient({
          appId: acct.appId,
          appSecret: acct.appSecret,
          apiBase: sessionClient.apiBase,
          proxy: acct.proxy,
          retry: session.config.retry,
          tokenCache: false,
        });
        try {
          await runCheck(options, client, { name: acct.name, mode: session.mode });
        } finally {
          await client.close();
        }
      });
    });

  accountOptions(
    account
      .command('quota')
      .argument('[api]', 'an API path, e.g. /cgi-bin/draft/add or draft/add (default: every API wxmp calls)')
      .description('Daily limit, used and remaining calls of an API (openapi/quota/get)'),
  )
    .addHelpText('after', `
Counters reset at midnight, Beijing time. Over the limit WeChat answers 45009; clear_quota resets every counter
(10 times a month, from the 公众平台 or the API).

Examples:
  wxmp account quota
  wxmp account quota /cgi-bin/freepublish/submit --json`)
    .action(async (api: string | undefined, options: AccountCliOptions) => {
      await withAccount(options, 'wxmp account quota', async ({ client, call }) => {
        const paths = api ? [cgiPath(api)] : [...WXMP_APIS];
        const rows: ({ cgi_path: string; daily_limit: number; used: number; remain: number } | { cgi_path: string; errcode: number; errmsg: string; hint: string })[] = [];
        for (const path of paths) {
          try {
            const { quota } = await call(() => client.openapi.getQuota(path));
            rows.push({ cgi_path: path, daily_limit: quota.daily_limit, used: quota.used, remain: quota.remain });
          } catch (error) {
            // One API asked for: its error is the command's error. In the list, a row says what went wrong.
            if (api || !(error instanceof WeChatError)) throw error;
            rows.push({ cgi_path: path, errcode: error.errcode, errmsg: error.errmsg, hint: error.hint });
          }
        }
        const failed = rows.filter((r) => 'errcode' in r).length;
        if (failed > 0) process.exitCode = EXIT_PARTIAL;
        if (options.json) return printJson(api ? rows[0] : rows);
        printRows(
          ['api', 'daily limit', 'used', 'remain'],
          rows.map((r) =>
            'errcode' in r
              ? [r.cgi_path, pc.red(`errcode ${r.errcode} ${r.errmsg}`), '', '']
              : [r.cgi_path, String(r.daily_limit), String(r.used), lowRemain(r.remain, r.daily_limit)],
          ),
        );
        for (const r of rows) if ('errcode' in r) process.stderr.write(`${pc.red(r.cgi_path)}: errcode ${r.errcode} ${r.errmsg}\n  ${pc.dim('hint:')} ${r.hint}\n`);
      });
    });
}

async function runCheck(options: AccountCliOptions, client: WeChatClient, who: { name: string; mode: string }): Promise<void> {
  const out = (line: string) => {
    if (!options.json) process.stdout.write(`${line}\n`);
  };
  out(`${pc.bold(`account ${who.name}`)} ${pc.dim(`(${client.appId}, ${client.apiBase}${who.mode === 'sandbox' ? ', sandbox' : ''})`)}`);

  // 1. The token and the basic information: the first call fetches the token.
  let info: AccountBasicInfo | undefined;
  let infoOutcome: Outcome;
  const token: Outcome & { ip?: string } = { ok: true };
  try {
    info = await client.account.basicInfo();
    infoOutcome = { ok: true, detail: describeInfo(info) };
  } catch (error) {
    const failure = outcomeOf(error);
    if (isTokenFailure(error)) {
      Object.assign(token, failure);
      const ip = error instanceof WeChatError && error.errcode === 40164 ? /invalid ip\s+([0-9a-fA-F.:]+)/i.exec(error.errmsg)?.[1] : undefined;
      if (ip) token.ip = ip;
      return reportTokenFailure(options, client, who, token);
    }
    // Refused after the token was accepted: the credentials work, only this API is closed to the account's own token.
    infoOutcome = { ...failure, ok: false, detail: error instanceof WeChatError && (error.errcode === 41033 || error.errcode === 48001) ? 'not available to the account\'s own token (a third-party-platform API)' : undefined };
  }
  token.detail = 'AppID, AppSecret and IP whitelist accepted';
  out(`${mark(true)} ${pad('token')}${pc.dim(token.detail)}`);
  out(infoOutcome.ok ? `${mark(true)} ${pad('account')}${infoOutcome.detail}` : `${pc.dim('·')} ${pad('account')}${pc.dim(`${infoOutcome.detail ?? 'not available'} — errcode ${infoOutcome.errcode ?? '?'} ${infoOutcome.errmsg ?? infoOutcome.error ?? ''}`.trim())}`);

  // 2. One read per API group.
  out('');
  out(pc.bold('API groups'));
  const groups: (Outcome & { group: string; endpoint: string })[] = [];
  for (const g of GROUPS) {
    let outcome: Outcome;
    try {
      outcome = { ok: true, detail: await g.probe(client) };
    } catch (error) {
      outcome = outcomeOf(error);
    }
    groups.push({ group: g.group, endpoint: g.endpoint, ...outcome });
    if (outcome.ok) out(`  ${mark(true)} ${pad(g.group, 12)}${pad(g.endpoint, 28)}${pc.dim(outcome.detail ?? '')}`);
    else {
      const what = outcome.errcode === 48001 ? 'unauthorized' : 'failed';
      out(`  ${mark(false)} ${pad(g.group, 12)}${pad(g.endpoint, 28)}${pc.red(`${what}: ${outcome.errcode !== undefined ? `errcode ${outcome.errcode} ${outcome.errmsg}` : outcome.error}`)}`);
      if (outcome.hint) out(`    ${pc.dim(`hint: ${outcome.hint}`)}`);
    }
  }
  const refused = groups.filter((g) => !g.ok);
  if (refused.length > 0) process.exitCode = EXIT_PARTIAL;
  if (options.json) {
    return printJson({ account: who.name, appid: client.appId, apiBase: client.apiBase, mode: who.mode, ok: refused.length === 0, token, basicInfo: info ?? null, basicInfoError: info ? undefined : infoOutcome, groups });
  }
  out('');
  out(refused.length === 0 ? pc.green('The credentials work and every API group answered.') : pc.yellow(`The credentials work; ${refused.length} API group${refused.length === 1 ? ' is' : 's are'} refused (see 公众平台 → 设置与开发 → 接口权限).`));
}

function reportTokenFailure(options: AccountCliOptions, client: WeChatClient, who: { name: string; mode: string }, token: Outcome & { ip?: string }): void {
  process.exitCode = 1;
  if (options.json) {
    printJson({ account: who.name, appid: client.appId, apiBase: client.apiBase, mode: who.mode, ok: false, token, basicInfo: null, groups: [] });
  } else {
    process.stdout.write(`${mark(false)} ${pad('token')}${pc.red(token.errcode !== undefined ? `errcode ${token.errcode} ${token.errmsg}` : token.error ?? 'failed')}\n`);
    if (token.ip) process.stdout.write(`  WeChat sees this machine as ${pc.bold(token.ip)}: add it under ${WHITELIST_PATH}.\n`);
    if (token.hint) process.stdout.write(`  ${pc.dim(`hint: ${token.hint}`)}\n`);
  }
  process.stderr.write(`${pc.red('wxmp:')} the credentials of ${who.name} do not work: no other check was made\n`);
}

/** The failure happened getting the token (credentials, IP whitelist, network), not in the API called. */
function isTokenFailure(error: unknown): boolean {
  if (error instanceof WeChatError || error instanceof WeChatTransportError) return /(^|\/)cgi-bin\/(stable_token|token)$/.test(error.endpoint);
  // Refused before calling (an AppID/AppSecret the client cannot use).
  return error instanceof WeChatClientError && error.endpoint === undefined;
}

function outcomeOf(error: unknown): Outcome {
  if (error instanceof WeChatError) return { ok: false, errcode: error.errcode, errmsg: error.errmsg, hint: error.hint };
  if (error instanceof WeChatTransportError) return { ok: false, error: error.message.split('\n')[0], hint: error.hint };
  if (error instanceof WeChatClientError) return { ok: false, error: error.message };
  throw error;
}

function describeInfo(info: AccountBasicInfo): string {
  const name = info.nickname ?? info.nickname_info?.nickname ?? '(no name)';
  const verified = info.wx_verify_info?.qualification_verify || (info.customer_type ?? 0) > 0;
  return `${name}, ${accountTypeText(info.account_type)}, ${verified ? 'verified (微信认证)' : 'not verified'}${info.principal_name ? `, ${info.principal_name}` : ''}`;
}

/** `draft/add`, `cgi-bin/draft/add`, `/cgi-bin/draft/add` or a full URL → `/cgi-bin/draft/add`. */
export function cgiPath(api: string): string {
  let text = api.trim();
  if (/^https?:\/\//i.test(text)) {
    try {
      text = new URL(text).pathname;
    } catch {
      throw new UserError(`${api}: not an API path (e.g. /cgi-bin/draft/add)`);
    }
  }
  text = text.replace(/^\/+/, '').replace(/[?#].*$/, '');
  if (!text || /\s/.test(text)) throw new UserError(`${JSON.stringify(api)}: not an API path (e.g. /cgi-bin/draft/add)`);
  if (!/^(cgi-bin|datacube|wxa|sns)\//.test(text)) text = `cgi-bin/${text}`;
  return `/${text}`;
}

function lowRemain(remain: number, limit: number): string {
  const text = String(remain);
  if (limit > 0 && remain === 0) return pc.red(text);
  if (limit > 0 && remain / limit < 0.1) return pc.yellow(text);
  return text;
}

function mark(ok: boolean): string {
  return ok ? pc.green('✓') : pc.red('✗');
}

function pad(text: string, width = 9): string {
  return text.padEnd(width);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `wxmp account check` and `wxmp account quota` as processes against the emulator, failures included. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { startAccountCli } from '../helpers/account-cli.js';

const APP = { appId: 'wxchek000000000001', appSecret: 'check-cli-secret-0123456789abcdef0' };
const GROUPS = ['drafts', 'materials', 'publishing', 'menu', 'followers', 'analytics'];
let emulator: RunningEmulator;
let root: string;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCli([...args, '--root', root], { env });
const apiCalls = () => emulator.control.requests().filter((r) => !r.path.startsWith('/__emulator'));
const SLOW = { timeout: 180_000 };

beforeAll(async () => {
  ({ emulator, root, env } = await startAccountCli(APP));
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.control.resetRequests();
  emulator.control.setAccountFlags(APP.appId, { verified: true, ipWhitelist: null });
});

describe('wxmp account check', SLOW, () => {
  it('all good: a fresh token, the basic-info refusal shown (not a failure), every API group ✓', async () => {
    // A token in the cache must not hide a whitelist or secret problem: check always fetches one.
    expect((await cli('menu', 'show')).code).toBe(0);
    emulator.control.resetRequests();

    const result = await cli('account', 'check');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ token +AppID, AppSecret and IP whitelist accepted/);
    expect(result.stdout).toMatch(/· account +not available to the account's own token \(a third-party-platform API\) — errcode 41033 invaid register type/);
    for (const group of GROUPS) expect(result.stdout).toMatch(new RegExp(`✓ ${group} `));
    expect(result.stdout).toMatch(/The credentials work and every API group answered/);
    const paths = apiCalls().map((r) => r.path);
    expect(paths[0]).toBe('/cgi-bin/stable_token');
    expect(paths).toEqual(expect.arrayContaining(['/cgi-bin/account/getaccountbasicinfo', '/cgi-bin/draft/count', '/cgi-bin/material/get_materialcount', '/cgi-bin/freepublish/batchget', '/cgi-bin/menu/get', '/cgi-bin/user/get', '/datacube/getusersummary']));

    const json = JSON.parse((await cli('account', 'check', '--json')).stdout);
    expect(json).toMatchObject({ account: 'default', appid: APP.appId, ok: true, token: { ok: true }, basicInfo: null, basicInfoError: { ok: false, errcode: 41033 } });
    expect(json.groups.map((g: { group: string; ok: boolean }) => [g.group, g.ok])).toEqual(GROUPS.map((g) => [g, true]));
  });

  it('an unauthorised group (48001 on an unverified account) is ✗ with the errcode and hint, the rest ✓; exit code 2', async () => {
    emulator.control.setAccountFlags(APP.appId, { verified: false });
    const result = await cli('account', 'check');
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/✗ publishing +freepublish\/batchget +unauthorized: errcode 48001 api unauthorized/);
    expect(result.stdout).toMatch(/hint: api 功能未授权/);
    for (const group of GROUPS.filter((g) => g !== 'publishing')) expect(result.stdout).toMatch(new RegExp(`✓ ${group} `));
    expect(result.stdout).toMatch(/1 API group is refused/);

    const json = JSON.parse((await cli('account', 'check', '--json')).stdout);
    expect(json.ok).toBe(false);
    expect(json.groups.find((g: { group: string }) => g.group === 'publishing')).toMatchObject({ ok: false, errcode: 48001, errmsg: expect.stringMatching(/^api unauthorized/) });
  });

  it('an IP outside the whitelist: 40164 with the caller\'s IP and where to add it; nothing else is tried; exit code 1', async () => {
    emulator.control.setAccountFlags(APP.appId, { ipWhitelist: ['203.0.113.7'] });
    const result = await cli('account', 'check');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✗ token +errcode 40164 invalid ip 127\.0\.0\.1/);
    expect(result.stdout).toContain('WeChat sees this machine as 127.0.0.1: add it under 公众平台 → 设置与开发 → 基本配置 → IP白名单.');
    expect(result.stderr).toMatch(/the credentials of default do not work/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(apiCalls().map((r) => r.path)).toEqual(['/cgi-bin/stable_token']);

    const json = JSON.parse((await cli('account', 'check', '--json')).stdout);
    expect(json).toMatchObject({ ok: false, token: { ok: false, errcode: 40164, ip: '127.0.0.1' }, groups: [] });
  });

  it('a wrong AppSecret: 40125 and what to do', async () => {
    const result = await runCli(['account', 'check', '--root', root], { env: { ...env, WECHAT_APP_SECRET: 'wrong-secret-0123456789abcdef0000' } });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✗ token +errcode 40125 invalid appsecret/);
    expect(result.stdout).toMatch(/hint: .*AppSecret/);
  });

  it('--help explains the steps and exit codes, with examples', async () => {
    const help = await cli('account', 'check', '--help');
    expect(help.stdout).toMatch(/Exit code: 0 all good, 1 the credentials do not work, 2 some API groups are refused/);
    expect(help.stdout).toMatch(/Examples:\n\s+wxmp account check/);
  });
});

describe('wxmp account quota', SLOW, () => {
  it('without an argument: every API wxmp calls, with daily limit / used / remain', async () => {
    const result = await cli('account', 'quota');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^api\s+daily limit\s+used\s+remain\n/);
    expect(result.stdout).toMatch(/\/cgi-bin\/draft\/add\s+10000\s+0\s+10000/);
    expect(result.stdout).toMatch(/\/cgi-bin\/user\/get\s+500\s+\d+\s+\d+/);
    const json = JSON.parse((await cli('account', 'quota', '--json')).stdout);
    expect(json.map((r: { cgi_path: string }) => r.cgi_path)).toEqual(expect.arrayContaining(['/cgi-bin/draft/add', '/cgi-bin/media/uploadimg', '/cgi-bin/material/add_material', '/cgi-bin/freepublish/submit']));
  });

  it('one API, written with or without /cgi-bin/; counts what was used', async () => {
    expect((await cli('menu', 'show')).code).toBe(0);
    const json = JSON.parse((await cli('account', 'quota', 'menu/get', '--json')).stdout);
    expect(json).toEqual({ cgi_path: '/cgi-bin/menu/get', daily_limit: 10_000, used: expect.any(Number), remain: 10_000 - json.used });
    expect(json.used).toBeGreaterThanOrEqual(1);
    const same = JSON.parse((await cli('account', 'quota', '/cgi-bin/menu/get', '--json')).stdout);
    expect(same.cgi_path).toBe('/cgi-bin/menu/get');
  });

  it('an unknown API: errcode 76021, errmsg and what to do; exit code 1', async () => {
    const result = await cli('account', 'quota', 'no/such/api');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/openapi\/quota\/get: errcode 76021 cgi_path not found/);
    expect(result.stderr).toMatch(/hint: cgi_path 填错了/);
  });
});

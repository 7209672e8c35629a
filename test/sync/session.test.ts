/** The account session: which accounts a project has, and the rules every command shares (src/account/session.ts). */
import { afterEach, describe, expect, it } from 'vitest';
import { AccountHaltedError, createAccountCaller, openSession, SessionError } from '../../src/account/index.js';
import { resolveConfig } from '../../src/config/load.js';
import { createLimiter } from '../../src/util/limiter.js';
import { WeChatError } from '../../src/wechat/errors.js';
import { tempRoot, world, type StageWorld } from './helpers.js';

let current: StageWorld | undefined;
afterEach(async () => {
  await current?.session.close();
  await current?.emulator.close();
  current = undefined;
});

describe('openSession', () => {
  const root = tempRoot();
  const config = resolveConfig({});

  it('falls back to the sandbox without credentials, and refuses it where a real account is needed or in CI', async () => {
    const session = await openSession({ root, config, env: {} });
    expect(session.mode).toBe('sandbox');
    expect(session.account('anything')).toMatchObject({ name: 'sandbox' });
    expect(session.lockFileLabel).toBe('.wxmp/sandbox/wxmp.lock.json');
    await expect(openSession({ root, config, env: {}, requireCredentials: 'wxmp reconcile' })).rejects.toThrow(/wxmp reconcile needs a real account/);
    await expect(openSession({ root, config, env: { GITHUB_ACTIONS: 'true' } })).rejects.toThrow(/no WeChat credentials in this GitHub Actions run/);
    expect((await openSession({ root, config, env: { GITHUB_ACTIONS: 'true' }, sandbox: true })).mode).toBe('sandbox');
  });

  it('explains half-set credentials, and a plan needs only the AppID', async () => {
    await expect(openSession({ root, config, env: { WECHAT_APP_ID: 'wx1' } })).rejects.toThrow(SessionError);
    await expect(openSession({ root, config, env: { WECHAT_APP_ID: 'wx1' } })).rejects.toThrow(/WECHAT_APP_SECRET is not/);
    const plan = await openSession({ root, config, env: { WECHAT_APP_ID: 'wx1' }, readOnly: true });
    expect(plan).toMatchObject({ mode: 'live', readOnly: true, defaultName: 'default' });
    await expect(plan.client(plan.accounts.get('default')!)).rejects.toThrow(/read-only/);
  });

  it('names unknown accounts and a missing default, with the configured ones', async () => {
    const multi = resolveConfig({ accounts: { main: { appId: 'wxa' }, tech: { appId: 'wxb' } } });
    const session = await openSession({ root, config: multi, env: { WECHAT_APP_SECRET_MAIN: 's1', WECHAT_APP_SECRET_TECH: 's2' } });
    expect(session.account('tech')).toMatchObject({ appId: 'wxb', appSecret: 's2' });
    expect(session.account('nope')).toEqual({ error: 'unknown account "nope" (configured: main, tech)' });
    expect(session.account()).toEqual({ error: 'no account: add `account:` to the front matter or `defaultAccount` to the config (accounts: main, tech)' });
  });

  it('creates one client per account on first use, counts its requests, and never before', async () => {
    current = await world(1);
    const { session, emulator } = current;
    expect(emulator.control.requests()).toHaveLength(0);
    const account = session.account() as { appId: string; name: string; appSecret: string };
    const client = await session.client(account);
    expect(await session.client(account)).toBe(client);
    await session.call(account)(() => client.draft.count());
    expect(session.requests).toBeGreaterThanOrEqual(2); // the token, then draft/count
  });
});

describe('createAccountCaller', () => {
  it('stops calling an account after an errcode every call would meet, and only then', async () => {
    const caller = createAccountCaller(createLimiter(2), 'main');
    await expect(caller.call(() => Promise.reject(new WeChatError({ errcode: 40007, errmsg: 'invalid media_id', endpoint: 'draft/update' })))).rejects.toThrow(WeChatError);
    expect(caller.haltReason()).toBeUndefined();
    await expect(caller.call(() => Promise.reject(new WeChatError({ errcode: 45009, errmsg: 'reach max api daily quota limit', endpoint: 'draft/add' })))).rejects.toThrow(WeChatError);
    expect(caller.haltReason()).toBe('an earlier call to main failed with errcode 45009, which every call would');
    let ran = false;
    await expect(caller.call(async () => (ran = true))).rejects.toThrow(AccountHaltedError);
    expect(ran).toBe(false);
  });
});

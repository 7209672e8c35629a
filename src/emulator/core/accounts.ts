/**
 * The accounts an emulator serves: created from options.accounts, else the ones saved in stateDir, else one
 * generated sandbox account. Only active accounts answer; others may linger in the state from earlier runs.
 */
import { randomBytes } from 'node:crypto';
import { beijingDay } from '../clock.js';
import { hashSecret } from '../logic/credentials.js';
import { revokeAllTokens } from '../logic/tokens.js';
import { newAccountState, type AccountState, type StateStore } from '../state.js';
import type { AccountFlagsPatch, EmulatorAccountInput } from '../types.js';

export class AccountRegistry {
  /** The active accounts as the caller gave them (the sandbox account with its generated secret). */
  readonly active: EmulatorAccountInput[];

  constructor(
    private readonly store: StateStore,
    inputs: EmulatorAccountInput[] | undefined,
    private readonly now: () => number,
  ) {
    this.active = this.setup(inputs);
  }

  private setup(inputs: EmulatorAccountInput[] | undefined): EmulatorAccountInput[] {
    if (inputs && inputs.length > 0) {
      for (const input of inputs) this.upsert(input);
      return inputs.map((a) => ({ ...a }));
    }
    const persisted = Object.values(this.store.state.accounts);
    if (persisted.length > 0) {
      return persisted.map((a) => ({
        appId: a.appId,
        appSecret: a.sandboxSecret ?? '(set when the account was created)',
        name: a.name,
        ...a.flags,
      }));
    }
    // Real AppIDs are `wx` + 16 hex, AppSecrets 32 hex.
    const sandbox: EmulatorAccountInput = {
      appId: `wx${randomBytes(8).toString('hex')}`,
      appSecret: randomBytes(16).toString('hex'),
      name: 'wxmp sandbox',
    };
    const acc = this.upsert(sandbox);
    acc.sandboxSecret = sandbox.appSecret;
    return [{ ...sandbox, verified: true, commentPrivilege: true, productCapability: false }];
  }

  private upsert(input: EmulatorAccountInput): AccountState {
    const accounts = this.store.state.accounts;
    const flags = {
      verified: input.verified ?? true,
      commentPrivilege: input.commentPrivilege ?? true,
      productCapability: input.productCapability ?? false,
      ...(input.ipWhitelist ? { ipWhitelist: [...input.ipWhitelist] } : {}),
    };
    const existing = accounts[input.appId];
    if (existing) {
      existing.secretHash = hashSecret(input.appSecret);
      existing.flags = flags;
      if (input.name) existing.name = input.name;
      return existing;
    }
    const created = newAccountState({
      appId: input.appId,
      name: input.name ?? input.appId,
      secretHash: hashSecret(input.appSecret),
      biz: Buffer.from(String(3000000000 + Math.floor(Math.random() * 900000000))).toString('base64'),
      flags,
      day: beijingDay(this.now()),
    });
    accounts[input.appId] = created;
    return created;
  }

  /** An active account's state. */
  get(appId: string): AccountState | undefined {
    return this.active.some((a) => a.appId === appId) ? this.store.state.accounts[appId] : undefined;
  }

  /** The states of every active account, in the order they were given. */
  states(): AccountState[] {
    return this.active.map((a) => this.store.state.accounts[a.appId]).filter((a): a is AccountState => !!a);
  }

  setFlags(appId: string, patch: AccountFlagsPatch): void {
    const acc = this.get(appId);
    if (!acc) throw new Error(`unknown account ${appId}`);
    if (patch.verified !== undefined) acc.flags.verified = patch.verified;
    if (patch.commentPrivilege !== undefined) acc.flags.commentPrivilege = patch.commentPrivilege;
    if (patch.productCapability !== undefined) acc.flags.productCapability = patch.productCapability;
    if (patch.ipWhitelist === null) delete acc.flags.ipWhitelist;
    else if (patch.ipWhitelist) acc.flags.ipWhitelist = [...patch.ipWhitelist];
    this.store.markDirty();
  }

  /** Every token of every account, active or not, answers 40001 from now on. */
  revokeAllTokens(): void {
    for (const acc of Object.values(this.store.state.accounts)) revokeAllTokens(acc);
    this.store.markDirty();
  }
}

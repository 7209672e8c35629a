/**
 * The accounts `wxmp serve` keeps for tools that do not send credentials with every request: a JSON file in the
 * user's config folder (`$XDG_CONFIG_HOME/wxmp/accounts.json`, else `~/.config/wxmp/accounts.json`, or `--accounts`),
 * mode 0600 in a 0700 folder, written atomically (temp + rename). Secrets are read from it and sent to WeChat only;
 * the API answers them as `***`.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';

export interface StoredAccount {
  id: string;
  name: string;
  appid: string;
  secret: string;
  remark: string;
  createdAt: string;
  updatedAt: string;
}

/** An account as the API shows it: the secret masked. */
export type PublicAccount = Omit<StoredAccount, 'secret'> & { secret: '***'; isDefault: boolean };

interface AccountsFile {
  version: 1;
  defaultId?: string;
  accounts: StoredAccount[];
}

/** The file cannot be read or holds something else than accounts: the message names it. */
export class AccountsFileError extends Error {
  override name = 'AccountsFileError';
}

/** An operation refused for its input (a duplicate AppID, an unknown id): HTTP 404/409. */
export class AccountConflictError extends Error {
  override name = 'AccountConflictError';
  constructor(
    message: string,
    readonly status: 404 | 409,
  ) {
    super(message);
  }
}

/** `$XDG_CONFIG_HOME/wxmp/accounts.json`, else `~/.config/wxmp/accounts.json`. */
export function defaultAccountsFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  return path.join(base, 'wxmp', 'accounts.json');
}

export function publicAccount(account: StoredAccount, defaultId: string | undefined): PublicAccount {
  return { ...account, secret: '***', isDefault: account.id === defaultId };
}

export class AccountStore {
  private data: AccountsFile = { version: 1, accounts: [] };
  private chain: Promise<void> = Promise.resolve();

  private constructor(readonly file: string) {}

  /** Loads the file (none yet: no accounts; it is created on the first change). */
  static async open(file: string): Promise<AccountStore> {
    const store = new AccountStore(path.resolve(file));
    let text: string;
    try {
      text = await readFile(store.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return store;
      throw new AccountsFileError(`${store.file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new AccountsFileError(`${store.file}: not valid JSON (${(error as Error).message}); fix or remove it`);
    }
    const data = parsed as Partial<AccountsFile>;
    if (!data || typeof data !== 'object' || !Array.isArray(data.accounts)) throw new AccountsFileError(`${store.file}: not a wxmp accounts file (no "accounts" list)`);
    for (const a of data.accounts as Partial<StoredAccount>[]) {
      if (!a || typeof a.id !== 'string' || typeof a.appid !== 'string' || typeof a.secret !== 'string') {
        throw new AccountsFileError(`${store.file}: every account needs "id", "appid" and "secret"`);
      }
      a.name = typeof a.name === 'string' ? a.name : a.appid;
      a.remark = typeof a.remark === 'string' ? a.remark : '';
    }
    store.data = { version: 1, accounts: data.accounts, ...(typeof data.defaultId === 'string' ? { defaultId: data.defaultId } : {}) };
    return store;
  }

  list(): StoredAccount[] {
    return [...this.data.accounts];
  }

  get defaultId(): string | undefined {
    return this.data.defaultId;
  }

  get(id: string): StoredAccount | undefined {
    return this.data.accounts.find((a) => a.id === id);
  }

  byAppId(appid: string): StoredAccount | undefined {
    return this.data.accounts.find((a) => a.appid === appid);
  }

  /** The default account: the one marked, else the only one. */
  defaultAccount(): StoredAccount | undefined {
    const marked = this.data.defaultId ? this.get(this.data.defaultId) : undefined;
    return marked ?? (this.data.accounts.length === 1 ? this.data.accounts[0] : undefined);
  }

  /** Adds an account; the first one becomes the default. A second account with the same AppID is a conflict. */
  add(input: { name: string; appid: string; secret: string; remark?: string }): Promise<StoredAccount> {
    return this.change(() => {
      if (this.byAppId(input.appid)) throw new AccountConflictError(`an account with appid ${input.appid} exists already: update it with PUT /api/accounts/:id`, 409);
      const now = new Date().toISOString();
      const account: StoredAccount = { id: randomUUID(), name: input.name, appid: input.appid, secret: input.secret, remark: input.remark ?? '', createdAt: now, updatedAt: now };
      this.data.accounts.push(account);
      if (!this.data.defaultId || !this.get(this.data.defaultId)) this.data.defaultId = account.id;
      return account;
    });
  }

  update(id: string, fields: Partial<Pick<StoredAccount, 'name' | 'appid' | 'secret' | 'remark'>>): Promise<{ before: StoredAccount; after: StoredAccount }> {
    return this.change(() => {
      const index = this.data.accounts.findIndex((a) => a.id === id);
      if (index < 0) throw new AccountConflictError(`no account with id ${id}`, 404);
      const before = this.data.accounts[index]!;
      if (fields.appid && fields.appid !== before.appid && this.byAppId(fields.appid)) {
        throw new AccountConflictError(`an account with appid ${fields.appid} exists already`, 409);
      }
      const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
      const after: StoredAccount = { ...before, ...defined, updatedAt: new Date().toISOString() };
      this.data.accounts[index] = after;
      return { before, after };
    });
  }

  /** Removes an account; when it was the default, the oldest remaining one becomes the default. */
  remove(id: string): Promise<StoredAccount> {
    return this.change(() => {
      const account = this.get(id);
      if (!account) throw new AccountConflictError(`no account with id ${id}`, 404);
      this.data.accounts = this.data.accounts.filter((a) => a.id !== id);
      if (this.data.defaultId === id) {
        const next = this.data.accounts[0];
        if (next) this.data.defaultId = next.id;
        else delete this.data.defaultId;
      }
      return account;
    });
  }

  setDefault(id: string): Promise<StoredAccount> {
    return this.change(() => {
      const account = this.get(id);
      if (!account) throw new AccountConflictError(`no account with id ${id}`, 404);
      this.data.defaultId = id;
      return account;
    });
  }

  /** Applies a change and writes the file; changes are serialized, and a failed write leaves memory as the file is. */
  private change<T>(apply: () => T): Promise<T> {
    const run = this.chain.then(async () => {
      const snapshot = structuredClone(this.data);
      const result = apply();
      try {
        await this.write();
      } catch (error) {
        this.data = snapshot;
        throw error;
      }
      return result;
    });
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async write(): Promise<void> {
    const dir = path.dirname(this.file);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.file, `${JSON.stringify(this.data, null, 2)}\n`, { mode: 0o600 });
    // A umask cannot widen 0600, but an older file written by hand may be wider: the rename replaced it, so the new
    // file's mode holds; chmod anyway for file systems that ignore the open mode.
    await chmod(this.file, 0o600).catch(() => undefined);
  }
}

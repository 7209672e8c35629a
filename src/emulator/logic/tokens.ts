/**
 * Access-token state machine (docs/wechat-api.md §2, "EMU token state machine"): `token` and `stable_token` are isolated
 * families; a superseded token keeps working for at most 5 minutes.
 */
import { randomBytes } from 'node:crypto';
import type { AccountState, TokenRecord } from '../state.js';
import { beijingDay } from '../clock.js';

export const TOKEN_LIFETIME_MS = 7200 * 1000;
export const OVERLAP_MS = 300 * 1000;
export const FORCE_REFRESH_GAP_MS = 30 * 1000;
export const FORCE_REFRESH_PER_DAY = 20;

/**
 * Real tokens look like `86_Qm…` (~136–160 chars of [A-Za-z0-9_-]); we mint 143-char ones in that alphabet.
 * (The "store at least 512 chars" advice is for client storage, not the actual length.)
 */
export function mintToken(): string {
  return `${80 + Math.floor(Math.random() * 19)}_${randomBytes(105).toString('base64url')}`;
}

function fresh(now: number): TokenRecord {
  return { token: mintToken(), issuedAt: now, expiresAt: now + TOKEN_LIFETIME_MS };
}

function supersede(rec: TokenRecord, until: number): void {
  rec.validUntil = Math.min(rec.validUntil ?? Infinity, rec.expiresAt, until);
}

export interface IssuedToken {
  access_token: string;
  expires_in: number;
}

/** GET cgi-bin/token: every call mints a new token; the previous one stays valid ≤ 5 min. */
export function issueToken(acc: AccountState, now: number): IssuedToken {
  for (const rec of acc.tokens) if (rec.validUntil === undefined) supersede(rec, now + OVERLAP_MS);
  // Forget tokens that died more than a day ago (a later use answers 40001, as for any unknown token).
  acc.tokens = acc.tokens.filter((r) => Math.min(r.validUntil ?? Infinity, r.expiresAt) > now - 86_400_000);
  const rec = fresh(now);
  acc.tokens.push(rec);
  return { access_token: rec.token, expires_in: 7200 };
}

export type StableResult = IssuedToken | { errcode: 45009 };

/** POST cgi-bin/stable_token (normal and force_refresh modes). */
export function issueStableToken(acc: AccountState, now: number, forceRefresh: boolean): StableResult {
  const st = acc.stable;
  const cur = st.current;
  const curUsable = cur && cur.validUntil === undefined && cur.expiresAt > now;
  const remaining = (rec: TokenRecord): IssuedToken => ({
    access_token: rec.token,
    expires_in: Math.floor((rec.expiresAt - now) / 1000),
  });

  if (forceRefresh) {
    // "两次强制刷新间隔需 ≥30 秒，否则不会刷新": inside 30 s the current token comes back unchanged.
    if (cur && curUsable && st.lastForceAt !== undefined && now - st.lastForceAt < FORCE_REFRESH_GAP_MS) {
      return remaining(cur);
    }
    const day = beijingDay(now);
    if (st.forceDay !== day) {
      st.forceDay = day;
      st.forceCount = 0;
    }
    if (st.forceCount >= FORCE_REFRESH_PER_DAY) return { errcode: 45009 };
    st.forceCount += 1;
    st.lastForceAt = now;
    if (cur) supersede(cur, now); // force: the old stable token dies at once
    st.previous = cur;
    st.current = fresh(now);
    return { access_token: st.current.token, expires_in: 7200 };
  }

  // Normal mode: same token while more than 5 min remain, so every answer has expires_in ≥ 300.
  if (cur && curUsable && cur.expiresAt - now > OVERLAP_MS) return remaining(cur);
  if (cur) supersede(cur, now + OVERLAP_MS);
  st.previous = cur;
  st.current = fresh(now);
  return { access_token: st.current.token, expires_in: 7200 };
}

export type TokenOwner =
  | { kind: 'ok'; account: AccountState }
  | { kind: 'expired'; account: AccountState }
  | { kind: 'unknown' };

function classify(rec: TokenRecord, now: number): 'ok' | 'expired' | 'unknown' {
  if (rec.validUntil !== undefined && now >= rec.validUntil) {
    // Superseded/revoked: "invalid or not latest" (40001) — unless it simply reached its natural expiry first.
    return rec.validUntil >= rec.expiresAt ? 'expired' : 'unknown';
  }
  return now >= rec.expiresAt ? 'expired' : 'ok';
}

export function findTokenOwner(accounts: AccountState[], token: string, now: number): TokenOwner {
  for (const acc of accounts) {
    const recs = [...acc.tokens, acc.stable.current, acc.stable.previous];
    for (const rec of recs) {
      if (!rec || rec.token !== token) continue;
      const kind = classify(rec, now);
      return kind === 'unknown' ? { kind } : { kind, account: acc };
    }
  }
  return { kind: 'unknown' };
}

/** Fault injection / admin: every token of the account answers 40001 from now on. */
export function revokeAllTokens(acc: AccountState): void {
  for (const rec of [...acc.tokens, acc.stable.current, acc.stable.previous]) {
    if (rec) rec.validUntil = 0;
  }
}

/**
 * Stage 2, freshness: is what the lock recorded for this post and account still what the post would produce? The
 * fingerprint hashes everything the payload is made from — the source, every local input's content, the theme, the
 * renderer, the payload-relevant config and the account's byline — so an unchanged post costs a few file hashes:
 * nothing is rendered and nothing is sent.
 */
import path from 'node:path';
import type { ResolvedAccount } from '../../account/accounts.js';
import type { WxmpConfig } from '../../config/schema.js';
import type { Post } from '../../content/post.js';
import { RENDERER_VERSION } from '../../render/resolve-theme.js';
import { sha256, stableStringify } from '../../util/hash.js';
import type { FileHashCache } from '../file-hashes.js';
import type { LockPost } from '../lock.js';

/** Bumped when the fingerprint's recipe changes, so old lock entries are re-checked once. */
const FINGERPRINT_VERSION = '1';

export interface FingerprintParts {
  post: Post;
  /** Local files the post reads (relative to the root) → sha256. */
  inputs: Record<string, string>;
  account: ResolvedAccount;
  themeVersion: string;
  configHash: string;
}

/** The fingerprint of a post's inputs for one account: unchanged ⇒ the payload is unchanged. Pure. */
export function fingerprintOf({ post, inputs, account, themeVersion, configHash }: FingerprintParts): string {
  return sha256(
    stableStringify({
      v: FINGERPRINT_VERSION,
      renderer: RENDERER_VERSION,
      theme: themeVersion,
      config: configHash,
      author: account.author ?? null,
      source: sha256(post.raw),
      inputs,
    }),
  );
}

/** Config keys that change the rendered payload (not concurrency, credentials, limits or output folders). */
export function configHashOf(config: WxmpConfig): string {
  const { include, exclude, outDir, apiBase, proxy, accounts, defaultAccount, concurrency, lint, retry, limits, remoteImages, ...relevant } = config;
  void [include, exclude, outDir, apiBase, proxy, accounts, defaultAccount, concurrency, lint, retry, limits, remoteImages];
  return sha256(stableStringify(relevant));
}

/**
 * Whether the lock's entry still describes the post: a draft was written, nothing is pending, and the fingerprint over
 * the inputs' current content matches. A missing input (a deleted image) is a change.
 */
export async function isFresh(entry: LockPost, parts: Omit<FingerprintParts, 'inputs'>, root: string, hashes: FileHashCache): Promise<boolean> {
  if (!entry.fingerprint || !entry.mediaId || entry.pending || entry.status !== 'draft') return false;
  const inputs: Record<string, string> = {};
  for (const rel of Object.keys(entry.inputs ?? {})) {
    const digest = await hashes.hash(path.resolve(root, rel));
    if (!digest) return false;
    inputs[rel] = digest;
  }
  return fingerprintOf({ ...parts, inputs }) === entry.fingerprint;
}

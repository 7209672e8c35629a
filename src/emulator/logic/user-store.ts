/**
 * Where the follower list of an account lives: `account.state.ext.followers` (persisted with the rest of the
 * emulator state), plus an in-memory directory cache rebuilt whenever the state's `version` changes.
 */
import type { EmuAccount } from '../router.js';
import { FollowerDirectory, createFollowerState, type FollowerState } from './user-followers.js';
import { createTagState, type TagState } from './user-tags.js';

const FOLLOWERS_KEY = 'followers';

export function followerState(account: EmuAccount, nowMs: number): FollowerState {
  const ext = account.state.ext;
  return (ext[FOLLOWERS_KEY] ??= createFollowerState(account.appId, { nowMs })) as FollowerState;
}

const directories = new WeakMap<FollowerState, { version: number; directory: FollowerDirectory }>();

export function followerDirectory(state: FollowerState): FollowerDirectory {
  const version = state.version ?? 0;
  const cached = directories.get(state);
  if (cached && cached.version === version) return cached.directory;
  const directory = new FollowerDirectory(state);
  directories.set(state, { version, directory });
  return directory;
}

export function followersOf(account: EmuAccount, nowMs: number): { state: FollowerState; directory: FollowerDirectory } {
  const state = followerState(account, nowMs);
  return { state, directory: followerDirectory(state) };
}

export function tagState(account: EmuAccount): TagState {
  return (account.state.ext.tags ??= createTagState()) as TagState;
}

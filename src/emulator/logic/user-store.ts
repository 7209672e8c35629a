/**
 * Looking up an account's followers: the persisted {@link FollowerState} (`AccountState.followers`, created by
 * `followerState()` in state.ts) plus an in-memory directory cache rebuilt whenever the state's `version` changes.
 */
import { followerState, type AccountState } from '../state.js';
import { FollowerDirectory, type FollowerState } from './user-followers.js';

const directories = new WeakMap<FollowerState, { version: number; directory: FollowerDirectory }>();

export function followerDirectory(state: FollowerState): FollowerDirectory {
  const version = state.version ?? 0;
  const cached = directories.get(state);
  if (cached && cached.version === version) return cached.directory;
  const directory = new FollowerDirectory(state);
  directories.set(state, { version, directory });
  return directory;
}

export function followersOf(acc: AccountState, nowMs: number): { state: FollowerState; directory: FollowerDirectory } {
  const state = followerState(acc, nowMs);
  return { state, directory: followerDirectory(state) };
}

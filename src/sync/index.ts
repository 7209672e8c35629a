/** The sync: the engine behind `wxmp sync` and `wxmp plan`, its lock file, and reconciliation with the draft box. */
export { fileHashCacheFile, syncPosts } from './engine.js';
export type { PostResult, SyncContext, SyncError, SyncEvent, SyncOptions, SyncStatus } from './engine.js';
export { LockStore, LOCK_FILE, LockFileError } from './lock.js';
export type { LockData, LockPost, LockImage, LockCover, LockPending } from './lock.js';
export { FileHashCache } from './file-hashes.js';
export { reconcile } from './reconcile.js';
export { listDrafts, findPendingDraft, type DraftSummary } from './drafts.js';

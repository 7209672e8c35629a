/**
 * wxmp as a library: config, posts, the WeChat renderer, the API client and the offline emulator.
 * The CLI (`wxmp`) and the GitHub Action are thin shells over these functions.
 */
export { defineConfig, configSchema, defaultFrontMatterAliases, loadConfig, resolveConfig, ConfigError, loadDotEnv } from './config/index.js';
export type { WxmpConfig, WxmpUserConfig, AccountConfig } from './config/index.js';
export { discoverPosts, loadPost, parsePost, postMetaSchema, parseFrontMatter, FrontMatterError } from './content/index.js';
export type { Post, PostMeta } from './content/index.js';
export { renderPost, renderMarkdown, RENDERER_VERSION, builtinTemplatesDir, createProcessor, loadTheme, listThemes } from './render/index.js';
export type { RenderedPost, RenderOptions, Theme, ImageRef, ImageResolver, RenderSettings, LinkMode } from './render/index.js';
export { formatProblem, problemToJson } from './util/index.js';
export type { Problem, JsonProblem } from './util/index.js';

// The WeChat MP API client.
export * from './wechat/index.js';

// The offline emulator of the WeChat MP API (tests, sandbox).
export { startEmulator } from './emulator/index.js';
export type { EmulatorOptions, EmulatorAccountInput, FaultConfig, RunningEmulator, EmulatorControl, RequestLogEntry } from './emulator/index.js';

// Sync: the lock file and the engine behind `wxmp sync`.
export { syncPosts } from './sync/engine.js';
export type { PostResult, SyncContext, SyncEvent, SyncOptions, SyncStatus } from './sync/engine.js';
export { LockStore, LOCK_FILE } from './sync/lock.js';
export type { LockData, LockPost, LockImage, LockCover } from './sync/lock.js';
export { FileHashCache } from './sync/file-hashes.js';
export { AccountSession, openSession, resolveAccounts, SessionError } from './account/index.js';
export type { OpenSessionOptions, ResolvedAccount, SessionMode } from './account/index.js';
export { reconcile } from './sync/reconcile.js';
export { prepareBodyImage, prepareCoverImage } from './assets/index.js';

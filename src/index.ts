/**
 * wxmp as a library: config, posts, the WeChat renderer, the API client and the offline emulator.
 * The CLI (`wxmp`) and the GitHub Action are thin shells over these functions.
 */
export { defineConfig, configSchema, defaultFrontMatterAliases } from './config/schema.js';
export type { WxmpConfig, WxmpUserConfig, AccountConfig } from './config/schema.js';
export { loadConfig, resolveConfig, ConfigError } from './config/load.js';
export { loadDotEnv } from './config/env.js';
export { discoverPosts } from './content/discover.js';
export { loadPost, parsePost, postMetaSchema } from './content/post.js';
export type { Post, PostMeta } from './content/post.js';
export { parseFrontMatter, FrontMatterError } from './content/front-matter.js';
export { renderPost, renderMarkdown, RENDERER_VERSION, builtinTemplatesDir } from './render/render.js';
export type { RenderedPost, RenderOptions } from './render/render.js';
export { createProcessor } from './render/processor.js';
export { loadTheme, listThemes } from './render/theme.js';
export type { Theme } from './render/theme.js';
export type { ImageRef, ImageResolver, RenderSettings, LinkMode } from './render/types.js';
export { formatProblem, problemToJson } from './util/messages.js';
export type { Problem, JsonProblem } from './util/messages.js';

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
export { prepareBodyImage, prepareCoverImage } from './assets/convert.js';

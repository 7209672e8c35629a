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
export { syncPosts, LockStore, LOCK_FILE, FileHashCache, reconcile } from './sync/index.js';
export type { PostResult, SyncContext, SyncEvent, SyncOptions, SyncStatus, LockData, LockPost, LockImage, LockCover } from './sync/index.js';
export { AccountSession, openSession, resolveAccounts, SessionError } from './account/index.js';
export type { OpenSessionOptions, ResolvedAccount, SessionMode } from './account/index.js';

// `wxmp serve` as a library, loaded on first use: the HTTP framework stays out of the library's start-up.
export type { ServeOptions, ServeApp, RunningServe } from './serve/index.js';
export async function startServe(options?: import('./serve/index.js').ServeOptions): Promise<import('./serve/index.js').RunningServe> {
  return (await import('./serve/index.js')).startServe(options);
}
export async function createServeApp(options?: import('./serve/index.js').ServeOptions): Promise<import('./serve/index.js').ServeApp> {
  return (await import('./serve/index.js')).createServeApp(options);
}
export { prepareBodyImage, prepareCoverImage } from './assets/index.js';

/**
 * Configuration: the `wxmp.config.ts` schema and helpers, loading and validating a project's config, `.env` files,
 * and the API-base rule. For other folders and library users; modules of this folder import each other directly.
 * (What a config file itself gets from `import … from 'wxmp'` is the smaller public.ts.)
 */
export { configSchema, defaultFrontMatterAliases, defineConfig } from './schema.js';
export type { AccountConfig, WxmpConfig, WxmpUserConfig } from './schema.js';
export { CONFIG_FILES, ConfigError, loadConfig, resolveConfig, type LoadedConfig } from './load.js';
export { loadDotEnv } from './env.js';
export { announceApiBase, ApiBaseError, checkApiBase, isLoopbackHost } from './api-base.js';

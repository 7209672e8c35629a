/**
 * What a `wxmp.config.ts` imports from 'wxmp' while wxmp loads it: only the config helpers, so that loading a config
 * does not load (or transpile) the whole library. The package's main entry exports the same names.
 */
export { defineConfig, defaultFrontMatterAliases } from './schema.js';
export type { WxmpUserConfig, WxmpConfig, AccountConfig } from './schema.js';

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { packageRoot } from '../util/package-root.js';
import { configSchema, type WxmpConfig } from './schema.js';

export const CONFIG_FILES = ['wxmp.config.ts', 'wxmp.config.mts', 'wxmp.config.js', 'wxmp.config.mjs', 'wxmp.config.json'];

export interface LoadedConfig {
  config: WxmpConfig;
  /** Absolute path of the config file, or undefined when none was found (defaults apply). */
  file?: string;
  root: string;
}

/** A problem in the user's config: names the file and the key, never a stack trace. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly file: string | undefined,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Formats zod issues as `wxmp.config.ts: render.links: Invalid option…` lines. */
function formatIssues(fileLabel: string, issues: z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const key = issue.path.length ? issue.path.map(String).join('.') : '(root)';
      return `${fileLabel}: ${key}: ${issue.message}`;
    })
    .join('\n');
}

function findConfigFile(root: string): string | undefined {
  for (const name of CONFIG_FILES) {
    const candidate = path.join(root, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Validates a raw config object (from a file or from library callers). */
export function resolveConfig(raw: unknown, fileLabel = 'config'): WxmpConfig {
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(formatIssues(fileLabel, parsed.error.issues), fileLabel);
  return parsed.data;
}

// A config's `import { defineConfig } from 'wxmp'` gets the small config entry, imported natively: loading a config
// must not load or transpile the whole library (that took seconds). Under the test runner the sources are TypeScript.
// The CLI bundle (scripts/bundle.mjs) has no public.js beside it: it uses tsc's, shipped in dist/config/.
const configEntry = [...['./public.js', './public.ts'].map((rel) => path.resolve(path.dirname(fileURLToPath(import.meta.url)), rel)), path.join(packageRoot(), 'dist/config/public.js')]
  .find((file) => existsSync(file));

/** Loads `wxmp.config.*` from the root (TypeScript via jiti, so it works on Node 20) and validates it. */
export async function loadConfig(root: string, explicitFile?: string): Promise<LoadedConfig> {
  const absRoot = path.resolve(root);
  const file = explicitFile ? path.resolve(absRoot, explicitFile) : findConfigFile(absRoot);
  if (!file) return { config: resolveConfig({}), root: absRoot };
  if (!existsSync(file)) throw new ConfigError(`Cannot find config file \`${file}\``, file);
  const label = path.relative(process.cwd(), file) || file;
  let raw: unknown;
  try {
    // jiti (a TypeScript transformer) loads only when there is a config file to load.
    const { createJiti } = await import('jiti');
    const jiti = createJiti(import.meta.url, {
      moduleCache: false,
      // Transpiled configs are cached (node_modules/.cache/jiti): a warm start does not load the TypeScript transformer.
      fsCache: true,
      alias: configEntry ? { wxmp: configEntry } : {},
      tryNative: true,
    });
    const mod = await jiti.import<{ default?: unknown }>(file);
    raw = mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`${label}: cannot load: ${message.split('\n')[0]}`, file);
  }
  if (typeof raw === 'function') raw = await (raw as () => unknown)();
  return { config: resolveConfig(raw, label), file, root: absRoot };
}

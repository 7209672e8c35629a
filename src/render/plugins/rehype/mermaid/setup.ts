/**
 * What drawing a diagram needs besides the post: the optional packages (`mermaid` for its browser bundle and version,
 * `playwright-core` to drive the browser; optional peer dependencies, so a plain install stays small) and a Chromium
 * or Chrome program of the user's. Only looked up when a post has a ```mermaid fence. README, "Mermaid diagrams".
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isWithin } from '../../../../content/local-files.js';

const resolveFromHere = createRequire(import.meta.url).resolve;

export interface MermaidPackage {
  version: string;
  /** The self-contained browser bundle, loaded into the page as a script (never over the network). */
  bundle: string;
}

let mermaidFound: MermaidPackage | null | undefined;

/** mermaid's version and browser bundle, or undefined when the package is not installed. */
export function mermaidPackage(): MermaidPackage | undefined {
  if (mermaidFound === undefined) {
    try {
      const manifest = resolveFromHere('mermaid/package.json');
      const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
      const bundle = path.join(path.dirname(manifest), 'dist', 'mermaid.min.js');
      mermaidFound = existsSync(bundle) ? { version, bundle } : null;
    } catch {
      mermaidFound = null;
    }
  }
  return mermaidFound ?? undefined;
}

/** The optional packages that are not installed (empty: both are). */
export function missingPackages(): string[] {
  const missing: string[] = [];
  if (!mermaidPackage()) missing.push('mermaid');
  try {
    resolveFromHere('playwright-core');
  } catch {
    missing.push('playwright-core');
  }
  return missing;
}

/** Where Chromium and Chrome are installed by Debian/Ubuntu packages, Google's packages and on macOS. */
export const BROWSER_CANDIDATES: readonly string[] = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

export type BrowserChoice = { path: string } | { unavailable: string };

const HOW_TO_POINT = 'set `mermaid.browser` in wxmp.config.ts or the WXMP_CHROMIUM environment variable to a Chromium or Chrome program';

function realOf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/**
 * The browser program: env WXMP_CHROMIUM, else the config's `mermaid.browser`, else the first of BROWSER_CANDIDATES
 * that exists. A program inside the project is refused: the path may come from a pull request (a config or `.env`
 * change), and wxmp only runs a browser installed outside the posts (docs/security.md).
 */
export function findBrowser(configured: string | undefined, root: string, env: NodeJS.ProcessEnv = process.env): BrowserChoice {
  const named = env.WXMP_CHROMIUM?.trim() || configured;
  if (!named) {
    const found = BROWSER_CANDIDATES.find((candidate) => existsSync(candidate));
    if (found) return { path: found };
    return { unavailable: `no Chromium or Chrome found (looked for ${BROWSER_CANDIDATES[0]} and ${BROWSER_CANDIDATES.length - 1} other places): install one (e.g. \`apt-get install chromium\`) or ${HOW_TO_POINT}` };
  }
  const source = env.WXMP_CHROMIUM?.trim() ? 'WXMP_CHROMIUM' : '`mermaid.browser`';
  const program = path.resolve(root, named);
  if (!existsSync(program)) return { unavailable: `${source} is ${named}, which does not exist: ${HOW_TO_POINT}` };
  if (isWithin(program, path.resolve(root)) || isWithin(realOf(program), realOf(root))) {
    return { unavailable: `${source} is ${named}, inside the project: wxmp only runs a browser installed outside it (docs/security.md)` };
  }
  return { path: program };
}

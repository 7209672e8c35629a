import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

/**
 * Variables that decide where the AppSecret is sent. A `.env` is a file in the posts repo (often committed, or
 * arriving with a pull request), so it may hold secrets but must not redirect them: these come only from the real
 * environment (docs/security.md, "Where credentials go").
 */
// Also the variables that redirect or weaken every connection Node makes: a proxy sees the AppSecret, and
// NODE_TLS_REJECT_UNAUTHORIZED=0 turns off certificate checks (docs/security.md).
const ENV_ONLY_VARIABLES: readonly string[] = [
  'WXMP_API_BASE',
  'WXMP_PROXY',
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NODE_TLS_REJECT_UNAUTHORIZED',
  'NODE_OPTIONS',
  'NODE_EXTRA_CA_CERTS',
  // The browser wxmp starts to draw Mermaid diagrams: a repo must not choose a program to run (docs/security.md).
  'WXMP_CHROMIUM',
];

/** Told about each variable of the file that was not loaded because it may only come from the real environment. */
export type IgnoredVariableReporter = (file: string, name: string) => void;

const warnIgnored: IgnoredVariableReporter = (file, name) => {
  process.stderr.write(`wxmp: ignoring ${name} from ${file}: where credentials are sent comes only from the real environment\n`);
};

/**
 * Reads `<root>/.env` (if any) into `env` without overriding variables that are already set, so CI secrets win over a
 * developer's file. `ENV_ONLY_VARIABLES` are never loaded from it: each one found is reported (by default, a warning
 * on stderr). Returns the names it set (never the values: the file holds the AppSecret).
 */
export function loadDotEnv(root: string, env: NodeJS.ProcessEnv = process.env, reportIgnored: IgnoredVariableReporter = warnIgnored): string[] {
  const file = path.join(root, '.env');
  if (!existsSync(file)) return [];
  const parsed = parseEnv(readFileSync(file, 'utf8'));
  const set: string[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (ENV_ONLY_VARIABLES.includes(key)) {
      reportIgnored(file, key);
      continue;
    }
    if (env[key] === undefined && value !== undefined) {
      env[key] = value;
      set.push(key);
    }
  }
  return set;
}

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

/**
 * Reads `<root>/.env` (if any) into `env` without overriding variables that are already set, so CI secrets win over a
 * developer's file. Returns the names it set (never the values: the file holds the AppSecret).
 */
export function loadDotEnv(root: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const file = path.join(root, '.env');
  if (!existsSync(file)) return [];
  const parsed = parseEnv(readFileSync(file, 'utf8'));
  const set: string[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (env[key] === undefined && value !== undefined) {
      env[key] = value;
      set.push(key);
    }
  }
  return set;
}

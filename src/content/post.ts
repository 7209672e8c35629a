import path from 'node:path';
import * as z from 'zod'; // a namespace import lets esbuild keep only what is used (`{ z }` keeps all of zod: 755 kB against 170 kB)
import type { WxmpConfig } from '../config/schema.js';
import { problem, type Problem } from '../util/messages.js';
import { FrontMatterError, lineOfKey, parseFrontMatter, type FrontMatterResult } from './front-matter.js';
import { checkContentLimits } from './limits.js';
import { LocalReadError, readCappedSync } from './local-files.js';

/** `X1_Y1_X2_Y2` with coordinates in [0,1] and at most 6 decimals (draft/add pic_crop_*; docs/wechat-api.md §5.1). */
const cropPattern = /^(0(\.\d{1,6})?|1(\.0{1,6})?)(_(0(\.\d{1,6})?|1(\.0{1,6})?)){3}$/;

const stringish = z.union([z.string(), z.number()]).transform((v) => String(v).trim());

export const postMetaSchema = z
  .object({
    title: stringish.optional(),
    author: z
      .union([stringish, z.array(stringish)])
      .transform((v) => (Array.isArray(v) ? v.join(', ') : v))
      .optional(),
    digest: stringish.optional(),
    cover: z.string().trim().min(1).optional(),
    source_url: z.string().trim().url().optional(),
    comments: z.boolean().optional(),
    fans_only_comments: z.boolean().optional(),
    /** `draft: true` skips the post (Hugo and Hexo use the same key). */
    draft: z.boolean().optional(),
    theme: z.string().trim().min(1).optional(),
    /** Code theme (`templates/code-themes/<name>.css`) overriding the config's `codeTheme`. */
    code_theme: z.string().trim().min(1).optional(),
    /** Mac-style window bar on code blocks, overriding the config's `render.codeWindowBar`. */
    code_window_bar: z.boolean().optional(),
    /** Account name(s) from the config's `accounts`; several = crosspost. */
    account: z
      .union([z.string(), z.array(z.string())])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .optional(),
    pic_crop_235_1: z.string().regex(cropPattern, 'expected X1_Y1_X2_Y2 with values in [0,1]').optional(),
    pic_crop_1_1: z.string().regex(cropPattern, 'expected X1_Y1_X2_Y2 with values in [0,1]').optional(),
    cjk_spacing: z.boolean().optional(),
    links: z.enum(['references', 'text', 'keep']).optional(),
    math: z.boolean().optional(),
  })
  // Blogs carry many other keys (tags, date, weight…): ignore them.
  .loose();

export type PostMeta = z.output<typeof postMetaSchema>;

/** camelCase spellings accepted for our own keys, whatever the configured aliases. */
const builtinAliases: Record<string, string[]> = {
  source_url: ['sourceUrl'],
  fans_only_comments: ['fansOnlyComments'],
  cjk_spacing: ['cjkSpacing'],
  code_theme: ['codeTheme'],
  code_window_bar: ['codeWindowBar'],
  pic_crop_235_1: ['picCrop2351'],
  pic_crop_1_1: ['picCrop11'],
};

export interface Post {
  /** Path relative to the root, with `/` separators (used in messages, the lock file and outputs). */
  source: string;
  /** Absolute path. */
  path: string;
  raw: string;
  frontMatter: FrontMatterResult;
  meta: PostMeta;
  /** For values taken from an alias (`description` → digest): canonical key → the key as written. */
  keyOrigin: Record<string, string>;
  /** Front-matter problems; a post with an error cannot be rendered. */
  messages: Problem[];
  /** The post broke a limit (size, line length, nesting) and is reported without being parsed or rendered. */
  blocked?: true;
}

const NO_FRONT_MATTER: FrontMatterResult = { data: {}, format: 'none', body: '', lines: 0, raw: '' };

/** A post that is reported, not parsed: it broke a limit, or its file could not be read. */
function blockedPost(source: string, absPath: string, raw: string, message: Problem): Post {
  return { source, path: absPath, raw, frontMatter: NO_FRONT_MATTER, meta: {}, keyOrigin: {}, messages: [message], blocked: true };
}

/** Applies configured aliases: `description` → `digest`, `banner` → `cover`… Returns data plus where each key came from. */
export function applyAliases(
  data: Record<string, unknown>,
  aliases: Record<string, string[]>,
): { data: Record<string, unknown>; origin: Record<string, string> } {
  const out: Record<string, unknown> = { ...data };
  const origin: Record<string, string> = {};
  for (const [canonical, names] of Object.entries({ ...builtinAliases, ...mergeAliases(aliases) })) {
    if (out[canonical] !== undefined) continue;
    for (const name of names) {
      const value = data[name];
      if (value !== undefined && value !== null && value !== '') {
        out[canonical] = value;
        origin[canonical] = name;
        break;
      }
    }
  }
  // Hugo's `[extra]`/Zola's `[extra]` tables hold covers and authors in some blogs.
  const extra = data.extra;
  if (extra && typeof extra === 'object' && !Array.isArray(extra)) {
    for (const key of ['author', 'cover', 'digest'] as const) {
      if (out[key] === undefined && (extra as Record<string, unknown>)[key] !== undefined) {
        out[key] = (extra as Record<string, unknown>)[key];
        origin[key] = 'extra';
      }
    }
  }
  return { data: out, origin };
}

function mergeAliases(aliases: Record<string, string[]>): Record<string, string[]> {
  const merged: Record<string, string[]> = {};
  for (const [key, names] of Object.entries(aliases)) merged[key] = [...(builtinAliases[key] ?? []), ...names];
  return merged;
}

/** Parses and validates a post's front matter. Never throws for content problems: they become messages. */
export function parsePost(source: string, absPath: string, raw: string, config: WxmpConfig): Post {
  const { limits } = config;
  if (raw.length > limits.postBytes) {
    return blockedPost(source, absPath, raw, problem(source, tooLarge(raw.length, limits.postBytes, 'characters'), { line: 1 }, 'post-too-large', 'error'));
  }
  const violation = checkContentLimits(raw, limits);
  if (violation) return blockedPost(source, absPath, raw, problem(source, violation.message, violation, violation.ruleId, 'error'));
  const messages: Problem[] = [];
  let fm: FrontMatterResult;
  try {
    // MkDocs sites (OI-wiki) write `author: …` lines without fences: read them with the rest of MkDocs' syntax.
    fm = parseFrontMatter(raw, { metaBlock: config.render.mkdocs });
  } catch (error) {
    if (!(error instanceof FrontMatterError)) throw error;
    messages.push(problem(source, error.message, { line: error.line, column: error.column }, 'front-matter-syntax', 'error'));
    // The body after a delimited block is still the post's Markdown: its other problems are reported in the same run.
    const body = error.body ?? raw;
    return { source, path: absPath, raw, frontMatter: { data: {}, format: 'none', body, lines: 0, raw: '' }, meta: {}, keyOrigin: {}, messages };
  }
  const { data, origin } = applyAliases(fm.data, config.frontMatter.aliases);
  const parsed = postMetaSchema.safeParse(data);
  if (parsed.success) return { source, path: absPath, raw, frontMatter: fm, meta: parsed.data, keyOrigin: origin, messages };
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? '');
    const written = origin[key] ?? key;
    const label = issue.path.length ? [written, ...issue.path.slice(1).map(String)].join('.') : '(front matter)';
    messages.push(
      problem(source, `Invalid front matter \`${label}\`: ${issue.message}`, { line: lineOfKey(fm, written) }, 'front-matter-field', 'error'),
    );
  }
  messages.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  // Keep the valid fields, so that one bad field reports one error (not a "missing title" as well).
  const valid = { ...data };
  for (const issue of parsed.error.issues) if (issue.path.length) delete valid[String(issue.path[0])];
  const rest = postMetaSchema.safeParse(valid);
  return { source, path: absPath, raw, frontMatter: fm, meta: rest.success ? rest.data : {}, keyOrigin: origin, messages };
}

/** Reads and parses a post file; a file over `limits.postBytes` is refused before it is read. */
export async function loadPost(absPath: string, root: string, config: WxmpConfig): Promise<Post> {
  const source = toSource(root, absPath);
  let raw: string;
  try {
    // Synchronous: a post is small (≤ limits.postBytes), and a no-op sync reads a thousand of them; one blocking
    // open/fstat/read is much cheaper than four thread-pool round trips each.
    raw = readCappedSync(absPath, config.limits.postBytes).toString('utf8');
  } catch (error) {
    if (!(error instanceof LocalReadError)) throw error;
    const reason = error.size === undefined ? error.message : tooLarge(error.size, config.limits.postBytes, 'bytes');
    return blockedPost(source, absPath, '', problem(source, reason, { line: 1 }, 'post-too-large', 'error'));
  }
  return parsePost(source, absPath, raw, config);
}

function tooLarge(size: number, limit: number, unit: string): string {
  return `The post is ${size} ${unit}, over the limit of ${limit}: split it, or raise limits.postBytes in wxmp.config.ts`;
}

export function toSource(root: string, absPath: string): string {
  return path.relative(root, absPath).split(path.sep).join('/');
}

import { parse as parseToml } from 'smol-toml';
import { loadYaml, YamlError } from '../util/yaml.js';

export interface FrontMatterResult {
  /** The parsed front matter (empty object when there is none). */
  data: Record<string, unknown>;
  /** `meta`: a MkDocs / Python-Markdown meta-data block (`author: a, b` lines at the top, no delimiters). */
  format: 'yaml' | 'toml' | 'meta' | 'none';
  /**
   * The Markdown body, with the front matter replaced by as many empty lines, so positions reported by the Markdown
   * parser are positions in the original file.
   */
  body: string;
  /** Number of lines the front matter block occupies (0 without front matter). */
  lines: number;
  /** The raw front matter text (between the delimiters). */
  raw: string;
}

/** A front-matter syntax error, at a 1-based line of the original file. */
export class FrontMatterError extends Error {
  /** The Markdown after a block that was delimited but not valid: the post's other problems can still be found. */
  body?: string;

  constructor(
    message: string,
    readonly line: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'FrontMatterError';
  }
}

export interface FrontMatterOptions {
  /** Also read a MkDocs meta-data block (see `parseMetaBlock`). */
  metaBlock?: boolean;
}

/**
 * The opening line of a front-matter block: `---` (YAML), `+++` (TOML, as in Hugo and Zola), or `---<lang>` (the
 * gray-matter / Jekyll convention for naming the language). Only YAML and TOML are data; `---js`, `---coffee`… are
 * refused, since reading them means running them (docs/security.md).
 */
const OPENING = /^(---|\+\+\+)([^\r\n]*?)[ \t]*\r?(?:\n|$)/;
const DATA_LANGUAGES = new Map([
  ['yaml', 'yaml'],
  ['yml', 'yaml'],
  ['toml', 'toml'],
] as const);

/**
 * Splits YAML (`---`) or TOML (`+++`) front matter from a post, or with `metaBlock` a MkDocs meta-data block. The
 * block runs from the opening line to the first line that is the same delimiter alone; a block that is never closed
 * is an error at line 1 (it would otherwise swallow the whole post).
 */
export function parseFrontMatter(source: string, options: FrontMatterOptions = {}): FrontMatterResult {
  const input = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const opening = OPENING.exec(input);
  // `----` or `--- title` is a thematic break or text, not a delimiter: only `---`, `+++` and `---word` open a block.
  const tag = opening?.[2] ?? '';
  if (!opening || (tag !== '' && !/^[A-Za-z][\w-]*$/.test(tag))) {
    return (options.metaBlock && parseMetaBlock(input)) || { data: {}, format: 'none', body: input, lines: 0, raw: '' };
  }
  const delimiter = opening[1]!;
  const language = tag ? DATA_LANGUAGES.get(tag.toLowerCase() as 'yaml') : delimiter === '+++' ? 'toml' : 'yaml';
  if (!language) {
    throw new FrontMatterError(`Front matter in \`${tag}\` is not allowed: front matter is data, written in YAML (---) or TOML (+++)`, 1, 1);
  }
  const close = findClosing(input, opening[0].length, delimiter);
  if (!close) throw new FrontMatterError(`Front matter opened with \`${delimiter}\` at line 1 is never closed by a \`${delimiter}\` line`, 1, 1);
  // `raw` starts with the rest of the opening line (its newline), as the line arithmetic below and lineOfKey expect.
  const raw = input.slice(opening[0].length - 1 - (opening[0].endsWith('\r\n') ? 1 : 0), close.start);
  const lines = countNewlines(input.slice(0, close.end));
  const body = '\n'.repeat(lines) + input.slice(close.end);
  let data: Record<string, unknown>;
  try {
    data = language === 'toml' ? parseTomlBlock(raw) : parseYamlBlock(raw);
  } catch (error) {
    if (error instanceof FrontMatterError) error.body = body;
    throw error;
  }
  return { data, format: language, body, lines, raw };
}

/** The closing delimiter line after `from`: its start, and the offset just after its newline. */
function findClosing(input: string, from: number, delimiter: string): { start: number; end: number } | undefined {
  let at = from;
  while (at <= input.length) {
    const newline = input.indexOf('\n', at);
    const lineEnd = newline === -1 ? input.length : newline;
    if (input.slice(at, lineEnd).replace(/[ \t\r]+$/, '') === delimiter) return { start: at, end: newline === -1 ? input.length : newline + 1 };
    if (newline === -1) return undefined;
    at = newline + 1;
  }
  return undefined;
}

/**
 * YAML as Jekyll, Hexo and gray-matter read front matter (src/util/yaml.ts): YAML 1.2 core plus `!!timestamp` dates
 * and `<<` merge keys; aliases are counted, so a "billion laughs" post is refused, not expanded.
 */
function parseYamlBlock(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = loadYaml(raw, { maxNodes: 10_000 });
  } catch (error) {
    if (!(error instanceof YamlError)) throw error;
    // Positions count lines of `raw`, which starts with the opening line's newline: raw line N is file line N.
    throw new FrontMatterError(`Invalid YAML front matter: ${error.reason}`, error.line ?? 1, error.column);
  }
  return toRecord(value, 'YAML');
}

function parseTomlBlock(raw: string): Record<string, unknown> {
  try {
    return toRecord(parseToml(raw), 'TOML');
  } catch (error) {
    if (error instanceof FrontMatterError) throw error;
    // smol-toml counts lines of the text after the opening `+++`, which starts with that line's newline.
    const e = error as { message?: string; line?: number; column?: number };
    const message = (e.message ?? 'invalid TOML').split('\n')[0]!.replace(/^Invalid TOML document: /, '');
    throw new FrontMatterError(`Invalid TOML front matter: ${message}`, typeof e.line === 'number' ? e.line : 1, e.column);
  }
}

/** Front matter is a mapping of keys; an empty block is no keys; a list or a bare string is an error. */
function toRecord(value: unknown, language: string): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new FrontMatterError(`Invalid ${language} front matter: expected \`key: value\` lines`, 2);
  return { ...(value as Record<string, unknown>) };
}

/**
 * Keys that make a first paragraph a meta-data block rather than text: a post may well start with "Note: …", so
 * the block is only taken when its first key is one of these.
 */
const META_KEYS = new Set(['title', 'author', 'authors', 'description', 'summary', 'date', 'tags', 'categories', 'cover', 'image']);
const META_LINE = /^ {0,3}([A-Za-z0-9_-]+):[ \t]*(.*)$/;
const META_CONTINUATION = /^ {4,}(\S.*)$/;

/**
 * Python-Markdown's meta-data extension, which MkDocs sites such as OI-wiki use instead of YAML fences:
 *
 *   author: Ir1d, LeoJacob, Xeonacid
 *   title: 前缀函数与 KMP 算法
 *                                       ← a blank line ends the block
 *   正文…
 *
 * Keys are lower-cased, a line indented by 4+ spaces continues the previous key (values joined by a space), as the
 * extension does (https://python-markdown.github.io/extensions/meta_data/). Without the block every line would be
 * body text ("author: Ir1d, …" printed as the first paragraph).
 */
function parseMetaBlock(input: string): FrontMatterResult | undefined {
  const data: Record<string, unknown> = {};
  let key: string | undefined;
  let end = 0;
  let lines = 0;
  while (end < input.length) {
    const newline = input.indexOf('\n', end);
    const line = input.slice(end, newline === -1 ? input.length : newline).replace(/\r$/, '');
    if (line.trim() === '') break;
    const entry = META_LINE.exec(line);
    const continuation = entry ? undefined : META_CONTINUATION.exec(line);
    if (entry) {
      key = entry[1]!.toLowerCase();
      if (lines === 0 && !META_KEYS.has(key)) return undefined;
      data[key] = data[key] === undefined ? entry[2]!.trim() : `${String(data[key])} ${entry[2]!.trim()}`;
    } else if (continuation && key) {
      data[key] = `${String(data[key])} ${continuation[1]!.trim()}`.trim();
    } else {
      // Not a meta-data block after all: a paragraph that happens to start with "Title: …".
      return undefined;
    }
    lines++;
    end = newline === -1 ? input.length : newline + 1;
  }
  const raw = input.slice(0, end);
  return { data, format: 'meta', body: '\n'.repeat(lines) + input.slice(end), lines, raw };
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/**
 * The 1-based file line of a top-level front-matter key (`key:` in YAML, `key =` in TOML), for messages that point at
 * the field; falls back to the first line of the front matter.
 */
export function lineOfKey(fm: FrontMatterResult, key: string): number {
  if (fm.format === 'none') return 1;
  const rawLines = fm.raw.split('\n');
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Meta-data keys are case-insensitive (they are lower-cased when read).
  const flags = fm.format === 'meta' ? 'i' : '';
  const pattern = fm.format === 'toml' ? new RegExp(`^["']?${escaped}["']?\\s*=`) : new RegExp(`^["']?${escaped}["']?\\s*:`, flags);
  // rawLines[0] is the remainder of the opening delimiter line (line 1), or line 1 itself for a meta-data block.
  for (let i = 0; i < rawLines.length; i++) {
    if (pattern.test(fm.format === 'meta' ? rawLines[i]!.trimStart() : rawLines[i]!)) return i + 1;
  }
  return 1;
}

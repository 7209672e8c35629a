import matter from 'gray-matter';
import { parse as parseToml } from 'smol-toml';

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
  constructor(
    message: string,
    readonly line: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'FrontMatterError';
  }
}

const tomlEngine = { toml: (input: string) => parseToml(input) as object };

export interface FrontMatterOptions {
  /** Also read a MkDocs meta-data block (see `parseMetaBlock`). */
  metaBlock?: boolean;
}

/**
 * Splits YAML (`---`) or TOML (`+++`, as in Hugo and Zola) front matter from a post, or with `metaBlock` a MkDocs
 * meta-data block. gray-matter always gets an options object: without one it caches results by input string and
 * hands back shared (mutable) objects.
 */
export function parseFrontMatter(source: string, options: FrontMatterOptions = {}): FrontMatterResult {
  const input = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  const isToml = input.startsWith('+++');
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = isToml
      ? matter(input, { language: 'toml', delimiters: '+++', engines: tomlEngine })
      : matter(input, { engines: tomlEngine });
  } catch (error) {
    throw toFrontMatterError(error, isToml);
  }
  const hasFrontMatter = input.length !== parsed.content.length;
  if (!hasFrontMatter) return (options.metaBlock && parseMetaBlock(input)) || { data: {}, format: 'none', body: input, lines: 0, raw: '' };
  const prefix = input.slice(0, input.length - parsed.content.length);
  const lines = countNewlines(prefix);
  const data = (parsed.data ?? {}) as Record<string, unknown>;
  return {
    data: { ...data },
    format: isToml ? 'toml' : 'yaml',
    body: '\n'.repeat(lines) + parsed.content,
    lines,
    raw: parsed.matter,
  };
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
export function parseMetaBlock(input: string): FrontMatterResult | undefined {
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

function toFrontMatterError(error: unknown, isToml: boolean): FrontMatterError {
  const e = error as { message?: string; reason?: string; mark?: { line: number; column: number }; line?: number; column?: number };
  if (isToml) {
    // smol-toml counts lines of the text after the opening `+++`, which starts with that line's newline.
    const line = typeof e.line === 'number' ? e.line : 1;
    const message = (e.message ?? 'invalid TOML').split('\n')[0]!.replace(/^Invalid TOML document: /, '');
    return new FrontMatterError(`Invalid TOML front matter: ${message}`, line, e.column);
  }
  // js-yaml's mark is 0-based within the text after `---`, which starts with that line's newline.
  const line = e.mark ? e.mark.line + 1 : 1;
  const column = e.mark ? e.mark.column + 1 : undefined;
  return new FrontMatterError(`Invalid YAML front matter: ${e.reason ?? e.message ?? 'syntax error'}`, line, column);
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

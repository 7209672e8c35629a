import matter from 'gray-matter';
import { parse as parseToml } from 'smol-toml';

export interface FrontMatterResult {
  /** The parsed front matter (empty object when there is none). */
  data: Record<string, unknown>;
  format: 'yaml' | 'toml' | 'none';
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

/**
 * Splits YAML (`---`) or TOML (`+++`, as in Hugo and Zola) front matter from a post.
 * gray-matter always gets an options object: without one it caches results by input string and hands back shared
 * (mutable) objects.
 */
export function parseFrontMatter(source: string): FrontMatterResult {
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
  if (!hasFrontMatter) return { data: {}, format: 'none', body: input, lines: 0, raw: '' };
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
  const pattern = fm.format === 'toml' ? new RegExp(`^["']?${escaped}["']?\\s*=`) : new RegExp(`^["']?${escaped}["']?\\s*:`);
  // rawLines[0] is the remainder of the opening delimiter line (line 1).
  for (let i = 0; i < rawLines.length; i++) {
    if (pattern.test(rawLines[i]!)) return i + 1;
  }
  return 1;
}

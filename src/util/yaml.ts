/**
 * The one YAML reader of wxmp: front matter, `mkdocs.yml` navigation and `wxmp menu set` files.
 *
 * Why js-yaml 4 (and not the `yaml` package or js-yaml 5): it is one ESM file (the `yaml` package loads ~230
 * modules), and it parses the 1,000 front matters of a no-op sync in ~11 ms against ~150 ms for `yaml` and ~90 ms
 * for js-yaml 5 (bench/startup.mjs, issue 13's no-op regression). It reads what Jekyll, Hexo and gray-matter users
 * write (YAML 1.2 core plus `!!timestamp` dates and `<<` merge keys) and, since version 4, it has no JavaScript types
 * at all: `load` never runs code (docs/security.md).
 *
 * js-yaml keeps an alias (`*a`) as a reference to the anchored value, so parsing a "billion laughs" block is cheap but
 * anything that walks the result afterwards (validation, hashing, JSON) would expand it. `loadYaml` therefore walks
 * the result once with a budget of nodes, aliases counted each time they are reached, and refuses what exceeds it.
 */
import { DEFAULT_SCHEMA, load, Type, YAMLException } from 'js-yaml';

/** A YAML syntax error (or a document over the node budget), at a 1-based line and column of the text. */
export class YamlError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
  ) {
    super(line === undefined ? reason : `${reason} (line ${line}, column ${column ?? 1})`);
    this.name = 'YamlError';
  }
}

export interface LoadYamlOptions {
  /**
   * Most nodes (scalars, sequences, mappings) the result may hold, each alias counted as the whole value it stands
   * for. Default 10,000: a long front matter has a few hundred.
   */
  maxNodes?: number;
  /** Read unknown tags (`!ENV`, `!!python/name:…`, as in MkDocs configs) as plain values instead of failing. */
  anyTag?: boolean;
}

/**
 * js-yaml's default schema (core + timestamp, merge, binary, omap, pairs, set) plus the tags of other tools read as
 * their plain value: local `!ENV` and `!!python/…` scalars, sequences and mappings (multi types match by prefix).
 */
const LENIENT_SCHEMA = DEFAULT_SCHEMA.extend(
  ['!', 'tag:yaml.org,2002:python/'].flatMap((prefix) =>
    (['scalar', 'sequence', 'mapping'] as const).map((kind) => new Type(prefix, { kind, multi: true, construct: (data: unknown) => data ?? '' })),
  ),
);

/** Parses one YAML document; throws YamlError with the line and column of the problem. */
export function loadYaml(text: string, options: LoadYamlOptions = {}): unknown {
  let value: unknown;
  try {
    value = load(text, options.anyTag ? { schema: LENIENT_SCHEMA } : undefined);
  } catch (error) {
    if (error instanceof YAMLException) {
      const mark = (error as YAMLException & { mark?: { line: number; column: number } }).mark;
      throw new YamlError(error.reason ?? 'syntax error', mark ? mark.line + 1 : undefined, mark ? mark.column + 1 : undefined);
    }
    // A stack overflow on absurd nesting is still the document's fault.
    if (error instanceof RangeError) throw new YamlError('nested too deeply', undefined, undefined);
    throw error;
  }
  checkSize(value, options.maxNodes ?? 10_000);
  return value;
}

/** Walks the value, counting every node each time it is reached, and stops at the budget. */
function checkSize(root: unknown, maxNodes: number): void {
  let count = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (++count > maxNodes) throw new YamlError(`more than ${maxNodes} values once aliases are expanded`, undefined, undefined);
    if (value === null || typeof value !== 'object' || value instanceof Date || ArrayBuffer.isView(value)) continue;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (count + stack.length >= maxNodes) throw new YamlError(`more than ${maxNodes} values once aliases are expanded`, undefined, undefined);
      stack.push(child);
    }
  }
}

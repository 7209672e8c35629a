import path from 'node:path';
import type { Code, Root } from 'mdast';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { LocalReadError, readCappedSync, resolveInside } from '../../../content/local-files.js';
import { defaultRenderSettings } from '../../types.js';

declare module 'vfile' {
  interface DataMap {
    /** Absolute paths of the files pulled into code blocks by `--8<--` lines (the sync watches them for changes). */
    includes: string[];
  }
}

/**
 * `--8<-- "path"` lines inside code blocks (pymdownx.snippets, which MkDocs sites such as OI-wiki use to keep their
 * code in separate files) are replaced by the file's content, so the article shows the code instead of the include
 * line. As pymdownx does:
 *  - the path is relative to the project root (MkDocs' `base_path`, default the folder mkdocs runs in), here the
 *    posts root, then to the post's own folder and its parents up to the root (a MkDocs project in a sub-folder);
 *  - `"file.cpp:10:20"` includes lines 10–20 (1-based, inclusive), `"file.cpp:10"` from line 10 on, and
 *    `"file.cpp:core"` the section between the file's `--8<-- [start:core]` and `--8<-- [end:core]` lines; section
 *    marker lines themselves are never included;
 *  - the include line's indentation is applied to every included line;
 *  - `;--8<--` is an escaped, literal include line (written without the `;`).
 * Unlike pymdownx's default, a missing file is an error at the line (`snippet-missing`): the article would lose its
 * code. Paths that leave the project root, as written or through a symlink, are refused (`snippet-outside-root`,
 * docs/security.md). Only code blocks are expanded: an include line outside code
 * would change the line numbers every message points at. Runs when `settings.snippets` is on (config `render.mkdocs`).
 */
const SNIPPET_LINE = /^([ \t]*)(;?)-+8<-+[ \t]+(["'])([^"']+)\3[ \t]*$/;
const LINE_RANGE = /^(.*?):(\d+)(?::(\d+))?$/;
const SECTION = /^(.*?):([A-Za-z_][\w-]*)$/;
const SECTION_MARKER = /-+8<-+[ \t]*\[(start|end):([\w-]+)\]/;
const MAX_SNIPPET_BYTES = 1024 * 1024;

export function remarkSnippetIncludes() {
  return (tree: Root, file: VFile) => {
    const settings = file.data.settings ?? defaultRenderSettings;
    file.data.includes = [];
    if (!settings.snippets) return;
    visit(tree, 'code', (node: Code) => {
      if (!node.value.includes('8<-')) return;
      const lines = node.value.split('\n');
      const out: string[] = [];
      lines.forEach((line, index) => {
        const match = SNIPPET_LINE.exec(line);
        if (!match) {
          out.push(line);
          return;
        }
        const [, indent, escaped, , spec] = match as unknown as [string, string, string, string, string];
        if (escaped) {
          out.push(line.replace(';', ''));
          return;
        }
        const included = readSnippet(spec, settings.rootDir ?? settings.baseDir, settings.baseDir);
        if ('error' in included) {
          // The fence line comes first: the include is at node line + 1 + index.
          const place = node.position ? { line: node.position.start.line + 1 + index, column: indent.length + 1 } : undefined;
          file.message(included.error, { place, ruleId: included.outside ? 'snippet-outside-root' : 'snippet-missing', source: 'wxmp' });
          out.push(line);
          return;
        }
        if (!file.data.includes!.includes(included.file)) file.data.includes!.push(included.file);
        for (const text of included.lines) out.push(text ? indent + text : text);
      });
      node.value = out.join('\n');
    });
  };
}

type SnippetResult = { file: string; lines: string[] } | { error: string; outside?: true };

function readSnippet(spec: string, root: string, baseDir: string): SnippetResult {
  const range = LINE_RANGE.exec(spec);
  const section = range ? undefined : SECTION.exec(spec);
  const name = range ? range[1]! : section ? section[1]! : spec;
  const candidates = [path.resolve(root, name), ...ancestors(baseDir, root).map((dir) => path.resolve(dir, name))];
  let refusal: string | undefined;
  let file: string | undefined;
  for (const candidate of candidates) {
    const resolved = resolveInside(candidate, [root]);
    if (resolved.status === 'inside') {
      file = resolved.path;
      break;
    }
    if (resolved.status === 'outside') refusal ??= `Snippet \`${spec}\` ${resolved.reason}: not included`;
  }
  if (!file && refusal) return { error: refusal, outside: true };
  if (!file) return { error: `Cannot find snippet \`${spec}\` (paths are relative to the posts root or a folder above the post)` };
  let text: string;
  try {
    text = readCappedSync(file, MAX_SNIPPET_BYTES).toString('utf8');
  } catch (error) {
    if (error instanceof LocalReadError) return { error: `Snippet \`${spec}\`: ${error.message}, not included` };
    return { error: `Cannot read snippet \`${spec}\`: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
  let lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  if (range) {
    const start = Math.max(1, Number(range[2]));
    const end = range[3] === undefined ? lines.length : Math.min(lines.length, Number(range[3]));
    lines = lines.slice(start - 1, end);
  } else if (section) {
    const wanted = section[2]!;
    const marker = (line: string, kind: string) => {
      const match = SECTION_MARKER.exec(line);
      return match !== null && match[1] === kind && match[2] === wanted;
    };
    const start = lines.findIndex((line) => marker(line, 'start'));
    const end = lines.findIndex((line, i) => i > start && marker(line, 'end'));
    if (start === -1 || end === -1) return { error: `Cannot find section \`${wanted}\` in snippet \`${name}\` (\`--8<-- [start:${wanted}]\` … \`[end:${wanted}]\`)` };
    lines = lines.slice(start + 1, end);
  }
  return { file, lines: lines.filter((line) => !SECTION_MARKER.test(line)) };
}

/** `dir` and its parents up to `root` (inclusive): a MkDocs project may sit in a sub-folder of the posts root. */
function ancestors(dir: string, root: string): string[] {
  const out: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    out.push(current);
    const relative = path.relative(root, current);
    if (!relative || relative.startsWith('..') || path.isAbsolute(relative) || current === path.dirname(current)) break;
  }
  return out;
}

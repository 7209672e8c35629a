/**
 * Limits a post must meet before it is parsed (docs/security.md). Markdown parsers are fast on real posts and slow on
 * crafted ones: nested lists cost the square of their depth in micromark, 100,000 `>` on one line or a 10,000-deep
 * indented list never finish, and deep trees overflow the stack of every recursive step after parsing. One cheap
 * line scan here turns each of those into an error with the numbers in it, instead of a build that hangs.
 */
interface ContentLimits {
  /** Longest line, in characters. */
  lineChars: number;
  /** Deepest nesting of containers (`>`, list items, indentation) on one line. */
  nesting: number;
}

interface LimitViolation {
  ruleId: 'line-too-long' | 'nesting-too-deep';
  message: string;
  /** 1-based position in the scanned text. */
  line: number;
  column: number;
}


/** The first line that breaks a limit, or undefined. Lines inside fenced code count for length, not for nesting. */
export function checkContentLimits(text: string, limits: ContentLimits): LimitViolation | undefined {
  let fence: { char: string; length: number } | undefined;
  let start = 0;
  for (let line = 1; start <= text.length; line++) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const length = end - start - (text.charCodeAt(end - 1) === 13 ? 1 : 0);
    if (length > limits.lineChars) {
      const hint = raiseHint('lineChars', limits.lineChars);
      return { ruleId: 'line-too-long', message: `Line ${line} is ${length} characters long, over the limit of ${limits.lineChars}: break it up, or ${hint}`, line, column: limits.lineChars + 1 };
    }
    const { depth, column, rest } = containerDepth(text, start, end, limits.nesting);
    if (fence) {
      if (closesFence(rest, fence)) fence = undefined;
    } else {
      if (depth > limits.nesting) {
        const hint = raiseHint('nesting', limits.nesting);
        return { ruleId: 'nesting-too-deep', message: `Line ${line} nests quotes, lists or indented blocks more than ${limits.nesting} deep: flatten it, or ${hint}`, line, column };
      }
      fence = opensFence(rest);
    }
    if (newline === -1) break;
    start = newline + 1;
  }
  return undefined;
}

function raiseHint(key: string, value: number): string {
  return `raise limits.${key} in wxmp.config.ts (now ${value}) if the post really needs it`;
}

/**
 * Counts the container markers that open a line — `>`, list bullets (`-`, `*`, `+` and `1.` / `1)` followed by a
 * space), MkDocs admonitions (`!!!`, `???`) — plus one level per two columns of leading indentation (before the first
 * marker: `- - x` is two levels, not three), stopping early once past
 * `stopAbove`. Returns where the content starts (for fence detection) and the column where the limit was passed.
 */
function containerDepth(text: string, start: number, end: number, stopAbove: number): { depth: number; column: number; rest: string } {
  let depth = 0;
  let indent = 0;
  let i = start;
  let column = 1;
  while (i < end && depth + (indent >> 1) <= stopAbove) {
    const c = text.charCodeAt(i);
    if (c === 32) indent += depth === 0 ? 1 : 0;
    else if (c === 9) indent += depth === 0 ? 4 - (indent % 4) : 0;
    else if (c === 62 /* > */) depth++;
    else if ((c === 45 || c === 42 || c === 43) && isSpaceOrEnd(text, i + 1, end)) depth++;
    else if (c >= 48 && c <= 57) {
      let j = i;
      while (j < end && j - i < 9 && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      const after = text.charCodeAt(j);
      if ((after !== 46 && after !== 41) || !isSpaceOrEnd(text, j + 1, end)) break;
      depth++;
      i = j;
    } else if ((c === 33 || c === 63) && text.startsWith(c === 33 ? '!!!' : '???', i)) {
      depth++;
      i += 3;
      break;
    } else break;
    i++;
    column = i - start + 1;
  }
  return { depth: depth + (indent >> 1), column, rest: text.slice(i, Math.min(end, i + 200)) };
}

function isSpaceOrEnd(text: string, at: number, end: number): boolean {
  if (at >= end) return true;
  const c = text.charCodeAt(at);
  return c === 32 || c === 9 || c === 13;
}

const FENCE = /^(`{3,}|~{3,})/;

function opensFence(rest: string): { char: string; length: number } | undefined {
  const match = FENCE.exec(rest);
  if (!match) return undefined;
  // A backtick fence's info string cannot contain backticks (CommonMark 4.5): "```a```" is inline code, not a fence.
  if (match[1]![0] === '`' && rest.slice(match[1]!.length).includes('`')) return undefined;
  return { char: match[1]![0]!, length: match[1]!.length };
}

function closesFence(rest: string, fence: { char: string; length: number }): boolean {
  const match = FENCE.exec(rest);
  return match !== null && match[1]![0] === fence.char && match[1]!.length >= fence.length && rest.slice(match[1]!.length).trim() === '';
}

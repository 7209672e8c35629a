/**
 * Makes a code block's whitespace survive WeChat, whose editor collapses whitespace inside `<pre>`/`<code>`
 * (render-common.md; docs/wechat-api.md §12): the content is cut into lines joined by `<br>`, tabs are expanded to
 * tab stops, and spaces become a mix of U+00A0 (no-break space) and ordinary spaces that no whitespace
 * collapsing can shrink.
 *
 * Space rule, per run of spaces within a line (runs are counted across token boundaries, so `<span>a </span> b`
 * is one run of two):
 *   - at the start of a line (indentation), the run alternates starting with a no-break space: NBSP SP NBSP SP…
 *     (a plain space right after `<br>` would be dropped);
 *   - elsewhere it alternates starting with a plain space: SP NBSP SP… — a single space between tokens stays a
 *     plain space, which is most of them.
 * No two plain spaces are ever adjacent, so collapsing has nothing to merge and every column stays; and about
 * half of the indentation and nearly all inter-token spaces are real spaces, so code copied out of the article
 * keeps compiling far more often than with an all-`&nbsp;` encoding (U+00A0 is a syntax error in most languages).
 *
 * Highlighted token spans may cross lines (block comments, multi-line strings): they are split, and every line
 * re-opens the spans it is inside of, so each line is self-contained markup.
 */
import type { Element, ElementContent, Properties } from 'hast';

export const NBSP = '\u00a0';

/** A piece of text with the elements (outermost first) it sits in. */
interface Segment {
  path: readonly Element[];
  value: string;
}

type Line = Segment[];

/** Cuts `nodes` into lines of segments; `<br>` elements and `\n` end a line, `\r` is dropped. */
export function splitLines(nodes: readonly ElementContent[]): Line[] {
  const lines: Line[] = [[]];
  const walk = (children: readonly ElementContent[], path: readonly Element[]): void => {
    for (const node of children) {
      if (node.type === 'text') {
        const parts = node.value.split('\n');
        for (let i = 0; i < parts.length; i++) {
          if (i > 0) lines.push([]);
          const part = parts[i]!;
          if (part !== '') lines[lines.length - 1]!.push({ path, value: part });
        }
      } else if (node.type === 'element') {
        if (node.tagName === 'br') lines.push([]);
        else walk(node.children, [...path, node]);
      }
    }
  };
  walk(nodes, []);
  return lines;
}

/** Converts the spaces and tabs of one line, keeping the run/column state across its segments. */
class LineWhitespace {
  private column = 0;
  private run = 0;
  private atLineStart = true;

  constructor(private readonly tabSize: number) {}

  convert(value: string): string {
    if (!HAS_WHITESPACE.test(value)) {
      this.column += value.length;
      if (value.length > 0) {
        this.run = 0;
        this.atLineStart = false;
      }
      return value;
    }
    let out = '';
    for (let i = 0; i < value.length; i++) {
      const ch = value[i]!;
      if (ch === ' ') {
        out += this.space();
      } else if (ch === '\t') {
        const width = this.tabSize - (this.column % this.tabSize);
        for (let k = 0; k < width; k++) out += this.space();
      } else if (ch === '\r') {
        continue;
      } else {
        out += ch;
        this.column++;
        this.run = 0;
        this.atLineStart = false;
      }
    }
    return out;
  }

  private space(): string {
    const k = this.run++;
    this.column++;
    const nbsp = this.atLineStart ? k % 2 === 0 : k % 2 === 1;
    return nbsp ? NBSP : ' ';
  }
}

const HAS_WHITESPACE = /[ \t\r]/;

function cloneShallow(element: Element): Element {
  const properties: Properties = {};
  for (const [key, value] of Object.entries(element.properties)) {
    properties[key] = Array.isArray(value) ? [...value] : value;
  }
  return { type: 'element', tagName: element.tagName, properties, children: [] };
}

interface LineOptions {
  tabSize: number;
  /** Prefix every line with `span.wx-code-ln`. */
  lineNumbers: boolean;
}

/** Structural style of the line-number gutter: not selectable, so copying the code leaves the numbers out. */
const LINE_NUMBER_STYLE = 'margin-right:1em;user-select:none;-webkit-user-select:none;';

/**
 * Turns code content (text and inline elements, e.g. lowlight's `span.hljs-*` tree) into whitespace-safe
 * children: lines joined by `<br>`, elements re-opened per line.
 */
export function renderLines(nodes: readonly ElementContent[], options: LineOptions): ElementContent[] {
  const lines = splitLines(nodes);
  const out: ElementContent[] = [];
  const digits = String(lines.length).length;
  for (let index = 0; index < lines.length; index++) {
    if (index > 0) out.push({ type: 'element', tagName: 'br', properties: {}, children: [] });
    if (options.lineNumbers) {
      const number = String(index + 1);
      out.push({
        type: 'element',
        tagName: 'span',
        properties: { className: ['wx-code-ln'], style: LINE_NUMBER_STYLE },
        children: [{ type: 'text', value: NBSP.repeat(digits - number.length) + number }],
      });
    }
    const whitespace = new LineWhitespace(options.tabSize);
    // Open elements of this line: `sources[i]` is the original element that `clones[i]` copies.
    const sources: Element[] = [];
    const clones: Element[] = [];
    for (const segment of lines[index]!) {
      let shared = 0;
      while (shared < sources.length && shared < segment.path.length && sources[shared] === segment.path[shared]) shared++;
      sources.length = shared;
      clones.length = shared;
      for (let depth = shared; depth < segment.path.length; depth++) {
        const source = segment.path[depth]!;
        const clone = cloneShallow(source);
        (depth === 0 ? out : clones[depth - 1]!.children).push(clone);
        sources.push(source);
        clones.push(clone);
      }
      const container = clones.length === 0 ? out : clones[clones.length - 1]!.children;
      const value = whitespace.convert(segment.value);
      const last = container[container.length - 1];
      if (last && last.type === 'text') last.value += value;
      else container.push({ type: 'text', value });
    }
  }
  return out;
}

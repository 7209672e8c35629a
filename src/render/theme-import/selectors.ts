/**
 * Selector mapping of `wxmp theme import` (docs/themes.md, "Importing a theme"): a selector written for the HTML of
 * another editor (mdnice `#nice h2 .content`, Typora `#write pre.md-fences`, github-markdown-css `.markdown-body
 * blockquote`, highlight.js and CodeMirror tokens) becomes the selector of the same thing in wxmp's output (plain tags
 * and the `wx-*` class vocabulary of src/render/types.ts), or is dropped with the reason.
 */

export type SelectorResult = { to: string[] } | { drop: string };

/** Scopes other editors put in front of every selector: the article root. */
const ROOTS = new Set(['#nice', '#write', '#output', '#js_content', '#MdEditor', '.markdown-body', '.typora-export', '.rich_media_content', '.output_wrapper', 'body', 'html', ':root']);

/** Tags wxmp emits as they are. */
const SAME_TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'blockquote', 'strong', 'b', 'em', 'i', 'u', 'del', 's', 'a', 'hr', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'sup', 'sub', 'span', 'br']);

/** Tags that are something else in wxmp's output. */
const TAG_MAP: Record<string, string> = {
  ul: '.wx-list-ul',
  ol: '.wx-list-ol',
  li: '.wx-li',
  pre: '.wx-code',
  mark: '.wx-mark',
  figure: '.wx-figure',
  figcaption: '.wx-figcaption',
};

/** Classes of other editors (mdnice, Typora, markdown-it, GitHub, KaTeX/MathJax, CodeMirror) → ours. */
const CLASS_MAP: Record<string, string[]> = {
  hljs: ['.wx-code'],
  custom: ['.wx-code'], // mdnice's code block (`pre.custom`)
  'md-fences': ['.wx-code'],
  CodeMirror: ['.wx-code-body'],
  'code-snippet__fix': ['.wx-code'],
  'footnote-word': ['a'], // mdnice: the text of a link that became a reference
  'footnote-ref': ['.wx-linkref', '.wx-fnref'],
  'md-footnote': ['.wx-fnref'],
  'footnotes-sep': ['.wx-references-title', '.wx-footnotes-title'],
  footnotes: ['.wx-references', '.wx-footnotes'],
  'footnotes-area': ['.wx-footnotes'],
  'footnote-item': ['.wx-reference', '.wx-footnote'],
  'footnote-line': ['.wx-footnote'],
  'task-list-item': ['.wx-task'],
  'task-list-item-checkbox': ['.wx-task-box'],
  'markdown-alert': ['.wx-alert'],
  'markdown-alert-title': ['.wx-alert-title'],
  'markdown-alert-note': ['.wx-alert-note'],
  'markdown-alert-tip': ['.wx-alert-tip'],
  'markdown-alert-important': ['.wx-alert-important'],
  'markdown-alert-warning': ['.wx-alert-warning'],
  'markdown-alert-caution': ['.wx-alert-caution'],
  'block-equation': ['.wx-math-display'],
  'katex-display': ['.wx-math-display'],
  MathJax_Display: ['.wx-math-display'],
  'inline-equation': ['.wx-math-inline'],
  katex: ['.wx-math-inline'],
  'table-container': ['.wx-table-wrap'],
  'table-wrapper': ['.wx-table-wrap'],
};

/** CodeMirror tokens (Typora's code blocks) → highlight.js classes. */
const CM_TOKENS: Record<string, string> = {
  keyword: 'keyword',
  string: 'string',
  'string-2': 'regexp',
  comment: 'comment',
  number: 'number',
  def: 'title',
  variable: 'variable',
  'variable-2': 'variable',
  'variable-3': 'type',
  type: 'type',
  builtin: 'built_in',
  meta: 'meta',
  tag: 'name',
  attribute: 'attr',
  property: 'property',
  atom: 'literal',
  qualifier: 'selector-class',
  header: 'section',
  link: 'link',
  quote: 'quote',
};

/** Scope classes that only say "inside the editor / code block": left out. */
const SCOPES = /^(cm-s-[\w-]+|CodeMirror-lines|CodeMirror-code|md-focus|md-end-block|md-paragraph|md-heading)$/;

/** Pseudo-classes juice can match on a static document. */
const STRUCTURAL = /^:(first-child|last-child|only-child|first-of-type|last-of-type|only-of-type|nth-child\([^)]*\)|nth-of-type\([^)]*\)|nth-last-child\([^)]*\)|not\([^)]*\))$/;

/** Splits on `separator` outside parentheses, brackets and quotes. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let current = '';
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = '';
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '(' || char === '[') depth++;
    else if (char === ')' || char === ']') depth--;
    else if (char === separator && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** `#nice h2 > .content` → compounds `#nice`, `h2`, `.content` with combinators ` `, `>`. */
function tokenize(selector: string): { compounds: string[]; combinators: string[] } {
  const spaced = selector.replace(/\s*([>+~])\s*/g, ' $1 ').trim();
  const compounds: string[] = [];
  const combinators: string[] = [];
  let pending = ' ';
  for (const part of splitTopLevel(spaced, ' ')) {
    if (!part) continue;
    if (part === '>' || part === '+' || part === '~') pending = part;
    else {
      if (compounds.length > 0) combinators.push(pending);
      compounds.push(part);
      pending = ' ';
    }
  }
  return { compounds, combinators };
}

interface Compound {
  tag: string;
  classes: string[];
  ids: string[];
  attributes: string[];
  pseudos: string[];
}

/** `pre.custom:first-child::before` → its parts (`::x` and `:before`/`:after` are pseudo-elements). */
function parseCompound(text: string): Compound {
  const compound: Compound = { tag: '', classes: [], ids: [], attributes: [], pseudos: [] };
  const pattern = /^(\*|[a-zA-Z][\w-]*)|\.([\w-]+)|#([\w-]+)|(\[[^\]]*\])|(::?[\w-]+(?:\([^)]*\))?)/g;
  for (const match of text.matchAll(pattern)) {
    if (match[1]) compound.tag = match[1].toLowerCase();
    else if (match[2]) compound.classes.push(match[2]);
    else if (match[3]) compound.ids.push(match[3]);
    else if (match[4]) compound.attributes.push(match[4]);
    else if (match[5]) compound.pseudos.push(match[5]);
  }
  return compound;
}

/** Whether a compound is the editor's article root (`#nice`, `body.typora-export`, `:root`). */
function isRoot(text: string): boolean {
  if (ROOTS.has(text)) return true;
  const compound = parseCompound(text);
  return [compound.tag, ...compound.classes.map((c) => `.${c}`), ...compound.ids.map((i) => `#${i}`)].some((part) => ROOTS.has(part));
}

/** One compound → the alternatives it becomes in wxmp's output, '' (leave it out), or a reason to drop the selector. */
function mapCompound(text: string, previous: string | undefined): string[] | { drop: string } {
  const compound = parseCompound(text);
  if (compound.tag === '*' || text === '*') return { drop: 'a universal selector would be inlined into every element' };
  if (compound.ids.length > 0) return { drop: `no element has id #${compound.ids[0]} (WeChat strips ids)` };
  if (compound.attributes.length > 0) return { drop: 'attribute selectors: the sanitizer removes the attributes they test' };
  let pseudo = '';
  for (const p of compound.pseudos) {
    if (p === '::marker') pseudo = 'marker';
    else if (/^::?(before|after)$/.test(p)) return { drop: 'generated content (::before/::after): WeChat keeps no pseudo-elements' };
    else if (p.startsWith('::')) return { drop: `${p}: WeChat keeps no pseudo-elements` };
    else if (p === ':link') continue;
    else if (!STRUCTURAL.test(p)) return { drop: `${p}: only the static page counts (no hover, focus or visited state in a style attribute)` };
  }
  const structural = compound.pseudos.filter((p) => STRUCTURAL.test(p)).join('');
  if (pseudo === 'marker') return compound.tag === 'li' || compound.tag === '' ? ['.wx-li-marker'] : { drop: '::marker of something other than a list item' };
  let base: string[];
  // `code.hljs`, `code.language-js`: the element is what counts, the class only names the highlighter.
  const known = compound.classes.filter((c) => !SCOPES.test(c) && !(compound.tag === 'code' && /^(hljs|language-[\w-]+|lang-[\w-]+)$/.test(c)));
  if (known.length > 1) return { drop: `a combination of classes (${known.map((c) => `.${c}`).join('')}) wxmp never emits` };
  const cls = known[0];
  if (cls !== undefined) {
    const mapped = mapClass(cls, compound.tag, previous);
    if (!Array.isArray(mapped)) return mapped;
    base = mapped;
  } else if (compound.tag) {
    const mapped = mapTag(compound.tag, previous);
    if (!Array.isArray(mapped)) return mapped;
    base = mapped;
  } else if (compound.classes.length > 0) {
    return ['']; // only scope classes (CodeMirror themes): left out
  } else {
    base = [''];
  }
  return base.map((b) => (b === '' ? b : b + structural));
}

function mapTag(tag: string, previous: string | undefined): string[] | { drop: string } {
  if (tag === 'code') return previous === '.wx-code' ? ['.wx-code-body'] : ['.wx-inline-code'];
  if (tag === 'em' && previous === '.wx-reference') return ['.wx-reference-url']; // mdnice shows a reference's URL in <em>
  if (SAME_TAGS.has(tag)) return [tag];
  const mapped = TAG_MAP[tag];
  if (mapped) return [mapped];
  return { drop: `<${tag}> is not in wxmp's output (or WeChat removes it)` };
}

function mapClass(cls: string, tag: string, previous: string | undefined): string[] | { drop: string } {
  if (cls.startsWith('wx-') || cls.startsWith('hljs-')) return [`.${cls}`];
  if (cls.startsWith('cm-') && CM_TOKENS[cls.slice(3)]) return [`.hljs-${CM_TOKENS[cls.slice(3)]}`];
  if (cls === 'content' && previous && /^h[1-6]$/.test(previous)) return ['']; // mdnice heading text: the heading itself
  if (cls === 'prefix' || cls === 'suffix') return { drop: `mdnice's heading .${cls} decorations are not in wxmp's output` };
  const mapped = CLASS_MAP[cls];
  if (mapped) return mapped;
  return { drop: `no element has class .${cls} in wxmp's output${tag ? ` (on <${tag}>)` : ''}` };
}

/**
 * Maps one selector. The editor's root scope is removed (alone it becomes `.wx-article`); `pre code` becomes
 * `.wx-code-body`; a child combinator next to a wx-* class becomes a descendant one (wxmp's lists and code blocks have
 * wrappers in between).
 */
export function mapSelector(selector: string): SelectorResult {
  const { compounds, combinators } = tokenize(selector.trim());
  let start = 0;
  while (start < compounds.length && isRoot(compounds[start]!)) start++;
  if (start === compounds.length) return compounds.length ? { to: ['.wx-article'] } : { drop: 'empty selector' };
  let alternatives: { text: string; last?: string }[] = [{ text: '' }];
  for (let i = start; i < compounds.length; i++) {
    const next: { text: string; last?: string }[] = [];
    for (const alt of alternatives) {
      const mapped = mapCompound(compounds[i]!, alt.last);
      if (!Array.isArray(mapped)) return mapped;
      for (const piece of mapped) next.push(join(alt, piece, i > start ? combinators[i - 1]! : ' '));
    }
    alternatives = next;
  }
  const to = [...new Set(alternatives.map((a) => a.text.trim()).filter(Boolean))];
  return to.length ? { to } : { to: ['.wx-article'] };
}

function join(alt: { text: string; last?: string }, piece: string, combinator: string): { text: string; last?: string } {
  if (piece === '') return alt;
  if (piece === '.wx-code-body' && alt.last === '.wx-code') {
    // `pre code`: the code block's body, not a code inside the block's box.
    const cut = alt.text.lastIndexOf('.wx-code');
    return { text: `${alt.text.slice(0, cut)}${piece}`, last: piece };
  }
  if (!alt.text) return { text: piece, last: piece };
  const loose = combinator === '>' && (piece.startsWith('.wx-') || (alt.last ?? '').startsWith('.wx-'));
  const glue = combinator === ' ' || loose ? ' ' : ` ${combinator} `;
  return { text: `${alt.text}${glue}${piece}`, last: piece };
}

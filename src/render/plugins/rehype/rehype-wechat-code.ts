/**
 * rehypeWechatCode: code blocks that survive WeChat's editor.
 *
 * `pre > code.language-xxx` (and raw-HTML `<pre>`) becomes
 *   <section class="wx-code">
 *     <span class="wx-code-lang">rust</span>                    (when a language is given)
 *     <pre class="wx-pre"><code class="wx-code-body" style="display:block;overflow-x:auto;white-space:nowrap;">
 *       …<span class="hljs-keyword">fn</span> main() {<br>NBSP NBSP…
 * Highlighting is lowlight (highlight.js grammars, `hljs-*` classes the themes colour); whitespace handling is
 * in ./code/lines.ts. Scrolling: WeChat collapses whitespace in `<pre>`, so the text no longer relies on
 * `white-space:pre`; `white-space:nowrap` keeps long lines (and CJK comments, which may break anywhere) on one
 * line, and the `<code>` itself is the scroll box (`display:block` gives it the column's width,
 * `overflow-x:auto` scrolls what is wider) — the scroll box is the innermost block, so it does not depend on
 * the styles WeChat keeps on `<pre>`.
 *
 * With `codeWindowBar`, a `section.wx-code-bar` row of three coloured dots (./code/window-bar.ts) comes first and holds
 * the language label. Colours come from the theme, or from a code theme appended to it (src/render/theme.ts).
 *
 * Inline code gets `code.wx-inline-code`. `code.language-math` is left alone (the math plugin's; leftovers stay
 * as they are) and a `language-mermaid` fence that rehype-mermaid.ts did not draw is a plain block labelled `mermaid`.
 */
import type { Element, ElementContent, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import type { Transformer } from 'unified';
import type { VFile } from 'vfile';
import { defaultRenderSettings } from '../../types.js';
import { highlighter, loadGrammars, resolveLanguage } from './code/languages.js';
import { NBSP, renderLines } from './code/lines.js';
import { windowBar } from './code/window-bar.js';
import { classList } from '../../util/class-names.js';

const CODE_BODY_STYLE = 'display:block;overflow-x:auto;white-space:nowrap;';

/** The per-post settings the code blocks use (from `file.data.settings`). */
interface CodeOptions {
  tabSize: number;
  lineNumbers: boolean;
  windowBar: boolean;
}

function isMath(element: Element): boolean {
  return classList(element).includes('language-math');
}

/** The `language-xxx` of a `code` element, if any. */
function fenceLanguage(code: Element): string | undefined {
  for (const name of classList(code)) if (name.startsWith('language-')) return name.slice('language-'.length);
  return undefined;
}

/** The single `code` child of a `pre` (whitespace text around it allowed), or undefined. */
function onlyCodeChild(pre: Element): Element | undefined {
  let code: Element | undefined;
  for (const child of pre.children) {
    if (child.type === 'element' && child.tagName === 'code' && !code) code = child;
    else if (child.type === 'text' && child.value.trim() === '') continue;
    else if (child.type === 'comment') continue;
    else return undefined;
  }
  return code;
}

/**
 * Keeps only `hljs-*` classes on highlight.js spans (it also emits `function_`, `invoke__` and, for embedded
 * languages, the bare language name such as `bash`); a span left without a class is unwrapped.
 */
function onlyHljsClasses(nodes: ElementContent[]): ElementContent[] {
  const out: ElementContent[] = [];
  for (const node of nodes) {
    if (node.type !== 'element') {
      out.push(node);
      continue;
    }
    const classes = classList(node).filter((name) => name.startsWith('hljs-'));
    const children = onlyHljsClasses(node.children);
    if (classes.length === 0) out.push(...children);
    else out.push({ ...node, properties: { className: classes }, children });
  }
  return out;
}

function highlight(grammar: string, source: string, code: Element, file: VFile): ElementContent[] | undefined {
  try {
    return onlyHljsClasses(highlighter().highlight(grammar, source).children as ElementContent[]);
  } catch (error) {
    file.message(`Cannot highlight \`${grammar}\` code: ${(error as Error).message}`, {
      place: code.position,
      ruleId: 'code-highlight-failed',
      source: 'wxmp',
    });
    return undefined;
  }
}

/** Builds the `section.wx-code` for a `pre`, or undefined when it must be left alone (math). */
function codeBlock(pre: Element, file: VFile, options: CodeOptions): Element | undefined {
  const code = onlyCodeChild(pre);
  if (code && isMath(code)) return undefined;

  const language = resolveLanguage(code ? fenceLanguage(code) : undefined);
  if (language.unknown && language.label) {
    file.info(`Unknown code language \`${language.label}\`: shown without highlighting`, {
      place: (code ?? pre).position,
      ruleId: 'code-language-unknown',
      source: 'wxmp',
    });
  }

  const content = code ?? pre;
  // Markup written inside the block (raw HTML `<pre><b>…`) is kept as is; plain text is highlighted once.
  const plainText = content.children.every((child) => child.type === 'text');
  let source = toString(content);
  if (source.endsWith('\n')) source = source.slice(0, -1); // the fence's closing newline is not a line
  let tokens: ElementContent[] | undefined;
  if (plainText && language.grammar) tokens = highlight(language.grammar, source, content, file);
  if (!tokens) tokens = plainText ? [{ type: 'text', value: source }] : trimFinalNewline(content.children);

  const body: Element = {
    type: 'element',
    tagName: 'code',
    properties: { className: ['wx-code-body'], style: CODE_BODY_STYLE },
    children: renderLines(tokens, { tabSize: options.tabSize, lineNumbers: options.lineNumbers }),
  };
  const label: Element | undefined = language.label
    ? { type: 'element', tagName: 'span', properties: { className: ['wx-code-lang'] }, children: [{ type: 'text', value: language.label }] }
    : undefined;
  const children: ElementContent[] = [];
  if (options.windowBar) children.push(windowBar(label));
  else if (label) children.push(label);
  children.push({ type: 'element', tagName: 'pre', properties: { className: ['wx-pre'] }, children: [body] });
  return { type: 'element', tagName: 'section', properties: { className: ['wx-code'] }, children, position: pre.position };
}

/** Drops one trailing `\n` from the last text of raw markup, like for plain code. */
function trimFinalNewline(children: ElementContent[]): ElementContent[] {
  const last = children[children.length - 1];
  if (last && last.type === 'text' && last.value.endsWith('\n')) {
    return [...children.slice(0, -1), { type: 'text', value: last.value.slice(0, -1) }];
  }
  return children;
}

const RUN_OF_SPACES = / {2,}/g;

/**
 * Inline code up to this many characters never breaks inside: browsers break `#[cfg]` after `#` and `foo-bar` after
 * `-` at a line end, which splits an identifier in two. Longer code may still break (it could be wider than a phone).
 */
const NOWRAP_MAX_CHARS = 24;

/** Inline code: class hook, short code kept on one line, runs of spaces made collapse-proof (SP NBSP SP…; see ./code/lines.ts). */
function inlineCode(code: Element): void {
  code.properties.className = [...classList(code).filter((name) => !name.startsWith('language-')), 'wx-inline-code'];
  const length = [...toString(code)].length;
  if (length > 1 && length <= NOWRAP_MAX_CHARS) {
    const style = typeof code.properties.style === 'string' ? code.properties.style.replace(/;?\s*$/, ';') : '';
    code.properties.style = `${style}white-space:nowrap`;
  }
  for (const child of code.children) {
    if (child.type === 'text' && child.value.includes('  ')) {
      child.value = child.value.replace(RUN_OF_SPACES, (run) => {
        let out = '';
        for (let k = 0; k < run.length; k++) out += k % 2 === 0 ? ' ' : NBSP;
        return out;
      });
    }
  }
}

/** The grammars the tree's code blocks need (`pre > code.language-xxx`), to load before the walk. */
function grammarsIn(parent: Root | Element, found: Set<string>): Set<string> {
  for (const node of parent.children) {
    if (node.type !== 'element' || node.tagName === 'svg') continue;
    if (node.tagName === 'pre') {
      const code = onlyCodeChild(node);
      const grammar = code && !isMath(code) ? resolveLanguage(fenceLanguage(code)).grammar : undefined;
      if (grammar) found.add(grammar);
    } else {
      grammarsIn(node, found);
    }
  }
  return found;
}

/** Walks the tree by hand (no per-node closures: the corpus has ~1,900 blocks and we benchmark throughput). */
function transform(parent: Root | Element, file: VFile, options: CodeOptions): void {
  const children = parent.children;
  for (let i = 0; i < children.length; i++) {
    const node = children[i]!;
    if (node.type !== 'element' || node.tagName === 'svg') continue;
    if (node.tagName === 'pre') {
      const block = codeBlock(node, file, options);
      if (block) children[i] = block;
    } else if (node.tagName === 'code') {
      if (!isMath(node)) inlineCode(node);
    } else {
      transform(node, file, options);
    }
  }
}

export function rehypeWechatCode(): Transformer<Root> {
  return async (tree, file) => {
    await loadGrammars(grammarsIn(tree, new Set()));
    const settings = file.data.settings ?? defaultRenderSettings;
    const tabSize = Number.isInteger(settings.tabSize) && settings.tabSize > 0 ? settings.tabSize : defaultRenderSettings.tabSize;
    transform(tree, file, { tabSize, lineNumbers: settings.codeLineNumbers, windowBar: settings.codeWindowBar === true });
  };
}

/**
 * `wxmp theme import`: turns a CSS theme written for another Markdown editor (mdnice, Typora, doocs-md,
 * github-markdown-css) into a wxmp theme folder's three files (docs/themes.md, "Importing a theme"). Pure: text in,
 * text and a report out; the command (src/cli/commands/theme.ts) reads and writes the files.
 *
 * - selectors are mapped to wxmp's output (./selectors.ts): `#nice h2` → `h2`, `#nice pre code` → `.wx-code-body`,
 *   `.footnote-ref` → `.wx-linkref, .wx-fnref`…; what has no counterpart is dropped with the reason;
 * - at-rules are dropped: `@import` and `@font-face` load files WeChat never fetches, `@media`/`@keyframes` cannot be
 *   inlined into style attributes;
 * - declarations go through the renderer's own allowlist (./declarations.ts), after CSS variables are resolved;
 * - a few neutral rules are added for the wx-* classes the theme does not style (captions, hints, alerts).
 */
import type { CssNode } from 'css-tree';
import parse from 'css-tree/parser';
import { CONTENT_PLACEHOLDER } from '../theme.js';
import { mapDeclaration } from './declarations.js';
import { mapSelector, splitTopLevel } from './selectors.js';

export interface ThemeImportReport {
  /** Selectors kept as written. */
  kept: string[];
  /** Selectors rewritten to wxmp's output. */
  mapped: { from: string; to: string[] }[];
  /** Selectors, at-rules and declarations left out, with the reason. */
  dropped: { what: string; reason: string }[];
  /** Declarations kept with a change (variables resolved, pure black, !important). */
  changed: { what: string; note: string }[];
  /** Neutral rules added for wx-* classes the theme does not style. */
  added: string[];
  /** Rules written and declarations kept/dropped. */
  counts: { rules: number; declarations: number; droppedDeclarations: number };
}

export interface ImportedTheme {
  css: string;
  template: string;
  json: string;
  report: ThemeImportReport;
}

/** Local shapes of the css-tree nodes read here (the package ships no types: src/render/sanitize/css-tree.d.ts). */
interface ListLike<T> {
  toArray(): T[];
}
interface RawNode extends CssNode {
  value: string;
}
interface RuleNode extends CssNode {
  prelude: RawNode;
  block: { children: ListLike<CssNode> };
}
interface AtruleNode extends CssNode {
  name: string;
}
interface DeclarationNode extends CssNode {
  property: string;
  value: RawNode;
  important: boolean | string;
}

/** Neutral styles for classes an imported theme rarely covers (wxmp's own additions). */
const BASE_RULES: [string, string][] = [
  ['.wx-figcaption', 'display: block; margin-top: 6px; font-size: 13px; line-height: 1.5; color: #757575; text-align: center;'],
  ['.wx-code-lang', 'display: block; padding: 6px 12px 0; font-size: 12px; line-height: 1.4; color: #6b707a; text-align: right;'],
  ['.wx-alert', 'margin: 20px 0; padding: 10px 16px; border-left: 4px solid #8a94a6;'],
  ['.wx-alert-title', 'font-weight: 700;'],
  ['.wx-footnotes, .wx-references', 'margin-top: 32px; font-size: 13px; line-height: 1.6; color: #666666;'],
  ['.wx-scroll-hint', 'margin: -16px 0 20px; font-size: 12px; line-height: 1.5; color: #757575;'],
];

/** Selectors whose rules hold the theme's CSS variables. */
const VARIABLE_SCOPES = /^(:root|html|body|#write|#nice|#output|\.markdown-body)$/;

function collectVariables(rules: RuleNode[]): Map<string, string> {
  const variables = new Map<string, string>();
  for (const rule of rules) {
    if (!splitTopLevel(rule.prelude.value, ',').some((s) => VARIABLE_SCOPES.test(s.trim()))) continue;
    for (const node of rule.block.children.toArray()) {
      if (node.type !== 'Declaration') continue;
      const decl = node as DeclarationNode;
      if (decl.property.startsWith('--')) variables.set(decl.property, decl.value.value.trim());
    }
  }
  return variables;
}

/** Sizes an editor gives its page (`#write { max-width: 860px; padding: 30px }`): WeChat's column has its own. */
const PAGE_SIZE = /^(width|min-width|max-width|height|min-height|max-height)$/;
const PAGE_SPACING = /^(padding|margin)(-left|-right|-top|-bottom)?$/;

/** Why a declaration on the article root is the editor's page layout, or undefined. */
function pageLayout(property: string, value: string): string | undefined {
  if (PAGE_SIZE.test(property)) return "the editor's page size: the article is as wide as WeChat's column";
  if (PAGE_SPACING.test(property) && [...value.matchAll(/(\d*\.?\d+)(px|em|rem)/g)].some((m) => Number(m[1]) * (m[2] === 'px' ? 1 : 16) > 20)) {
    return "the editor's page margins: WeChat's page has its own";
  }
  return undefined;
}

/** Maps one rule's declarations; returns the kept ones (`prop: value`). */
function mapDeclarations(rule: RuleNode, label: string, variables: Map<string, string>, report: ThemeImportReport, root: boolean): string[] {
  const kept: string[] = [];
  for (const node of rule.block.children.toArray()) {
    if (node.type === 'Rule') {
      report.dropped.push({ what: `${label} { <nested rule> }`, reason: 'nested rules are not supported: write them out' });
      continue;
    }
    if (node.type !== 'Declaration') continue;
    const decl = node as DeclarationNode;
    if (decl.property.startsWith('--')) continue; // variables: resolved where they are used
    const layout = root ? pageLayout(decl.property.toLowerCase(), decl.value.value) : undefined;
    if (layout) {
      report.dropped.push({ what: `${label} { ${decl.property} }`, reason: layout });
      report.counts.droppedDeclarations++;
      continue;
    }
    const result = mapDeclaration(decl.property, decl.value.value, decl.important !== false, variables);
    if ('drop' in result) {
      report.dropped.push({ what: `${label} { ${decl.property} }`, reason: result.drop });
      report.counts.droppedDeclarations++;
      continue;
    }
    kept.push(result.kept);
    if (result.note) report.changed.push({ what: `${label} { ${decl.property} }`, note: result.note });
  }
  return kept;
}

/** Maps one rule's selector list; returns the selectors it becomes. */
function mapSelectors(prelude: string, report: ThemeImportReport): string[] {
  const out: string[] = [];
  for (const selector of splitTopLevel(prelude, ',')) {
    const normal = selector.replace(/\s+/g, ' ').trim();
    const result = mapSelector(normal);
    if ('drop' in result) {
      report.dropped.push({ what: normal, reason: result.drop });
      continue;
    }
    if (result.to.length === 1 && result.to[0] === normal) report.kept.push(normal);
    else report.mapped.push({ from: normal, to: result.to });
    for (const to of result.to) if (!out.includes(to)) out.push(to);
  }
  return out;
}

function emptyReport(): ThemeImportReport {
  return { kept: [], mapped: [], dropped: [], changed: [], added: [], counts: { rules: 0, declarations: 0, droppedDeclarations: 0 } };
}

/** The imported rules as CSS text, filling the report. */
function importRules(source: string, report: ThemeImportReport): string[] {
  const errors: string[] = [];
  const ast = parse(source, { parseRulePrelude: false, parseValue: false, onParseError: (error) => errors.push(error.message) }) as unknown as {
    children: ListLike<CssNode>;
  };
  for (const message of errors.slice(0, 5)) report.dropped.push({ what: 'unparsable CSS', reason: message });
  const nodes = ast.children.toArray();
  const rules = nodes.filter((node): node is RuleNode => node.type === 'Rule');
  const variables = collectVariables(rules);
  const out: string[] = [];
  for (const node of nodes) {
    if (node.type === 'Atrule') {
      const name = (node as AtruleNode).name.toLowerCase();
      const reason = name === 'import' || name === 'font-face' ? 'loads files WeChat never fetches' : 'cannot be inlined into style attributes';
      report.dropped.push({ what: `@${name}`, reason });
      continue;
    }
    if (node.type !== 'Rule') continue;
    const rule = node as RuleNode;
    const prelude = rule.prelude.value.replace(/\s+/g, ' ').trim();
    const selectors = mapSelectors(prelude, report);
    if (selectors.length === 0) continue;
    const declarations = mapDeclarations(rule, prelude, variables, report, selectors.length === 1 && selectors[0] === '.wx-article');
    if (declarations.length === 0) continue;
    report.counts.rules++;
    report.counts.declarations += declarations.length;
    out.push(`${selectors.join(', ')} {\n${declarations.map((d) => `  ${d};`).join('\n')}\n}`);
  }
  return out;
}

/** Imports a CSS theme: `name` is the theme's folder name, `sourceName` the file it came from (for the header). */
export function importThemeCss(source: string, options: { name: string; sourceName?: string }): ImportedTheme {
  const report = emptyReport();
  const rules = importRules(source.replace(/^\uFEFF/, ''), report);
  const styled = new Set(rules.flatMap((rule) => rule.slice(0, rule.indexOf(' {')).split(', ')));
  const base = BASE_RULES.filter(([selector]) => !selector.split(', ').some((s) => styled.has(s)));
  report.added = base.map(([selector]) => selector);
  const from = options.sourceName ? ` from ${options.sourceName.replace(/\*\//g, '')}` : '';
  const header = `/*\n * wxmp theme "${options.name}", imported${from} by \`wxmp theme import\` (docs/themes.md).\n * Selectors are mapped to wxmp's output; what WeChat strips was dropped. Edit freely.\n */\n`;
  const baseCss = base.length ? `\n/* Neutral defaults for wxmp's own classes the imported theme does not style */\n${base.map(([s, d]) => `${s} { ${d} }`).join('\n')}\n` : '';
  const css = `${header}${baseCss}\n${rules.join('\n\n')}\n`;
  const description = `Imported${from} with wxmp theme import.`;
  const json = `${JSON.stringify({ name: options.name, description, version: '1.0.0' }, null, 2)}\n`;
  return { css, template: `<section class="wx-article">${CONTENT_PLACEHOLDER}</section>\n`, json, report };
}

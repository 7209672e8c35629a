/**
 * The few numbers of a theme that decide whether a box is wider than a phone: font sizes and horizontal paddings of
 * the article, code blocks and table cells, read from the theme's CSS (docs/themes.md, "Scroll hints"). Only simple
 * rules count (`.wx-code-body { … }`, `th, td { … }`): what the theme sets for every code block or cell, not for a
 * special case. Anything the theme does not set keeps the default of the shipped themes.
 */
import type { Declaration, Raw } from 'css-tree';
import parse from 'css-tree/parser';
import walk from 'css-tree/walker';
import type { ThemeMetrics } from '../../../types.js';

/** The shipped themes' values (templates/default): used for whatever a theme does not set. */
export const DEFAULT_METRICS: ThemeMetrics = {
  bodyPx: 16,
  articlePaddingPx: 4,
  letterSpacingPx: 0.5,
  codePx: 13,
  codePaddingPx: 16,
  tablePx: 14,
  tableCodePx: 13,
  cellPaddingPx: 12,
};

/** Which rule sets each metric: selector → metric, per property. */
const SOURCES: { selector: string; property: string; metric: keyof ThemeMetrics; side?: 'x' }[] = [
  { selector: '.wx-article', property: 'font-size', metric: 'bodyPx' },
  { selector: '.wx-article', property: 'letter-spacing', metric: 'letterSpacingPx' },
  { selector: '.wx-article', property: 'padding', metric: 'articlePaddingPx', side: 'x' },
  { selector: '.wx-article', property: 'padding-left', metric: 'articlePaddingPx' },
  { selector: '.wx-code-body', property: 'font-size', metric: 'codePx' },
  { selector: '.wx-code-body', property: 'padding', metric: 'codePaddingPx', side: 'x' },
  { selector: '.wx-code-body', property: 'padding-left', metric: 'codePaddingPx' },
  { selector: 'table', property: 'font-size', metric: 'tablePx' },
  { selector: 'td .wx-inline-code', property: 'font-size', metric: 'tableCodePx' },
  { selector: 'td', property: 'padding', metric: 'cellPaddingPx', side: 'x' },
  { selector: 'td', property: 'padding-left', metric: 'cellPaddingPx' },
];

/** `16px` → 16; `0.5px` → 0.5; anything else (em, %, keywords) → undefined. */
function pixels(value: string): number | undefined {
  const match = /^(-?\d*\.?\d+)(px)?$/.exec(value.trim());
  if (!match) return undefined;
  return match[2] || Number(match[1]) === 0 ? Number(match[1]) : undefined;
}

/** The horizontal part of a `padding` shorthand (`12px 16px 14px` → 16). */
function horizontalPadding(value: string): number | undefined {
  const parts = value.trim().split(/\s+/);
  return pixels(parts.length === 1 ? parts[0]! : parts[1]!);
}

const memo = new Map<string, ThemeMetrics>();

/** The metrics of a theme's CSS (memoized per CSS text: a build reads each theme's once). */
export function themeMetrics(css: string): ThemeMetrics {
  let metrics = memo.get(css);
  if (metrics) return metrics;
  metrics = { ...DEFAULT_METRICS };
  let ast;
  try {
    ast = parse(css, { parseRulePrelude: false, parseValue: false });
  } catch {
    return metrics;
  }
  const found = metrics;
  walk(ast, {
    visit: 'Rule',
    enter(rule) {
      const selectors = (rule.prelude as Raw).value.split(',').map((s) => s.trim().replace(/\s+/g, ' '));
      walk(rule.block, {
        visit: 'Declaration',
        enter(decl: Declaration) {
          const value = (decl.value as Raw).value;
          for (const source of SOURCES) {
            if (source.property !== decl.property || !selectors.includes(source.selector)) continue;
            const px = source.side === 'x' ? horizontalPadding(value) : pixels(value);
            if (px !== undefined) found[source.metric] = px;
          }
        },
      });
    },
  });
  if (memo.size > 100) memo.clear();
  memo.set(css, found);
  return found;
}

/**
 * Width estimates of the three boxes that scroll sideways (code blocks, tables, display formulas), in CSS pixels,
 * without a browser (docs/themes.md, "Scroll hints"). They only need to tell "fits a phone" from "does not": a
 * monospace character is 0.6em wide and a CJK one two columns; proportional Latin text averages 0.55em a letter and
 * CJK 1em. The browser test (test/browser/scroll-hints.test.ts) checks the estimates against Chromium's layout.
 */
import type { Element, ElementContent } from 'hast';
import { textWidth } from '../../../../util/text-width.js';
import type { ThemeMetrics } from '../../../types.js';
import { classList } from '../../../util/class-names.js';

/** The phone the article must fit: 375 px wide, WeChat's page keeps 16 px on each side. */
export const PHONE_PX = 375;
export const WECHAT_PAGE_PADDING_PX = 16;

/** Width of one monospace column, in em. */
const MONO_EM = 0.6;
/** Average width of a Latin letter (or digit, punctuation) in a proportional font, in em. */
const LATIN_EM = 0.55;

/** The article's text column on the phone, in pixels. */
export function columnWidth(metrics: ThemeMetrics): number {
  return PHONE_PX - 2 * WECHAT_PAGE_PADDING_PX - 2 * metrics.articlePaddingPx;
}

/** The widest line of a code block's body (`code.wx-code-body`, lines separated by `<br>`), in pixels. */
export function codeBlockWidth(block: Element, metrics: ThemeMetrics): number {
  let widest = 0;
  let line = '';
  const walk = (children: ElementContent[]) => {
    for (const child of children) {
      if (child.type === 'text') {
        const parts = child.value.split('\n');
        line += parts[0];
        for (let k = 1; k < parts.length; k++) {
          widest = Math.max(widest, textWidth(line));
          line = parts[k]!;
        }
      } else if (child.type === 'element') {
        if (child.tagName === 'br') {
          widest = Math.max(widest, textWidth(line));
          line = '';
        } else {
          walk(child.children);
        }
      }
    }
  };
  walk(block.children);
  widest = Math.max(widest, textWidth(line));
  return widest * MONO_EM * metrics.codePx + 2 * metrics.codePaddingPx;
}

/** Width of proportional text at `fontPx` (letter spacing included): CJK 1em, anything else 0.55em. */
function proseWidth(text: string, fontPx: number, letterSpacingPx: number): number {
  let width = 0;
  for (const char of text) width += (textWidth(char) === 2 ? 1 : LATIN_EM) * fontPx + letterSpacingPx;
  return width;
}

/** Text runs of a cell, each marked as code (monospace) or prose. */
function cellRuns(children: ElementContent[], code = false, runs: { text: string; code: boolean }[] = []): { text: string; code: boolean }[] {
  for (const child of children) {
    if (child.type === 'text') runs.push({ text: child.value, code });
    else if (child.type === 'element' && child.tagName !== 'svg') cellRuns(child.children, code || child.tagName === 'code', runs);
    else if (child.type === 'element') runs.push({ text: 'x'.repeat(Math.ceil(svgWidthEm(child) * 2)), code: false });
  }
  return runs;
}

/** Width of `text` in a cell: monospace for code, proportional for the rest. */
function runWidth(text: string, code: boolean, metrics: ThemeMetrics): number {
  return code ? textWidth(text) * MONO_EM * metrics.tableCodePx : proseWidth(text, metrics.tablePx, metrics.letterSpacingPx);
}

/**
 * Where a line may break inside a cell's text (the pieces between are unbreakable): spaces, between CJK characters,
 * and after `-` and `/` (UAX #14 classes HY and SY, which browsers break after: paths and URLs wrap at their slashes).
 */
const BREAK = /[\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+|(?<=[-/])/;

/**
 * The narrowest a cell can get (its min-content width): the whole text when it does not wrap (the tables plugin's
 * `white-space:nowrap` on short cells), else the wider of its `min-width` and its longest unbreakable word (Latin
 * words and code tokens; CJK text breaks between any two characters).
 */
export function cellMinWidth(cell: Element, metrics: ThemeMetrics): number {
  const style = String(cell.properties.style ?? '');
  const runs = cellRuns(cell.children);
  const padding = 2 * metrics.cellPaddingPx + 1;
  if (/white-space:\s*nowrap/.test(style)) {
    return padding + runs.reduce((sum, run) => sum + runWidth(run.text.replace(/\s+/g, ' '), run.code, metrics), 0);
  }
  const minEm = Number(/min-width:\s*([\d.]+)em/.exec(style)?.[1] ?? 0);
  let longest = minEm * metrics.tablePx;
  for (const run of runs) {
    for (const word of run.text.split(BREAK)) {
      if (word) longest = Math.max(longest, runWidth(word, run.code, metrics));
    }
  }
  return padding + longest;
}

/** The narrowest a table can get: the sum of its columns' widest cells (colspans counted as one column). */
export function tableMinWidth(table: Element, metrics: ThemeMetrics): number {
  const columns: number[] = [];
  const rows = (children: ElementContent[]) => {
    for (const child of children) {
      if (child.type !== 'element' || child.tagName === 'table') continue;
      if (child.tagName === 'tr') {
        let index = 0;
        for (const cell of child.children) {
          if (cell.type !== 'element' || (cell.tagName !== 'td' && cell.tagName !== 'th')) continue;
          columns[index] = Math.max(columns[index] ?? 0, cellMinWidth(cell, metrics));
          index++;
        }
      } else {
        rows(child.children);
      }
    }
  };
  rows(table.children);
  return columns.reduce((sum, width) => sum + width, 0);
}

/** MathJax's width of a formula's SVG in em (`width:40.382em` in its style, or the width attribute). */
export function svgWidthEm(svg: Element): number {
  const fromStyle = /(?:^|;)\s*width:\s*([\d.]+)em/.exec(String(svg.properties.style ?? ''))?.[1];
  const fromAttribute = /^([\d.]+)em$/.exec(String(svg.properties.width ?? ''))?.[1];
  return Number(fromStyle ?? fromAttribute ?? 0);
}

/** Width of a display formula's box: its SVG at the article's font size. */
export function mathDisplayWidth(box: Element, metrics: ThemeMetrics): number {
  let widest = 0;
  for (const child of box.children) {
    if (child.type === 'element' && child.tagName === 'svg') widest = Math.max(widest, svgWidthEm(child));
  }
  return widest * metrics.bodyPx;
}

/** The first descendant element with class `name` (not inside an `svg`). */
export function findByClass(node: Element, name: string): Element | undefined {
  for (const child of node.children) {
    if (child.type !== 'element' || child.tagName === 'svg') continue;
    if (classList(child).includes(name)) return child;
    const found = findByClass(child, name);
    if (found) return found;
  }
  return undefined;
}

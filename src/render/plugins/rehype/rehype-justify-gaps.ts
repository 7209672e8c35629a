import type { Element, ElementContent, Root } from 'hast';
import type { Transformer } from 'unified';
import { SKIP, visit } from 'unist-util-visit';
import { toString } from 'hast-util-to-string';
import { classList, hasClass } from '../../util/class-names.js';

/**
 * Themes justify body text (`text-align: justify`, the usual look of Chinese articles). A line cannot break inside
 * a formula SVG or an inline code span, so when a wide one does not fit at the end of a line it moves down and the
 * justified line above it is stretched with gaps between every character ("真　后　缀　："). A block that holds
 * such a wide unbreakable piece is left-aligned instead: the line simply ends early. Blocks without one keep the
 * theme's justification.
 *
 * Blocks: paragraphs, table cells and tight list items (`section.wx-li`, whose text sits in a `span.wx-li-body`).
 * Wide: an inline formula at least MIN_WIDE_EM wide (MathJax's own width, in the SVG's style), or inline code whose
 * text is at least that wide (ASCII ≈ 0.55 em in a monospace face, CJK ≈ 1 em).
 * Risky text (issue 15): a block is also left-aligned when its text is mostly Latin (English gets wide word gaps
 * when justified, so left is the safe default for it: Latin letters at least LATIN_SHARE of its letters) or when it
 * holds a long unbreakable Latin run (a toolchain like `nightly-2024-05-05)`, a URL: text between spaces and CJK)
 * of at least MIN_RUN_EM, which moves down whole and stretches the Chinese line before it ("尔 函 数 统 称 为").
 * Headings, list items, alerts and reference lists are never justified: the themes set them left (a theme test
 * checks it), so this plugin only decides for paragraphs, cells and tight list items.
 * Runs after the lists, math, code and CJK-spacing plugins (the structure and text are final).
 */
const MIN_WIDE_EM = 5;
const MIN_RUN_EM = 9;
const LATIN_SHARE = 0.5;

/** The block's own text (not nested blocks, formulas or code, which holdsWideUnbreakable measures). */
function ownText(children: ElementContent[]): string {
  let text = '';
  for (const child of children) {
    if (child.type === 'text') text += child.value;
    else if (child.type === 'element') {
      if (child.tagName === 'svg' || child.tagName === 'code' || hasClass(child, 'wx-math-inline')) text += ' ';
      else if (!BLOCK_TAGS.has(child.tagName) || hasClass(child, 'wx-li-body')) text += ownText(child.children);
    }
  }
  return text;
}

/** Mostly Latin, or a Latin run long enough to leave a wide gap on the line before it. */
export function isRiskyText(text: string): boolean {
  const latin = (text.match(/[A-Za-z]/g) ?? []).length;
  const cjk = (text.match(/[\u2e80-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]/g) ?? []).length;
  if (latin + cjk > 0 && latin / (latin + cjk) >= LATIN_SHARE) return true;
  for (const run of text.split(/[\s\u2e80-\u9fff\uf900-\uffef\u3000-\u303f]+/)) if (emWidthOfText(run) >= MIN_RUN_EM) return true;
  return false;
}

const BLOCK_TAGS = new Set(['p', 'section', 'div', 'table', 'pre', 'ul', 'ol', 'blockquote', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

function emWidthOfText(text: string): number {
  let em = 0;
  for (const char of text) em += char.charCodeAt(0) > 0x2e7f ? 1 : 0.55;
  return em;
}

function svgWidthEm(svg: Element): number {
  const match = /(?:^|;)\s*width:\s*([\d.]+)em/.exec(String(svg.properties.style ?? ''));
  return match ? Number(match[1]) : 0;
}

/** Whether the block's own inline content (not nested blocks) holds a wide unbreakable piece. */
function holdsWideUnbreakable(children: ElementContent[]): boolean {
  for (const child of children) {
    if (child.type !== 'element') continue;
    const names = classList(child);
    if (names.includes('wx-math-inline')) {
      const svg = child.children.find((c): c is Element => c.type === 'element' && c.tagName === 'svg');
      if (svg && svgWidthEm(svg) >= MIN_WIDE_EM) return true;
      continue;
    }
    if (child.tagName === 'code') {
      if (emWidthOfText(toString(child)) >= MIN_WIDE_EM) return true;
      continue;
    }
    if (child.tagName === 'svg') continue;
    if (BLOCK_TAGS.has(child.tagName) && !names.includes('wx-li-body')) continue;
    if (holdsWideUnbreakable(child.children)) return true;
  }
  return false;
}

function isTightListItem(node: Element): boolean {
  return (
    node.tagName === 'section' &&
    hasClass(node, 'wx-li') &&
    node.children.some((child) => child.type === 'element' && child.tagName === 'span' && hasClass(child, 'wx-li-body'))
  );
}

export function rehypeJustifyGaps(): Transformer<Root> {
  return (tree) => {
    visit(tree, 'element', (node) => {
      if (node.tagName === 'svg' || node.tagName === 'pre') return SKIP;
      // Content the author or a plugin aligned on purpose (`::: center`, aligned table columns) is left alone.
      if (/(?:^|;)\s*text-align:\s*(?:center|right)/.test(String(node.properties.style ?? ''))) return SKIP;
      const block = node.tagName === 'p' || node.tagName === 'td' || node.tagName === 'th' || isTightListItem(node);
      if (!block || !(holdsWideUnbreakable(node.children) || isRiskyText(ownText(node.children)))) return undefined;
      const style = typeof node.properties.style === 'string' ? node.properties.style : '';
      node.properties.style = style ? `text-align:left;${style}` : 'text-align:left';
      return undefined;
    });
  };
}

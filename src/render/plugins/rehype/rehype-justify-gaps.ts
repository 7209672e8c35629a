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
 * Runs after the lists, math, code and CJK-spacing plugins (the structure and text are final).
 */
const MIN_WIDE_EM = 5;

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
      if (!block || !holdsWideUnbreakable(node.children)) return undefined;
      const style = typeof node.properties.style === 'string' ? node.properties.style : '';
      node.properties.style = style ? `text-align:left;${style}` : 'text-align:left';
      return undefined;
    });
  };
}

import type { Element, ElementContent, Root } from 'hast';
import { toString as hastToString } from 'hast-util-to-string';
import { SKIP, visit } from 'unist-util-visit';
import { parseStyle, serializeStyle } from './images/size.js';
import { textWidth } from '../../../util/text-width.js';
import { addClass, hasClass } from '../../util/class-names.js';

/**
 * Tables on a phone: WeChat's column is ~340px, so a table sized to fit squashes every column until Chinese text
 * wraps after each character. Instead every table goes into `section.wx-table-wrap` that scrolls horizontally
 * (`display:block;overflow-x:auto`, both kept by WeChat), and cells get a sensible minimum width:
 *
 * - a short cell (at most {@link SHORT_CELL_WIDTH} columns, a CJK character counting two: headers, numbers,
 *   identifiers, short phrases) never wraps (`white-space:nowrap`);
 * - a longer cell may wrap, but not below `min-width:7em` (about 7 CJK characters or 14 Latin letters a line), and
 *   with `word-break:normal` so Latin words are not cut in half even if the surrounding CSS says `break-all`.
 *
 * Wide tables then scroll instead of squashing. GFM column alignment arrives as the deprecated `align` attribute;
 * it becomes `text-align` in the cell's style (WeChat drops unknown attributes but keeps `style`).
 */
export function rehypeWechatTables() {
  return (tree: Root) => {
    visit(tree, 'element', (node, index, parent) => {
      if (node.tagName === 'svg') return SKIP; // formulas: thousands of glyph nodes, nothing for us inside
      if (node.tagName !== 'table' || !parent || index === undefined) return;
      addClass(node, 'wx-table');
      for (const row of descendants(node, 'tr')) styleAlignment(row);
      for (const cell of [...descendants(node, 'th'), ...descendants(node, 'td')]) styleCell(cell);
      if (parent.type === 'element' && hasClass(parent, 'wx-table-wrap')) {
        // Already wrapped (the plugin ran twice, or the author wrote the wrapper): make sure it scrolls.
        parent.properties.style ??= WRAP_STYLE;
        return;
      }
      const wrap: Element = {
        type: 'element',
        tagName: 'section',
        properties: { className: ['wx-table-wrap'], style: WRAP_STYLE },
        children: [node],
        position: node.position,
      };
      parent.children[index] = wrap;
    });
  };
}

const WRAP_STYLE = 'display:block;overflow-x:auto;max-width:100%';

/** Cells up to this many columns (CJK characters count two) stay on one line. */
export const SHORT_CELL_WIDTH = 12;

/** Display width of a cell's text in columns (whitespace collapsed): CJK characters and full-width forms count two. */
export function displayWidth(text: string): number {
  return textWidth(text.replace(/\s+/g, ' ').trim());
}

function styleCell(cell: Element): void {
  const declarations = alignmentStyle(cell);
  if (!declarations.has('white-space') && !declarations.has('min-width')) {
    if (displayWidth(hastToString(cell)) <= SHORT_CELL_WIDTH) {
      declarations.set('white-space', 'nowrap');
    } else {
      declarations.set('min-width', '7em');
      if (!declarations.has('word-break')) declarations.set('word-break', 'normal');
    }
  }
  setStyle(cell, declarations);
}

function styleAlignment(node: Element): void {
  const declarations = alignmentStyle(node);
  setStyle(node, declarations);
}

/** The node's style with its `align` attribute moved in (`align` is deprecated and dropped by WeChat). */
function alignmentStyle(node: Element): Map<string, string> {
  const declarations = parseStyle(typeof node.properties.style === 'string' ? node.properties.style : '');
  const align = node.properties.align;
  if (typeof align === 'string' && /^(left|center|right|justify)$/i.test(align) && !declarations.has('text-align')) {
    declarations.set('text-align', align.toLowerCase());
  }
  delete node.properties.align;
  return declarations;
}

function setStyle(node: Element, declarations: Map<string, string>): void {
  if (declarations.size > 0) node.properties.style = serializeStyle(declarations);
  else delete node.properties.style;
}

/** Elements named `tagName` under `table`, not descending into nested tables (they are handled on their own). */
function descendants(table: Element, tagName: string): Element[] {
  const found: Element[] = [];
  const walk = (children: ElementContent[]) => {
    for (const child of children) {
      if (child.type !== 'element') continue;
      if (child.tagName === tagName) found.push(child);
      if (child.tagName !== 'table') walk(child.children);
    }
  };
  walk(table.children);
  return found;
}


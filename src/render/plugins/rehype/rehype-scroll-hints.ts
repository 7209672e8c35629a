/**
 * rehypeScrollHints: a small "左右滑动查看 →" / "Scroll sideways →" caption under a box that scrolls sideways on a
 * phone (issue 15, item 5). Code blocks, wide tables and display formulas scroll inside their own box (the code,
 * tables and math plugins), but on a 375 px phone the cut at the right edge looks like the end of the line: nothing
 * says there is more. WeChat strips pseudo-elements and may filter gradients (docs/wechat-api.md §12), so a fade is
 * not possible; a caption is plain text every client shows.
 *
 * Only boxes that are likely wider than the column get one, estimated without a browser (./scroll-hints/measure.ts):
 * code by its longest line in monospace columns (CJK two), tables by the sum of their columns' narrowest widths,
 * display formulas by the SVG's width. The sizes come from the theme (./scroll-hints/metrics.ts, passed in
 * `settings.scrollHints.metrics`), the column is the phone's less WeChat's margins, the theme's padding and the
 * indents of the lists, quotes and alerts the box sits in.
 *
 * Output: `<section class="wx-scroll-hint" style="display:block;text-align:right">左右滑动查看 →</section>` right after
 * the box; themes style `.wx-scroll-hint` (small, grey, pulled up under the box: docs/themes.md). The language is the
 * post's (CJK share of its text, ../../util/lang.ts) unless `render.scrollHints` says `zh`, `en` or `off`.
 */
import type { Element, Root } from 'hast';
import type { Transformer } from 'unified';
import type { VFile } from 'vfile';
import type { ThemeMetrics } from '../../types.js';
import { classList } from '../../util/class-names.js';
import { treeIsCjk } from '../../util/lang.js';
import { codeBlockWidth, columnWidth, findByClass, mathDisplayWidth, tableMinWidth } from './scroll-hints/measure.js';
import { DEFAULT_METRICS } from './scroll-hints/metrics.js';

export const HINT_CLASS = 'wx-scroll-hint';
export const HINT_TEXT = { zh: '左右滑动查看 →', en: 'Scroll sideways →' } as const;
const HINT_STYLE = 'display:block;text-align:right';

/** Horizontal space a quote or an alert takes from its content (16 px padding on each side and a 4 px bar). */
const QUOTE_INSET_PX = 36;

/** The width a box needs, or undefined when the element is not one of the scrolling boxes. */
function boxWidth(node: Element, metrics: ThemeMetrics): number | undefined {
  const classes = classList(node);
  if (classes.includes('wx-code')) {
    const body = findByClass(node, 'wx-code-body');
    return body ? codeBlockWidth(body, metrics) : 0;
  }
  if (classes.includes('wx-table-wrap')) {
    const table = node.children.find((child): child is Element => child.type === 'element' && child.tagName === 'table');
    return table ? tableMinWidth(table, metrics) : 0;
  }
  if (classes.includes('wx-math-display')) return mathDisplayWidth(node, metrics);
  return undefined;
}

/** How much narrower than its parent an element's content is. */
function insetOf(node: Element, metrics: ThemeMetrics): number {
  if (node.tagName === 'blockquote') return QUOTE_INSET_PX;
  const classes = classList(node);
  if (classes.includes('wx-alert')) return QUOTE_INSET_PX;
  if (classes.includes('wx-li')) {
    const em = /padding-left:\s*([\d.]+)em/.exec(String(node.properties.style ?? ''))?.[1];
    return Number(em ?? 2) * metrics.bodyPx;
  }
  return 0;
}

function hint(text: string): Element {
  return { type: 'element', tagName: 'section', properties: { className: [HINT_CLASS], style: HINT_STYLE }, children: [{ type: 'text', value: text }] };
}

function isHint(node: Root['children'][number] | undefined): boolean {
  return node?.type === 'element' && classList(node).includes(HINT_CLASS);
}

interface Walk {
  metrics: ThemeMetrics;
  text: () => string;
}

/** Adds a hint after each wide box among `parent`'s children (and their descendants), `available` px wide. */
function addHints(parent: Root | Element, available: number, walk: Walk): void {
  const children = parent.children;
  for (let i = 0; i < children.length; i++) {
    const node = children[i]!;
    if (node.type !== 'element' || node.tagName === 'svg' || node.tagName === 'table' || node.tagName === 'pre') continue;
    const width = boxWidth(node, walk.metrics);
    if (width === undefined) {
      addHints(node, available - insetOf(node, walk.metrics), walk);
      continue;
    }
    if (width <= available || isHint(children[i + 1])) continue;
    children.splice(i + 1, 0, hint(walk.text()));
    i++;
  }
}

export function rehypeScrollHints(): Transformer<Root> {
  return (tree: Root, file: VFile) => {
    const settings = file.data.settings?.scrollHints ?? { language: 'auto' };
    if (settings.language === 'off') return;
    const metrics = settings.metrics ?? DEFAULT_METRICS;
    let text: string | undefined;
    const language = settings.language;
    addHints(tree, columnWidth(metrics), {
      metrics,
      // The post's language is only worked out when it has a wide box (one walk over its text).
      text: () => (text ??= HINT_TEXT[language === 'auto' ? (treeIsCjk(tree) ? 'zh' : 'en') : language]),
    });
  };
}

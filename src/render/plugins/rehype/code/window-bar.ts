/**
 * The Mac-style window bar of a code block (config `render.codeWindowBar`, front matter `code_window_bar`), as
 * doocs/md, mdnice and wenyan draw it: three coloured dots at the top of the block, and the language label at the
 * right end of the same row.
 *
 * WeChat drops `<style>`, classes, pseudo-elements and SVG ids (docs/wechat-api.md §12), so the dots are empty
 * `<span>`s with inline styles only — size, radius and background, all on the style allowlist (sanitize/styles.ts) —
 * in a flex row. They hold no text: copying the code never copies the bar.
 */
import type { Element } from 'hast';

/** macOS's close, minimise and zoom colours. */
const DOT_COLOURS = ['#ff5f56', '#ffbd2e', '#27c93f'] as const;

/** Padded like the themes' code body (12–16 px), so the dots line up with the code's first column. */
const BAR_STYLE = 'display:flex;align-items:center;padding:12px 16px 0;line-height:1;';

const DOT_STYLE = 'display:inline-block;width:12px;height:12px;border-radius:50%;margin-right:8px;';

/**
 * The label sits in the bar, at its right end: the padding and border a theme gives the label's own row (the
 * inline style wins over the theme's when juice inlines it) are not wanted inside the bar. `border-width:0`, not
 * `border:0`: the optimiser drops `border:0` as an initial value although it overrides a theme's `border-bottom`.
 */
const LABEL_STYLE = 'margin-left:auto;padding:0;border-width:0;';

/** `section.wx-code-bar` with the three dots, and the block's language label (if any) at its right end. */
export function windowBar(label: Element | undefined): Element {
  const children: Element[] = DOT_COLOURS.map((colour) => ({
    type: 'element',
    tagName: 'span',
    properties: { style: `${DOT_STYLE}background:${colour};` },
    children: [],
  }));
  if (label) children.push({ ...label, properties: { ...label.properties, style: LABEL_STYLE } });
  return { type: 'element', tagName: 'section', properties: { className: ['wx-code-bar'], style: BAR_STYLE }, children };
}

/**
 * `width`/`height` attributes → inline style. WeChat's editor rewrites or drops size attributes on `<img>` but keeps
 * `style`, and every image needs `max-width:100%` or a wide image overflows the phone screen (render-common.md).
 */

/** Parses a `style` attribute into an ordered map of lower-cased property → value. */
export function parseStyle(style: string): Map<string, string> {
  const declarations = new Map<string, string>();
  for (const part of style.split(';')) {
    const colon = part.indexOf(':');
    if (colon <= 0) continue;
    const property = part.slice(0, colon).trim().toLowerCase();
    const value = part.slice(colon + 1).trim();
    if (property && value) declarations.set(property, value);
  }
  return declarations;
}

export function serializeStyle(declarations: Map<string, string>): string {
  return [...declarations].map(([property, value]) => `${property}:${value}`).join(';');
}

/** An HTML size attribute as a CSS length: `300` / `300px` → `300px`, `50%` → `50%`, anything else → undefined. */
export function sizeToCss(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? `${value}px` : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(px|%|em|rem|vw)?\s*$/i.exec(value);
  if (!match || Number(match[1]) <= 0) return undefined;
  return `${match[1]}${(match[2] ?? 'px').toLowerCase()}`;
}

/**
 * The image's style with `width`/`height` attributes folded in. A size already in `style` wins (as in CSS, where
 * the style attribute overrides presentational attributes); a `height` attribute is dropped when there is a width
 * (`height:auto` keeps the ratio), `width:auto` when only the height is known; `max-width:100%` always.
 */
export function imageStyle(style: unknown, width: unknown, height: unknown): string {
  const declarations = parseStyle(typeof style === 'string' ? style : '');
  const cssWidth = sizeToCss(width);
  const cssHeight = sizeToCss(height);
  if (cssWidth && !declarations.has('width')) declarations.set('width', cssWidth);
  // With a width, a fixed height would squash the image once `max-width:100%` shrinks it on a phone: the width and
  // the image's own ratio decide. A height alone is kept.
  if (cssHeight && !declarations.has('height') && !declarations.has('width')) declarations.set('height', cssHeight);
  if (declarations.has('width') && !declarations.has('height')) declarations.set('height', 'auto');
  if (declarations.has('height') && !declarations.has('width')) declarations.set('width', 'auto');
  declarations.delete('max-width');
  declarations.set('max-width', '100%');
  return serializeStyle(declarations);
}

/**
 * Parsing, shortening and printing of `style` attribute declarations. Small and allocation-light: the inliner runs
 * this for every styled element of every post.
 */

export interface Declaration {
  /** Lower-case property name. */
  prop: string;
  value: string;
  important: boolean;
}

/**
 * Splits a declaration list (`a: 1; b: url("x;y")`) at top-level semicolons, ignoring those inside quotes or
 * parentheses. Later declarations of the same property replace earlier ones (unless the earlier one is !important),
 * so the result holds each property once, in first-seen order.
 */
export function parseDeclarations(style: string): Declaration[] {
  const out: Declaration[] = [];
  const index = new Map<string, number>();
  let start = 0;
  let depth = 0;
  let quote = '';
  for (let i = 0; i <= style.length; i++) {
    const c = i < style.length ? style[i] : ';';
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ';' && depth === 0) {
      addDeclaration(style.slice(start, i), out, index);
      start = i + 1;
    }
  }
  return out;
}

function addDeclaration(text: string, out: Declaration[], index: Map<string, number>): void {
  const colon = text.indexOf(':');
  if (colon < 0) return;
  const prop = text.slice(0, colon).trim().toLowerCase();
  let value = text.slice(colon + 1).trim();
  if (!prop || !value) return;
  let important = false;
  const bang = /\s*!\s*important$/i.exec(value);
  if (bang) {
    important = true;
    value = value.slice(0, bang.index);
  }
  const decl: Declaration = { prop, value, important };
  const at = index.get(prop);
  if (at === undefined) {
    index.set(prop, out.length);
    out.push(decl);
  } else if (important || !out[at]!.important) {
    out[at] = decl;
  }
}

const SIDES = ['top', 'right', 'bottom', 'left'] as const;

/**
 * Folds `margin-bottom: 0` into an earlier `margin: 0 0 8px` (→ `margin: 0`), likewise for padding: juice keeps a
 * `p:last-child { margin-bottom }` override next to the `p { margin }` it overrides.
 */
export function foldBoxLonghands(decls: Declaration[]): Declaration[] {
  let out = decls;
  for (const box of ['margin', 'padding']) {
    const at = out.findIndex((d) => d.prop === box);
    if (at < 0 || out[at]!.important || out[at]!.value.includes('(')) continue;
    const parts = out[at]!.value.split(' ');
    if (parts.length > 4) continue;
    const [top, right = top, bottom = top, left = right] = parts;
    const sides = [top!, right!, bottom!, left!];
    let changed = false;
    out = out.filter((d, i) => {
      if (i <= at || d.important || !d.prop.startsWith(`${box}-`)) return true;
      const side = SIDES.indexOf(d.prop.slice(box.length + 1) as (typeof SIDES)[number]);
      if (side < 0 || d.value.includes(' ')) return true;
      sides[side] = d.value;
      changed = true;
      return false;
    });
    if (changed) out[at] = { ...out[at]!, value: shortenValue(box, sides.join(' ')) };
  }
  return out;
}

export function printDeclarations(decls: readonly Declaration[]): string {
  let s = '';
  for (const d of decls) {
    if (s) s += ';';
    s += `${d.prop}:${d.value}${d.important ? '!important' : ''}`;
  }
  return s;
}

const BOX_SHORTHANDS = new Set(['margin', 'padding', 'border-width', 'border-style', 'border-color']);
const LENGTH_ZERO = /(^|[\s,(/])-?0*\.?0+(?:px|em|rem|pt|pc|ex|ch|vw|vh|vmin|vmax|cm|mm|in)(?=$|[\s,)/])/gi;
const LEADING_ZERO = /(^|[\s,(/])(-?)0+\.(\d)/g;
const HEX = /#([0-9a-f]{3,8})\b/gi;

/**
 * Shortens a value without changing its meaning: `#333333`→`#333`, `0px`→`0`, `0.5em`→`.5em`, `a, b`→`a,b`,
 * `margin: 0 0 20px 0`→`0 0 20px`, `font-weight: bold`→`700`. Quoted strings and `url(…)` are left untouched.
 */
export function shortenValue(prop: string, value: string): string {
  if (prop.startsWith('--')) return value;
  let v = mapUnquoted(value, (part) =>
    part
      .replace(/\s+/g, ' ')
      .replace(/\s*,\s*/g, ',')
      .replace(HEX, (_m, hex: string) => `#${shortHex(hex.toLowerCase())}`)
      .replace(LENGTH_ZERO, '$10')
      .replace(LEADING_ZERO, '$1$2.$3'),
  );
  if (prop === 'font-weight') {
    if (v === 'bold') v = '700';
    else if (v === 'normal') v = '400';
  } else if (BOX_SHORTHANDS.has(prop)) {
    v = collapseBox(v);
  }
  return v;
}

function shortHex(hex: string): string {
  if (hex.length === 6 && hex[0] === hex[1] && hex[2] === hex[3] && hex[4] === hex[5]) return hex[0]! + hex[2]! + hex[4]!;
  if (hex.length === 8 && hex[6] === 'f' && hex[7] === 'f') return shortHex(hex.slice(0, 6));
  return hex;
}

/** `a b a b` → `a b`, `a b c b` → `a b c`, `a a a a` → `a` (CSS box shorthand rules). */
function collapseBox(value: string): string {
  const parts = value.split(' ');
  if (parts.length < 2 || parts.length > 4 || value.includes('(')) return value;
  const [top, right, bottom = top, left = right] = parts;
  if (right === left) {
    if (top === bottom) return top === right ? top! : `${top} ${right}`;
    return `${top} ${right} ${bottom}`;
  }
  return `${top} ${right} ${bottom} ${left}`;
}

/** Applies `fn` to the parts of `value` outside quotes and `url(…)`. */
function mapUnquoted(value: string, fn: (part: string) => string): string {
  if (!/["'(]/.test(value)) return fn(value);
  let out = '';
  let i = 0;
  let plainStart = 0;
  while (i < value.length) {
    const c = value[i]!;
    let end = -1;
    if (c === '"' || c === "'") {
      end = value.indexOf(c, i + 1);
      end = end < 0 ? value.length : end + 1;
    } else if ((c === 'u' || c === 'U') && /^url\(/i.test(value.slice(i, i + 4))) {
      end = value.indexOf(')', i);
      end = end < 0 ? value.length : end + 1;
    }
    if (end > 0) {
      out += fn(value.slice(plainStart, i)) + value.slice(i, end);
      i = plainStart = end;
    } else {
      i++;
    }
  }
  return out + fn(value.slice(plainStart));
}

/** Decodes the few character references an HTML serializer writes into attribute values. */
export function decodeAttributeEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(?:#x([0-9a-f]+)|#(\d+)|(quot|amp|apos|lt|gt));/gi, (m, hex?: string, dec?: string, name?: string) => {
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    if (dec) return String.fromCodePoint(parseInt(dec, 10));
    return NAMED[name!.toLowerCase()] ?? m;
  });
}

const NAMED: Record<string, string> = { quot: '"', amp: '&', apos: "'", lt: '<', gt: '>' };

/**
 * WCAG 2.x contrast of every shipped theme (issue 15, item 3): each text colour a theme's CSS sets must reach 4.5:1
 * (AA for body text) on the background it is shown on. Accent colours may stay on borders and bars: only `color`
 * is checked, plus the article's text colour on every background a theme paints without setting its own colour.
 *
 * The background of a rule is found as the renderer lays the article out: the rule's own background, else that of
 * an ancestor in its selector (`.wx-alert-note .wx-alert-title` → `.wx-alert-note`), else that of the block the
 * class always sits in (CONTAINERS: code tokens in `.wx-code`, reference URLs in `.wx-references`, …), else the
 * article's (white when unset: WeChat's page).
 *
 * Code themes (`templates/code-themes/<name>.css`) are appended after an article theme's CSS: each must pass on its own
 * background, colour every token selector an article theme colours (else that token keeps a colour meant for the
 * article theme's code background), and pass together with every article theme.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, walk, type Declaration, type Raw } from 'css-tree';
import { describe, expect, it } from 'vitest';
import { defaultTemplatesDir } from '../../src/render/theme.js';

const AA_BODY = 4.5;

/** Where the renderer always puts these classes (src/render/plugins/rehype/*), for the background under them. */
const CONTAINERS: [RegExp, string][] = [
  [/^\.hljs-/, '.wx-code'],
  [/^\.wx-code-(lang|ln|body)$/, '.wx-code'],
  [/^\.wx-pre$/, '.wx-code'],
  [/^\.wx-reference(-url)?$/, '.wx-references'],
  [/^\.wx-references-title$/, '.wx-references'],
  [/^\.wx-footnote$/, '.wx-footnotes'],
  [/^\.wx-footnotes-title$/, '.wx-footnotes'],
  [/^\.wx-alert-(title|note|tip|important|warning|caution)$/, '.wx-alert'],
  [/^(td|tr:nth-child\(even\) td)$/, 'td'],
];

interface Rule {
  selector: string;
  color?: string;
  /** A colour, or `transparent` when the rule removes a background (`transparent`, `none`). */
  background?: string;
}

/** The theme's rules, one per selector of each selector list, with the colour and background they set. */
export function themeRules(css: string): Rule[] {
  const rules: Rule[] = [];
  walk(parse(css, { parseRulePrelude: false, parseValue: false }), {
    visit: 'Rule',
    enter(rule) {
      const found: { color?: string; background?: string } = {};
      walk(rule.block, {
        visit: 'Declaration',
        enter(decl: Declaration) {
          const value = (decl.value as Raw).value.trim();
          if (decl.property === 'color') found.color = value;
          if (decl.property === 'background' || decl.property === 'background-color') {
            const colour = /#[0-9a-f]{3,8}\b|rgba?\([^)]*\)|\bwhite\b|\bblack\b/i.exec(value)?.[0];
            if (colour) found.background = colour;
            else if (/^(transparent|none)$/i.test(value)) found.background = 'transparent';
          }
        },
      });
      for (const selector of (rule.prelude as Raw).value.split(',')) rules.push({ selector: selector.trim().replace(/\s+/g, ' '), ...found });
    },
  });
  return rules;
}

/** sRGB of `#rgb`, `#rrggbb`, `rgb()`, `white`, `black` (channels 0–255). */
export function parseColour(value: string): [number, number, number] {
  const v = value.trim().toLowerCase();
  if (v === 'white') return [255, 255, 255];
  if (v === 'black') return [0, 0, 0];
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(v)?.[1];
  if (hex) {
    const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
    return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
  }
  const rgb = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/.exec(v);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  throw new Error(`unsupported colour ${value}`);
}

function luminance([r, g, b]: [number, number, number]): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** The WCAG contrast ratio of two colours, 1–21. */
export function contrastRatio(a: string, b: string): number {
  const [l1, l2] = [luminance(parseColour(a)), luminance(parseColour(b))].sort((x, y) => y - x) as [number, number];
  return (l1 + 0.05) / (l2 + 0.05);
}

/**
 * `invert(.88) hue-rotate(180deg)` on an sRGB colour, as Filter Effects 1 defines them (the dev studio's dark mode;
 * test/browser/corpus-reader.test.ts checks the same maths against Chromium's pixels).
 */
function darkFilter([r, g, b]: [number, number, number]): [number, number, number] {
  const [R, G, B] = [r, g, b].map((c) => 0.88 - 0.76 * (c / 255)) as [number, number, number];
  const out = [-0.574 * R + 1.43 * G + 0.144 * B, 0.426 * R + 0.43 * G + 0.144 * B, 0.426 * R + 1.43 * G - 0.856 * B];
  return out.map((c) => Math.round(Math.min(1, Math.max(0, c)) * 255)) as [number, number, number];
}

/** The contrast of a text colour on a painted background after the dark filter. */
function darkRatio(color: string, background: string): number {
  const toHex = (c: [number, number, number]) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  return contrastRatio(toHex(darkFilter(parseColour(color))), toHex(darkFilter(parseColour(background))));
}

interface Pair {
  selector: string;
  color: string;
  background: string;
  ratio: number;
}

/** Every text colour / background pair of a theme. */
export function themePairs(css: string): Pair[] {
  const rules = themeRules(css);
  const backgroundOf = (selector: string): string | undefined => {
    const found = rules.filter((r) => r.selector === selector && r.background).at(-1)?.background;
    return found === 'transparent' ? undefined : found;
  };
  const article = rules.filter((r) => r.selector === '.wx-article');
  const page = article.findLast((r) => r.background)?.background ?? '#ffffff';
  const text = article.findLast((r) => r.color)?.color ?? '#000000';
  const underneath = (selector: string): string => {
    const own = backgroundOf(selector);
    if (own) return own;
    const compounds = selector.split(' ');
    for (let i = compounds.length - 2; i >= 0; i--) {
      const ancestor = backgroundOf(compounds[i]!);
      if (ancestor) return ancestor;
    }
    const last = compounds.at(-1)!;
    for (const [pattern, container] of CONTAINERS) {
      if (!pattern.test(selector) && !pattern.test(last)) continue;
      const found = container === selector ? undefined : (backgroundOf(container) ?? (container === '.wx-alert' ? undefined : underneath(container)));
      if (found) return found;
    }
    return page;
  };
  // One entry per selector, with what the cascade leaves it (later rules win): `h1, h2 {color:a} h2 {color:b}` → b.
  const merged = new Map<string, Rule>();
  for (const rule of rules) {
    const before = merged.get(rule.selector) ?? { selector: rule.selector };
    merged.set(rule.selector, { ...before, ...(rule.color ? { color: rule.color } : {}), ...(rule.background ? { background: rule.background } : {}) });
  }
  const pairs: Pair[] = [];
  for (const rule of merged.values()) {
    // A background without a colour shows the text colour it inherits: the article's (or its container's).
    const color = rule.color ?? (rule.background ? inherited(rule.selector) : undefined);
    if (!color || color === 'inherit' || color === 'currentColor') continue;
    const background = underneath(rule.selector);
    pairs.push({ selector: rule.selector, color, background, ratio: contrastRatio(color, background) });
  }
  return pairs;

  function inherited(selector: string): string {
    for (const [pattern, container] of CONTAINERS) {
      if (pattern.test(selector.split(' ').at(-1)!) && container !== selector) {
        const c = rules.filter((r) => r.selector === container && r.color).at(-1)?.color;
        if (c) return c;
      }
    }
    return text;
  }
}

/** Article themes: the folders holding a theme.css (`code-themes/` holds code themes, not an article theme). */
const THEMES = readdirSync(defaultTemplatesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(defaultTemplatesDir, d.name, 'theme.css')))
  .map((d) => d.name)
  .sort();

const CODE_THEMES_DIR = path.join(defaultTemplatesDir, 'code-themes');
const CODE_THEMES = readdirSync(CODE_THEMES_DIR)
  .filter((name) => name.endsWith('.css'))
  .map((name) => name.slice(0, -'.css'.length))
  .sort();

const articleCss = (theme: string): string => readFileSync(path.join(defaultTemplatesDir, theme, 'theme.css'), 'utf8');
const codeCss = (theme: string): string => readFileSync(path.join(CODE_THEMES_DIR, `${theme}.css`), 'utf8');
const failures = (pairs: Pair[]): string[] =>
  pairs.filter((p) => p.ratio < AA_BODY).map((p) => `${p.selector}: ${p.color} on ${p.background} = ${p.ratio.toFixed(2)}:1`);

describe('contrast helpers', () => {
  it('computes WCAG ratios', () => {
    expect(contrastRatio('#000', '#fff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#fff', '#fff')).toBeCloseTo(1, 5);
    // The colours issue 15 measured: WeChat green and #999 on white fail AA.
    expect(contrastRatio('#07c160', '#ffffff')).toBeCloseTo(2.4, 1);
    expect(contrastRatio('#999', '#ffffff')).toBeCloseTo(2.85, 2);
  });

  it('finds the background a rule sits on', () => {
    const pairs = themePairs(
      '.wx-article{color:#333} .wx-code{background:#282c34;color:#abb2bf} .hljs-comment{color:#5c6370} .wx-alert-note{background:#eef} .wx-alert-note .wx-alert-title{color:#00f} .wx-inline-code{color:#c00;background:#f5f5f5}',
    );
    const by = (s: string): Pair => pairs.find((p) => p.selector === s)!;
    expect(by('.hljs-comment').background).toBe('#282c34');
    expect(by('.wx-alert-note .wx-alert-title').background).toBe('#eef');
    expect(by('.wx-alert-note')).toMatchObject({ color: '#333', background: '#eef' });
    expect(by('.wx-inline-code').background).toBe('#f5f5f5');
    expect(by('.wx-article').background).toBe('#ffffff');
    expect(themePairs('h1, h2 {color:#111} h2 {color:#fff; background:#000}')).toEqual([
      { selector: 'h1', color: '#111', background: '#ffffff', ratio: contrastRatio('#111', '#fff') },
      { selector: 'h2', color: '#fff', background: '#000', ratio: 21 },
    ]);
  });
});

describe.each(THEMES)('theme %s: every text colour passes WCAG AA (4.5:1) on its background', (theme) => {
  const pairs = themePairs(articleCss(theme));

  it('has text colours to check', () => {
    expect(pairs.length).toBeGreaterThan(10);
  });

  it('passes 4.5:1 everywhere', () => {
    expect(failures(pairs)).toEqual([]);
  });
});

describe('code themes', () => {
  it('ship a light and a dark GitHub style and the popular others', () => {
    expect(CODE_THEMES).toEqual(expect.arrayContaining(['github', 'github-dark', 'atom-one-light', 'atom-one-dark', 'dracula', 'monokai']));
    expect(THEMES).not.toContain('code-themes');
  });
});

describe.each(CODE_THEMES)('code theme %s', (codeTheme) => {
  const css = codeCss(codeTheme);
  const rules = themeRules(css);
  const colours = (selector: string): Rule | undefined => rules.filter((r) => r.selector === selector).reduce<Rule | undefined>((a, r) => ({ ...a, ...r }), undefined);

  it('paints the block and colours its label and line numbers', () => {
    expect(colours('.wx-code')).toMatchObject({ background: expect.any(String), color: expect.any(String) });
    expect(colours('.wx-code-lang')?.color).toBeDefined();
    expect(colours('.wx-code-ln')?.color).toBeDefined();
  });

  it('passes 4.5:1 on its own background', () => {
    const pairs = themePairs(css);
    expect(pairs.filter((p) => p.selector.startsWith('.hljs-')).length).toBeGreaterThan(30);
    expect(failures(pairs)).toEqual([]);
  });

  it('passes 4.5:1 in dark mode as wxmp dev simulates it (invert(.88) hue-rotate(180deg), docs/themes.md)', () => {
    const pairs = themePairs(css).map((p) => ({ ...p, ratio: darkRatio(p.color, p.background) }));
    expect(failures(pairs)).toEqual([]);
  });

  it.each(THEMES)('colours every token selector article theme %s colours, and passes on top of it', (theme) => {
    const own = new Set(rules.filter((r) => r.color).map((r) => r.selector));
    const article = themeRules(articleCss(theme)).filter((r) => /\.hljs-/.test(r.selector) && (r.color || r.background));
    expect(article.map((r) => r.selector).filter((s) => !own.has(s))).toEqual([]);
    const withBackground = article.filter((r) => r.background).map((r) => r.selector);
    expect(withBackground.filter((s) => !rules.some((r) => r.selector === s && r.background))).toEqual([]);
    expect(failures(themePairs(`${articleCss(theme)}\n${css}`))).toEqual([]);
  });
});

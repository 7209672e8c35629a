/**
 * The cover of a post that has none (no `cover:`, no image, no `defaultCover`): a 900×383 PNG (WeChat's 2.35:1 cover)
 * in the theme's colours with the title, drawn as SVG and rasterised by sharp. Its cache key is the content it is made
 * of (title, colours, whether text was drawn), not the PNG bytes, so the lock's cover entry is found again on every
 * run and machine and the cover is uploaded once.
 *
 * The title is drawn only when the machine has a font for it: librsvg draws CJK without a CJK font as tofu boxes, so
 * without one (CI runners, slim Debian) the cover is the gradient and band alone, with the site name when it is Latin.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';

export const COVER_WIDTH = 900;
export const COVER_HEIGHT = 383;
const VERSION = 'wxmp-generated-cover-1';

export interface CoverColours {
  accent: string;
  dark: string;
  paper: string;
}

export interface GeneratedCover {
  data: Buffer;
  /** sha256 of what the cover is made of: the lock key of its upload. */
  key: string;
  /** Whether the title is on the cover (false: no font for its script on this machine). */
  titleDrawn: boolean;
}

/** Characters that need a CJK font (Han, kana, hangul, CJK punctuation, full-width forms). */
const CJK = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/u;
export const needsCjkFont = (text: string): boolean => CJK.test(text);

const HEX = /#([0-9a-f]{6}|[0-9a-f]{3})\b/gi;

function rgb(hex: string): [number, number, number] {
  const h = hex.length === 4 ? [...hex.slice(1)].map((c) => c + c).join('') : hex.slice(1);
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

const toHex = (c: number[]) => `#${c.map((v) => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, '0')).join('')}`;

function saturationLightness(hex: string): [number, number] {
  const [r, g, b] = rgb(hex).map((v) => v / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  const s = max === min ? 0 : (max - min) / (1 - Math.abs(2 * l - 1));
  return [s, l];
}

/**
 * The theme's colours: the accent is the first colour (not a grey) of its heading rules, else of strong text, quotes
 * or links (the green of `default`, the red of `ink`), `dark` a darker shade of it, `paper` the article background (white when the theme sets none).
 */
export function themeColours(css: string): CoverColours {
  let accent = '#07c160';
  const rules = [...css.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/([^{}]+)\{([^}]*)\}/g)].map(([, selector, body]) => ({
    selectors: selector!.split(',').map((x) => x.trim()),
    body: body!,
  }));
  // The colour of the headings' rules, else of strong text, quotes, links: the first that is a colour, not a grey.
  const usable = (hex: string) => {
    const [sat, l] = saturationLightness(hex.toLowerCase());
    return sat > 0.25 && l >= 0.2 && l <= 0.7;
  };
  search: for (const tag of ['h2', 'h3', 'h1', 'strong', 'blockquote', 'a']) {
    for (const rule of rules.filter((r) => r.selectors.includes(tag))) {
      const hex = [...rule.body.matchAll(HEX)].map(([h]) => h).find(usable);
      if (hex) {
        accent = hex.toLowerCase();
        break search;
      }
    }
  }
  if (accent.length === 4) accent = toHex(rgb(accent));
  const article = /\.wx-article\s*\{([^}]*)\}/.exec(css)?.[1] ?? '';
  const background = /background(?:-color)?\s*:\s*(#[0-9a-f]{3,6})\b/i.exec(article)?.[1];
  return { accent, dark: toHex(rgb(accent).map((v) => v * 0.55)), paper: background ? toHex(rgb(background)) : '#ffffff' };
}

let cjkFont: Promise<boolean> | undefined;

/** Whether librsvg can draw CJK here: `fc-list :lang=zh` when fontconfig's tool exists, else render two glyphs and compare. */
export function hasCjkFont(): Promise<boolean> {
  cjkFont ??= new Promise<boolean>((resolve) => {
    execFile('fc-list', [':lang=zh', 'family'], { timeout: 5000 }, (error, stdout) => {
      if (!error) return resolve(stdout.trim().length > 0);
      resolve(glyphsDiffer());
    });
  });
  return cjkFont;
}

/** Without a CJK font, 中 and 国 are the same tofu box. */
async function glyphsDiffer(): Promise<boolean> {
  try {
    const { default: sharp } = await import('sharp');
    const draw = (ch: string) =>
      sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><text x="0" y="56" font-size="56">${ch}</text></svg>`)).raw().toBuffer();
    const [a, b] = await Promise.all([draw('中'), draw('国')]);
    return !a.equals(b);
  } catch {
    return false;
  }
}

/** For tests: pretend the machine has (or lacks) a CJK font; `undefined` detects again. */
export function setCjkFontForTests(value: boolean | undefined): void {
  cjkFont = value === undefined ? undefined : Promise.resolve(value);
}

/** Whether the title can be drawn on a generated cover on this machine. */
export async function canDrawTitle(title: string): Promise<boolean> {
  return !needsCjkFont(title) || (await hasCjkFont());
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Splits the title into at most 3 lines of about `max` ems (a CJK character is 1 em, Latin about 0.55). */
function wrapTitle(title: string, maxEms: number): string[] {
  const width = (s: string) => [...s].reduce((w, c) => w + (needsCjkFont(c) ? 1 : c === ' ' ? 0.3 : 0.58), 0);
  const tokens = title.match(/[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+|\s+/gu) ?? [];
  const lines: string[] = [''];
  for (const token of tokens) {
    const line = lines.at(-1)!;
    if (line && width(line + token) > maxEms) {
      if (/^\s+$/.test(token)) continue;
      lines.push(token);
    } else lines[lines.length - 1] = line + token;
  }
  const trimmed = lines.map((l) => l.trim()).filter(Boolean);
  if (trimmed.length <= 3) return trimmed;
  return [...trimmed.slice(0, 2), `${trimmed[2]!.replace(/.$/u, '')}…`];
}

function coverSvg(title: string | undefined, colours: CoverColours, siteName: string | undefined): string {
  const { accent, dark, paper } = colours;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${COVER_WIDTH}" height="${COVER_HEIGHT}" viewBox="0 0 ${COVER_WIDTH} ${COVER_HEIGHT}">`,
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${accent}"/><stop offset="1" stop-color="${dark}"/></linearGradient></defs>`,
    `<rect width="${COVER_WIDTH}" height="${COVER_HEIGHT}" fill="url(#g)"/>`,
    `<circle cx="780" cy="60" r="190" fill="${paper}" fill-opacity="0.08"/>`,
    `<circle cx="860" cy="330" r="120" fill="${paper}" fill-opacity="0.06"/>`,
    `<rect x="0" y="${COVER_HEIGHT - 28}" width="${COVER_WIDTH}" height="28" fill="${paper}" fill-opacity="0.18"/>`,
  ];
  const lines = title ? wrapTitle(title, 13) : [];
  const size = lines.length === 1 ? 60 : 52;
  // Baseline of the first line: the block of lines centred a little above the middle.
  const top = Math.round(196 + size * 0.35 - ((lines.length - 1) * size * 1.3) / 2);
  parts.push(`<rect x="72" y="${title ? top - size - 34 : 170}" width="64" height="6" rx="3" fill="${paper}"/>`);
  if (title) {
    lines.forEach((line, i) => {
      parts.push(`<text x="72" y="${Math.round(top + i * size * 1.3)}" font-family="sans-serif" font-weight="700" font-size="${size}" fill="${paper}">${escapeXml(line)}</text>`);
    });
  }
  if (siteName) {
    parts.push(`<text x="72" y="${title ? 330 : 236}" font-family="sans-serif" font-size="${title ? 24 : 40}" font-weight="600" fill="${paper}" fill-opacity="0.9">${escapeXml(siteName)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

const made = new Map<string, Promise<GeneratedCover>>();

/**
 * The generated cover for a title and a theme's CSS; `siteName` (Latin only, else ignored) is drawn when the title
 * cannot be. Memoized per process by its key.
 */
export async function generateCover(title: string, themeCss: string, siteName?: string): Promise<GeneratedCover> {
  const colours = themeColours(themeCss);
  const titleDrawn = title.trim() !== '' && (await canDrawTitle(title));
  const site = siteName && /^[\x20-\x7e]+$/.test(siteName) ? siteName.trim() : undefined;
  const shownSite = titleDrawn ? undefined : site;
  const key = createHash('sha256')
    .update([VERSION, titleDrawn ? title : '', colours.accent, colours.dark, colours.paper, shownSite ?? ''].join('\0'))
    .digest('hex');
  let cover = made.get(key);
  if (!cover) {
    cover = (async () => {
      const { default: sharp } = await import('sharp');
      const svg = coverSvg(titleDrawn ? title.trim() : undefined, colours, shownSite);
      const data = await sharp(Buffer.from(svg)).resize(COVER_WIDTH, COVER_HEIGHT).png({ compressionLevel: 9 }).toBuffer();
      return { data, key, titleDrawn };
    })();
    made.set(key, cover);
    cover.catch(() => made.delete(key));
  }
  return cover;
}

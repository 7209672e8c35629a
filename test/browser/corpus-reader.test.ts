/**
 * What a reader sees on a phone, for real posts (issue 15, verification): a sample of the shared corpus (INDEX.md of
 * `../shared/corpus/`, outside the repo; the suite is skipped when it is absent) is built with `wxmp build` (the
 * compiled CLI, as a process), and each post's `<name>.html` — exactly the HTML WeChat receives — is opened in
 * headless Chromium inside a minimal 375 px page with WeChat's 16 px side margins and nothing else (no helper CSS:
 * the HTML must hold up on its own). The sample stresses width and colour: OI-wiki's boolean-algebra and
 * formula-heavy pages, JavaGuide's wide tables and long code, servicemesher's 700-column code lines and 480-column
 * table rows, and the Rust blog's inline-styled HTML. It is built once with the default theme and its own code
 * colours, and once with a code theme (`codeTheme` in a config written to test/.tmp/, docs/themes.md).
 *
 * (a) Width: the document does not scroll sideways, and no element sticks out of the 375 px screen, except inside a
 *     box that scrolls sideways (computed `overflow-x: auto | scroll`): such a box may hold wider content, but the
 *     box itself must fit (docs/themes.md, "Scroll hints"). Only the outermost offending element is reported.
 * (b) Contrast: every element holding text (a non-blank text node of its own; formulas are SVG and not text) reaches
 *     WCAG 4.5:1 between its computed `color` and its effective background — the first non-transparent
 *     `background-color` walking up, composited over the page (white) when translucent (docs/themes.md, "Contrast").
 *     This covers every explicit colour, and the inherited ones too. A background image (gradient) cannot be judged
 *     from styles: such elements are reported as failures too.
 *
 * Dark mode is simulated as the dev studio does it (docs/dev.md): `filter: invert(.88) hue-rotate(180deg)` on the
 * article, whose transparent parts show WeChat's dark page (#191919). It is computed, not screenshotted: both filter
 * functions are linear maps on sRGB values (Filter Effects 1, the `invert()` and `hue-rotate()` matrices), applied to
 * the article's own composited pixel (text over its backgrounds), then composited over #191919. A calibration case
 * renders colour swatches under the real filter in Chromium and checks the maths against the screenshot's pixels,
 * so the computed dark colours are the ones a reader sees.
 *
 * Without a CJK font (a bare CI image) Chinese renders as narrow boxes, so table widths in Chinese posts are
 * underestimated; code, formulas and English text are measured as they are. No timing is asserted.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuildJson } from '../helpers/cli.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpus = path.resolve(repo, '../shared/corpus');
const work = path.join(repo, 'test/.tmp/corpus-reader');
const CHROMIUM = '/usr/bin/chromium';
const SCREEN = 375;
const MARGIN = 16;
const AA_BODY = 4.5;
/** WeChat's dark page, shown where the filtered article paints nothing (docs/dev.md). */
const DARK_PAGE: RGB = [25, 25, 25];

const haveCorpus = existsSync(path.join(corpus, 'INDEX.md'));
const haveChromium = existsSync(CHROMIUM);
if (!haveCorpus) console.warn(`[corpus reader test] skipped: the shared corpus is not at ${corpus} (it lives outside the repo)`);
else if (!haveChromium) console.warn(`[corpus reader test] skipped: ${CHROMIUM} not found (apt-get install chromium)`);

/** Chosen by grepping the corpus for its widest content (longest code lines, widest table rows, most columns, longest formulas). */
const SAMPLE = [
  'zh-math-oi-wiki/docs/math/boolean-algebra.md', // truth tables, logic formulas in table cells
  'zh-math-oi-wiki/docs/math/simplex.md', // the longest display formulas (286 columns of TeX)
  'zh-math-oi-wiki/docs/math/combinatorics/inclusion-exclusion-principle.md', // a 15-column table
  'zh-math-oi-wiki/docs/math/number-theory/hyperbola.md', // long formulas, admonitions
  'zh-docs-javaguide/docs/java/basis/java-basic-questions-01.md', // 8-column tables, long Java
  'zh-docs-javaguide/docs/cs-basics/network/other-network-questions.md', // 280-column table rows
  'zh-docs-javaguide/docs/database/mysql/mysql-logs.md', // 257-column code lines
  'zh-hugo-servicemesher/content/blog/sidecar-injection-iptables-and-traffic-routing/index.md', // 706-column code line
  'zh-hugo-servicemesher/content/blog/istio-service-visibility/index.md', // 481-column table row
  'en-blog-rust/content/Rust-1.12/index.md', // 529-column compiler output
  'en-blog-rust/content/Project-Goals-2025-April-Update.md', // inline-styled HTML, <details>, progress bars
  'en-blog-rust/content/2024-State-Of-Rust-Survey-results/index.md', // HTML figures and tables
];

/** The posts with code, for the code-theme build (the formula pages add nothing there but build time). */
const WITH_CODE = SAMPLE.filter((p) => !p.startsWith('zh-math-oi-wiki/') || p.endsWith('boolean-algebra.md'));

interface Variant {
  name: string;
  theme: string;
  codeTheme?: string;
  posts: string[];
}

const VARIANTS: Variant[] = [
  { name: 'default', theme: 'default', posts: SAMPLE },
  { name: 'default + code theme github-dark', theme: 'default', codeTheme: 'github-dark', posts: WITH_CODE },
];

/**
 * Known failures, each with its reason: matched against the reported line (`post: where "text": value`). Keep it
 * small; a theme or renderer fault is fixed, not listed.
 */
const KNOWN: { pattern: RegExp; reason: string }[] = [];

type RGB = [number, number, number];
type RGBA = [number, number, number, number];

/** An element holding text, as the page reports it. */
interface TextProbe {
  where: string;
  text: string;
  color: RGBA;
  /** Background colours from the element up to the article's root, innermost first (transparent ones left out). */
  backgrounds: RGBA[];
  /** A background image (gradient) on the way up, before any opaque colour. */
  image: boolean;
}

interface PageReport {
  scrollWidth: number;
  viewport: number;
  outside: string[];
  probes: TextProbe[];
  scrollBoxes: number;
}

// --- colour maths --------------------------------------------------------------------------------------------------

function luminance([r, g, b]: RGB): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function contrast(a: RGB, b: RGB): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Source-over of a translucent colour on an opaque one. */
function over([r, g, b, a]: RGBA, [R, G, B]: RGB): RGB {
  return [r * a + R * (1 - a), g * a + G * (1 - a), b * a + B * (1 - a)];
}

/** Source-over of two translucent colours (top over bottom), unpremultiplied result. */
function overAlpha(top: RGBA, bottom: RGBA): RGBA {
  const a = top[3] + bottom[3] * (1 - top[3]);
  if (a === 0) return [0, 0, 0, 0];
  const mix = (i: 0 | 1 | 2): number => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
  return [mix(0), mix(1), mix(2), a];
}

/**
 * `invert(.88) hue-rotate(180deg)` on an sRGB colour (0–255), as Filter Effects 1 defines the two functions:
 * invert(a) maps each channel c to a + c(1 − 2a); hue-rotate(θ) is the 3×3 matrix below at cos θ = −1, sin θ = 0;
 * results are clamped to [0, 1].
 */
function darkFilter([r, g, b]: RGB): RGB {
  const [R, G, B] = [r, g, b].map((c) => 0.88 - 0.76 * (c / 255)) as RGB;
  const out: RGB = [-0.574 * R + 1.43 * G + 0.144 * B, 0.426 * R + 0.43 * G + 0.144 * B, 0.426 * R + 1.43 * G - 0.856 * B];
  return out.map((c) => Math.round(Math.min(1, Math.max(0, c)) * 255)) as RGB;
}

/** The text's colour and background as a reader sees them, in light mode and under the dark filter. */
function seen(probe: TextProbe): { light: [RGB, RGB]; dark: [RGB, RGB] } {
  // The article's own layer: its backgrounds composited innermost-last, transparent where it paints nothing.
  let layer: RGBA = [0, 0, 0, 0];
  for (const bg of probe.backgrounds) {
    layer = overAlpha(layer, bg);
    if (layer[3] >= 1) break;
  }
  const white: RGB = [255, 255, 255];
  const lightBg = over(layer, white);
  const lightFg = over(probe.color, lightBg);
  // Dark: the filter applies to the layer's pixels; what stays transparent shows the dark page.
  const filtered = (c: RGBA): RGB => over([...darkFilter([c[0], c[1], c[2]]), c[3]], DARK_PAGE);
  const darkBg = filtered(layer);
  const textPixel = overAlpha(probe.color, layer);
  const darkFg = filtered(textPixel);
  return { light: [lightFg, lightBg], dark: [darkFg, darkBg] };
}

const hex = (c: RGB): string => `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

/** Failures as `post: where "text": fg on bg = ratio`, one line per distinct (post, where-tail, colours), with a count. */
function contrastFailures(post: string, probes: TextProbe[], mode: 'light' | 'dark'): string[] {
  const lines = new Map<string, { line: string; count: number }>();
  for (const probe of probes) {
    let line: string | undefined;
    if (probe.image) line = `${post}: ${probe.where} "${probe.text}": background image, contrast not computable`;
    else {
      const [fg, bg] = seen(probe)[mode];
      const ratio = contrast(fg, bg);
      if (ratio < AA_BODY) line = `${post}: ${probe.where} "${probe.text}": ${hex(fg)} on ${hex(bg)} = ${ratio.toFixed(2)}:1`;
    }
    if (!line || KNOWN.some((k) => k.pattern.test(line))) continue;
    // Same colours in the same kind of element: one line, the first text as the example, with a count.
    const key = `${probe.where.split(' > ').at(-1)!.replace(/:nth-of-type\(\d+\)/, '')}|${line.replace(/^.*": /, '')}`;
    const seenBefore = lines.get(key);
    if (seenBefore) seenBefore.count++;
    else lines.set(key, { line, count: 1 });
  }
  return [...lines.values()].map(({ line, count }) => line + (count > 1 ? ` (×${count})` : ''));
}

// --- the page ------------------------------------------------------------------------------------------------------

/** WeChat's article area with nothing but its side margins around the HTML. */
function readerPage(html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=${SCREEN}"></head>
<body style="margin:0;background:#fff"><div id="wx-page" style="padding:0 ${MARGIN}px"><div id="wx-content">${html}</div></div></body></html>`;
}

/** Runs in the page: (a) width and (b) the text elements with their colours. */
function inspect(): PageReport {
  const content = document.getElementById('wx-content')!;
  const viewport = document.documentElement.clientWidth;
  const parse = (value: string): [number, number, number, number] => {
    const m = /rgba?\(([^)]*)\)/.exec(value);
    if (!m) return [0, 0, 0, 0];
    const parts = m[1]!.split(/[\s,/]+/).filter(Boolean).map(Number);
    return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, parts[3] ?? 1];
  };
  const where = (el: Element): string => {
    const steps: string[] = [];
    for (let node: Element | null = el; node && node !== content && steps.length < 4; node = node.parentElement) {
      const same = node.parentElement ? Array.from(node.parentElement.children).filter((c) => c.tagName === node!.tagName) : [];
      const tag = node.tagName.toLowerCase();
      steps.unshift(same.length > 1 ? `${tag}:nth-of-type(${same.indexOf(node) + 1})` : tag);
    }
    return steps.join(' > ');
  };
  const all = Array.from(content.querySelectorAll('*')).filter((el) => !el.closest('svg') || el.tagName.toLowerCase() === 'svg');
  const scrolls = new Map<Element, boolean>();
  const isScrollBox = (el: Element): boolean => {
    let known = scrolls.get(el);
    if (known === undefined) {
      known = /^(auto|scroll)$/.test(getComputedStyle(el).overflowX);
      scrolls.set(el, known);
    }
    return known;
  };
  const insideScrollBox = (el: Element): boolean => {
    for (let up = el.parentElement; up && up !== content; up = up.parentElement) if (isScrollBox(up)) return true;
    return false;
  };
  const sticksOut = new Set<Element>();
  for (const el of all) {
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;
    if ((rect.right > viewport + 0.5 || rect.left < -0.5) && !insideScrollBox(el)) sticksOut.add(el);
  }
  const outside = [...sticksOut]
    .filter((el) => !el.parentElement || !sticksOut.has(el.parentElement))
    .map((el) => {
      const rect = el.getBoundingClientRect();
      return `${where(el)} "${(el.textContent ?? '').trim().slice(0, 40)}": ${Math.round(rect.left)}–${Math.round(rect.right)} px`;
    });

  const probes: TextProbe[] = [];
  for (const el of all) {
    if (el.tagName.toLowerCase() === 'svg') continue;
    const own = Array.from(el.childNodes)
      .filter((n) => n.nodeType === Node.TEXT_NODE)
      .map((n) => n.textContent ?? '')
      .join('')
      .trim();
    if (!own) continue;
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    if (style.visibility !== 'visible' || style.display === 'none' || (rect.width === 0 && rect.height === 0)) continue;
    const backgrounds: [number, number, number, number][] = [];
    let image = false;
    for (let up: Element | null = el; up && up !== content.parentElement; up = up.parentElement) {
      const s = getComputedStyle(up);
      if (s.backgroundImage !== 'none') {
        image = true;
        break;
      }
      const bg = parse(s.backgroundColor);
      if (bg[3] > 0) backgrounds.push(bg);
      if (bg[3] >= 1) break;
    }
    probes.push({ where: where(el), text: own.replace(/\s+/g, ' ').slice(0, 30), color: parse(style.color), backgrounds, image });
  }
  return {
    scrollWidth: document.scrollingElement!.scrollWidth,
    viewport,
    outside,
    probes,
    scrollBoxes: all.filter((el) => isScrollBox(el)).length,
  };
}

interface Built {
  source: string;
  output: string;
}

/** `wxmp build --json` of the variant's posts (the corpus is read only: no render cache is written there). */
async function build(variant: Variant, dir: string): Promise<Built[]> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const config = path.join(dir, 'wxmp.config.json');
  // Mermaid off: its diagrams need a browser at build time and are not what this test measures.
  writeFileSync(config, `${JSON.stringify({ mermaid: false, ...(variant.codeTheme ? { codeTheme: variant.codeTheme } : {}) })}\n`);
  const out = path.join(dir, 'out');
  // Exit code 1 (a post has an error: real posts are too long for WeChat, miss a title…) still writes the HTML.
  const report = await runBuildJson<{ posts: { source: string; output: string; skipped?: boolean }[] }>(
    ['--root', corpus, '--config', config, '--out', out, '--theme', variant.theme, '--no-cache', ...variant.posts],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  return report.posts.filter((p) => !p.skipped).map((p) => ({ source: p.source, output: path.resolve(corpus, p.output) }));
}

describe.skipIf(!haveCorpus || !haveChromium)('corpus posts on a 375 px phone, light and dark', () => {
  let browser: Browser;
  const reports = new Map<string, Map<string, PageReport>>();

  beforeAll(async () => {
    if (!existsSync(path.join(repo, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run compile`');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    for (const [i, variant] of VARIANTS.entries()) {
      const built = await build(variant, path.join(work, `variant-${i}`));
      const pages = new Map<string, PageReport>();
      for (const post of built) {
        const file = post.output.replace(/\.html$/, '.reader.html');
        writeFileSync(file, readerPage(readFileSync(post.output, 'utf8')));
        const page = await browser.newPage({ viewport: { width: SCREEN, height: 800 } });
        try {
          // Remote images would only wait for a network the test does not have: their boxes are sized by the HTML.
          await page.route(/^https?:/, (route) => route.abort());
          await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
          pages.set(post.source, await page.evaluate(inspect));
        } finally {
          await page.close();
        }
      }
      reports.set(variant.name, pages);
    }
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('computes the dark filter as Chromium paints it', async () => {
    const swatches: RGB[] = [[63, 63, 63], [7, 193, 96], [255, 255, 255], [40, 44, 52], [192, 57, 43], [87, 107, 149], [250, 250, 250], [13, 17, 23]];
    const page = await browser.newPage({ viewport: { width: 40 * (swatches.length + 1), height: 40 } });
    try {
      const cells = swatches.map((c) => `<div style="width:40px;height:40px;background:rgb(${c.join(',')})"></div>`).join('');
      await page.setContent(`<body style="margin:0;background:rgb(${DARK_PAGE.join(',')})"><div style="display:flex;filter:invert(.88) hue-rotate(180deg)">${cells}<div style="width:40px;height:40px"></div></div></body>`);
      const { data, info } = await sharp(await page.screenshot()).raw().toBuffer({ resolveWithObject: true });
      const pixel = (x: number): RGB => {
        const at = (20 * info.width + x) * info.channels;
        return [data[at]!, data[at + 1]!, data[at + 2]!];
      };
      swatches.forEach((c, i) => {
        const painted = pixel(i * 40 + 20);
        darkFilter(c).forEach((v, k) => expect(Math.abs(v - painted[k]!), `${hex(c)} → ${hex(painted)}`).toBeLessThanOrEqual(2));
      });
      expect(pixel(swatches.length * 40 + 20)).toEqual(DARK_PAGE);
    } finally {
      await page.close();
    }
  });

  describe.each(VARIANTS)('$name', (variant) => {
    const pages = (): Map<string, PageReport> => reports.get(variant.name) ?? new Map();

    it('built every sample post, each with text and boxes to check', () => {
      expect([...pages().keys()].sort()).toEqual([...variant.posts].sort());
      for (const [post, report] of pages()) {
        expect(report.viewport, post).toBe(SCREEN);
        expect(report.probes.length, post).toBeGreaterThan(20);
      }
      expect([...pages().values()].reduce((n, r) => n + r.scrollBoxes, 0)).toBeGreaterThan(20);
    });

    it('(a) nothing sticks out of the 375 px screen; wide content scrolls inside its own box', () => {
      const failures: string[] = [];
      for (const [post, report] of pages()) {
        if (report.scrollWidth > report.viewport) failures.push(`${post}: the page scrolls sideways: ${report.scrollWidth} px`);
        for (const line of report.outside) {
          const full = `${post}: ${line}`;
          if (!KNOWN.some((k) => k.pattern.test(full))) failures.push(full);
        }
      }
      expect(failures).toEqual([]);
    });

    it('(b) every text reaches 4.5:1 on its background, light mode', () => {
      expect([...pages()].flatMap(([post, report]) => contrastFailures(post, report.probes, 'light'))).toEqual([]);
    });

    it('(b) every text reaches 4.5:1 on its background, simulated dark mode', () => {
      expect([...pages()].flatMap(([post, report]) => contrastFailures(post, report.probes, 'dark'))).toEqual([]);
    });
  });
});

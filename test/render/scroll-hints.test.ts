import { describe, expect, it } from 'vitest';
import { goldenSuite, renderWith } from '../helpers/golden.js';
import { rehypeGfmAlerts } from '../../src/render/plugins/rehype/rehype-gfm-alerts.js';
import { rehypeMathSvg } from '../../src/render/plugins/rehype/rehype-math-svg.js';
import { HINT_TEXT, rehypeScrollHints } from '../../src/render/plugins/rehype/rehype-scroll-hints.js';
import { rehypeWechatCode } from '../../src/render/plugins/rehype/rehype-wechat-code.js';
import { rehypeWechatLists } from '../../src/render/plugins/rehype/rehype-wechat-lists.js';
import { rehypeWechatTables } from '../../src/render/plugins/rehype/rehype-wechat-tables.js';
import { columnWidth, codeBlockWidth } from '../../src/render/plugins/rehype/scroll-hints/measure.js';
import { DEFAULT_METRICS, themeMetrics } from '../../src/render/plugins/rehype/scroll-hints/metrics.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultTemplatesDir } from '../../src/render/theme.js';

/** The plugins that make the boxes, in the processor's order, then the hints. */
const PLUGINS = [rehypeMathSvg, rehypeWechatCode, rehypeWechatLists, rehypeGfmAlerts, rehypeWechatTables, rehypeScrollHints];

goldenSuite('scroll-hints', PLUGINS);

const hints = (html: string): string[] => [...html.matchAll(/<section class="wx-scroll-hint"[^>]*>([^<]*)<\/section>/g)].map((m) => m[1]!);

describe('rehypeScrollHints', () => {
  it('adds one hint after a wide box, in the post language, and is idempotent', async () => {
    const md = '中文文章。\n\n```text\n' + 'x'.repeat(60) + '\n```\n';
    const once = await renderWith(PLUGINS, md);
    expect(hints(once.html)).toEqual([HINT_TEXT.zh]);
    const twice = await renderWith([...PLUGINS, rehypeScrollHints], md);
    expect(twice.html).toBe(once.html);
    const english = await renderWith(PLUGINS, 'An English post.\n\n```text\n' + 'x'.repeat(60) + '\n```\n');
    expect(hints(english.html)).toEqual([HINT_TEXT.en]);
  });

  it('counts CJK characters as two columns', async () => {
    const cjk = await renderWith(PLUGINS, '```text\n' + '中'.repeat(22) + '\n```\n');
    const latin = await renderWith(PLUGINS, '```text\n' + 'x'.repeat(22) + '\n```\n');
    expect(hints(cjk.html)).toHaveLength(1);
    expect(hints(latin.html)).toHaveLength(0);
  });

  it('follows the theme: a larger code font makes a line too wide', async () => {
    const md = '```text\n' + 'x'.repeat(34) + '\n```\n';
    expect(hints((await renderWith(PLUGINS, md)).html)).toHaveLength(0);
    const big = { ...DEFAULT_METRICS, codePx: 16 };
    expect(hints((await renderWith(PLUGINS, md, { scrollHints: { language: 'auto', metrics: big } })).html)).toHaveLength(1);
  });
});

describe('theme metrics', () => {
  it('reads font sizes and paddings from theme.css, defaults for the rest', () => {
    const metrics = themeMetrics('.wx-article{font-size:15px;padding:0 2px;letter-spacing:1px} .wx-code-body{font-size:14px;padding:12px 10px} th, td {padding: 6px 9px}');
    expect(metrics).toEqual({ ...DEFAULT_METRICS, bodyPx: 15, articlePaddingPx: 2, letterSpacingPx: 1, codePx: 14, codePaddingPx: 10, cellPaddingPx: 9 });
    expect(themeMetrics('not css {')).toEqual(DEFAULT_METRICS);
    expect(columnWidth(DEFAULT_METRICS)).toBe(335);
  });

  it.each(['default', 'github', 'ink', 'night-code'])('theme %s sets the sizes the estimates use', (name) => {
    const metrics = themeMetrics(readFileSync(path.join(defaultTemplatesDir, name, 'theme.css'), 'utf8'));
    expect(metrics.codePx).toBe(13);
    expect(metrics.tableCodePx).toBe(13);
    expect(metrics.bodyPx).toBeGreaterThanOrEqual(15);
  });

  it('measures the longest line of a code body', () => {
    const body = { type: 'element' as const, tagName: 'code', properties: {}, children: [
      { type: 'text' as const, value: 'ab' },
      { type: 'element' as const, tagName: 'br', properties: {}, children: [] },
      { type: 'text' as const, value: '中文x' },
    ] };
    expect(codeBlockWidth(body, DEFAULT_METRICS)).toBeCloseTo(5 * 0.6 * 13 + 32);
  });
});

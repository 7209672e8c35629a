import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, walk, type Raw } from 'css-tree';
import { describe, expect, it } from 'vitest';
import { defaultTemplatesDir } from '../../src/render/theme.js';
import { rehypeWechatCode } from '../../src/render/plugins/rehype/rehype-wechat-code.js';
import { isRiskyText, rehypeJustifyGaps } from '../../src/render/plugins/rehype/rehype-justify-gaps.js';
import { rehypeWechatLists } from '../../src/render/plugins/rehype/rehype-wechat-lists.js';
import { rehypeMathSvg } from '../../src/render/plugins/rehype/rehype-math-svg.js';
import { rehypeWechatTables } from '../../src/render/plugins/rehype/rehype-wechat-tables.js';
import { goldenSuite, renderWith } from '../helpers/golden.js';

// The plugins that build what this one inspects (formula SVGs, inline code, list items, cells), in pipeline order.
const pipeline = [rehypeMathSvg, rehypeWechatCode, rehypeWechatLists, rehypeWechatTables, rehypeJustifyGaps];
goldenSuite('justify', pipeline);

describe('rehypeJustifyGaps', () => {
  it('left-aligns mostly-Latin text and text with a long unbreakable Latin run, not Chinese with short words', () => {
    expect(isRiskyText('This paragraph is English.')).toBe(true);
    expect(isRiskyText('先安装工具链 nightly-2024-05-05)，然后运行构建命令即可完成全部的准备工作。')).toBe(true);
    expect(isRiskyText('中文段落里偶尔出现 Rust 或 Go 这样的短词，仍然两端对齐。')).toBe(false);
    expect(isRiskyText('')).toBe(false);
  });

  it('left-aligns only the blocks that hold a wide formula or inline code', async () => {
    const { html } = await renderWith(pipeline, '设 $x$。\n\n公式 $\\sum_{i=1}^{n} a_i b_i c_i d_i$ 很宽。\n\n调用 `Executors.newFixedThreadPool` 即可。\n');
    const paragraphs = html.split('\n').filter((line) => line.startsWith('<p'));
    expect(paragraphs.map((p) => p.startsWith('<p style="text-align:left">'))).toEqual([false, true, true]);
  });
});

describe('themes never justify headings, list items, alerts, notes or references', () => {
  const NEVER = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', '.wx-li', '.wx-alert', '.wx-footnotes', '.wx-references'];
  it.each(readdirSync(defaultTemplatesDir).filter((name) => existsSync(path.join(defaultTemplatesDir, name, 'theme.css'))))('%s', (theme) => {
    const css = readFileSync(path.join(defaultTemplatesDir, theme, 'theme.css'), 'utf8');
    const aligns: [string, string][] = [];
    walk(parse(css, { parseRulePrelude: false, parseValue: false }), {
      visit: 'Rule',
      enter(rule) {
        walk(rule.block, {
          visit: 'Declaration',
          enter(decl) {
            if (decl.property !== 'text-align') return;
            for (const selector of (rule.prelude as Raw).value.split(',')) aligns.push([selector.trim(), (decl.value as Raw).value.trim()]);
          },
        });
      },
    });
    const alignOf = (selector: string): string | undefined => aligns.filter(([s]) => s === selector).at(-1)?.[1];
    const article = alignOf('.wx-article') ?? 'start';
    for (const selector of NEVER) expect(`${selector}: ${alignOf(selector) ?? article}`).not.toMatch(/justify/);
  });
});

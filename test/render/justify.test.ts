import { describe, expect, it } from 'vitest';
import { rehypeWechatCode } from '../../src/render/plugins/rehype/rehype-wechat-code.js';
import { rehypeJustifyGaps } from '../../src/render/plugins/rehype/rehype-justify-gaps.js';
import { rehypeWechatLists } from '../../src/render/plugins/rehype/rehype-wechat-lists.js';
import { rehypeMathSvg } from '../../src/render/plugins/rehype/rehype-math-svg.js';
import { rehypeWechatTables } from '../../src/render/plugins/rehype/rehype-wechat-tables.js';
import { goldenSuite, renderWith } from '../helpers/golden.js';

// The plugins that build what this one inspects (formula SVGs, inline code, list items, cells), in pipeline order.
const pipeline = [rehypeMathSvg, rehypeWechatCode, rehypeWechatLists, rehypeWechatTables, rehypeJustifyGaps];
goldenSuite('justify', pipeline);

describe('rehypeJustifyGaps', () => {
  it('left-aligns only the blocks that hold a wide formula or inline code', async () => {
    const { html } = await renderWith(pipeline, '设 $x$。\n\n公式 $\\sum_{i=1}^{n} a_i b_i c_i d_i$ 很宽。\n\n调用 `Executors.newFixedThreadPool` 即可。\n');
    const paragraphs = html.split('\n').filter((line) => line.startsWith('<p'));
    expect(paragraphs.map((p) => p.startsWith('<p style="text-align:left">'))).toEqual([false, true, true]);
  });
});

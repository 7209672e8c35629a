import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { toString } from 'hast-util-to-string';
import { fromHtml } from 'hast-util-from-html';
import { describe, expect, it } from 'vitest';
import { needsSpace, rehypeCjkSpacing, spaceCjkText } from '../../src/render/plugins/rehype/rehype-cjk-spacing.js';
import { goldenSuite, renderWith } from '../helpers/golden.js';

goldenSuite('cjk-spacing', [rehypeCjkSpacing]);

const CJK_PUNCTUATION = '，。！？：；「」『』（）、…．《》【】';

describe('spaceCjkText', () => {
  it.each([
    ['用Node.js写的', '用 Node.js 写的'],
    ['共100个', '共 100 个'],
    ['50%的人', '50% 的人'],
    ['C++语言', 'C++ 语言'],
    ['C#程序', 'C# 程序'],
    ['iPhone15Pro手机', 'iPhone15Pro 手机'],
    ['日本語のtextです', '日本語の text です'],
    ['コーヒーcoffee', 'コーヒー coffee'],
    ['한국어English', '한국어 English'],
    ['α粒子', 'α 粒子'],
    ['见https://example.com/a?b=1中文', '见 https://example.com/a?b=1 中文'],
    ['邮箱a.b@example.com获取', '邮箱 a.b@example.com 获取'],
  ])('%s → %s', (input, expected) => {
    expect(spaceCjkText(input)).toBe(expected);
  });

  it.each([
    '中文，English。',
    '「abc」『def』（ghi）',
    '中文：abc；def！ghi？',
    '１．第一项',
    'ＡＢＣ全角',
    '中文,abc',
    '中文(English)中文',
    '中文-English',
    '中文/English',
    '数字+中文',
    '中文 English',
    '中文…abc',
    'https://example.com/a?b=1&c=2',
  ])('leaves %s as it is', (input) => {
    expect(spaceCjkText(input)).toBe(input);
  });

  it('only ever inserts spaces, never next to punctuation, and is idempotent', () => {
    const samples = [
      '标点：中文，English。问题？Answer！「引号abc」『书名号def』（括号ghi）、顿号jkl……省略。',
      '版本v2.0发布了，支持IPv6和HTTP/3协议，性能提升30%以上！',
      '第1章第2节：Rust的所有权（Ownership）与借用．',
    ];
    for (const sample of samples) {
      const spaced = spaceCjkText(sample);
      expect(spaced.replace(/ /g, '')).toBe(sample.replace(/ /g, ''));
      expect(spaceCjkText(spaced)).toBe(spaced);
      for (const mark of CJK_PUNCTUATION) {
        expect(spaced).not.toContain(` ${mark}`);
        expect(spaced).not.toContain(`${mark} `);
      }
    }
  });

  it('decides boundaries between separate strings the same way', () => {
    expect(needsSpace('中文', 'English')).toBe(true);
    expect(needsSpace('C++', '语言')).toBe(true);
    expect(needsSpace('中文', '，English')).toBe(false);
    expect(needsSpace('中文 ', 'English')).toBe(false);
    expect(needsSpace('', 'English')).toBe(false);
  });
});

describe('rehypeCjkSpacing', () => {
  it('puts the boundary space outside inline elements', async () => {
    const { html } = await renderWith([rehypeCjkSpacing], '中文**English**中文，[链接Link](https://mp.weixin.qq.com/s/a)说明\n');
    expect(html).toBe(
      '<p>中文 <strong>English</strong> 中文，<a href="https://mp.weixin.qq.com/s/a">链接 Link</a> 说明</p>',
    );
  });

  it('inserts a separate space node between two different inline elements', async () => {
    const { html } = await renderWith([rehypeCjkSpacing], '<p><em>中文</em><strong>English</strong></p>\n');
    expect(html).toBe('<p><em>中文</em> <strong>English</strong></p>');
  });

  it('does not edit URLs shown as link text, but spaces around them', async () => {
    const { html } = await renderWith([rehypeCjkSpacing], '访问https://example.com/中文abc获取\n');
    expect(html).toBe(
      '<p>访问 <a href="https://example.com/%E4%B8%AD%E6%96%87abc%E8%8E%B7%E5%8F%96">https://example.com/中文abc获取</a></p>',
    );
  });

  it('does nothing when settings.cjkSpacing is off', async () => {
    const md = '用Node.js写的**English**中文\n';
    const { html } = await renderWith([rehypeCjkSpacing], md, { cjkSpacing: false });
    expect(html).toBe('<p>用Node.js写的<strong>English</strong>中文</p>');
  });

  it('never changes anything but spaces on real posts, and never inside code', async () => {
    const corpus = '/work/shared/corpus';
    let posts: string[] = [];
    try {
      posts = readdirSync(corpus, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.md') && !f.endsWith('SOURCE.md') && f.includes('/'))
        .sort();
    } catch {
      return; // corpus not mounted on this machine
    }
    // Every 15th post under 20k characters (remark needs seconds for the 100k ones) keeps the test quick.
    const sample = posts
      .map((post) => ({ post, md: readFileSync(path.join(corpus, post), 'utf8') }))
      .filter(({ md }) => md.length < 20_000)
      .filter((_, i) => i % 15 === 0);
    expect(sample.length).toBeGreaterThan(5);
    for (const { post, md } of sample) {
      const off = await renderWith([rehypeCjkSpacing], md, { cjkSpacing: false });
      const on = await renderWith([rehypeCjkSpacing], md, { cjkSpacing: true });
      const textOff = toString(fromHtml(off.html, { fragment: true }));
      const textOn = toString(fromHtml(on.html, { fragment: true }));
      expect(textOn.replace(/ /g, ''), post).toBe(textOff.replace(/ /g, ''));
      const codeOf = (html: string) =>
        [...html.matchAll(/<(code|pre)[\s>][\s\S]*?<\/\1>/g)].map((m) => m[0]).join('\n');
      expect(codeOf(on.html), post).toBe(codeOf(off.html));
    }
  });
});

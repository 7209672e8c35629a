import { describe, expect, it } from 'vitest';
import { classifyHref, rehypeLinkReferences, textIsUrl } from '../../src/render/plugins/rehype/rehype-link-references.js';
import { countScripts, isMostlyCjk } from '../../src/render/util/lang.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { rehypeWechatFootnotes } from '../../src/render/plugins/rehype/rehype-wechat-footnotes.js';
import { defaultTemplatesDir } from '../../src/render/theme.js';
import { goldenSuite, renderWith } from '../helpers/golden.js';

goldenSuite('link-references', [rehypeLinkReferences]);

describe('rehypeLinkReferences', () => {
  it('numbers distinct URLs in order of first use and fills file.data.linkRefs', async () => {
    const md = '[a](https://x.example/1) [b](https://y.example) [c](https://x.example/1) <https://z.example>\n';
    const { html, file } = await renderWith([rehypeLinkReferences], md);
    expect(file.data.linkRefs).toEqual([
      { url: 'https://x.example/1', index: 1, text: 'a' },
      { url: 'https://y.example', index: 2, text: 'b' },
      { url: 'https://z.example', index: 3, text: 'https://z.example' },
    ]);
    expect(html).toContain('<p>a<sup class="wx-linkref">[1]</sup> b<sup class="wx-linkref">[2]</sup> c<sup class="wx-linkref">[1]</sup> https://z.example<sup class="wx-linkref">[3]</sup></p>');
    expect(html).toContain('<p class="wx-reference">[3] <span class="wx-reference-url"');
    expect(html).not.toContain('<a ');
  });

  it('keeps links to mp.weixin.qq.com clickable in every mode', async () => {
    for (const links of ['references', 'text', 'keep'] as const) {
      const { html, file } = await renderWith([rehypeLinkReferences], '[文章](https://mp.weixin.qq.com/s/abc)\n', { links });
      expect(html).toBe('<p><a href="https://mp.weixin.qq.com/s/abc">文章</a></p>');
      expect(file.data.linkRefs).toEqual([]);
    }
  });

  it('never lists javascript:, mailto: or relative links', async () => {
    const md = '<a href="javascript:alert(1)">x</a> [m](mailto:a@b.c) [r](./a.md) [h](#h) <a href="java\tscript:alert(1)">y</a>\n';
    const { html, file } = await renderWith([rehypeLinkReferences], md);
    expect(file.data.linkRefs).toEqual([]);
    expect(html).not.toContain('script:');
    expect(html).not.toContain('wx-references');
    expect(html).toBe('<p>x m r h y</p>');
  });

  it('warns about http links that do not parse and keeps their text', async () => {
    const { html, file } = await renderWith([rehypeLinkReferences], 'see <a href="http://">this</a>\n');
    expect(html).toBe('<p>see this</p>');
    expect(file.messages).toHaveLength(1);
    expect(file.messages[0]).toMatchObject({ ruleId: 'link-invalid', source: 'wxmp', line: 1, column: 5 });
  });

  it('titles the references in the language of the article', async () => {
    const zh = await renderWith([rehypeLinkReferences], '这是一篇中文文章，介绍 [Kubernetes](https://kubernetes.io) 的部署方式。\n');
    expect(zh.html).toContain('<p class="wx-references-title">参考链接</p>');
    const en = await renderWith([rehypeLinkReferences], 'An English post about [Kubernetes](https://kubernetes.io), by 张三.\n');
    expect(en.html).toContain('<p class="wx-references-title">References</p>');
  });

  it('leaves footnote links to the footnotes plugin', async () => {
    const { html } = await renderWith([rehypeLinkReferences], 'a[^1]\n\n[^1]: note\n');
    expect(html).toContain('<a href="#user-content-fn-1" id="user-content-fnref-1" data-footnote-ref');
    expect(html).toContain('data-footnote-backref');
  });

  it('does nothing in keep mode and strips every non-WeChat link in text mode', async () => {
    const md = '[g](https://github.com) [a](#x)\n';
    expect((await renderWith([rehypeLinkReferences], md, { links: 'keep' })).html).toBe('<p><a href="https://github.com">g</a> <a href="#x">a</a></p>');
    const text = await renderWith([rehypeLinkReferences], md, { links: 'text' });
    expect(text.html).toBe('<p>g a</p>');
    expect(text.file.data.linkRefs).toEqual([]);
  });

  it('classifies hrefs', () => {
    expect(classifyHref('https://mp.weixin.qq.com/s/x')).toEqual({ kind: 'wechat' });
    expect(classifyHref('HTTP://MP.WEIXIN.QQ.COM/s?a=1')).toEqual({ kind: 'wechat' });
    expect(classifyHref('https://weixin.qq.com/')).toMatchObject({ kind: 'external' });
    expect(classifyHref('https://mp.weixin.qq.com.evil.example/')).toMatchObject({ kind: 'external' });
    expect(classifyHref('//cdn.example/a')).toEqual({ kind: 'external', url: 'https://cdn.example/a', key: 'https://cdn.example/a' });
    expect(classifyHref('https://zh.wikipedia.org/wiki/%E4%B8%AD%E6%96%87')).toMatchObject({ url: 'https://zh.wikipedia.org/wiki/中文' });
    expect(classifyHref('https://a.example/%2F%zz')).toMatchObject({ url: 'https://a.example/%2F%zz' });
    for (const href of ['#top', './a.md', '/abs', 'mailto:a@b', 'tel:1', 'javascript:x', 'data:text/html,x', '', undefined]) {
      expect(classifyHref(href), String(href)).toEqual({ kind: 'other' });
    }
    expect(classifyHref('http://')).toEqual({ kind: 'invalid' });
    expect(classifyHref('https://exa mple.com')).toEqual({ kind: 'invalid' });
  });

  it('recognises link text that is the URL', () => {
    expect(textIsUrl('www.example.com', 'http://www.example.com')).toBe(true);
    expect(textIsUrl('https://example.com/', 'https://example.com')).toBe(true);
    expect(textIsUrl('https://zh.wikipedia.org/wiki/中文', 'https://zh.wikipedia.org/wiki/%E4%B8%AD%E6%96%87')).toBe(true);
    expect(textIsUrl('example', 'https://example.com')).toBe(false);
    expect(textIsUrl('', 'https://example.com')).toBe(false);
  });
});

describe('script detection (src/render/util/lang.ts)', () => {
  it('counts CJK characters and Latin letters, not digits or punctuation', () => {
    expect(countScripts('Java 中的 HashMap，1234！𠀋')).toEqual({ cjk: 3, latin: 11 });
  });

  it('calls a text CJK from 10% CJK characters among letters', () => {
    expect(isMostlyCjk('使用 Kubernetes 和 Istio 部署服务网格')).toBe(true);
    expect(isMostlyCjk('An English sentence that mentions 中文 once in a long paragraph of Latin words.')).toBe(false);
    expect(isMostlyCjk('1234 !!!')).toBe(false);
    expect(isMostlyCjk('日本語のテキスト')).toBe(true);
  });
});

describe('a link number next to a footnote marker (issue 15: "RFC 3013[1]①")', () => {
  it('becomes one superscript with its parts spaced apart, in the real plugin order', async () => {
    const md = '遵循 [RFC 3013](https://www.rfc-editor.org/rfc/rfc3013)[^1] 的规定。\n\n[^1]: 站点安全手册。\n';
    const { html } = await renderWith([rehypeWechatFootnotes, rehypeLinkReferences], md);
    expect(html).toContain('RFC 3013<sup class="wx-linkref">[1]\u202f①</sup>');
    expect(html.match(/<sup/g)).toHaveLength(1);
  });

  it('every theme sets footnote and link superscripts at 12 px or more', () => {
    for (const theme of readdirSync(defaultTemplatesDir).filter((name) => existsSync(path.join(defaultTemplatesDir, name, 'theme.css')))) {
      const css = readFileSync(path.join(defaultTemplatesDir, theme, 'theme.css'), 'utf8');
      const rule = /\.wx-fnref,\s*\.wx-linkref\s*\{([^}]*)\}/.exec(css)?.[1];
      expect(rule, theme).toBeDefined();
      expect(Number(/font-size:\s*(\d+)px/.exec(rule!)?.[1]), theme).toBeGreaterThanOrEqual(12);
    }
  });
});

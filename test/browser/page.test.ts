/** Unit checks of the preview page HTML (no browser): escaping, counts, links, no external resources. */
import { load } from 'cheerio';
import { describe, expect, it } from 'vitest';
import { buildPostPage, buildPreviewPage, type PreviewEntry } from '../../src/preview/page.js';
import { escapeHtml } from '../../src/util/html.js';

const entry = (over: Partial<PreviewEntry> = {}): PreviewEntry => ({
  title: '用 wxmp 发布文章',
  source: 'posts/hello.md',
  href: 'hello.preview.html',
  html: '<section style="color:#333"><p>正文</p></section>',
  digest: '一句话摘要',
  errors: 0,
  warnings: 0,
  ...over,
});

describe('buildPreviewPage', () => {
  it('shows one frame per post with title, digest, counts and a link to the post page', () => {
    const html = buildPreviewPage(
      [entry(), entry({ title: 'Second', source: 'posts/b.md', href: 'b.preview.html', errors: 2, warnings: 1, author: '小明', theme: 'ink' })],
      { title: 'wxmp preview — blog', subtitle: 'built now' },
    );
    const $ = load(html);
    expect($('title').text()).toBe('wxmp preview — blog');
    expect($('.pv-summary').text()).toBe('2 posts2 errors1 warning');
    const frames = $('.pv-frame');
    expect(frames).toHaveLength(2);
    expect(frames.eq(0).find('.pv-title').text()).toBe('用 wxmp 发布文章');
    expect(frames.eq(0).find('.pv-digest').text()).toBe('一句话摘要');
    expect(frames.eq(0).find('.pv-badge').text()).toBe('no problems');
    expect(frames.eq(0).find('.pv-open').attr('href')).toBe('hello.preview.html');
    expect(frames.eq(0).find('.pv-article p').text()).toBe('正文');
    expect(frames.eq(1).attr('class')).toContain('pv-status-error');
    expect(frames.eq(1).find('.pv-badge').map((_, el) => $(el).text()).get()).toEqual(['2 errors', '1 warning']);
    expect(frames.eq(1).find('.pv-author').text()).toBe('小明');
    expect(frames.eq(1).find('.pv-theme').text()).toBe('theme: ink');
  });

  it('escapes titles, digests, sources and links; the article HTML goes in as is', () => {
    const html = buildPreviewPage(
      [entry({ title: '<script>alert(1)</script>', digest: 'a "quote" & <b>', source: 'posts/"x".md', href: 'javascript:alert(1)' })],
      { title: '<i>t</i>' },
    );
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('a &quot;quote&quot; &amp; &lt;b&gt;');
    expect(html).toContain('data-source="posts/&quot;x&quot;.md"');
    expect(html).toContain('href="#"');
    expect(html).toContain('<title>&lt;i&gt;t&lt;/i&gt;</title>');
    expect(html).toContain('<section style="color:#333"><p>正文</p></section>');
    expect(escapeHtml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&#39;');
  });

  it('is standalone: no script, no external stylesheet, font or image of its own', () => {
    const html = buildPreviewPage([entry()], { title: 'x' });
    const $ = load(html);
    expect($('script, link, iframe').length).toBe(0);
    expect($('style').text()).not.toMatch(/url\(|@import/);
    expect($('meta[charset]').attr('charset')).toBe('utf-8');
  });

  it('says so when there is nothing to preview', () => {
    expect(load(buildPreviewPage([], { title: 'x' }))('.pv-empty').text()).toBe('No posts found.');
  });
});

describe('buildPostPage', () => {
  it('shows the post alone, with a link back to the index when given', () => {
    const $ = load(buildPostPage(entry(), { indexHref: 'index.html' }));
    expect($('title').text()).toBe('用 wxmp 发布文章');
    expect($('.pv-frame')).toHaveLength(1);
    expect($('.pv-frame').hasClass('pv-single')).toBe(true);
    expect($('.pv-open').attr('href')).toBe('index.html');
    expect($('.pv-open').text()).toBe('← All posts');
    expect(load(buildPostPage(entry({ title: '' })))('title').text()).toBe('posts/hello.md');
    expect(load(buildPostPage(entry()))('.pv-open')).toHaveLength(0);
  });
});

/** Preflight lint on rendered posts: each rule, its severity and its position in the original file. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { renderMarkdown } from '../../src/render/render.js';
import { formatProblem } from '../../src/util/messages.js';
import { makeImage } from '../helpers/repo.js';

const config = resolveConfig({});

async function lint(markdown: string, baseDir = tmpdir()) {
  const rendered = await renderMarkdown(markdown, { config, baseDir, fileName: 'post.md' });
  return { rendered, lines: rendered.messages.map(formatProblem) };
}

describe('preflight lint', () => {
  it('title: error over 64 characters, warning over the documented 32, error when missing', async () => {
    expect((await lint(`---\ntitle: ${'长'.repeat(65)}\ncover: https://mmbiz.qpic.cn/x.png\n---\n正文\n`)).lines).toContain(
      'post.md:2:1: error: Title is 65 characters, WeChat allows 64 [title-too-long]',
    );
    expect((await lint(`---\ntitle: ${'长'.repeat(33)}\n---\n正文\n`)).lines).toContain(
      'post.md:2:1: warning: Title is 33 characters, over the documented 32: it may be cut in chat lists [title-long]',
    );
    expect((await lint('正文，没有标题\n')).lines).toContain(
      'post.md:1:1: error: Missing title: add `title:` to the front matter or start the post with `# Title` [title-missing]',
    );
  });

  it('takes the leading heading as the title and removes it from the body', async () => {
    const { rendered } = await lint('# 标题在这里\n\n正文\n');
    expect(rendered.title).toBe('标题在这里');
    expect(rendered.html).not.toContain('标题在这里');
  });

  it('author over 16 characters is an error at its line', async () => {
    expect((await lint('---\ntitle: t\nauthor: 一二三四五六七八九十一二三四五六七\n---\nx\n')).lines).toContain(
      'post.md:3:1: error: Author is 17 characters, WeChat allows 16: shorten `author` or set `author:` in the front matter [author-too-long]',
    );
  });

  it('a list of authors from another blog keeps the first names that fit, with a warning', async () => {
    const toml = await lint('+++\ntitle = "t"\nauthors = ["Niko Matsakis", "Tyler Mandry", "Ralf Jung"]\n+++\nx\n');
    expect(toml.rendered.author).toBe('Niko Matsakis 等');
    expect(toml.rendered.ok).toBe(true);
    expect(toml.lines).toContain(
      "post.md:3:1: warning: `authors` is 38 characters, over WeChat's 16: the byline was shortened to `Niko Matsakis 等` (add `author:` to choose it) [author-shortened]",
    );
    const chinese = await lint('---\ntitle: t\nauthor:\n  - 张三丰\n  - 李四光\n  - 王五六\n  - 赵钱孙李\n  - 周吴郑王\n---\nx\n');
    expect(chinese.rendered.author).toBe('张三丰, 李四光, 王五六 等');
    // A single name cannot be cut: still an error, with what to do.
    const single = await lint('+++\ntitle = "t"\nauthors = ["The Rust Survey Team"]\n+++\nx\n');
    expect(single.lines).toContain(
      'post.md:3:1: error: Author is 20 characters, WeChat allows 16: shorten `authors` or set `author:` in the front matter [author-too-long]',
    );
  });

  it('digest: an explicit one over 128 is an error; one from `description` is shortened with a warning', async () => {
    const long = '这是一段很长的描述。'.repeat(15);
    const explicit = await lint(`---\ntitle: t\ndigest: ${long}\n---\nx\n`);
    expect(explicit.lines).toContain('post.md:3:1: error: Digest is 150 characters, WeChat allows 128 [digest-too-long]');
    const alias = await lint(`---\ntitle: t\ndescription: ${long}\n---\nx\n`);
    expect(alias.lines).toContain('post.md:3:1: warning: `description` is 150 characters, over WeChat\'s 128: the digest was shortened (add `digest:` to choose it) [digest-shortened]');
    expect([...alias.rendered.digest].length).toBeLessThanOrEqual(128);
    expect(alias.rendered.digest.startsWith('这是一段很长的描述。')).toBe(true);
    expect(alias.rendered.ok).toBe(true);
  });

  it('derives a digest from the text when there is none', async () => {
    const { rendered } = await lint(`---\ntitle: t\n---\n\n${'第一句话很重要。'.repeat(30)}\n`);
    expect(rendered.digestDerived).toBe(true);
    expect([...rendered.digest].length).toBeLessThanOrEqual(120);
    expect(rendered.digest.endsWith('。')).toBe(true);
  });

  it('HTML over the limit says how much of it is math', async () => {
    const heavy = resolveConfig({ lint: { maxHtmlBytes: 20_000 } });
    const formulas = Array.from({ length: 12 }, (_, i) => `$\\int_0^{${i}} x^2\\,dx$`).join('，');
    const rendered = await renderMarkdown(`---\ntitle: t\n---\n\n${formulas}\n`, { config: heavy, baseDir: tmpdir(), fileName: 'post.md' });
    const line = rendered.messages.map(formatProblem).find((text) => text.includes('[html-too-large]'));
    expect(line).toMatch(/^post\.md:1:1: error: HTML is 0\.\d\d MB, WeChat requires less than 0\.02 MB; 12 formulas take 0\.\d\d MB of it: split the post \[html-too-large\]$/);
  });

  it('derives the digest from paragraphs: no headings, no tip boxes, no formulas with holes', async () => {
    const markdown = '---\ntitle: t\n---\n\n::: tip 友情提示\n本文节选自某专栏。\n:::\n\n## 定义\n\n给定一个长度为 $n$ 的字符串 $s$。\n\n其中 $\\pi[i]$ 的定义是：\n\n- 列表项\n\n简单来说就是最长的相等前后缀。\n';
    const { rendered } = await lint(markdown);
    expect(rendered.digest).toBe('给定一个长度为 n 的字符串 s。 简单来说就是最长的相等前后缀。');
  });

  it('text of 20,000 characters or more is an error', async () => {
    expect((await lint(`---\ntitle: t\n---\n\n${'字'.repeat(20_000)}\n`)).lines).toContain(
      'post.md:1:1: error: Text is 20000 characters, WeChat requires fewer than 20000: split the post [content-too-long]',
    );
  });

  it('images: missing file is an error; WebP, GIF and wrong extensions are explained', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wxmp-lint-'));
    writeFileSync(path.join(dir, 'a.webp'), await makeImage(3, 'webp'));
    writeFileSync(path.join(dir, 'photo.png'), await makeImage(4, 'jpeg'));
    const { lines } = await lint('---\ntitle: t\n---\n\n![](./missing.png)\n\n![](./a.webp)\n\n![](./photo.png)\n', dir);
    expect(lines).toContain('post.md:5:1: error: Cannot find image `./missing.png` [image-missing]');
    expect(lines).toContain("post.md:7:1: info: `./a.webp` is WEBP: WeChat's body images are JPEG/PNG, wxmp will upload it as PNG or JPEG [image-convert]");
    expect(lines).toContain('post.md:9:1: warning: `./photo.png` is JPEG data with a .png name [image-extension-mismatch]');
  });

  it('cover: a missing cover file is an error at the cover line, no cover at all is an info (a cover is generated)', async () => {
    const missing = await lint('---\ntitle: t\nbanner: ./nope.jpg\n---\nx\n');
    expect(missing.lines).toContain('post.md:3:1: error: Cannot find cover `./nope.jpg` [cover-missing-file]');
    expect(missing.rendered.cover?.line).toBe(3);
    const dir = mkdtempSync(path.join(tmpdir(), 'wxmp-lint-'));
    writeFileSync(path.join(dir, 'cover.webp'), await makeImage(5, 'webp'));
    expect((await lint('---\ntitle: t\ncover: ./cover.webp\n---\nx\n', dir)).lines).toContain(
      'post.md:3:1: info: `./cover.webp` is WEBP: wxmp uploads the cover as PNG or JPEG [image-convert]',
    );
    // No cover at all: the sync generates one (a Latin title is drawn with any font).
    expect((await lint('---\ntitle: t\n---\nx\n')).lines).toContain(
      "post.md:1:1: info: No cover: the sync uploads a generated 900×383 cover with the title in the theme's colours; add `cover:` to the front matter, an image to the post, or `defaultCover` to the config to choose one [cover-generated]",
    );
  });
});

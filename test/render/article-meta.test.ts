import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import type { WxmpUserConfig } from '../../src/config/schema.js';
import { parsePost } from '../../src/content/post.js';
import { articleAuthor, articleCover, articleDigest, articleTitle, wantsNavTitle } from '../../src/render/article-meta.js';
import { defaultRenderSettings, type ImageRef } from '../../src/render/types.js';

const root = '/project';
const configOf = (user: WxmpUserConfig = {}) => resolveConfig(user);
const postOf = (markdown: string, user: WxmpUserConfig = {}) => parsePost('posts/a.md', path.join(root, 'posts/a.md'), markdown, configOf(user));
const settings = { ...defaultRenderSettings, baseDir: path.join(root, 'posts'), rootDir: root };

describe('articleTitle', () => {
  it('takes the front matter title first, then the leading heading, then the nav title', () => {
    expect(articleTitle(postOf('---\ntitle: 前言\n---\n'), '标题', '导航')).toBe('前言');
    expect(articleTitle(postOf('正文'), '标题', '导航')).toBe('标题');
    expect(articleTitle(postOf('正文'), undefined, '导航')).toBe('导航');
  });

  it('is empty when there is none (lint reports the missing title)', () => {
    expect(articleTitle(postOf('正文'))).toBe('');
  });
});

describe('wantsNavTitle', () => {
  it('looks in mkdocs.yml only on MkDocs sites and only when neither the front matter nor a heading gave a title', () => {
    expect(wantsNavTitle(postOf('正文'), undefined, configOf())).toBe(true);
    expect(wantsNavTitle(postOf('正文'), undefined, configOf({ render: { mkdocs: false } }))).toBe(false);
    expect(wantsNavTitle(postOf('正文'), '标题', configOf())).toBe(false);
    expect(wantsNavTitle(postOf('---\ntitle: 前言\n---\n'), undefined, configOf())).toBe(false);
  });
});

describe('articleDigest', () => {
  const long = '这是一段很长的摘要。'.repeat(20);

  it('derives the digest from the paragraphs when the front matter has none, else from all the text', () => {
    const post = postOf('正文');
    expect(articleDigest(post, '全部文字', '段落文字', 128)).toEqual({ digest: '段落文字', derived: true, shortened: false });
    expect(articleDigest(post, '全部文字', '', 128)).toEqual({ digest: '全部文字', derived: true, shortened: false });
    expect(articleDigest(post, '全部文字', undefined, 128).digest).toBe('全部文字');
  });

  it('keeps a written `digest:` as is, even when too long (lint refuses it)', () => {
    const post = postOf(`---\ndigest: ${long}\n---\n正文`);
    expect(articleDigest(post, '正文', '正文', 128)).toEqual({ digest: long, derived: false, shortened: false });
  });

  it('shortens a digest from another blog\'s key (description) when it is too long, and keeps it when it fits', () => {
    const shortened = articleDigest(postOf(`---\ndescription: ${long}\n---\n正文`), '正文', '正文', 128);
    expect(shortened.shortened).toBe(true);
    expect(shortened.derived).toBe(false);
    expect([...shortened.digest].length).toBeLessThanOrEqual(128);
    expect(long.startsWith(shortened.digest.replace(/…$/, ''))).toBe(true);
    expect(articleDigest(postOf('---\ndescription: 短摘要\n---\n正文'), '正文', '正文', 128)).toEqual({ digest: '短摘要', derived: false, shortened: false });
  });
});

describe('articleAuthor', () => {
  it('takes the front matter author, else the config author, else none', () => {
    expect(articleAuthor(postOf('---\nauthor: 张三\n---\n'), configOf({ author: '编辑部' }))).toEqual({ author: '张三', shortened: false });
    expect(articleAuthor(postOf('正文'), configOf({ author: '编辑部' }))).toEqual({ author: '编辑部', shortened: false });
    expect(articleAuthor(postOf('正文'), configOf())).toEqual({ author: undefined, shortened: false });
  });

  it('cuts a list of authors from another blog to the names that fit, plus 等', () => {
    const post = postOf('---\nauthors: [Alice Anderson, Bob Brown, Carol Clark]\n---\n');
    expect(articleAuthor(post, configOf())).toEqual({ author: 'Alice Anderson 等', shortened: true });
    const list = postOf('---\nauthor: [Alice Anderson, Bob Brown, Carol Clark]\n---\n');
    expect(articleAuthor(list, configOf())).toEqual({ author: 'Alice Anderson 等', shortened: true });
  });

  it('never edits an `author:` string, and keeps a byline whose first name alone does not fit', () => {
    const written = 'Alice Anderson, Bob Brown, Carol Clark';
    expect(articleAuthor(postOf(`---\nauthor: ${written}\n---\n`), configOf())).toEqual({ author: written, shortened: false });
    const oneName = postOf('---\nauthors: [Bartholomew Montgomery-Smith, Bob]\n---\n');
    expect(articleAuthor(oneName, configOf())).toEqual({ author: 'Bartholomew Montgomery-Smith, Bob', shortened: false });
  });

  it('follows lint.authorMax', () => {
    const post = postOf('---\nauthors: [Alice Anderson, Bob Brown, Carol Clark]\n---\n');
    expect(articleAuthor(post, configOf({ lint: { authorMax: 40 } }))).toEqual({ author: 'Alice Anderson, Bob Brown, Carol Clark', shortened: false });
    expect(articleAuthor(post, configOf({ lint: { authorMax: 30 } }))).toEqual({ author: 'Alice Anderson, Bob Brown 等', shortened: true });
  });
});

describe('articleCover', () => {
  const body: ImageRef[] = [
    { src: 'data:image/png;base64,AAAA', kind: 'data' },
    { src: 'https://example.com/first.png', kind: 'remote', line: 5, column: 1 },
  ];

  it('takes the front matter cover, positioned at its key (an alias key included)', () => {
    const cover = articleCover(postOf('---\ntitle: T\ncover: https://example.com/c.png\n---\n'), body, root, configOf(), settings);
    expect(cover).toEqual({ src: 'https://example.com/c.png', kind: 'remote', line: 3, column: 1 });
    const banner = articleCover(postOf('---\nbanner: https://mmbiz.qpic.cn/x.png\n---\n'), body, root, configOf(), settings);
    expect(banner).toEqual({ src: 'https://mmbiz.qpic.cn/x.png', kind: 'wechat', line: 2, column: 1 });
  });

  it('else the first body image that is not a data: URL', () => {
    expect(articleCover(postOf('正文'), body, root, configOf(), settings)).toBe(body[1]);
  });

  it("else the config's defaultCover, relative to the project root; else none", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wxmp-cover-'));
    mkdirSync(path.join(dir, 'posts'));
    writeFileSync(path.join(dir, 'cover.png'), 'png');
    const local = { ...settings, baseDir: path.join(dir, 'posts'), rootDir: dir };
    const post = parsePost('posts/a.md', path.join(dir, 'posts/a.md'), '正文', configOf());
    const cover = articleCover(post, [body[0]!], dir, configOf({ defaultCover: 'cover.png' }), local);
    expect(cover).toMatchObject({ src: 'cover.png', kind: 'local', path: path.join(dir, 'cover.png'), exists: true });
    expect(articleCover(post, [], dir, configOf(), local)).toBeUndefined();
  });
});

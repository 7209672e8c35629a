import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { FrontMatterError, lineOfKey, parseFrontMatter } from '../../src/content/front-matter.js';
import { applyAliases, parsePost } from '../../src/content/post.js';

const config = resolveConfig({});

describe('parseFrontMatter', () => {
  it('parses YAML and keeps body lines at their file positions', () => {
    const fm = parseFrontMatter('---\ntitle: 你好\ntags: [a, b]\n---\n\n# 标题\n');
    expect(fm.format).toBe('yaml');
    expect(fm.data).toEqual({ title: '你好', tags: ['a', 'b'] });
    expect(fm.body.split('\n')[5]).toBe('# 标题');
    expect(fm.lines).toBe(4);
  });

  it('parses TOML (+++) with tables, as Hugo and Zola write it', () => {
    const fm = parseFrontMatter('+++\ntitle = "Rust 1.0"\nauthors = ["a", "b"]\n[extra]\nteam = "core"\n+++\n\nBody\n');
    expect(fm.format).toBe('toml');
    expect(fm.data.title).toBe('Rust 1.0');
    expect(fm.data.extra).toEqual({ team: 'core' });
    expect(fm.body.split('\n')[7]).toBe('Body');
  });

  it('returns the whole text as body when there is no front matter', () => {
    const fm = parseFrontMatter('# Only a heading\n');
    expect(fm).toMatchObject({ format: 'none', data: {}, body: '# Only a heading\n', lines: 0 });
  });

  it('reads a MkDocs meta-data block (OI-wiki) only when asked, keeping body lines in place', () => {
    const source = 'author: Ir1d, LeoJacob, Xeonacid\nTitle: 前缀函数与 KMP 算法\n    （第二行）\n\n## 定义\n';
    const fm = parseFrontMatter(source, { metaBlock: true });
    expect(fm).toMatchObject({ format: 'meta', lines: 3, data: { author: 'Ir1d, LeoJacob, Xeonacid', title: '前缀函数与 KMP 算法 （第二行）' } });
    expect(fm.body.split('\n')[4]).toBe('## 定义');
    expect(lineOfKey(fm, 'title')).toBe(2);
    expect(parseFrontMatter(source).format).toBe('none');
  });

  it('does not take an ordinary first paragraph for a meta-data block', () => {
    for (const text of ['Note: this is prose.\n', 'author: someone\nand then a sentence without a key.\n', '# Title\n\nauthor: x\n']) {
      expect(parseFrontMatter(text, { metaBlock: true }).format).toBe('none');
    }
  });

  it('strips a UTF-8 BOM', () => {
    expect(parseFrontMatter('\uFEFF---\ntitle: x\n---\nbody').data.title).toBe('x');
  });

  it('reports YAML syntax errors at the line of the original file', () => {
    try {
      parseFrontMatter('---\ntitle: ok\ntags: [a\nauthor: b\n---\nbody');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FrontMatterError);
      expect((error as FrontMatterError).line).toBe(4);
      expect((error as FrontMatterError).message).toMatch(/Invalid YAML front matter/);
    }
  });

  it('reports TOML syntax errors at the line of the original file', () => {
    try {
      parseFrontMatter('+++\ntitle = "a"\ndate = \n+++\nbody');
      expect.unreachable();
    } catch (error) {
      expect((error as FrontMatterError).line).toBe(3);
      expect((error as FrontMatterError).message).toMatch(/Invalid TOML front matter/);
    }
  });

  it('finds the line of a key', () => {
    const fm = parseFrontMatter('---\ntitle: a\nauthor: b\ncover: c.png\n---\n');
    expect(lineOfKey(fm, 'cover')).toBe(4);
    expect(lineOfKey(fm, 'missing')).toBe(1);
    const toml = parseFrontMatter('+++\ntitle = "a"\nbanner = "b.png"\n+++\n');
    expect(lineOfKey(toml, 'banner')).toBe(3);
  });

  it('refuses front matter in any language but YAML and TOML, without running it (an error at line 1)', () => {
    const marker = path.join(os.tmpdir(), `wxmp-fm-${process.pid}`);
    const js = `---js\n{ title: (function(){ require("fs").writeFileSync(${JSON.stringify(marker)}, "x"); return "x" })() }\n---\nbody\n`;
    for (const source of [js, '---javascript\nmodule.exports = {}\n---\n', '---coffee\ntitle: "x"\n---\n']) {
      expect(() => parseFrontMatter(source)).toThrow(/is not allowed: front matter is data, written in YAML \(---\) or TOML \(\+\+\+\)/);
    }
    expect(existsSync(marker)).toBe(false);
    const post = parsePost('posts/js.md', '/x/posts/js.md', js, config);
    expect(post.messages.map((m) => [m.line, m.ruleId, m.fatal])).toEqual([[1, 'front-matter-syntax', true]]);
    expect(parseFrontMatter('---yaml\ntitle: y\n---\n').data.title).toBe('y');
    expect(parseFrontMatter('---toml\ntitle = "t"\n---\n').data.title).toBe('t');
  });

  it('reads YAML as blogs write it (dates, merge keys) and refuses alias bombs and non-mapping blocks', () => {
    const fm = parseFrontMatter('---\ndate: 2023-01-02\nbase: &b {x: 1}\nchild:\n  <<: *b\n  y: 2\n---\n');
    expect(fm.data.date).toBeInstanceOf(Date);
    expect(fm.data.child).toEqual({ x: 1, y: 2 });
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghij'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(',')}]`)].join('\n');
    expect(() => parseFrontMatter(`---\n${bomb}\n---\n`)).toThrow(FrontMatterError);
    expect(() => parseFrontMatter('---\n- a\n- b\n---\n')).toThrow(/expected `key: value` lines/);
    expect(parseFrontMatter('---\n---\nbody').data).toEqual({});
  });

  it('reports a block that is never closed at line 1, and leaves `----` and `--- text` to Markdown', () => {
    expect(() => parseFrontMatter('---\ntitle: x\n\nbody\n')).toThrow(/never closed/);
    expect(parseFrontMatter('----\n\ntext\n').format).toBe('none');
    expect(parseFrontMatter('--- a thematic break? no, text\n').format).toBe('none');
  });

  it('does not share parsed objects between calls (gray-matter caches without options)', () => {
    const a = parseFrontMatter('---\ntitle: same\n---\n');
    a.data.title = 'mutated';
    expect(parseFrontMatter('---\ntitle: same\n---\n').data.title).toBe('same');
  });
});

describe('front matter aliases and validation', () => {
  it('maps Hugo/Hexo keys to ours', () => {
    const { data, origin } = applyAliases({ description: '摘要', banner: '/img/a.png', authors: ['甲', '乙'] }, config.frontMatter.aliases);
    expect(data).toMatchObject({ digest: '摘要', cover: '/img/a.png', author: ['甲', '乙'] });
    expect(origin).toEqual({ digest: 'description', cover: 'banner', author: 'authors' });
  });

  it('never lets an alias override the canonical key', () => {
    const { data } = applyAliases({ digest: 'mine', description: 'theirs' }, config.frontMatter.aliases);
    expect(data.digest).toBe('mine');
  });

  it('validates fields and points at the line of the key as written', () => {
    const raw = '---\ntitle: 好\ncomments: maybe\nbanner: 42\npic_crop_1_1: 2_0_1_1\n---\nbody\n';
    const post = parsePost('posts/a.md', '/x/posts/a.md', raw, config);
    const text = post.messages.map((m) => `${m.line}:${m.ruleId}:${m.reason}`);
    expect(text).toHaveLength(3);
    expect(text[0]).toMatch(/^3:front-matter-field:Invalid front matter `comments`/);
    expect(text[1]).toMatch(/^4:front-matter-field:Invalid front matter `banner`/);
    expect(text[2]).toMatch(/^5:front-matter-field:Invalid front matter `pic_crop_1_1`/);
    expect(post.messages.every((m) => m.fatal === true && m.file === 'posts/a.md')).toBe(true);
    // The valid fields survive: one bad field is one error, not a "missing title" too.
    expect(post.meta.title).toBe('好');
    expect(post.meta.comments).toBeUndefined();
  });

  it('normalises authors and accounts, keeps unknown keys', () => {
    const post = parsePost('a.md', '/a.md', '---\ntitle: t\nauthor: [A, B]\naccount: main\ntags: [x]\ndraft: true\n---\n', config);
    expect(post.messages).toEqual([]);
    expect(post.meta).toMatchObject({ title: 't', author: 'A, B', account: ['main'], draft: true, tags: ['x'] });
  });

  it('turns a syntax error into an error message with file:line, not an exception', () => {
    const post = parsePost('posts/b.md', '/posts/b.md', '---\ntitle: "unclosed\n---\n', config);
    expect(post.messages).toHaveLength(1);
    expect(post.messages[0]).toMatchObject({ ruleId: 'front-matter-syntax', fatal: true, file: 'posts/b.md' });
    expect(post.messages[0]!.line).toBeGreaterThanOrEqual(2);
  });
});

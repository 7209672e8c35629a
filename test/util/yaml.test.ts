import { describe, expect, it } from 'vitest';
import { loadYaml, YamlError } from '../../src/util/yaml.js';

describe('loadYaml (src/util/yaml.ts)', () => {
  it('reads front matter as blogs write it: dates, merge keys, CJK text; never a function', () => {
    const value = loadYaml('title: 第一篇：你好\ndate: 2024-05-01\nbase: &b {author: 张三}\npost:\n  <<: *b\n  tags: [a, 编程]\n') as Record<string, any>;
    expect(value.title).toBe('第一篇：你好');
    expect(value.date).toEqual(new Date('2024-05-01T00:00:00Z'));
    expect(value.post).toEqual({ author: '张三', tags: ['a', '编程'] });
    // js-yaml 4 has no !!js types: the tag is unknown, so the document is refused rather than run.
    expect(() => loadYaml('x: !!js/function "function () { return 1 }"')).toThrow(YamlError);
  });

  it('reports a syntax error at its 1-based line and column', () => {
    try {
      loadYaml('title: a\ntags: [a, b\nauthor: x\n');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(YamlError);
      expect((error as YamlError).line).toBeGreaterThanOrEqual(2);
      expect((error as YamlError).column).toBeGreaterThanOrEqual(1);
    }
  });

  it('refuses an alias bomb by counting each alias as the value it stands for', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lines.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(10).fill(`*${'abcdefghij'[i - 1]}`).join(', ')}]`);
    expect(() => loadYaml(lines.join('\n'))).toThrow(/more than 10000 values once aliases are expanded/);
    // A few aliases are fine.
    expect(loadYaml('a: &a [1, 2]\nb: *a\nc: *a')).toEqual({ a: [1, 2], b: [1, 2], c: [1, 2] });
  });

  it('refuses a huge flat list without building a huge stack', () => {
    expect(() => loadYaml(`[${Array(20_000).fill('1').join(',')}]`)).toThrow(YamlError);
    expect((loadYaml(`[${Array(20_000).fill('1').join(',')}]`, { maxNodes: 30_000 }) as number[]).length).toBe(20_000);
  });

  it('reads the tags of MkDocs configs as plain values with anyTag, and refuses them without', () => {
    const config = 'nav:\n  - 首页: index.md\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_generator: !!python/name:material.extensions.emoji.to_svg\nextra:\n  key: !ENV [GOOGLE_KEY, none]\n  other: !ENV TOKEN\n';
    expect(loadYaml(config, { anyTag: true })).toEqual({
      nav: [{ 首页: 'index.md' }],
      markdown_extensions: [{ 'pymdownx.emoji': { emoji_generator: '' } }],
      extra: { key: ['GOOGLE_KEY', 'none'], other: 'TOKEN' },
    });
    expect(() => loadYaml(config)).toThrow(/unknown tag/);
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { remarkSnippetIncludes } from '../../src/render/plugins/remark/remark-snippet-includes.js';
import { fixturesRoot, goldenSuite, renderWith } from '../helpers/golden.js';

goldenSuite('snippets', [], [remarkSnippetIncludes]);

describe('remarkSnippetIncludes', () => {
  it('records the included files and reports a missing or outside file at its line', async () => {
    const ok = path.join(fixturesRoot, 'snippets', 'oi-wiki-code');
    const included = await renderWith([], '```cpp\n--8<-- "docs/string/code/kmp_1.cpp"\n```\n', { baseDir: ok, rootDir: ok, snippets: true }, path.join(ok, 'post.md'), [remarkSnippetIncludes]);
    expect(included.file.data.includes).toEqual([path.join(ok, 'docs/string/code/kmp_1.cpp')]);
    expect(included.html).toContain('puts("前缀函数");');
    // A MkDocs project in a sub-folder of the posts root: paths resolve against the folders above the post.
    const nested = await renderWith([], '```cpp\n--8<-- "docs/string/code/kmp_1.cpp"\n```\n', { baseDir: path.join(ok, 'docs', 'string'), rootDir: path.dirname(ok), snippets: true }, path.join(ok, 'docs', 'string', 'post.md'), [remarkSnippetIncludes]);
    expect(nested.file.messages).toEqual([]);
    expect(nested.html).toContain('puts("前缀函数");');
    const section = await renderWith([], '```cpp\n--8<-- "docs/string/code/sections.cpp:nope"\n```\n', { baseDir: ok, rootDir: ok, snippets: true }, path.join(ok, 'post.md'), [remarkSnippetIncludes]);
    expect(section.file.messages.map((m) => m.reason)).toEqual([
      'Cannot find section `nope` in snippet `docs/string/code/sections.cpp` (`--8<-- [start:nope]` … `[end:nope]`)',
    ]);

    const dir = path.join(fixturesRoot, 'snippets', 'errors');
    const { file } = await renderWith([], '正文\n\n```cpp\nint x;\n  --8<-- "nope.cpp"\n--8<-- "../oi-wiki-code/docs/string/code/kmp_1.cpp"\n```\n', { baseDir: dir, rootDir: dir, snippets: true }, path.join(dir, 'post.md'), [remarkSnippetIncludes]);
    expect(file.messages.map((m) => [m.ruleId, m.line, m.column, m.reason])).toEqual([
      ['snippet-missing', 5, 3, "Cannot find snippet `nope.cpp` (paths are relative to the posts root or a folder above the post)"],
      ['snippet-outside-root', 6, 1, 'Snippet `../oi-wiki-code/docs/string/code/kmp_1.cpp` is outside the project folder: not included'],
    ]);
    expect(file.data.includes).toEqual([]);
  });
});

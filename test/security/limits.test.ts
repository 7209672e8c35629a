/**
 * docs/security.md, "Limits": pathological posts end quickly with an error at their file, and one bad post never
 * ends a build of the others. Run as a CLI process, the way a CI job meets them.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { checkContentLimits } from '../../src/content/limits.js';
import { cleanEnv, runCli } from '../helpers/cli.js';

const defaults = resolveConfig({}).limits;
const n = (count: number, text: string) => text.repeat(count);

/** name → [body, expected rule, expected line]; the front matter (`---`, `title: …`, `---`) takes lines 1–3. */
const pathological: Record<string, [string, string, number]> = {
  'list-500': [`${n(500, '- ')}x`, 'nesting-too-deep', 4],
  'div-100000': [n(100_000, '<div>'), 'line-too-long', 4],
  'quote-100000': [`${n(100_000, '>')} x`, 'line-too-long', 4],
  'quote-3000': [`${n(3000, '> ')}x`, 'nesting-too-deep', 4],
  'stars-100000': [n(100_000, '*'), 'line-too-long', 4],
  'brackets-100000': [n(100_000, '['), 'line-too-long', 4],
  'indented-list': [Array.from({ length: 200 }, (_, i) => `${n(i * 2, ' ')}- item`).join('\n'), 'nesting-too-deep', 4 + 64],
  'admonitions': [Array.from({ length: 100 }, (_, i) => `${n(i * 4, ' ')}!!! note`).join('\n'), 'nesting-too-deep', 4 + 32],
};

function writePosts(root: string): void {
  mkdirSync(path.join(root, 'posts'), { recursive: true });
  for (const [name, [body]] of Object.entries(pathological)) writeFileSync(path.join(root, 'posts', `${name}.md`), `---\ntitle: ${name}\n---\n${body}\n`);
  writeFileSync(path.join(root, 'posts', 'huge.md'), `---\ntitle: huge\n---\n${n(defaults.postBytes / 32 + 1, 'thirty-two bytes of plain text.\n')}`);
  writeFileSync(path.join(root, 'posts', 'js-front-matter.md'), '---js\n{ title: (function(){ return "x" })() }\n---\nbody\n');
  writeFileSync(path.join(root, 'posts', 'good.md'), '---\ntitle: 好文章\n---\n\n正文，一切正常。\n');
}

describe('limits before parsing', () => {
  it('turns every pathological post into one error at its line, and builds the good one', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'wxmp-limits-'));
    writePosts(root);
    const result = await runCli(['build', '--root', root, '--json'], { env: cleanEnv() });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { posts: { source: string; output: string; messages: { ruleId: string; line: number | null; severity: string; message: string }[] }[] };
    const errorsOf = (name: string) => report.posts.find((p) => p.source === `posts/${name}.md`)!.messages.filter((m) => m.severity === 'error');
    for (const [name, [, ruleId, line]] of Object.entries(pathological)) {
      expect(errorsOf(name).map((m) => [m.ruleId, m.line]), name).toEqual([[ruleId, line]]);
      expect(errorsOf(name)[0]!.message, name).toMatch(/over the limit of \d+|more than \d+ deep/);
      expect(errorsOf(name)[0]!.message, name).toMatch(/raise limits\.\w+ in wxmp\.config\.ts/);
    }
    expect(errorsOf('huge').map((m) => [m.ruleId, m.line])).toEqual([['post-too-large', 1]]);
    expect(errorsOf('js-front-matter').map((m) => [m.ruleId, m.line])).toContainEqual(['front-matter-syntax', 1]);
    expect(errorsOf('good')).toEqual([]);
  });

  it('a post that still defeats the renderer (limits raised in the config) is one error, not the end of the build', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'wxmp-limits-raised-'));
    mkdirSync(path.join(root, 'posts'));
    writeFileSync(path.join(root, 'wxmp.config.json'), JSON.stringify({ limits: { nesting: 1_000_000, lineChars: 1_000_000 } }));
    writeFileSync(path.join(root, 'posts', 'a-deep.md'), `---\ntitle: deep\n---\n${n(100_000, '<div>')}\n`);
    writeFileSync(path.join(root, 'posts', 'b-good.md'), '---\ntitle: good\n---\n\n正文\n');
    const result = await runCli(['build', '--root', root, '--json'], { env: cleanEnv() });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/unexpected error/);
    const report = JSON.parse(result.stdout) as { posts: { source: string; messages: { ruleId: string; severity: string; message: string }[] }[] };
    const deep = report.posts.find((p) => p.source === 'posts/a-deep.md')!;
    expect(deep.messages.filter((m) => m.severity === 'error').map((m) => m.ruleId)).toEqual(['render-failed']);
    expect(deep.messages[0]!.message).toMatch(/Maximum call stack size exceeded/);
    expect(report.posts.find((p) => p.source === 'posts/b-good.md')!.messages.filter((m) => m.severity === 'error')).toEqual([]);
  });
});

describe('checkContentLimits', () => {
  const limits = { lineChars: 100, nesting: 4 };
  it('passes real structure and counts fenced code for length only', () => {
    expect(checkContentLimits('> quote\n> > nested\n\n- a\n  - b\n    - c\n', limits)).toBeUndefined();
    expect(checkContentLimits('```\n> > > > > > > deep inside code\n```\n', limits)).toBeUndefined();
    expect(checkContentLimits('~~~~\n```\n> > > > > > still code\n~~~~\n', limits)).toBeUndefined();
    expect(checkContentLimits(`\`\`\`\n${n(101, 'x')}\n\`\`\`\n`, limits)?.ruleId).toBe('line-too-long');
  });

  it('counts quotes, bullets, ordered markers, admonitions and indentation, with the line and column', () => {
    expect(checkContentLimits('ok\n> - 1. > > x\n', limits)).toMatchObject({ ruleId: 'nesting-too-deep', line: 2 });
    expect(checkContentLimits(`${n(10, ' ')}- x\n`, limits)).toMatchObject({ ruleId: 'nesting-too-deep', line: 1 });
    expect(checkContentLimits('!!! a\n    !!! b\n        !!! c\n', limits)).toMatchObject({ ruleId: 'nesting-too-deep', line: 3 });
    expect(checkContentLimits('- - - - x\n', limits)).toBeUndefined();
    expect(checkContentLimits('- - - - - x\n', limits)).toMatchObject({ line: 1 });
    // A thematic break and emphasis are not list markers.
    expect(checkContentLimits('***\n*a* **b**\n1.5 is a number\n', limits)).toBeUndefined();
  });

  it('keeps every post of the corpus-like shapes under the defaults', () => {
    const chinese = `${n(400, '中文段落，')}\n`;
    expect(checkContentLimits(`${chinese}\n> 引用\n\n1. 一\n   - 二\n     - 三\n`, defaults)).toBeUndefined();
  });
});

/**
 * docs/security.md, "Reads stay in the project": a post names files, and every name that leads outside the project
 * (as written, URL-encoded, through a symlink, as a file: URL, in raw HTML, in a reference definition, as the cover or
 * a snippet) is an error at the post's line, and nothing outside is read or uploaded. Run as users run it: the CLI
 * process syncing to the emulator over HTTP.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { makeImage } from '../helpers/repo.js';

const APP = { appId: 'wxsec0000000000001', appSecret: 'security-secret-0123456789abcdef' };
const SECRET_TEXT = 'TOP-SECRET-OUTSIDE-THE-REPO';

let emulator: RunningEmulator;
let base: string;
let root: string;

/** Each case: a post whose line `line` names something outside the project, and the rule that must report it. */
const cases: { name: string; body: string; line: number; ruleId: string }[] = [];

beforeAll(async () => {
  base = mkdtempSync(path.join(tmpdir(), 'wxmp-sec-'));
  const outside = path.join(base, 'outside');
  root = path.join(base, 'repo');
  mkdirSync(outside);
  mkdirSync(path.join(root, 'posts', 'img'), { recursive: true });
  writeFileSync(path.join(outside, 'secret.png'), await makeImage(7));
  writeFileSync(path.join(outside, 'secret.txt'), `${SECRET_TEXT}\n`);
  writeFileSync(path.join(root, 'posts', 'img', 'cover.png'), await makeImage(8));
  symlinkSync(path.join(outside, 'secret.png'), path.join(root, 'posts', 'link.png'));
  symlinkSync(outside, path.join(root, 'posts', 'linked'));
  symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'posts', 'snip.txt'));
  // Front matter is 4 lines (---, title, cover, ---) then a blank line: the body starts at line 6.
  const add = (name: string, body: string, line: number, ruleId = 'image-outside-root') => cases.push({ name, body, line, ruleId });
  add('relative', '![a](../../outside/secret.png)', 6);
  add('file-url', `![a](file://${path.join(outside, 'secret.png')})`, 6);
  add('encoded', '![a](%2e%2e/%2e%2e/outside/secret.png)', 6);
  add('site-absolute', '![a](/../../outside/secret.png)', 6);
  add('raw-html', '<p><img src="../../outside/secret.png"></p>', 6);
  add('reference', 'text\n\n![a][r]\n\n[r]: ../../outside/secret.png', 8);
  add('symlink', '![a](link.png)', 6);
  add('symlinked-folder', '![a](linked/secret.png)', 6);
  add('etc-passwd', `![a](file:///etc/passwd) and ![b](${'../'.repeat(12)}etc/passwd)`, 6);
  add('snippet', '```text\n--8<-- "posts/snip.txt"\n```', 7, 'snippet-outside-root');
  for (const c of cases) {
    writeFileSync(path.join(root, 'posts', `${c.name}.md`), `---\ntitle: ${c.name}\ncover: ./img/cover.png\n---\n\n${c.body}\n`);
  }
  writeFileSync(path.join(root, 'posts', 'cover-outside.md'), '---\ntitle: cover\ncover: ../../outside/secret.png\n---\n\n正文\n');
  emulator = await startEmulator({ accounts: [APP] });
});

afterAll(async () => {
  await emulator?.close();
});

describe('a post cannot read outside the project', () => {
  it('reports every escape at its file:line, uploads nothing from outside, and syncs nothing broken', async () => {
    const env = cleanEnv({ WXMP_API_BASE: emulator.url, WECHAT_APP_ID: APP.appId, WECHAT_APP_SECRET: APP.appSecret, XDG_CACHE_HOME: path.join(base, 'cache') });
    const result = await runCli(['sync', '--root', root, '--json'], { env });
    expect(result.code).not.toBe(0);
    const report = JSON.parse(result.stdout) as { posts: { source: string; messages: { line: number | null; ruleId: string; severity: string; message: string }[] }[] };
    for (const c of cases) {
      const post = report.posts.find((p) => p.source === `posts/${c.name}.md`);
      const errors = post?.messages.filter((m) => m.severity === 'error') ?? [];
      expect(errors.map((m) => [m.ruleId, m.line]), c.name).toContainEqual([c.ruleId, c.line]);
      expect(errors.find((m) => m.ruleId === c.ruleId)?.message, c.name).toMatch(/outside the project folder|file: URL/);
    }
    const cover = report.posts.find((p) => p.source === 'posts/cover-outside.md');
    expect(cover?.messages.map((m) => [m.ruleId, m.line])).toContainEqual(['cover-outside-root', 3]);
    // Nothing reached WeChat: no upload of any kind, no draft.
    const calls = emulator.control.requests().map((r) => r.path);
    expect(calls.filter((p) => /uploadimg|add_material|draft\/add/.test(p))).toEqual([]);
    expect(result.stdout + result.stderr).not.toContain(SECRET_TEXT);
  });

  it('`wxmp build` reports the same errors and writes no outside file into the preview', async () => {
    const out = path.join(base, 'out');
    const result = await runCli(['build', '--root', root, '--out', out, '--json'], { env: cleanEnv() });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { posts: { source: string; messages: { ruleId: string }[] }[] };
    const snippet = report.posts.find((p) => p.source === 'posts/snippet.md');
    expect(snippet?.messages.map((m) => m.ruleId)).toContain('snippet-outside-root');
    expect(result.stdout).not.toContain(SECRET_TEXT);
  });
});

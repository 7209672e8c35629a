/** The CLI's edges, as a new user meets them: run as processes. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { cleanEnv, runCli, startCli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/repo.js';

const APP = { appId: 'wxedge000000000001', appSecret: 'edge-cli-secret-0123456789abcdef' };

describe('user errors, not crashes', () => {
  it('an unknown --theme lists the themes; a post\'s unknown theme is an error at its line', async () => {
    const root = await makeRepo({ posts: 1, extra: { 'themed.md': '---\ntitle: 主题\ntheme: nope\n---\n\n正文\n' } });
    const flag = await runCli(['build', '--root', root, '--theme', 'nope', '--out', path.join(root, 'o1')]);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toMatch(/Unknown theme "nope".*Available themes: .*default/);
    expect(flag.stderr).not.toMatch(/unexpected error/);
    const post = await runCli(['build', '--root', root, '--out', path.join(root, 'o2')]);
    expect(post.code).toBe(1);
    expect(post.stderr).toMatch(/posts\/themed\.md:3:1: error: Unknown theme "nope"/);
    expect(post.stderr).toMatch(/✓ posts\/post-000\.md/);
  });

  it('`wxmp --help | head -1` ends quietly when the reader closes the pipe', async () => {
    const { child, done } = startCli(['--help']);
    child.stdout!.once('data', () => child.stdout!.destroy());
    const result = await done;
    expect(result.stderr).not.toMatch(/EPIPE|Error/);
    expect(result.code === 0 || result.code === null).toBe(true);
  });

  it('reports every problem of a post in one run: a bad field, a YAML syntax error and a missing image together', async () => {
    const root = await makeRepo({
      posts: 0,
      extra: {
        'field.md': '---\ntitle: 字段\ncomments: maybe\n---\n\n![缺](./nope.png)\n',
        'syntax.md': '---\ntitle: [unclosed\n---\n\n![缺](./nope.png)\n',
      },
    });
    const plan = await runCli(['plan', '--root', root, '--json']);
    const posts = JSON.parse(plan.stdout).posts as { source: string; messages: { ruleId: string; line: number }[] }[];
    for (const [name, line] of [['field', 6], ['syntax', 5]] as const) {
      const rules = posts.find((p) => p.source === `posts/${name}.md`)!.messages.map((m) => [m.ruleId, m.line]);
      expect(rules, name).toContainEqual(['image-missing', line]);
      expect(rules.some(([rule]) => rule === 'front-matter-field' || rule === 'front-matter-syntax'), name).toBe(true);
    }
  });

  it('an empty repo says where it looked and how to point wxmp elsewhere', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'wxmp-empty-'));
    for (const command of ['build', 'plan']) {
      const result = await runCli([command, '--root', root]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/no posts match posts\/\*\*\/\*\.md/);
      expect(result.stderr).toMatch(/set `include` in wxmp\.config\.ts/);
    }
  });
});

describe('plan', () => {
  let emulator: RunningEmulator;
  let root: string;
  beforeAll(async () => {
    emulator = await startEmulator({ accounts: [APP] });
    root = await makeRepo({ posts: 2 });
    const env = cleanEnv({ WXMP_API_BASE: emulator.url, WECHAT_APP_ID: APP.appId, WECHAT_APP_SECRET: APP.appSecret, XDG_CACHE_HOME: path.join(root, '.cache') });
    expect((await runCli(['sync', '--root', root], { env })).code).toBe(0);
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('reads the committed lock without any secret (a pull request\'s plan), and speaks in the future tense', async () => {
    const unchanged = await runCli(['plan', '--root', root, '--json'], { env: cleanEnv() });
    expect(unchanged.code).toBe(0);
    const report = JSON.parse(unchanged.stdout);
    expect(report.summary).toMatchObject({ UNCHANGED: 2, CREATED: 0 });
    expect(report.lockFile).toBe('wxmp.lock.json');
    writeFileSync(path.join(root, 'posts', 'new.md'), '---\ntitle: 新文章\ncover: ./images/cover-0.jpg\n---\n\n正文\n');
    const text = await runCli(['plan', '--root', root], { env: cleanEnv() });
    expect(text.stderr).toMatch(/WILL CREATE\s+posts\/new\.md/);
    expect(text.stderr).toMatch(/Plan \(nothing sent\): 1 to create, 2 unchanged/);
    expect(text.stderr).not.toMatch(/SANDBOX/);
  });

  it('--json owns stdout on GitHub Actions (annotations go to stderr); -q works; --force is a sync option only', async () => {
    mkdirSync(path.join(root, 'posts', 'bad'), { recursive: true });
    writeFileSync(path.join(root, 'posts', 'bad', 'x.md'), '---\ntitle: 坏\ncomments: maybe\n---\n正文\n');
    const env = cleanEnv({ GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: root });
    const result = await runCli(['plan', '--root', root, '--json', '-q'], { env });
    expect(() => JSON.parse(result.stdout)).not.toThrow();
    expect(result.stderr).toMatch(/::error file=posts\/bad\/x\.md,line=3/);
    const help = await runCli(['plan', '--help']);
    expect(help.stdout).not.toMatch(/--force/);
    expect(help.stdout).toMatch(/-q, --quiet/);
    expect((await runCli(['sync', '--help'])).stdout).toMatch(/--force/);
  });
});

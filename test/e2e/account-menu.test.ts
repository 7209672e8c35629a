/** `wxmp menu show|set|delete` as processes against the emulator, error paths included. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runCli } from '../helpers/cli.js';
import { startAccountCli } from '../helpers/account-cli.js';

const APP = { appId: 'wxmenu000000000001', appSecret: 'menu-cli-secret-0123456789abcdef00' };
let emulator: RunningEmulator;
let root: string;
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runCli([...args, '--root', root], { env });
const file = (name: string, text: string) => {
  const target = path.join(root, name);
  writeFileSync(target, text);
  return target;
};
/** API calls the emulator saw (token calls included), without its own control endpoints. */
const apiCalls = () => emulator.control.requests().filter((r) => !r.path.startsWith('/__emulator'));

const GOOD_YAML = `# the account's menu
button:
  - name: 最新文章
    type: view
    url: https://mp.weixin.qq.com/s/abc
  - name: 更多
    sub_button:
      - name: 联系我们
        type: click
        key: CONTACT
      - name: 扫一扫
        type: scancode_push
        key: SCAN
  - name: 关于
    type: click
    key: ABOUT
`;

beforeAll(async () => {
  ({ emulator, root, env } = await startAccountCli(APP));
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => emulator.control.resetRequests());

// Every test runs the CLI several times; on a loaded machine one run can take seconds.
const SLOW = { timeout: 180_000 };

describe('wxmp menu set: checked before anything is sent', SLOW, () => {
  it('lists every problem of an invalid file with its path, and sends nothing (not even a token request)', async () => {
    const bad = file('bad-menu.yaml', `button:
  - name: 这个按钮的名字太长了超过十六字节
    type: click
    key: A
  - name: 更多
    sub_button:
      - { name: 一, type: view, url: "ftp://example.com/x" }
      - { name: 二, type: clik, key: B }
      - { name: ${'长'.repeat(21)}, type: click, key: C }
      - { name: 四, type: click }
      - { name: 五, type: miniprogram, url: "https://example.com", appid: nope, pagepath: pages/index }
      - { name: 六, type: click, key: F }
  - name: 链接
    type: view
`);
    const result = await cli('menu', 'set', bad);
    expect(result.code).toBe(1);
    const lines = [
      'button[0].name: 48 bytes, max 16',
      'button[1].sub_button: 6 sub-buttons, max 5',
      'button[1].sub_button[0].url: "ftp://example.com/x" is not an http(s) URL',
      'button[1].sub_button[1].type: "clik" is not a menu button type',
      'button[1].sub_button[2].name: 63 bytes, max 60',
      'button[1].sub_button[3].key: missing: a click button needs key',
      'button[1].sub_button[4].appid: "nope" is not a mini program AppID',
      'button[2].url: missing: a view button needs url',
    ];
    for (const line of lines) expect(result.stderr).toContain(line);
    expect(result.stderr).toMatch(/8 problems — nothing was sent/);
    expect(result.stderr).toContain('(errcode 40025)');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(apiCalls()).toEqual([]);
  });

  it('with --json the problems are JSON on stdout', async () => {
    const bad = file('four-buttons.json', JSON.stringify({ button: [1, 2, 3, 4].map((i) => ({ name: `b${i}`, type: 'click', key: `K${i}` })) }));
    const result = await cli('menu', 'set', bad, '--json');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({ ok: false, file: bad, problems: [{ path: 'button', message: '4 buttons: a menu has 1–3', errcode: 40016 }] });
    expect(apiCalls()).toEqual([]);
  });

  it('a file that is not YAML, or missing, is an error naming it', async () => {
    const broken = await cli('menu', 'set', file('broken.yaml', 'button: [\n  - name: x\n'));
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.yaml: not valid YAML:\n\s+line \d+, column \d+: /);
    const missing = await cli('menu', 'set', path.join(root, 'nope.yaml'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.yaml: no such file/);
    expect(apiCalls()).toEqual([]);
  });

  it('--dry-run shows the tree of a valid file and sends nothing', async () => {
    const result = await cli('menu', 'set', file('menu.yaml', GOOD_YAML), '--dry-run');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('├─ 最新文章  view  https://mp.weixin.qq.com/s/abc');
    expect(result.stdout).toContain('│  ├─ 联系我们  click  key=CONTACT');
    expect(result.stdout).toContain('│  └─ 扫一扫  scancode_push  key=SCAN');
    expect(result.stdout).toContain('└─ 关于  click  key=ABOUT');
    expect(result.stderr).toMatch(/nothing was sent/);
    expect(apiCalls()).toEqual([]);
  });
});

describe('wxmp menu set / show / delete', SLOW, () => {
  it('sets a menu from YAML and shows it back as a tree and as JSON; the JSON can be set again', async () => {
    const set = await cli('menu', 'set', file('menu.yaml', GOOD_YAML + 'extra: ignored\n'));
    expect(set.code).toBe(0);
    expect(set.stderr).toMatch(/menu set/);
    expect(apiCalls().filter((r) => r.path === '/cgi-bin/menu/create')).toHaveLength(1);

    const tree = await cli('menu', 'show');
    expect(tree.code).toBe(0);
    expect(tree.stdout).toMatch(/^menu \(menuid \d+\)\n├─ 最新文章  view  https:\/\/mp\.weixin\.qq\.com\/s\/abc\n├─ 更多\n│  ├─ 联系我们  click  key=CONTACT\n│  └─ 扫一扫  scancode_push  key=SCAN\n└─ 关于  click  key=ABOUT\n$/);

    const shown = await cli('menu', 'show', '--json');
    const json = JSON.parse(shown.stdout);
    expect(json.menu.button.map((b: { name: string }) => b.name)).toEqual(['最新文章', '更多', '关于']);
    expect(json.menu.button[1].sub_button[0]).toMatchObject({ type: 'click', name: '联系我们', key: 'CONTACT' });

    // `menu show --json` output (leaves carry `sub_button: []`, there is a menuid) goes back in unchanged.
    const again = await cli('menu', 'set', file('shown.json', shown.stdout), '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).menu.button).toHaveLength(3);
    expect(JSON.parse((await cli('menu', 'show', '--json')).stdout).menu.button).toEqual(json.menu.button);
  });

  it('a rule only WeChat can check comes back as the errcode, errmsg and a hint', async () => {
    const result = await cli('menu', 'set', file('media.yaml', 'button:\n  - { name: 素材, type: media_id, media_id: no-such-material }\n'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cgi-bin\/menu\/create: errcode 40007 invalid media_id/);
    expect(result.stderr).toMatch(/hint:/);
  });

  it('delete asks first: without --yes and without a terminal it refuses and the menu stays', async () => {
    expect((await cli('menu', 'set', file('menu.yaml', GOOD_YAML))).code).toBe(0);
    const refused = await cli('menu', 'delete');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Delete the menu \(最新文章 \/ 更多 \/ 关于, 2 sub-buttons\)\?/);
    expect(refused.stderr).toMatch(/pass --yes/);
    expect(apiCalls().filter((r) => r.path === '/cgi-bin/menu/delete')).toEqual([]);
    expect(JSON.parse((await cli('menu', 'show', '--json')).stdout).menu).not.toBeNull();

    const deleted = await cli('menu', 'delete', '--yes', '--json');
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout)).toEqual({ deleted: true, conditionalmenus: 0 });
    const none = await cli('menu', 'show');
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/No menu is set/);
    expect(JSON.parse((await cli('menu', 'show', '--json')).stdout)).toEqual({ menu: null });
    const again = await cli('menu', 'delete', '--yes');
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/nothing to delete/);
  });

  it('--help has examples', async () => {
    const help = await cli('menu', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:\n\s+wxmp menu show/);
  });
});

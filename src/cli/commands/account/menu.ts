/**
 * `wxmp menu show|set <file>|delete`: the account's custom menu (自定义菜单, docs/wechat-api.md §8).
 *
 * `set` reads YAML or JSON, checks every rule WeChat applies (src/wechat/menu-validate.ts) and lists every problem
 * with its path before anything is sent — no token is even fetched for an invalid file. `delete` asks first.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import type { MenuButton, MenuDefinition, MenuInfo } from '../../../wechat/api/menu.js';
import { MENU_KEY_TYPES, menuProblems, validateMenu, type CheckedMenuButton, type MenuProblem } from '../../../wechat/menu-validate.js';
import { accountOptions, confirm, withAccount, type AccountCliOptions } from '../../account.js';
import { printJson, UserError } from '../../output.js';

interface SetOptions extends AccountCliOptions {
  dryRun?: boolean;
}

interface DeleteOptions extends AccountCliOptions {
  yes?: boolean;
}

/** The fields a menu button may carry; anything else in the file is reported and not sent. */
const BUTTON_FIELDS = new Set(['name', 'type', 'key', 'url', 'media_id', 'article_id', 'appid', 'pagepath', 'sub_button']);

export function registerMenuCommands(program: Command): void {
  const menu = program
    .command('menu')
    .description('The account\'s custom menu (自定义菜单): show it, set it from a YAML/JSON file, or delete it')
    .addHelpText('after', `
A menu file (YAML or JSON): 1–3 buttons, each a leaf (name + type + its field) or a parent with 1–5 sub_button.
  button:
    - name: 最新文章                # ≤ 16 bytes at the top level (a Chinese character is 3 bytes)
      type: view
      url: https://mp.weixin.qq.com/s/xxxx
    - name: 更多
      sub_button:                   # ≤ 5 sub-buttons, names ≤ 60 bytes
        - { name: 联系我们, type: click, key: CONTACT }
        - { name: 小程序, type: miniprogram, appid: wx0123456789abcdef, pagepath: pages/index, url: https://example.com }
Types: click/scancode_*/pic_*/location_select need key (≤ 128 bytes); view and miniprogram need url (≤ 1024 bytes,
≤ 3 external domains); miniprogram also appid + pagepath; media_id/view_limited need media_id;
article_id/article_view_limited need article_id.

Examples:
  wxmp menu show                          # the current menu as a tree
  wxmp menu show --json > menu.json       # …as JSON (menu set takes it back)
  wxmp menu set menu.yaml --dry-run       # check the file and show the tree; nothing is sent
  wxmp menu set menu.yaml                 # replace the menu (every problem is listed before anything is sent)
  wxmp menu delete --yes                  # destructive: removes the menu and every conditional menu`);

  accountOptions(menu.command('show').description('Show the current menu (and conditional menus) as a tree'))
    .addHelpText('after', `
Examples:
  wxmp menu show
  wxmp menu show --json --account work`)
    .action(async (options: AccountCliOptions) => {
      await withAccount(options, 'wxmp menu show', async ({ client, call }) => {
        const info = await call(() => client.menu.get());
        if (options.json) return printJson(info ?? { menu: null });
        if (!info) {
          process.stderr.write('No menu is set (menu/get answered 46003). Set one with `wxmp menu set <file.yaml>`.\n');
          return;
        }
        printMenuInfo(info);
      });
    });

  accountOptions(
    menu
      .command('set')
      .argument('<file>', 'the menu: .yaml/.yml or .json ({"button": [...]}, a bare list of buttons, or `wxmp menu show --json` output)')
      .description('Replace the menu with the one in a YAML/JSON file (checked before anything is sent)')
      .option('--dry-run', 'only check the file and show the tree; send nothing'),
  )
    .addHelpText('after', `
Every problem is listed with its path, e.g. "button[1].sub_button[2].name: 63 bytes, max 60 (errcode 40025)"
(indices count from 0), and nothing is sent while there is one. Exit code 1 for an invalid file.

Examples:
  wxmp menu set menu.yaml --dry-run
  wxmp menu set menu.json --account work --json`)
    .action(async (file: string, options: SetOptions) => {
      const { body, warnings } = await readMenuFile(file);
      const problems = menuProblems(body);
      for (const warning of warnings) process.stderr.write(`${pc.yellow('warning:')} ${warning}\n`);
      if (problems.length > 0) {
        if (options.json) printJson({ ok: false, file, problems });
        throw new UserError(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} — nothing was sent:\n${problems.map(formatProblem).join('\n')}\n${pc.dim('See `wxmp menu --help` for the rules.')}`);
      }
      const check = validateMenu(body);
      if (!check.ok) throw new Error(`internal: the menu passed the checks but not validateMenu (${check.errcode})`);
      const menuBody: MenuDefinition = { button: check.buttons as MenuButton[] };
      if (options.dryRun) {
        if (options.json) return printJson({ ok: true, dryRun: true, menu: menuBody });
        printTree(menuBody.button);
        process.stderr.write(pc.dim(`${file} is a valid menu; --dry-run: nothing was sent.\n`));
        return;
      }
      await withAccount(options, 'wxmp menu set', async ({ client, call }) => {
        await call(() => client.menu.create(menuBody));
        if (options.json) return printJson({ ok: true, menu: menuBody });
        printTree(menuBody.button);
        process.stderr.write(`${pc.green('menu set')} from ${file} ${pc.dim('(phones show it when the chat is next opened, within about 5 minutes)')}\n`);
      });
    });

  accountOptions(menu.command('delete').description('Delete the menu and every conditional menu (asks first)').option('--yes', 'do not ask'))
    .addHelpText('after', `
Examples:
  wxmp menu delete          # asks on a terminal; refuses in a pipe or CI without --yes
  wxmp menu delete --yes`)
    .action(async (options: DeleteOptions) => {
      await withAccount(options, 'wxmp menu delete', async ({ client, call }) => {
        const info = await call(() => client.menu.get());
        if (!info) {
          if (options.json) return printJson({ deleted: false, reason: 'no menu' });
          process.stderr.write('No menu is set: nothing to delete.\n');
          return;
        }
        const conditional = info.conditionalmenu?.length ?? 0;
        const what = `the menu (${describeButtons(info.menu.button)})${conditional ? ` and ${conditional} conditional menu${conditional === 1 ? '' : 's'}` : ''}`;
        await confirm(`Delete ${what}? Followers will see no menu.`, options.yes);
        await call(() => client.menu.delete());
        if (options.json) return printJson({ deleted: true, conditionalmenus: conditional });
        process.stderr.write(`${pc.green('deleted')} ${what}\n`);
      });
    });
}

/** `button[1].sub_button[2].name: 21 bytes, max 16 (errcode 40018)` */
function formatProblem(problem: MenuProblem): string {
  return `  ${problem.path}: ${problem.message} ${pc.dim(`(errcode ${problem.errcode})`)}`;
}

/** Reads and parses a menu file into a `{"button": […]}` body (not yet checked), with warnings about ignored parts. */
async function readMenuFile(file: string): Promise<{ body: unknown; warnings: string[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(error)})`}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const ext = path.extname(file).toLowerCase();
  let data: unknown;
  if (ext === '.json') {
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new UserError(`${file}: not valid JSON: ${(error as Error).message}`);
    }
  } else {
    // YAML (also for other extensions: every JSON document is YAML too).
    // Loaded here: the CLI's other commands do not pay for the YAML parser at start-up.
    const { loadYaml, YamlError } = await import('../../../util/yaml.js');
    try {
      data = loadYaml(text);
    } catch (error) {
      if (!(error instanceof YamlError)) throw error;
      const at = error.line === undefined ? '' : `line ${error.line}, column ${error.column ?? 1}: `;
      throw new UserError(`${file}: not valid YAML:\n  ${at}${error.reason}`);
    }
  }
  const warnings: string[] = [];
  let body: unknown = data;
  if (Array.isArray(data)) body = { button: data };
  else if (isObject(data) && data.button === undefined && isObject(data.menu)) {
    // `wxmp menu show --json` output: the default menu; conditional menus are not set by menu/create.
    body = { button: data.menu.button };
    if (Array.isArray(data.conditionalmenu) && data.conditionalmenu.length > 0) {
      warnings.push(`${file}: its ${data.conditionalmenu.length} conditional menu(s) are ignored — menu set only sets the default menu`);
    }
  }
  if (isObject(body) && Array.isArray(body.button)) {
    body.button.forEach((button: unknown, i) => {
      unknownFields(button, `button[${i}]`, warnings);
      if (isObject(button) && Array.isArray(button.sub_button)) button.sub_button.forEach((sub: unknown, j) => unknownFields(sub, `button[${i}].sub_button[${j}]`, warnings));
    });
  }
  return { body, warnings };
}

function unknownFields(button: unknown, where: string, warnings: string[]): void {
  if (!isObject(button)) return;
  for (const key of Object.keys(button)) if (!BUTTON_FIELDS.has(key)) warnings.push(`${where}.${key}: not a menu button field, not sent`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function printMenuInfo(info: MenuInfo): void {
  process.stdout.write(`${pc.bold('menu')}${info.menu.menuid ? pc.dim(` (menuid ${info.menu.menuid})`) : ''}\n`);
  printTree(info.menu.button);
  for (const conditional of info.conditionalmenu ?? []) {
    const rule = Object.entries(conditional.matchrule ?? {})
      .filter(([, v]) => v !== '' && v !== undefined && v !== null)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
    process.stdout.write(`\n${pc.bold('conditional menu')}${conditional.menuid ? pc.dim(` (menuid ${conditional.menuid})`) : ''}${rule ? ` for ${rule}` : ''}\n`);
    printTree(conditional.button);
  }
}

/** The buttons as a tree: `├─ name  type  target`. */
export function printTree(buttons: readonly (MenuButton | CheckedMenuButton)[], out: NodeJS.WritableStream = process.stdout): void {
  buttons.forEach((button, i) => {
    const last = i === buttons.length - 1;
    const subs = button.sub_button ?? [];
    out.write(`${last ? '└─' : '├─'} ${pc.bold(button.name)}${subs.length > 0 ? '' : describeLeaf(button)}\n`);
    subs.forEach((sub, j) => {
      out.write(`${last ? '   ' : '│  '}${j === subs.length - 1 ? '└─' : '├─'} ${sub.name}${describeLeaf(sub)}\n`);
    });
  });
}

function describeLeaf(button: MenuButton | CheckedMenuButton): string {
  const type = button.type ?? '';
  let target = '';
  if (type && MENU_KEY_TYPES.has(type)) target = `key=${button.key ?? ''}`;
  else if (type === 'view') target = button.url ?? '';
  else if (type === 'miniprogram') target = `${button.appid ?? ''} ${button.pagepath ?? ''}${button.url ? ` (fallback ${button.url})` : ''}`;
  else if (type === 'media_id' || type === 'view_limited') target = `media_id=${button.media_id ?? ''}`;
  else if (type === 'article_id' || type === 'article_view_limited') target = `article_id=${button.article_id ?? ''}`;
  return `  ${pc.cyan(type)}${target ? `  ${pc.dim(target)}` : ''}`;
}

function describeButtons(buttons: readonly MenuButton[]): string {
  const subs = buttons.reduce((n, b) => n + (b.sub_button?.length ?? 0), 0);
  return `${buttons.map((b) => b.name).join(' / ')}${subs ? `, ${subs} sub-button${subs === 1 ? '' : 's'}` : ''}`;
}

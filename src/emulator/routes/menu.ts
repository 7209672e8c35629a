/**
 * Custom menus (wechat-api.md §8): `menu/create`, `menu/get`, `menu/delete` (GET), `get_current_selfmenu_info`.
 * Validation rules in ../logic/menu-validate.ts. The menu lives in `account.state.ext.menu`.
 */
import { json, ok, type EmuAccount, type EmuContext, type Route } from '../router.js';
import { menuForGet, selfMenuInfo, validateMenu, type MenuButton } from '../logic/menu-validate.js';
import { accountLookups } from '../logic/message-store.js';

export const MENU_ERRMSG: Readonly<Record<number, string>> = {
  40015: 'invalid button type',
  40016: 'invalid button size',
  40018: 'invalid button name size',
  40019: 'invalid button key size',
  40020: 'invalid button url size',
  40023: 'invalid sub button size',
  40024: 'invalid sub button type',
  40025: 'invalid sub button name size',
  40026: 'invalid sub button key size',
  40027: 'invalid sub button url size',
  45064: 'no permission to use weapp in menu',
  46003: 'menu no exist',
  65316: 'invalid url domain, too many domains in menu urls (at most 3)',
  65317: 'invalid url',
};

interface MenuState {
  buttons?: MenuButton[];
  menuid?: number;
  /** Counter for menuids (ints, like `menu/addconditional`'s 425787302, §1). */
  nextMenuId: number;
}

function menuState(account: EmuAccount): MenuState {
  return (account.state.ext.menu ??= { nextMenuId: 425_787_302 } satisfies MenuState) as MenuState;
}

function fail(ctx: EmuContext, errcode: number): never {
  return ctx.error(errcode, MENU_ERRMSG[errcode]);
}

export const menuRoutes: Route[] = [
  {
    method: 'POST',
    path: '/cgi-bin/menu/create',
    auth: 'token',
    body: 'json',
    dailyLimit: 1_000, // 自定义菜单创建 (§3.1)
    // Menus rejected \uXXXX escapes with 40033 (§1; callmez/yii2-wechat-sdk#1).
    unicodeEscapeErrcode: 40033,
    handle(req, ctx) {
      const account = ctx.account;
      const lookups = accountLookups(account, ctx.now());
      const checked = validateMenu(req.json, { mediaExists: lookups.materialExists, articleExists: lookups.articleExists });
      if (!checked.ok) fail(ctx, checked.errcode);
      const state = menuState(account);
      state.buttons = checked.buttons;
      state.menuid = state.nextMenuId;
      state.nextMenuId += 1;
      return ok();
    },
  },
  {
    method: 'GET',
    path: '/cgi-bin/menu/get',
    auth: 'token',
    body: 'none',
    dailyLimit: 10_000, // 自定义菜单查询 (§3.1)
    handle(_req, ctx) {
      const state = menuState(ctx.account);
      if (!state.buttons || state.menuid === undefined) fail(ctx, 46003);
      return json({ menu: menuForGet(state.buttons, state.menuid) });
    },
  },
  {
    method: 'GET',
    path: '/cgi-bin/menu/delete',
    auth: 'token',
    body: 'none',
    dailyLimit: 1_000, // 自定义菜单删除 (§3.1)
    handle(_req, ctx) {
      const state = menuState(ctx.account);
      delete state.buttons;
      delete state.menuid;
      return ok();
    },
  },
  {
    method: 'GET',
    path: '/cgi-bin/get_current_selfmenu_info',
    auth: 'token',
    body: 'none',
    handle(_req, ctx) {
      return json(selfMenuInfo(menuState(ctx.account).buttons));
    },
  },
];

/**
 * Custom menus (docs/wechat-api.md §8): `menu/create`, `menu/get`, `menu/delete` (GET), `get_current_selfmenu_info`,
 * and conditional menus (`menu/addconditional`, `delconditional`, `trymatch`).
 * Rules in ../logic/menu-*.ts; the menu lives in `AccountState.menu`.
 */
import { json, ok, type Route } from '../router.js';
import { menuState } from '../state.js';
import { selfMenuInfo } from '../logic/menu-validate.js';
import {
  addConditionalMenu,
  createMenu,
  deleteConditionalMenu,
  deleteMenu,
  menuGetBody,
  tryMatchMenu,
} from '../logic/menu-store.js';

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
      const acc = ctx.account.state;
      createMenu(acc, menuState(acc), req.json, ctx.now());
      return ok();
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/menu/addconditional',
    auth: 'token',
    body: 'json',
    dailyLimit: 2_000,
    unicodeEscapeErrcode: 40033,
    handle(req, ctx) {
      const acc = ctx.account.state;
      return json({ menuid: addConditionalMenu(acc, menuState(acc), req.json, ctx.now()) });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/menu/delconditional',
    auth: 'token',
    body: 'json',
    dailyLimit: 2_000,
    handle(req, ctx) {
      deleteConditionalMenu(menuState(ctx.account.state), req.json.menuid);
      return ok();
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/menu/trymatch',
    auth: 'token',
    body: 'json',
    dailyLimit: 20_000,
    handle(req, ctx) {
      const acc = ctx.account.state;
      return json({ button: tryMatchMenu(acc, menuState(acc), req.json.user_id, ctx.now()) });
    },
  },
  {
    method: 'GET',
    path: '/cgi-bin/menu/get',
    auth: 'token',
    body: 'none',
    dailyLimit: 10_000, // 自定义菜单查询 (§3.1)
    handle: (_req, ctx) => json(menuGetBody(menuState(ctx.account.state))),
  },
  {
    method: 'GET',
    path: '/cgi-bin/menu/delete',
    auth: 'token',
    body: 'none',
    dailyLimit: 1_000, // 自定义菜单删除 (§3.1)
    handle(_req, ctx) {
      deleteMenu(menuState(ctx.account.state));
      return ok();
    },
  },
  {
    method: 'GET',
    path: '/cgi-bin/get_current_selfmenu_info',
    auth: 'token',
    body: 'none',
    handle: (_req, ctx) => json(selfMenuInfo(menuState(ctx.account.state).buttons)),
  },
];

/**
 * Custom menus (wechat-api.md §8): `menu/create`, `menu/get`, `menu/delete` (GET), `get_current_selfmenu_info`,
 * and conditional menus (`menu/addconditional`, `delconditional`, `trymatch`).
 * Validation rules in ../logic/menu-validate.ts. The menu lives in `account.state.ext.menu`.
 */
import { intField, json, ok, type EmuAccount, type EmuContext, type Route } from '../router.js';
import { menuForGet, selfMenuInfo, validateMenu, type MenuButton } from '../logic/menu-validate.js';
import { accountLookups } from '../logic/message-store.js';
import { matchMenu, validateMatchRule, type ConditionalMenu } from '../logic/menu-conditional.js';
import { followersOf } from '../logic/user-store.js';
import { isValidOpenId } from '../logic/user-followers.js';

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
  65301: 'no such conditional menu',
  65302: 'no such user',
  65303: 'no default menu, can not create conditional menu',
  65304: 'match rule empty',
  65320: 'matchrule field not allowed for privacy reasons',
  65316: 'invalid url domain, too many domains in menu urls (at most 3)',
  65317: 'invalid url',
};

interface MenuState {
  buttons?: MenuButton[];
  menuid?: number;
  /** Counter for menuids (ints, like `menu/addconditional`'s 425787302, §1). */
  nextMenuId: number;
  conditional?: ConditionalMenu[];
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
    method: 'POST',
    path: '/cgi-bin/menu/addconditional',
    auth: 'token',
    body: 'json',
    dailyLimit: 2_000,
    unicodeEscapeErrcode: 40033,
    handle(req, ctx) {
      const account = ctx.account;
      const state = menuState(account);
      if (!state.buttons) fail(ctx, 65303);
      const lookups = accountLookups(account, ctx.now());
      const checked = validateMenu(req.json, { mediaExists: lookups.materialExists, articleExists: lookups.articleExists });
      if (!checked.ok) fail(ctx, checked.errcode);
      const rule = validateMatchRule(req.json.matchrule);
      if ('errcode' in rule) fail(ctx, rule.errcode);
      const menuid = state.nextMenuId;
      state.nextMenuId += 1;
      (state.conditional ??= []).push({ menuid, buttons: checked.buttons, matchrule: rule });
      return json({ menuid });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/menu/delconditional',
    auth: 'token',
    body: 'json',
    dailyLimit: 2_000,
    handle(req, ctx) {
      const state = menuState(ctx.account);
      const menuid = intField(req.json.menuid);
      const index = (state.conditional ?? []).findIndex((m) => m.menuid === menuid);
      if (index < 0) fail(ctx, 65301);
      state.conditional!.splice(index, 1);
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
      const state = menuState(ctx.account);
      if (!state.buttons) fail(ctx, 46003);
      const { directory } = followersOf(ctx.account, ctx.now());
      const userId = req.json.user_id;
      // user_id is an openid or a 微信号.
      const openid =
        typeof userId !== 'string' ? undefined : isValidOpenId(userId) ? userId : directory.openIdForWxname(userId);
      const user = openid ? directory.get(openid) : undefined;
      if (!user || !user.subscribed) fail(ctx, 65302);
      return json({ button: menuForGet(matchMenu(state.conditional ?? [], state.buttons, user.tagIds), 0).button });
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
      const body: Record<string, unknown> = { menu: menuForGet(state.buttons, state.menuid) };
      if (state.conditional?.length) {
        body.conditionalmenu = state.conditional.map((m) => ({ ...menuForGet(m.buttons, m.menuid), matchrule: m.matchrule }));
      }
      return json(body);
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
      // Deleting the menu also deletes every conditional menu (§8).
      delete state.conditional;
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

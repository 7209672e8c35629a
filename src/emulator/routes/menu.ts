/**
 * Custom menus (wechat-api.md §8): `menu/create`, `menu/get`, `menu/delete` (GET), `get_current_selfmenu_info`,
 * and conditional menus (`menu/addconditional`, `delconditional`, `trymatch`).
 * Validation rules in ../logic/menu-validate.ts. The menu lives in `account.state.ext.menu`.
 */
import { EmuError } from '../errors.js';
import { intField, json, ok, type EmuAccount, type EmuContext, type Route } from '../router.js';
import { menuForGet, selfMenuInfo, validateMenu, type MenuButton } from '../logic/menu-validate.js';
import { accountLookups } from '../logic/message-store.js';
import { matchMenu, validateMatchRule, type ConditionalMenu } from '../logic/menu-conditional.js';
import { followersOf } from '../logic/user-store.js';
import { isValidOpenId } from '../logic/user-followers.js';

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
      if (!checked.ok) throw new EmuError(checked.errcode);
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
      if (!state.buttons) throw new EmuError(65303);
      const lookups = accountLookups(account, ctx.now());
      const checked = validateMenu(req.json, { mediaExists: lookups.materialExists, articleExists: lookups.articleExists });
      if (!checked.ok) throw new EmuError(checked.errcode);
      const rule = validateMatchRule(req.json.matchrule);
      if ('errcode' in rule) throw new EmuError(rule.errcode);
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
      if (index < 0) throw new EmuError(65301);
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
      if (!state.buttons) throw new EmuError(46003);
      const { directory } = followersOf(ctx.account, ctx.now());
      const userId = req.json.user_id;
      // user_id is an openid or a 微信号.
      const openid =
        typeof userId !== 'string' ? undefined : isValidOpenId(userId) ? userId : directory.openIdForWxname(userId);
      const user = openid ? directory.get(openid) : undefined;
      if (!user || !user.subscribed) throw new EmuError(65302);
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
      if (!state.buttons || state.menuid === undefined) throw new EmuError(46003);
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

/**
 * An account's custom menus (docs/wechat-api.md §8): the default menu, its menuid, and the conditional menus, kept in
 * `AccountState.menu` (created by `menuState()` in state.ts). The button rules live in menu-validate.ts, matchrules
 * in menu-conditional.ts; this module applies them to the stored state.
 */
import { EmuError } from '../errors.js';
import { intField } from '../router.js';
import type { AccountState } from '../state.js';
import { matchMenu, validateMatchRule, type ConditionalMenu } from './menu-conditional.js';
import { menuForGet, validateMenu, type MenuButton } from './menu-validate.js';
import { accountLookups } from './message-store.js';
import { isValidOpenId } from './user-followers.js';
import { followersOf } from './user-store.js';

export interface MenuState {
  buttons?: MenuButton[];
  menuid?: number;
  /** Counter for menuids (ints, like `menu/addconditional`'s 425787302, §1). */
  nextMenuId: number;
  conditional?: ConditionalMenu[];
}

export function createMenuState(): MenuState {
  return { nextMenuId: 425_787_302 };
}

/** The buttons of a `menu/create` or `menu/addconditional` body, checked against the account's media and articles. */
function checkedButtons(acc: AccountState, body: unknown, nowMs: number): MenuButton[] {
  const lookups = accountLookups(acc, nowMs);
  const checked = validateMenu(body, { mediaExists: lookups.materialExists, articleExists: lookups.articleExists });
  if (!checked.ok) throw new EmuError(checked.errcode);
  return checked.buttons;
}

function allocateMenuId(state: MenuState): number {
  const menuid = state.nextMenuId;
  state.nextMenuId += 1;
  return menuid;
}

/** `menu/create`: replaces the default menu (the conditional menus stay). */
export function createMenu(acc: AccountState, state: MenuState, body: unknown, nowMs: number): void {
  state.buttons = checkedButtons(acc, body, nowMs);
  state.menuid = allocateMenuId(state);
}

/** `menu/addconditional`: needs a default menu (65303) and a valid matchrule; returns the new menuid. */
export function addConditionalMenu(acc: AccountState, state: MenuState, body: Record<string, unknown>, nowMs: number): number {
  if (!state.buttons) throw new EmuError(65303);
  const buttons = checkedButtons(acc, body, nowMs);
  const rule = validateMatchRule(body.matchrule);
  if ('errcode' in rule) throw new EmuError(rule.errcode);
  const menuid = allocateMenuId(state);
  (state.conditional ??= []).push({ menuid, buttons, matchrule: rule });
  return menuid;
}

/** `menu/delconditional`: 65301 for an unknown menuid. */
export function deleteConditionalMenu(state: MenuState, menuidValue: unknown): void {
  const menuid = intField(menuidValue);
  const index = (state.conditional ?? []).findIndex((m) => m.menuid === menuid);
  if (index < 0) throw new EmuError(65301);
  state.conditional!.splice(index, 1);
}

/** `menu/delete`: the default menu and, with it, every conditional menu (§8). */
export function deleteMenu(state: MenuState): void {
  delete state.buttons;
  delete state.menuid;
  delete state.conditional;
}

/** `menu/get`'s body: the default menu and the conditional ones; 46003 without a menu. */
export function menuGetBody(state: MenuState): Record<string, unknown> {
  if (!state.buttons || state.menuid === undefined) throw new EmuError(46003);
  const body: Record<string, unknown> = { menu: menuForGet(state.buttons, state.menuid) };
  if (state.conditional?.length) {
    body.conditionalmenu = state.conditional.map((m) => ({ ...menuForGet(m.buttons, m.menuid), matchrule: m.matchrule }));
  }
  return body;
}

/**
 * `menu/trymatch`: the buttons a user (an openid or a 微信号) would see — 46003 without a menu, 65302 for someone
 * who does not follow the account.
 */
export function tryMatchMenu(acc: AccountState, state: MenuState, userId: unknown, nowMs: number): unknown[] {
  if (!state.buttons) throw new EmuError(46003);
  const { directory } = followersOf(acc, nowMs);
  const openid =
    typeof userId !== 'string' ? undefined : isValidOpenId(userId) ? userId : directory.openIdForWxname(userId);
  const user = openid ? directory.get(openid) : undefined;
  if (!user || !user.subscribed) throw new EmuError(65302);
  return menuForGet(matchMenu(state.conditional ?? [], state.buttons, user.tagIds), 0).button;
}

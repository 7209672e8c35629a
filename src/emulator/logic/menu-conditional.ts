/**
 * Conditional (personalised) menus, `menu/addconditional` / `delconditional` / `trymatch` (docs/wechat-api.md §8).
 * A conditional menu needs a default menu first (65303), a non-empty `matchrule` (65304), and since the 2021
 * privacy change WeChat refuses matchrules on sex/country/province/city/language (65320). The emulator
 * matches on `tag_id` and `client_platform_type`.
 */
import type { MenuButton } from './menu-validate.js';

export interface MatchRule {
  tag_id?: string;
  client_platform_type?: string;
}

export interface ConditionalMenu {
  menuid: number;
  buttons: MenuButton[];
  matchrule: MatchRule;
}

const PRIVACY_FIELDS = ['sex', 'country', 'province', 'city', 'language'];

export function validateMatchRule(value: unknown): MatchRule | { errcode: number } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { errcode: 65304 };
  const rule = value as Record<string, unknown>;
  for (const field of PRIVACY_FIELDS) {
    if (rule[field] !== undefined && rule[field] !== '') return { errcode: 65320 };
  }
  const out: MatchRule = {};
  const tag = rule.tag_id;
  if (tag !== undefined && tag !== '') {
    if (!/^\d+$/.test(String(tag))) return { errcode: 47001 };
    out.tag_id = String(tag);
  }
  const platform = rule.client_platform_type;
  if (platform !== undefined && platform !== '') {
    // 1 iOS, 2 Android, 3 others.
    if (!['1', '2', '3'].includes(String(platform))) return { errcode: 47001 };
    out.client_platform_type = String(platform);
  }
  if (Object.keys(out).length === 0) return { errcode: 65304 };
  return out;
}

/**
 * The menu a user sees: the most recently added conditional menu whose `tag_id` the user carries (a platform-only
 * rule matches everyone, the emulator has no device), else the default.
 */
export function matchMenu(
  conditional: readonly ConditionalMenu[],
  defaultButtons: MenuButton[],
  userTagIds: readonly number[],
): MenuButton[] {
  for (let i = conditional.length - 1; i >= 0; i--) {
    const menu = conditional[i]!;
    const tag = menu.matchrule.tag_id;
    if (tag === undefined || userTagIds.includes(Number(tag))) return menu.buttons;
  }
  return defaultButtons;
}

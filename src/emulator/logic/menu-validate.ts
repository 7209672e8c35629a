/**
 * The emulator's menu shapes (docs/wechat-api.md §8): what `menu/get` and `get_current_selfmenu_info` answer. The button
 * rules themselves are shared with the client side and live in src/wechat/menu-validate.ts.
 */
import type { CheckedMenuButton as MenuButton } from '../../wechat/menu-validate.js';

export {
  MENU_BUTTON_TYPES,
  MENU_LIMITS,
  utf8Bytes,
  validateMenu,
  type CheckedMenuButton as MenuButton,
  type MenuButtonType,
  type MenuCheck,
  type MenuLookups,
} from '../../wechat/menu-validate.js';

/** `menu/get` shape: every button, leaf or not, carries a `sub_button` array (§8). */
export function menuForGet(buttons: readonly MenuButton[], menuid: number): { button: unknown[]; menuid: number } {
  const withSubs = (b: MenuButton): Record<string, unknown> => {
    const { sub_button, ...rest } = b;
    return { ...rest, sub_button: (sub_button ?? []).map(withSubs) };
  };
  return { button: buttons.map(withSubs), menuid };
}

/**
 * `get_current_selfmenu_info` shape: parents carry `sub_button: {list: […]}`; leaves keep their API fields
 * (`key`/`url`/…) — menus set through the API come back with the same types.
 */
export function selfMenuInfo(buttons: readonly MenuButton[] | undefined): {
  is_menu_open: 0 | 1;
  selfmenu_info: { button: unknown[] };
} {
  if (!buttons || buttons.length === 0) return { is_menu_open: 0, selfmenu_info: { button: [] } };
  return {
    is_menu_open: 1,
    selfmenu_info: {
      button: buttons.map((b) =>
        b.sub_button ? { name: b.name, sub_button: { list: b.sub_button.map((s) => ({ ...s })) } } : { ...b },
      ),
    },
  };
}

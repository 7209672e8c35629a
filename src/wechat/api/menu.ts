import type { ApiContext } from './context.js';
import { WeChatError } from '../errors.js';

export interface MenuButton {
  name: string;
  type?: string;
  key?: string;
  url?: string;
  media_id?: string;
  article_id?: string;
  appid?: string;
  pagepath?: string;
  sub_button?: MenuButton[];
}

export interface MenuDefinition {
  button: MenuButton[];
}

export interface MenuInfo {
  menu: MenuDefinition & { menuid?: string };
  conditionalmenu?: (MenuDefinition & { matchrule?: Record<string, unknown>; menuid?: string })[];
}

/** `cgi-bin/menu/*` (docs/wechat-api.md §8). */
export class MenuApi {
  constructor(private readonly ctx: ApiContext) {}

  /** 1–3 buttons with ≤ 5 sub-buttons; names ≤ 16 / 60 UTF-8 bytes. */
  async create(menu: MenuDefinition): Promise<void> {
    await this.ctx.call({ path: 'cgi-bin/menu/create', method: 'POST', json: menu });
  }

  /** The current menu, or null when none exists (46003). */
  async get(): Promise<MenuInfo | null> {
    try {
      const res = await this.ctx.call<MenuInfo>({ path: 'cgi-bin/menu/get', method: 'GET' });
      if (res.menu && res.menu.menuid !== undefined) res.menu.menuid = String(res.menu.menuid);
      for (const m of res.conditionalmenu ?? []) if (m.menuid !== undefined) m.menuid = String(m.menuid);
      return res;
    } catch (error) {
      if (error instanceof WeChatError && error.errcode === 46003) return null;
      throw error;
    }
  }

  /** Delete the menu (and all conditional menus). A GET endpoint. */
  async delete(): Promise<void> {
    await this.ctx.call({ path: 'cgi-bin/menu/delete', method: 'GET' });
  }
}

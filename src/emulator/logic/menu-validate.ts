/**
 * `menu/create` validation and normalisation (wechat-api.md §8).
 *
 * Rules: 1–3 top-level buttons (40016), 1–5 sub_buttons (40023); a button has either `type` or `sub_button`;
 * names ≤16 UTF-8 bytes top / ≤60 bytes sub (40018 / 40025; Chinese is 3 bytes per character); key ≤128 bytes
 * (40019 / 40026); url ≤1024 bytes (40020 / 40027); unknown type 40015 / 40024; ≤3 external domains across the
 * URLs (65316); a URL that is not http(s) 65317. Errcodes for the top level and the sub level differ as listed.
 * `sub_button: []` next to a `type` is accepted — that is how `menu/get` returns leaves, so a get → create round
 * trip must work.
 */

export const MENU_LIMITS = {
  topButtons: 3,
  subButtons: 5,
  topNameBytes: 16,
  subNameBytes: 60,
  keyBytes: 128,
  urlBytes: 1024,
  externalDomains: 3,
} as const;

export const MENU_BUTTON_TYPES = [
  'click',
  'view',
  'scancode_push',
  'scancode_waitmsg',
  'pic_sysphoto',
  'pic_photo_or_album',
  'pic_weixin',
  'location_select',
  'media_id',
  'view_limited',
  'article_id',
  'article_view_limited',
  'miniprogram',
] as const;
export type MenuButtonType = (typeof MENU_BUTTON_TYPES)[number];

const KEY_TYPES = new Set<string>([
  'click',
  'scancode_push',
  'scancode_waitmsg',
  'pic_sysphoto',
  'pic_photo_or_album',
  'pic_weixin',
  'location_select',
]);

/** A stored button, only the documented fields. */
export interface MenuButton {
  type?: MenuButtonType;
  name: string;
  key?: string;
  url?: string;
  media_id?: string;
  article_id?: string;
  appid?: string;
  pagepath?: string;
  sub_button?: MenuButton[];
}

/** Per-level errcodes: [top, sub]. */
const CODES = {
  type: [40015, 40024],
  name: [40018, 40025],
  key: [40019, 40026],
  url: [40020, 40027],
} as const;

export interface MenuLookups {
  mediaExists?: (mediaId: string) => boolean;
  articleExists?: (articleId: string) => boolean;
}

export type MenuCheck = { ok: true; buttons: MenuButton[] } | { ok: false; errcode: number };

export function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/** Hosts inside WeChat do not count as "external" domains. */
function isWeChatHost(host: string): boolean {
  return host === 'weixin.qq.com' || host.endsWith('.weixin.qq.com');
}

function parseHttpUrl(value: string): URL | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

export function validateMenu(body: unknown, lookups: MenuLookups = {}): MenuCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, errcode: 47001 };
  const buttons = (body as { button?: unknown }).button;
  if (buttons === undefined) return { ok: false, errcode: 40016 };
  if (!Array.isArray(buttons)) return { ok: false, errcode: 47001 };
  if (buttons.length < 1 || buttons.length > MENU_LIMITS.topButtons) return { ok: false, errcode: 40016 };

  const domains = new Set<string>();
  const out: MenuButton[] = [];
  for (const raw of buttons) {
    const subs = (raw as { sub_button?: unknown } | null)?.sub_button;
    const hasSubs = Array.isArray(subs) ? subs.length > 0 : subs !== undefined && subs !== null;
    if (!hasSubs) {
      const leaf = checkLeaf(raw, 0, domains, lookups);
      if (typeof leaf === 'number') return { ok: false, errcode: leaf };
      out.push(leaf);
      continue;
    }
    const button = raw as Record<string, unknown>;
    const name = checkName(button.name, 0);
    if (typeof name === 'number') return { ok: false, errcode: name };
    // A parent has sub_button instead of a type: both at once is an invalid button type.
    if (button.type !== undefined) return { ok: false, errcode: CODES.type[0] };
    if (!Array.isArray(subs) || subs.length > MENU_LIMITS.subButtons) return { ok: false, errcode: 40023 };
    const children: MenuButton[] = [];
    for (const sub of subs) {
      const nested = (sub as { sub_button?: unknown } | null)?.sub_button;
      // Only two levels exist: a sub-button with its own children is an invalid sub-button type.
      if (Array.isArray(nested) && nested.length > 0) return { ok: false, errcode: CODES.type[1] };
      const leaf = checkLeaf(sub, 1, domains, lookups);
      if (typeof leaf === 'number') return { ok: false, errcode: leaf };
      children.push(leaf);
    }
    out.push({ name, sub_button: children });
  }
  return { ok: true, buttons: out };
}

function checkName(value: unknown, level: 0 | 1): string | number {
  const limit = level === 0 ? MENU_LIMITS.topNameBytes : MENU_LIMITS.subNameBytes;
  if (typeof value !== 'string' || value.length === 0 || utf8Bytes(value) > limit) return CODES.name[level];
  return value;
}

/** A leaf button at `level` (0 top, 1 sub) → the normalised button or an errcode. */
function checkLeaf(raw: unknown, level: 0 | 1, domains: Set<string>, lookups: MenuLookups): MenuButton | number {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 47001;
  const button = raw as Record<string, unknown>;
  const name = checkName(button.name, level);
  if (typeof name === 'number') return name;
  const type = button.type;
  if (typeof type !== 'string' || !(MENU_BUTTON_TYPES as readonly string[]).includes(type)) return CODES.type[level];
  const out: MenuButton = { type: type as MenuButtonType, name };

  if (KEY_TYPES.has(type)) {
    const key = button.key;
    if (typeof key !== 'string' || key.length === 0 || utf8Bytes(key) > MENU_LIMITS.keyBytes) return CODES.key[level];
    out.key = key;
  }
  if (type === 'view' || type === 'miniprogram') {
    const url = button.url;
    if (typeof url !== 'string' || url.length === 0 || utf8Bytes(url) > MENU_LIMITS.urlBytes) return CODES.url[level];
    const parsed = parseHttpUrl(url);
    if (!parsed) return 65317;
    const host = parsed.hostname.toLowerCase();
    if (!isWeChatHost(host)) {
      domains.add(host);
      if (domains.size > MENU_LIMITS.externalDomains) return 65316;
    }
    out.url = url;
  }
  if (type === 'miniprogram') {
    // Only a linked mini program may be used (45064); the emulator treats any well-formed appid as linked.
    if (typeof button.appid !== 'string' || !/^wx[0-9a-zA-Z]{16}$/.test(button.appid)) return 45064;
    if (typeof button.pagepath !== 'string' || button.pagepath.length === 0) return 47001;
    out.appid = button.appid;
    out.pagepath = button.pagepath;
  }
  if (type === 'media_id' || type === 'view_limited') {
    const mediaId = button.media_id;
    if (typeof mediaId !== 'string' || mediaId.length === 0) return 40007;
    if (lookups.mediaExists && !lookups.mediaExists(mediaId)) return 40007;
    out.media_id = mediaId;
  }
  if (type === 'article_id' || type === 'article_view_limited') {
    const articleId = button.article_id;
    if (typeof articleId !== 'string' || articleId.length === 0) return 53600;
    if (lookups.articleExists && !lookups.articleExists(articleId)) return 53600;
    out.article_id = articleId;
  }
  return out;
}

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

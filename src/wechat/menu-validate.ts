/**
 * The rules of a custom menu (`menu/create`, docs/wechat-api.md §8), as one pure walk shared by the client side
 * (`wxmp menu set` lists every problem before sending anything) and the emulator (which answers the errcode of the
 * first one, as WeChat does).
 *
 * Rules: 1–3 top-level buttons (40016), 1–5 sub_buttons (40023); a button has either `type` or `sub_button`;
 * names ≤16 UTF-8 bytes top / ≤60 bytes sub (40018 / 40025; Chinese is 3 bytes per character); key ≤128 bytes
 * (40019 / 40026); url ≤1024 bytes (40020 / 40027); unknown type 40015 / 40024; ≤3 external domains across the
 * URLs (65316); a URL that is not http(s) 65317. Errcodes for the top level and the sub level differ as listed.
 * `sub_button: []` next to a `type` is accepted — that is how `menu/get` returns leaves, so a get → create round
 * trip must work.
 */
import type { MenuButton } from './api/menu.js';

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

/** Types whose button sends a `key` to the account's server. */
export const MENU_KEY_TYPES: ReadonlySet<string> = new Set<string>([
  'click',
  'scancode_push',
  'scancode_waitmsg',
  'pic_sysphoto',
  'pic_photo_or_album',
  'pic_weixin',
  'location_select',
]);

/** A button that passed the rules: the documented fields of a MenuButton, with a known `type`. */
export interface CheckedMenuButton extends Omit<MenuButton, 'type' | 'sub_button'> {
  type?: MenuButtonType;
  sub_button?: CheckedMenuButton[];
}

/** Per-level errcodes: [top, sub]. */
const CODES = {
  type: [40015, 40024],
  name: [40018, 40025],
  key: [40019, 40026],
  url: [40020, 40027],
} as const;

/** Existence checks only the server side can make (the emulator passes them; the CLI cannot know). */
export interface MenuLookups {
  mediaExists?: (mediaId: string) => boolean;
  articleExists?: (articleId: string) => boolean;
}

/** One broken rule: where (`button[1].sub_button[2].name`), what, and the errcode WeChat answers for it. */
export interface MenuProblem {
  path: string;
  message: string;
  errcode: number;
}

export type MenuCheck = { ok: true; buttons: CheckedMenuButton[] } | { ok: false; errcode: number };

export function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/** Every problem of a `{"button": […]}` body, in the order WeChat checks them; empty when it can be sent. */
export function menuProblems(body: unknown, lookups: MenuLookups = {}): MenuProblem[] {
  return walkMenu(body, lookups).problems;
}

/** The emulator's view: the errcode of the first problem, or the normalised buttons. */
export function validateMenu(body: unknown, lookups: MenuLookups = {}): MenuCheck {
  const { problems, buttons } = walkMenu(body, lookups);
  return problems[0] ? { ok: false, errcode: problems[0].errcode } : { ok: true, buttons };
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

class Walk {
  readonly problems: MenuProblem[] = [];
  /** External hosts seen so far, in order. */
  readonly domains: string[] = [];
  private domainsReported = false;

  constructor(readonly lookups: MenuLookups) {}

  add(path: string, message: string, errcode: number): void {
    this.problems.push({ path, message, errcode });
  }

  addDomain(host: string, path: string): void {
    if (this.domains.includes(host)) return;
    this.domains.push(host);
    if (this.domains.length > MENU_LIMITS.externalDomains && !this.domainsReported) {
      this.domainsReported = true;
      this.add(path, `a ${this.domains.length}th external domain (${this.domains.join(', ')}): menu URLs may use at most ${MENU_LIMITS.externalDomains}`, 65316);
    }
  }
}

function walkMenu(body: unknown, lookups: MenuLookups): { problems: MenuProblem[]; buttons: CheckedMenuButton[] } {
  const walk = new Walk(lookups);
  const out: CheckedMenuButton[] = [];
  if (!isObject(body)) {
    walk.add('(menu)', 'must be an object {"button": [...]}', 47001);
    return { problems: walk.problems, buttons: out };
  }
  const buttons = body.button;
  if (buttons === undefined) {
    walk.add('button', 'missing: a menu is {"button": [1–3 buttons]}', 40016);
    return { problems: walk.problems, buttons: out };
  }
  if (!Array.isArray(buttons)) {
    walk.add('button', `must be a list of buttons (got ${show(buttons)})`, 47001);
    return { problems: walk.problems, buttons: out };
  }
  if (buttons.length < 1 || buttons.length > MENU_LIMITS.topButtons) {
    walk.add('button', `${buttons.length} buttons: a menu has 1–${MENU_LIMITS.topButtons}`, 40016);
  }

  buttons.forEach((raw: unknown, i) => {
    const path = `button[${i}]`;
    const subs = isObject(raw) ? raw.sub_button : undefined;
    const hasSubs = Array.isArray(subs) ? subs.length > 0 : subs !== undefined && subs !== null;
    if (!hasSubs) {
      const leaf = checkLeaf(raw, 0, path, walk);
      if (leaf) out.push(leaf);
      return;
    }
    const button = raw as Record<string, unknown>;
    const name = checkName(button.name, 0, path, walk);
    let ok = name !== undefined;
    // A parent has sub_button instead of a type: both at once is an invalid button type.
    if (button.type !== undefined) {
      walk.add(`${path}.type`, 'a button with sub_button takes no type: remove one of them', CODES.type[0]);
      ok = false;
    }
    if (!Array.isArray(subs)) {
      walk.add(`${path}.sub_button`, `must be a list of 1–${MENU_LIMITS.subButtons} buttons (got ${show(subs)})`, 40023);
      return;
    }
    if (subs.length > MENU_LIMITS.subButtons) {
      walk.add(`${path}.sub_button`, `${subs.length} sub-buttons, max ${MENU_LIMITS.subButtons}`, 40023);
      ok = false;
    }
    const children: CheckedMenuButton[] = [];
    subs.forEach((sub: unknown, j) => {
      const subPath = `${path}.sub_button[${j}]`;
      const nested = isObject(sub) ? sub.sub_button : undefined;
      // Only two levels exist: a sub-button with its own children is an invalid sub-button type.
      if (Array.isArray(nested) && nested.length > 0) {
        walk.add(`${subPath}.sub_button`, 'menus have two levels only: a sub-button cannot have sub-buttons', CODES.type[1]);
        ok = false;
        return;
      }
      const leaf = checkLeaf(sub, 1, subPath, walk);
      if (leaf) children.push(leaf);
      else ok = false;
    });
    if (ok && name !== undefined) out.push({ name, sub_button: children });
  });
  return { problems: walk.problems, buttons: out };
}

function checkName(value: unknown, level: 0 | 1, path: string, walk: Walk): string | undefined {
  const limit = level === 0 ? MENU_LIMITS.topNameBytes : MENU_LIMITS.subNameBytes;
  const code = CODES.name[level];
  if (value === undefined || value === null || value === '') {
    walk.add(`${path}.name`, 'missing', code);
    return undefined;
  }
  if (typeof value !== 'string') {
    walk.add(`${path}.name`, `must be text (got ${show(value)})`, code);
    return undefined;
  }
  const bytes = utf8Bytes(value);
  if (bytes > limit) {
    walk.add(`${path}.name`, `${bytes} bytes, max ${limit} (UTF-8: a Chinese character is 3 bytes)`, code);
    return undefined;
  }
  return value;
}

/** A required text field of a leaf: present, non-empty, within `maxBytes` when given. */
function requiredText(button: Record<string, unknown>, field: string, type: string, path: string, walk: Walk, errcode: number, maxBytes?: number): string | undefined {
  const value = button[field];
  if (value === undefined || value === null || value === '') {
    walk.add(`${path}.${field}`, `missing: a ${type} button needs ${field}`, errcode);
    return undefined;
  }
  if (typeof value !== 'string') {
    walk.add(`${path}.${field}`, `must be text (got ${show(value)})`, errcode);
    return undefined;
  }
  if (maxBytes !== undefined && utf8Bytes(value) > maxBytes) {
    walk.add(`${path}.${field}`, `${utf8Bytes(value)} bytes, max ${maxBytes}`, errcode);
    return undefined;
  }
  return value;
}

/** A leaf button at `level` (0 top, 1 sub): the normalised button, or undefined after adding its problems. */
function checkLeaf(raw: unknown, level: 0 | 1, path: string, walk: Walk): CheckedMenuButton | undefined {
  if (!isObject(raw)) {
    walk.add(path, `must be a button object {name, type, …} (got ${show(raw)})`, 47001);
    return undefined;
  }
  const button = raw;
  const before = walk.problems.length;
  const name = checkName(button.name, level, path, walk);
  const type = button.type;
  if (typeof type !== 'string' || !(MENU_BUTTON_TYPES as readonly string[]).includes(type)) {
    const what = type === undefined ? 'missing: a button needs a type (or sub_button)' : `${show(type)} is not a menu button type`;
    walk.add(`${path}.type`, `${what}; types: ${MENU_BUTTON_TYPES.join(', ')}`, CODES.type[level]);
    return undefined;
  }
  const out: CheckedMenuButton = { type: type as MenuButtonType, name: name ?? '' };

  if (MENU_KEY_TYPES.has(type)) {
    const key = requiredText(button, 'key', type, path, walk, CODES.key[level], MENU_LIMITS.keyBytes);
    if (key !== undefined) out.key = key;
  }
  if (type === 'view' || type === 'miniprogram') {
    const url = requiredText(button, 'url', type, path, walk, CODES.url[level], MENU_LIMITS.urlBytes);
    if (url !== undefined) {
      const parsed = parseHttpUrl(url);
      if (!parsed) walk.add(`${path}.url`, `${show(url)} is not an http(s) URL`, 65317);
      else {
        const host = parsed.hostname.toLowerCase();
        if (!isWeChatHost(host)) walk.addDomain(host, `${path}.url`);
        out.url = url;
      }
    }
  }
  if (type === 'miniprogram') {
    // Only a linked mini program may be used (45064); a malformed appid cannot be one.
    const appid = button.appid;
    if (typeof appid !== 'string' || !/^wx[0-9a-zA-Z]{16}$/.test(appid)) {
      walk.add(`${path}.appid`, appid === undefined ? 'missing: a miniprogram button needs the appid of a mini program linked to the account' : `${show(appid)} is not a mini program AppID (wx + 16 letters or digits)`, 45064);
    } else out.appid = appid;
    const pagepath = requiredText(button, 'pagepath', type, path, walk, 47001);
    if (pagepath !== undefined) out.pagepath = pagepath;
  }
  if (type === 'media_id' || type === 'view_limited') {
    const mediaId = requiredText(button, 'media_id', type, path, walk, 40007);
    if (mediaId !== undefined && walk.lookups.mediaExists && !walk.lookups.mediaExists(mediaId)) {
      walk.add(`${path}.media_id`, `${show(mediaId)} is not a permanent material of this account`, 40007);
    } else if (mediaId !== undefined) out.media_id = mediaId;
  }
  if (type === 'article_id' || type === 'article_view_limited') {
    const articleId = requiredText(button, 'article_id', type, path, walk, 53600);
    if (articleId !== undefined && walk.lookups.articleExists && !walk.lookups.articleExists(articleId)) {
      walk.add(`${path}.article_id`, `${show(articleId)} is not a published article of this account`, 53600);
    } else if (articleId !== undefined) out.article_id = articleId;
  }
  return walk.problems.length === before ? out : undefined;
}

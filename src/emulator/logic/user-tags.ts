/**
 * User tags (用户标签, docs/wechat-api.md §9): create/get/update/delete, batch (un)tagging, a user's tag ids and the
 * members of a tag. Pure functions over {@link TagState} and the follower state (tags of a follower are kept in
 * its override record).
 *
 * Limits: ≤100 tags (45056), name ≤30 UTF-8 bytes (45158), empty or duplicate name 45157, system tags 0/1/2 cannot
 * be changed (45058), unknown tag id 45159, openid_list 1..50 (40032), a user has ≤20 tags (45059), an openid of
 * the right form that is not this account's follower 49003.
 */
import { isValidOpenId, type FollowerDirectory, type FollowerState } from './user-followers.js';

export const MAX_TAGS = 100;
export const TAG_NAME_MAX_BYTES = 30;
export const TAGGING_MAX_OPENIDS = 50;
export const MAX_TAGS_PER_USER = 20;
/** Ids 0, 1 and 2 are system tags (2 = 星标组, the only one listed by tags/get). */
export const SYSTEM_TAG_IDS: ReadonlySet<number> = new Set([0, 1, 2]);
const STAR_TAG = { id: 2, name: '星标组' };

export interface TagState {
  nextId: number;
  /** Custom tags by id. */
  tags: Record<string, string>;
}

export function createTagState(): TagState {
  // WeChat's first custom tag ids are around 100 (doc examples: 127, 134).
  return { nextId: 100, tags: {} };
}

type Failure = { errcode: number };

function tagId(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function checkName(state: TagState, name: unknown, exceptId?: number): string | Failure {
  if (typeof name !== 'string' || name.trim().length === 0) return { errcode: 45157 };
  if (Buffer.byteLength(name, 'utf8') > TAG_NAME_MAX_BYTES) return { errcode: 45158 };
  const taken = Object.entries(state.tags).some(([id, n]) => n === name && Number(id) !== exceptId) || name === STAR_TAG.name;
  return taken ? { errcode: 45157 } : name;
}

function tagField(body: unknown): Record<string, unknown> | undefined {
  const tag = (body as { tag?: unknown } | null)?.tag;
  return typeof tag === 'object' && tag !== null && !Array.isArray(tag) ? (tag as Record<string, unknown>) : undefined;
}

export function createTag(state: TagState, body: unknown): { tag: { id: number; name: string } } | Failure {
  const tag = tagField(body);
  if (!tag) return { errcode: 47001 };
  const name = checkName(state, tag.name);
  if (typeof name !== 'string') return name;
  if (Object.keys(state.tags).length >= MAX_TAGS) return { errcode: 45056 };
  const id = state.nextId++;
  state.tags[String(id)] = name;
  return { tag: { id, name } };
}

export function updateTag(state: TagState, body: unknown): Failure | { errcode: 0 } {
  const tag = tagField(body);
  const id = tagId(tag?.id);
  if (!tag || id === undefined) return { errcode: 47001 };
  if (SYSTEM_TAG_IDS.has(id)) return { errcode: 45058 };
  if (!(String(id) in state.tags)) return { errcode: 45159 };
  const name = checkName(state, tag.name, id);
  if (typeof name !== 'string') return name;
  state.tags[String(id)] = name;
  return { errcode: 0 };
}

export function deleteTag(state: TagState, followers: FollowerState, body: unknown): Failure | { errcode: 0 } {
  const id = tagId(tagField(body)?.id);
  if (id === undefined) return { errcode: 47001 };
  if (SYSTEM_TAG_IDS.has(id)) return { errcode: 45058 };
  if (!(String(id) in state.tags)) return { errcode: 45159 };
  delete state.tags[String(id)];
  for (const override of Object.values(followers.overrides)) {
    if (override.tagIds) override.tagIds = override.tagIds.filter((t) => t !== id);
  }
  return { errcode: 0 };
}

/** Subscribed openids carrying tag `id`, in the order they were first tagged or changed. */
export function tagMembers(followers: FollowerState, directory: FollowerDirectory, id: number): string[] {
  return Object.entries(followers.overrides)
    .filter(([openid, o]) => o.tagIds?.includes(id) && directory.isSubscribed(openid))
    .map(([openid]) => openid);
}

export function listTags(
  state: TagState,
  followers: FollowerState,
): { tags: Array<{ id: number; name: string; count: number }> } {
  const counts = new Map<number, number>();
  for (const [, o] of Object.entries(followers.overrides)) {
    if (o.subscribed === false) continue;
    for (const t of o.tagIds ?? []) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const tags = [STAR_TAG, ...Object.entries(state.tags).map(([id, name]) => ({ id: Number(id), name }))];
  return { tags: tags.map((t) => ({ ...t, count: counts.get(t.id) ?? 0 })) };
}

/** `tags/members/batchtagging` (tag = true) and `batchuntagging` (tag = false). */
export function batchTagging(
  state: TagState,
  followers: FollowerState,
  directory: FollowerDirectory,
  body: unknown,
  tag: boolean,
): Failure | { errcode: 0 } {
  const { openid_list, tagid } = (body ?? {}) as { openid_list?: unknown; tagid?: unknown };
  const id = tagId(tagid);
  if (id === undefined || !Array.isArray(openid_list)) return { errcode: 47001 };
  if (!(String(id) in state.tags) && id !== STAR_TAG.id) return { errcode: 45159 };
  if (openid_list.length === 0 || openid_list.length > TAGGING_MAX_OPENIDS) return { errcode: 40032 };
  for (const openid of openid_list) {
    if (!isValidOpenId(openid)) return { errcode: 40003 };
    if (!directory.knows(openid)) return { errcode: 49003 };
    const current = followers.overrides[openid]?.tagIds ?? [];
    if (tag && !current.includes(id) && current.length >= MAX_TAGS_PER_USER) return { errcode: 45059 };
  }
  for (const openid of openid_list as string[]) {
    const override = (followers.overrides[openid] ??= {});
    const current = override.tagIds ?? [];
    override.tagIds = tag ? (current.includes(id) ? current : [...current, id]) : current.filter((t) => t !== id);
  }
  return { errcode: 0 };
}

/** `user/tag/get`'s tag id: a custom tag or the 星标组 (2); 45159 otherwise. */
export function knownTagId(state: TagState, value: unknown): number | Failure {
  const id = Number(value);
  return !Number.isInteger(id) || (!(String(id) in state.tags) && id !== STAR_TAG.id) ? { errcode: 45159 } : id;
}

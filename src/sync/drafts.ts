import type { WeChatClient } from '../wechat/client.js';
import type { LockPending } from './lock.js';

export interface DraftSummary {
  mediaId: string;
  title: string;
  thumbMediaId?: string;
  /** Epoch seconds. */
  updateTime: number;
}

/**
 * Walks the draft box (without content, newest first, through the client's pager) until `visit` returns true or the
 * box ends. Returns whether `visit` stopped the walk.
 */
export async function walkDrafts(client: WeChatClient, visit: (draft: DraftSummary) => boolean | void): Promise<boolean> {
  for await (const item of client.draft.iterate({ noContent: true })) {
    const article = item.content.news_item[0];
    const draft: DraftSummary = { mediaId: item.media_id, title: article?.title ?? '', updateTime: item.update_time };
    if (article?.thumb_media_id) draft.thumbMediaId = article.thumb_media_id;
    if (visit(draft) === true) return true;
  }
  return false;
}

/** Every draft of the account: media_id, title, update time. */
export async function listDrafts(client: WeChatClient): Promise<DraftSummary[]> {
  const drafts: DraftSummary[] = [];
  await walkDrafts(client, (draft) => void drafts.push(draft));
  return drafts;
}

/**
 * The draft an interrupted draft/add created, if WeChat has it: same title and cover, updated after the attempt
 * started (with two minutes of slack for clock skew).
 */
export async function findPendingDraft(client: WeChatClient, pending: LockPending): Promise<string | undefined> {
  const slack = 120;
  let found: string | undefined;
  await walkDrafts(client, (draft) => {
    if (draft.title === pending.title && draft.thumbMediaId === pending.thumbMediaId && draft.updateTime >= pending.startedAt - slack) {
      found = draft.mediaId;
      return true;
    }
    return false;
  });
  return found;
}

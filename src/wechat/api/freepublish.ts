import type { ApiContext } from './context.js';
import { WeChatClientError, WeChatPublishError } from '../errors.js';
import { idInput, idString } from '../json.js';
import { sleep } from '../retry.js';
import { eachItem, pageSize, toPage, type Page } from './paging.js';
import type { IdInput, WeChatId } from '../types.js';

export interface PublishStatus {
  /** Always a string: live WeChat sends a (possibly 64-bit) int. */
  publish_id: WeChatId;
  /** 0 成功, 1 发布中, 2 原创失败, 3 常规失败, 4 审核不通过, 5 用户删除, 6 系统封禁 (§6.2). */
  publish_status: number;
  article_id?: string;
  article_detail?: { count: number; item: { idx: number; article_url: string }[] };
  /** 1-based indices of failing articles. */
  fail_idx: number[];
}

export interface PublishResult {
  publish_id: WeChatId;
  article_id: string;
  /** One URL per article, in order. */
  article_urls: string[];
}

export interface WaitOptions {
  /** Poll interval (the first one, with `backoff`). Default 3000 ms. */
  intervalMs?: number;
  /** Multiply the interval by this after every poll that is still publishing (≥ 1). Default 1: a fixed interval. */
  backoff?: number;
  /** Upper bound of the interval when backing off. Default: none. */
  maxIntervalMs?: number;
  /**
   * Give up (WeChatPublishError with timedOut) after this long; the last poll is made at the deadline. Default 10
   * minutes.
   */
  timeoutMs?: number;
  /** Every status read, with the time since the wait started. */
  onStatus?: (status: PublishStatus, elapsedMs: number) => void;
}

export interface PublishedArticle {
  title: string;
  content?: string;
  url: string;
  is_deleted?: boolean;
  [field: string]: unknown;
}

export interface PublishedPage extends Page<{ article_id: string; content: { news_item: PublishedArticle[] }; update_time: number }> {}

/** `cgi-bin/freepublish/*` (docs/wechat-api.md §6). */
export class FreepublishApi {
  constructor(private readonly ctx: ApiContext) {}

  /**
   * Submit a draft for publishing. Asynchronous: errcode 0 only means accepted — follow with waitForPublish. Never
   * retried automatically (a retry after a lost answer could publish twice).
   */
  async submit(draftMediaId: string): Promise<{ publish_id: WeChatId; msg_data_id?: WeChatId }> {
    const res = await this.ctx.call<{ publish_id?: unknown; msg_data_id?: unknown }>({
      path: 'cgi-bin/freepublish/submit',
      method: 'POST',
      json: { media_id: draftMediaId },
    });
    const out: { publish_id: WeChatId; msg_data_id?: WeChatId } = { publish_id: idString(res.publish_id) };
    if (res.msg_data_id !== undefined) out.msg_data_id = idString(res.msg_data_id);
    return out;
  }

  async get(publishId: IdInput): Promise<PublishStatus> {
    // Sent as a string, as documented; ints beyond 2^53 would lose digits as JSON numbers in most parsers.
    const id = idInput(publishId, 'publish_id');
    const res = await this.ctx.call<Record<string, unknown>>({ path: 'cgi-bin/freepublish/get', method: 'POST', json: { publish_id: id } });
    const status: PublishStatus = {
      publish_id: idString(res.publish_id) || id,
      publish_status: Number(res.publish_status),
      fail_idx: Array.isArray(res.fail_idx) ? res.fail_idx.map(Number) : [],
    };
    if (res.article_id !== undefined) status.article_id = String(res.article_id);
    const detail = res.article_detail as { count?: unknown; item?: { idx?: unknown; article_url?: unknown }[] } | undefined;
    if (detail && Array.isArray(detail.item)) {
      status.article_detail = {
        count: Number(detail.count ?? detail.item.length),
        item: detail.item.map((item) => ({ idx: Number(item.idx), article_url: String(item.article_url ?? '') })),
      };
    }
    return status;
  }

  /**
   * Poll freepublish/get until the job leaves status 1 (§6.2), every `intervalMs`, growing by `backoff` up to
   * `maxIntervalMs`. Resolves with the article URL(s) on success; throws WeChatPublishError for 2–6 (with fail_idx) or
   * unknown statuses, and on timeout (after a last poll at the deadline). Only reads: never submits again.
   */
  async waitForPublish(publishId: IdInput, options: WaitOptions = {}): Promise<PublishResult> {
    let interval = options.intervalMs ?? 3000;
    const backoff = Math.max(1, options.backoff ?? 1);
    const maxInterval = options.maxIntervalMs ?? Number.POSITIVE_INFINITY;
    const started = Date.now();
    const deadline = started + (options.timeoutMs ?? 10 * 60 * 1000);
    const id = idInput(publishId, 'publish_id');
    for (;;) {
      const status = await this.get(id);
      options.onStatus?.(status, Date.now() - started);
      if (status.publish_status === 0) {
        const items = [...(status.article_detail?.item ?? [])].sort((a, b) => a.idx - b.idx);
        return { publish_id: status.publish_id, article_id: status.article_id ?? '', article_urls: items.map((i) => i.article_url) };
      }
      if (status.publish_status !== 1) {
        throw new WeChatPublishError({ publishId: id, status: status.publish_status, failIdx: status.fail_idx });
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new WeChatPublishError({ publishId: id, status: 1, failIdx: [], timedOut: true });
      }
      await sleep(Math.min(interval, remaining));
      interval = Math.min(maxInterval, interval * backoff);
    }
  }

  async getArticle(articleId: string): Promise<{ news_item: PublishedArticle[] }> {
    const res = await this.ctx.call<{ news_item?: PublishedArticle[] }>({
      path: 'cgi-bin/freepublish/getarticle',
      method: 'POST',
      json: { article_id: articleId },
    });
    return { news_item: res.news_item ?? [] };
  }

  /** Successfully published items (count 1–20). */
  async batchget(options: { offset?: number; count?: number; noContent?: boolean } = {}): Promise<PublishedPage> {
    const count = pageSize(options.count, 'cgi-bin/freepublish/batchget');
    const res = await this.ctx.call<Partial<PublishedPage>>({
      path: 'cgi-bin/freepublish/batchget',
      method: 'POST',
      json: { offset: options.offset ?? 0, count, no_content: options.noContent ? 1 : 0 },
    });
    return toPage(res);
  }

  /** Every published item, page by page. */
  iterate(options: { noContent?: boolean } = {}): AsyncGenerator<PublishedPage['item'][number]> {
    return eachItem((offset, count) => this.batchget({ offset, count, ...options }));
  }

  /** Delete a published article: `index` is 1-based; omitted deletes all articles of that publish. */
  async delete(articleId: string, index?: number): Promise<void> {
    if (index !== undefined && (!Number.isInteger(index) || index < 1)) {
      throw new WeChatClientError(`index is 1-based (got ${index}); omit it to delete all articles`, 'cgi-bin/freepublish/delete');
    }
    await this.ctx.call({
      path: 'cgi-bin/freepublish/delete',
      method: 'POST',
      json: { article_id: articleId, ...(index !== undefined ? { index } : {}) },
    });
  }
}

import type { ApiContext } from './context.js';
import { WeChatClientError } from '../errors.js';
import { eachItem, pageSize, toPage, type Page } from './paging.js';

/** One article of a draft (docs/wechat-api.md §5.1). Unknown fields are ignored by WeChat. */
export interface DraftArticle {
  /** `news` (图文, default) or `newspic` (图片消息). */
  article_type?: 'news' | 'newspic';
  title: string;
  author?: string;
  digest?: string;
  /** HTML; images must be mmbiz URLs (media/uploadimg), JS is removed; < 20,000 chars and < 1 MB. */
  content: string;
  /** "阅读原文" link. */
  content_source_url?: string;
  /** Permanent image/thumb material (news: required). */
  thumb_media_id?: string;
  need_open_comment?: 0 | 1;
  only_fans_can_comment?: 0 | 1;
  pic_crop_235_1?: string;
  pic_crop_1_1?: string;
  image_info?: { image_list: { image_media_id: string }[] };
  cover_info?: { crop_percent_list: { ratio: string; x1: string; y1: string; x2: string; y2: string }[] };
  product_info?: { footer_product_info: { product_key: string } };
}

/** An article as `draft/get` returns it: `<img src>` reads back as `data-src`; `url` is a temporary preview link. */
export interface DraftNewsItem extends Partial<DraftArticle> {
  title: string;
  content: string;
  url?: string;
  thumb_url?: string;
  show_cover_pic?: number;
}

export interface DraftPageItem {
  media_id: string;
  content: { news_item: DraftNewsItem[] };
  update_time: number;
}

export interface DraftPage extends Page<DraftPageItem> {}

const MAX_ARTICLES = 8;

/** `cgi-bin/draft/*` (docs/wechat-api.md §5). */
export class DraftApi {
  constructor(private readonly ctx: ApiContext) {}

  /** Create a draft of 1–8 articles; returns its media_id. */
  async add(articles: DraftArticle[]): Promise<{ media_id: string }> {
    if (articles.length === 0 || articles.length > MAX_ARTICLES) {
      throw new WeChatClientError(`a draft holds 1–${MAX_ARTICLES} articles (got ${articles.length})`, 'cgi-bin/draft/add');
    }
    const res = await this.ctx.call<{ media_id?: unknown }>({ path: 'cgi-bin/draft/add', method: 'POST', json: { articles } });
    return { media_id: String(res.media_id ?? '') };
  }

  async get(mediaId: string): Promise<{ news_item: DraftNewsItem[] }> {
    const res = await this.ctx.call<{ news_item?: DraftNewsItem[] }>({ path: 'cgi-bin/draft/get', method: 'POST', json: { media_id: mediaId } });
    return { news_item: res.news_item ?? [] };
  }

  /** Replace the article at `index` (0-based — unlike the 1-based indices of freepublish). */
  async update(mediaId: string, index: number, article: DraftArticle): Promise<void> {
    if (!Number.isInteger(index) || index < 0) {
      throw new WeChatClientError(`index is 0-based and must be a non-negative integer (got ${index})`, 'cgi-bin/draft/update');
    }
    // `articles` is a single object here, not an array (§5.2).
    await this.ctx.call({ path: 'cgi-bin/draft/update', method: 'POST', json: { media_id: mediaId, index, articles: article } });
  }

  async delete(mediaId: string): Promise<void> {
    await this.ctx.call({ path: 'cgi-bin/draft/delete', method: 'POST', json: { media_id: mediaId } });
  }

  /** Number of drafts (a GET endpoint). */
  async count(): Promise<number> {
    const res = await this.ctx.call<{ total_count?: unknown }>({ path: 'cgi-bin/draft/count', method: 'GET' });
    return Number(res.total_count ?? 0);
  }

  /** One page of drafts, newest first (count 1–20). */
  async batchget(options: { offset?: number; count?: number; noContent?: boolean } = {}): Promise<DraftPage> {
    const count = pageSize(options.count, 'cgi-bin/draft/batchget');
    const res = await this.ctx.call<Partial<DraftPage>>({
      path: 'cgi-bin/draft/batchget',
      method: 'POST',
      json: { offset: options.offset ?? 0, count, no_content: options.noContent ? 1 : 0 },
    });
    return toPage(res, (item) => ({ ...item, media_id: String(item.media_id) }));
  }

  /** Every draft, page by page. */
  iterate(options: { noContent?: boolean } = {}): AsyncGenerator<DraftPageItem> {
    return eachItem((offset, count) => this.batchget({ offset, count, ...options }));
  }
}

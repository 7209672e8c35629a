import type { ApiContext } from './context.js';
import { WeChatClientError } from '../errors.js';
import type { BinaryResponse, FileInput } from '../types.js';
import type { MediaType } from './media.js';
import { eachItem, pageSize, toPage, type Page } from './paging.js';

export interface AddedMaterial {
  media_id: string;
  /** mmbiz URL, images only; usable inside article content. */
  url?: string;
}

export interface VideoDescription {
  title: string;
  introduction: string;
}

export type MaterialContent =
  | BinaryResponse
  | { kind: 'video'; title: string; description: string; down_url: string }
  | { kind: 'news'; news_item: Record<string, unknown>[] };

export type BatchgetType = 'image' | 'video' | 'voice' | 'news';

export interface MaterialItem {
  media_id: string;
  name?: string;
  update_time?: number;
  url?: string;
  content?: { news_item: Record<string, unknown>[] };
}

export interface MaterialPage extends Page<MaterialItem> {}

export interface MaterialCount {
  voice_count: number;
  video_count: number;
  image_count: number;
  news_count: number;
}

/** `cgi-bin/material/*`: permanent material (docs/wechat-api.md §4.2, §4.3). */
export class MaterialApi {
  constructor(private readonly ctx: ApiContext) {}

  /**
   * Add permanent material. Covers (`thumb_media_id`) must be permanent image/thumb material. Videos need a
   * description, sent as the `description` form field.
   */
  async add(type: MediaType, file: FileInput, video?: VideoDescription): Promise<AddedMaterial> {
    if (type === 'video' && (!video?.title || !video.introduction)) {
      throw new WeChatClientError('a video needs { title, introduction }', 'cgi-bin/material/add_material');
    }
    const fields = type === 'video' && video ? { description: JSON.stringify({ title: video.title, introduction: video.introduction }) } : undefined;
    const res = await this.ctx.call<{ media_id?: unknown; url?: unknown }>({
      path: 'cgi-bin/material/add_material',
      method: 'POST',
      query: { type },
      multipart: { file, ...(fields ? { fields } : {}) },
    });
    const added: AddedMaterial = { media_id: String(res.media_id ?? '') };
    if (typeof res.url === 'string' && res.url) added.url = res.url;
    return added;
  }

  /** Images, voice and thumbs come back as bytes; videos as their download info. */
  async get(mediaId: string): Promise<MaterialContent> {
    const res = await this.ctx.call<BinaryResponse | Record<string, unknown>>({
      path: 'cgi-bin/material/get_material',
      method: 'POST',
      json: { media_id: mediaId },
      responseType: 'bytes-or-json',
    });
    if (res.kind === 'bytes') return res as BinaryResponse;
    const json = res as Record<string, unknown>;
    if (Array.isArray(json.news_item)) return { kind: 'news', news_item: json.news_item as Record<string, unknown>[] };
    return {
      kind: 'video',
      title: String(json.title ?? ''),
      description: String(json.description ?? ''),
      down_url: String(json.down_url ?? ''),
    };
  }

  async del(mediaId: string): Promise<void> {
    await this.ctx.call({ path: 'cgi-bin/material/del_material', method: 'POST', json: { media_id: mediaId } });
  }

  /** One page (count 1–20). Thumbs are not listable (40004): types are image, video, voice, news. */
  async batchget(options: { type: BatchgetType; offset?: number; count?: number }): Promise<MaterialPage> {
    const count = pageSize(options.count, 'cgi-bin/material/batchget_material');
    const res = await this.ctx.call<Partial<MaterialPage>>({
      path: 'cgi-bin/material/batchget_material',
      method: 'POST',
      json: { type: options.type, offset: options.offset ?? 0, count },
    });
    return toPage(res);
  }

  /** Every item of one type, page by page. */
  iterate(type: BatchgetType): AsyncGenerator<MaterialItem> {
    return eachItem((offset, count) => this.batchget({ type, offset, count }));
  }

  async count(): Promise<MaterialCount> {
    const res = await this.ctx.call<Partial<MaterialCount>>({ path: 'cgi-bin/material/get_materialcount', method: 'GET' });
    return {
      voice_count: Number(res.voice_count ?? 0),
      video_count: Number(res.video_count ?? 0),
      image_count: Number(res.image_count ?? 0),
      news_count: Number(res.news_count ?? 0),
    };
  }
}

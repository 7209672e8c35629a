import type { ApiContext } from './context.js';
import { WeChatTransportError } from '../errors.js';
import type { BinaryResponse, FileInput } from '../types.js';

export type MediaType = 'image' | 'voice' | 'video' | 'thumb';

export interface TempMedia {
  type: string;
  media_id: string;
  /** Unix seconds; temporary media expire 3 days later. */
  created_at: number;
}

/** Real mmbiz hosts answer over https too; the emulator's own media URLs must stay as they are. */
const MMBIZ_HOST = /^http:\/\/(mmbiz\.qpic\.cn|mmbiz\.qlogo\.cn)\//i;

/** `cgi-bin/media/*`: images for article HTML and temporary media (docs/wechat-api.md §4.1, §4.3). */
export class MediaApi {
  constructor(private readonly ctx: ApiContext) {}

  /**
   * Upload an image used inside article content (jpg/png, strictly < 1 MB). Returns its mmbiz URL; it gets no
   * media_id and does not count toward the material library.
   */
  async uploadImg(file: FileInput): Promise<{ url: string }> {
    const res = await this.ctx.call<{ url?: string }>({ path: 'cgi-bin/media/uploadimg', method: 'POST', multipart: { file } });
    if (typeof res.url !== 'string' || !res.url) {
      throw new WeChatTransportError({ message: 'uploadimg answered without url', endpoint: 'cgi-bin/media/uploadimg' });
    }
    return { url: res.url.replace(MMBIZ_HOST, 'https://$1/') };
  }

  /** Temporary media (kept 3 days). */
  async upload(type: MediaType, file: FileInput): Promise<TempMedia> {
    const res = await this.ctx.call<Partial<TempMedia>>({
      path: 'cgi-bin/media/upload',
      method: 'POST',
      query: { type },
      multipart: { file },
    });
    return { type: res.type ?? type, media_id: String(res.media_id ?? ''), created_at: Number(res.created_at ?? 0) };
  }

  /** Download temporary media: bytes, or `{ video_url }` for videos. */
  async get(mediaId: string): Promise<BinaryResponse | { kind: 'video'; video_url: string }> {
    const res = await this.ctx.call<BinaryResponse | { video_url?: string }>({
      path: 'cgi-bin/media/get',
      method: 'GET',
      query: { media_id: mediaId },
      responseType: 'bytes-or-json',
    });
    if ('kind' in res && res.kind === 'bytes') return res;
    return { kind: 'video', video_url: String((res as { video_url?: string }).video_url ?? '') };
  }
}

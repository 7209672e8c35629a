import type { ApiContext } from './context.js';
import { WeChatClientError } from '../errors.js';
import { idString } from '../json.js';
import type { IdInput, WeChatId } from '../types.js';

/** Custom (客服) message bodies by msgtype (docs/wechat-api.md §7.1). */
export type CustomMessagePayload =
  | { msgtype: 'text'; text: { content: string } }
  | { msgtype: 'image'; image: { media_id: string } }
  | { msgtype: 'voice'; voice: { media_id: string } }
  | { msgtype: 'video'; video: { media_id: string; thumb_media_id?: string; title?: string; description?: string } }
  | { msgtype: 'music'; music: { title?: string; description?: string; musicurl: string; hqmusicurl: string; thumb_media_id: string } }
  | { msgtype: 'news'; news: { articles: { title: string; description?: string; url: string; picurl?: string }[] } }
  | { msgtype: 'mpnews'; mpnews: { media_id: string } }
  | { msgtype: 'mpnewsarticle'; mpnewsarticle: { article_id: string } }
  | { msgtype: 'msgmenu'; msgmenu: { head_content: string; list: { id: string; content: string }[]; tail_content: string } }
  | { msgtype: 'wxcard'; wxcard: { card_id: string } }
  | { msgtype: 'miniprogrampage'; miniprogrampage: { title: string; appid: string; pagepath: string; thumb_media_id: string } };

export type CustomMessage = CustomMessagePayload & { touser: string; customservice?: { kf_account: string } };

/** Preview recipient: a follower's openid, or a WeChat ID (微信号, ≤ 100 previews a day). */
export type PreviewTarget = { touser: string } | { towxname: string };

export type PreviewMessage =
  | { msgtype: 'mpnews'; mpnews: { media_id: string } }
  | { msgtype: 'text'; text: { content: string } }
  | { msgtype: 'image'; image: { media_id: string } }
  | { msgtype: 'voice'; voice: { media_id: string } }
  | { msgtype: 'mpvideo'; mpvideo: { media_id: string } };

/** Mass-send payloads (`message/mass/sendall` and `mass/send`, §7.2); images go as `images.media_ids`. */
export type MassMessage =
  | { msgtype: 'mpnews'; mpnews: { media_id: string }; send_ignore_reprint?: 0 | 1 }
  | { msgtype: 'text'; text: { content: string } }
  | { msgtype: 'voice'; voice: { media_id: string } }
  | { msgtype: 'image'; images: { media_ids: string[]; recommend?: string; need_open_comment?: 0 | 1; only_fans_can_comment?: 0 | 1 } }
  | { msgtype: 'mpvideo'; mpvideo: { media_id: string } }
  | { msgtype: 'wxcard'; wxcard: { card_id: string } };

/** `message/mass/speed/get`: level 0 (fastest) … 4, and the speed in 万 messages a minute. */
export interface MassSpeed {
  speed: number;
  realspeed: number;
}

/** `cgi-bin/message/*`. Sends are never retried automatically: a repeat would message people twice. */
export class MessageApi {
  constructor(private readonly ctx: ApiContext) {}

  /** Send a customer-service message (only within 48 h after the user wrote; verified accounts). */
  async sendCustom(message: CustomMessage): Promise<void> {
    if (message.msgtype === 'news' && message.news.articles.length !== 1) {
      // WeChat answers 45008 otherwise ("图文消息条数限制在1条以内").
      throw new WeChatClientError(`a news message carries exactly 1 article (got ${message.news.articles.length})`, 'cgi-bin/message/custom/send');
    }
    await this.ctx.call({ path: 'cgi-bin/message/custom/send', method: 'POST', json: message });
  }

  sendText(touser: string, content: string): Promise<void> {
    return this.sendCustom({ touser, msgtype: 'text', text: { content } });
  }

  /**
   * Preview a message on one phone (`message/mass/preview`). With msgtype mpnews and a DRAFT media_id this shows the
   * draft without publishing it. Does not use mass-send quota; needs a verified account.
   */
  async preview(target: PreviewTarget, message: PreviewMessage): Promise<{ msg_id?: WeChatId }> {
    const res = await this.ctx.call<{ msg_id?: unknown }>({
      path: 'cgi-bin/message/mass/preview',
      method: 'POST',
      json: { ...target, ...message },
    });
    return res.msg_id !== undefined ? { msg_id: idString(res.msg_id) } : {};
  }

  /** Preview a draft (all its articles) on a phone. */
  previewDraft(target: PreviewTarget, draftMediaId: string): Promise<{ msg_id?: WeChatId }> {
    return this.preview(target, { msgtype: 'mpnews', mpnews: { media_id: draftMediaId } });
  }

  /**
   * Mass-send to a list of 2–10 000 openids (`message/mass/send`, §7.2; verified 服务号). Shares the mass-send quota
   * with sendall. Not retried automatically. `clientmsgid` (≤ 64 bytes) makes a repeat answer 45065 instead of sending
   * twice.
   */
  async massSend(openids: readonly string[], message: MassMessage, options: { clientmsgid?: string } = {}): Promise<{ msg_id: WeChatId; msg_data_id?: WeChatId }> {
    const touser = [...new Set(openids)];
    if (touser.length < 2 || touser.length > 10_000) {
      // WeChat answers 40130 below two and 40032 above 10 000.
      throw new WeChatClientError(`mass/send takes 2 to 10000 distinct openids (got ${touser.length})`, 'cgi-bin/message/mass/send');
    }
    const res = await this.ctx.call<{ msg_id?: unknown; msg_data_id?: unknown }>({
      path: 'cgi-bin/message/mass/send',
      method: 'POST',
      json: { touser, ...message, ...(options.clientmsgid !== undefined ? { clientmsgid: options.clientmsgid } : {}) },
    });
    return {
      msg_id: idString(res.msg_id),
      ...(res.msg_data_id !== undefined ? { msg_data_id: idString(res.msg_data_id) } : {}),
    };
  }

  /**
   * Delete a mass-sent mpnews or video message (`message/mass/delete`): `articleIdx` 1-based, 0 or omitted deletes
   * every article. The articles disappear from the followers' chats and become unreadable.
   */
  async massDelete(msgId: IdInput, articleIdx = 0): Promise<void> {
    if (!Number.isInteger(articleIdx) || articleIdx < 0) {
      throw new WeChatClientError(`article_idx is 1-based, or 0 for every article (got ${articleIdx})`, 'cgi-bin/message/mass/delete');
    }
    await this.ctx.call({ path: 'cgi-bin/message/mass/delete', method: 'POST', json: { msg_id: idString(msgId), article_idx: articleIdx } });
  }

  /** The mass-send speed (`message/mass/speed/get`); with `speed` 0–4, set it first (`mass/speed/set`). */
  async massSpeed(speed?: number): Promise<MassSpeed> {
    if (speed !== undefined) {
      if (!Number.isInteger(speed) || speed < 0 || speed > 4) {
        throw new WeChatClientError(`speed is 0 (fastest) to 4 (got ${speed})`, 'cgi-bin/message/mass/speed/set');
      }
      await this.ctx.call({ path: 'cgi-bin/message/mass/speed/set', method: 'POST', json: { speed }, idempotent: true });
    }
    const res = await this.ctx.call<Partial<MassSpeed>>({ path: 'cgi-bin/message/mass/speed/get', method: 'POST', json: {}, idempotent: true });
    return { speed: Number(res.speed ?? 0), realspeed: Number(res.realspeed ?? 0) };
  }

  /**
   * Show (or with `false` cancel) "typing…" to a follower (`message/custom/typing`, §7.1): only within 30 s of their
   * last message or click (45080), lasts 15 s, not twice at once (45081).
   */
  async typing(touser: string, typing = true): Promise<void> {
    await this.ctx.call({ path: 'cgi-bin/message/custom/typing', method: 'POST', json: { touser, command: typing ? 'Typing' : 'CancelTyping' } });
  }
}

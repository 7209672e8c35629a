import type { ApiContext } from './context.js';
import { WeChatClientError } from '../errors.js';
import { idString } from '../json.js';
import type { WeChatId } from '../types.js';

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
}

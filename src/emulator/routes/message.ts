/**
 * Messages (docs/wechat-api.md §7): `message/custom/send` with reply windows, `message/mass/preview`,
 * `mass/sendall`, `mass/get`. The rules live in ../logic/message-*.ts.
 */
import { json, type Route } from '../router.js';
import { massStatus, requireVerified, sendAll, sendCustom, sendPreview } from '../logic/message-send.js';

export const messageRoutes: Route[] = [
  {
    method: 'POST',
    path: '/cgi-bin/message/custom/send',
    auth: 'token',
    body: 'json',
    dailyLimit: 500_000, // 发送客服消息 (§3.1)
    handle(req, ctx) {
      requireVerified(ctx.account.state);
      sendCustom(ctx.account.state, req.json, ctx.now());
      return json({ errcode: 0, errmsg: 'ok' });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/message/mass/preview',
    auth: 'token',
    body: 'json',
    dailyLimit: 100_000,
    handle(req, ctx) {
      requireVerified(ctx.account.state);
      const msgId = sendPreview(ctx.account.state, req.json, ctx.now());
      return json({ errcode: 0, errmsg: 'preview success', msg_id: msgId });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/message/mass/sendall',
    auth: 'token',
    body: 'json',
    dailyLimit: 100, // 高级群发接口 (§3.1)
    handle(req, ctx) {
      requireVerified(ctx.account.state);
      const ids = sendAll(ctx.account.state, req.json, ctx.now());
      return json({ errcode: 0, errmsg: 'send job submission success', ...ids });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/message/mass/get',
    auth: 'token',
    body: 'json',
    handle: (req, ctx) => json(massStatus(ctx.account.state, req.json.msg_id)),
  },
];

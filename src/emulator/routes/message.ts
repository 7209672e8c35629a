/**
 * Messages (docs/wechat-api.md §7): `message/custom/send` with reply windows, `message/mass/preview`,
 * `mass/sendall`, `mass/get`, `mass/send` (openid list), `mass/delete`, `mass/speed/get|set`, `custom/typing`.
 * The rules live in ../logic/message-*.ts.
 */
import { json, ok, type Route } from '../router.js';
import {
  massDelete,
  massSend,
  massSpeed,
  massStatus,
  requireVerified,
  sendAll,
  sendCustom,
  sendPreview,
  setMassSpeed,
} from '../logic/message-send.js';
import { customTyping } from '../logic/message-typing.js';

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
  {
    method: 'POST',
    path: '/cgi-bin/message/mass/send',
    auth: 'token',
    body: 'json',
    dailyLimit: 100, // 高级群发接口 (§3.1)
    handle(req, ctx) {
      requireVerified(ctx.account.state);
      const ids = massSend(ctx.account.state, req.json, ctx.now());
      return json({ errcode: 0, errmsg: 'send job submission success', ...ids });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/message/mass/delete',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      requireVerified(ctx.account.state);
      massDelete(ctx.account.state, req.json);
      return ok();
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/message/mass/speed/get',
    auth: 'token',
    body: 'none',
    handle(_req, ctx) {
      requireVerified(ctx.account.state);
      return json(massSpeed(ctx.account.state));
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/message/mass/speed/set',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      requireVerified(ctx.account.state);
      setMassSpeed(ctx.account.state, req.json);
      return ok();
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/message/custom/typing',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      requireVerified(ctx.account.state);
      customTyping(ctx.account.state, req.json, ctx.now());
      return ok();
    },
  },
];

/**
 * Messages (wechat-api.md §7): `message/custom/send` with reply windows, `message/mass/preview`,
 * `mass/sendall`, `mass/get`. Pure rules live in ../logic/message-*.ts; this module wires them to the account state.
 */
import { beijingDay } from '../clock.js';
import { EmuError } from '../errors.js';
import { json, type EmuAccount, type EmuContext, type Route } from '../router.js';
import { validateCustomMessage } from '../logic/message-custom.js';
import { TOWXNAME_PREVIEWS_PER_DAY, parseMsgId, validatePreview, validateSendAll } from '../logic/message-mass.js';
import { consumeWindow } from '../logic/message-windows.js';
import {
  accountLookups,
  allocateMsgId,
  messagingState,
  pushBounded,
  type DeliveredMessage,
} from '../logic/message-store.js';
import { followersOf } from '../logic/user-store.js';
import { tagMembers } from '../logic/user-tags.js';

/** Custom send, mass send and preview need a verified account (§1 "Verification-gated APIs", EMU). */
function requireVerified(ctx: EmuContext, account: EmuAccount): void {
  if (!account.flags.verified) throw new EmuError(48001);
}

/** Subscription accounts may mass-send once a day (§7.2); further sends that day → 45028. */
const MASS_SENDS_PER_DAY = 1;
const CLIENT_MSG_ID_MAX_BYTES = 64;

export const messageRoutes: Route[] = [
  {
    method: 'POST',
    path: '/cgi-bin/message/custom/send',
    auth: 'token',
    body: 'json',
    dailyLimit: 500_000, // 发送客服消息 (§3.1)
    handle(req, ctx) {
      const account = ctx.account;
      requireVerified(ctx, account);
      const now = ctx.now();
      const checked = validateCustomMessage(req.json, accountLookups(account, now));
      if (!checked.ok) throw new EmuError(checked.errcode);
      const { touser, msgtype, payload } = checked.message;
      const { directory } = followersOf(account, now);
      if (!directory.knows(touser)) throw new EmuError(40003);
      if (!directory.isSubscribed(touser)) throw new EmuError(43004);

      const messaging = messagingState(account);
      const decision = consumeWindow(messaging.windows[touser] ?? {}, now);
      if (!decision.ok) throw new EmuError(decision.errcode);
      messaging.windows[touser] = decision.windows;

      const delivered: DeliveredMessage = {
        msgId: allocateMsgId(messaging),
        via: 'custom',
        touser,
        msgtype,
        payload,
        at: now,
        window: decision.kind,
      };
      const kf = (req.json.customservice as { kf_account?: unknown } | undefined)?.kf_account;
      if (typeof kf === 'string') delivered.kfAccount = kf;
      pushBounded(messaging.delivered, delivered);
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
      const account = ctx.account;
      requireVerified(ctx, account);
      const now = ctx.now();
      const lookups = accountLookups(account, now);
      const checked = validatePreview(req.json, {
        mediaExists: (id) => (req.json.msgtype === 'mpnews' ? lookups.draftOrMaterialExists(id) : lookups.mediaExists(id)),
      });
      if (!checked.ok) throw new EmuError(checked.errcode);
      const { directory } = followersOf(account, now);
      const messaging = messagingState(account);

      let openid: string;
      let towxname: string | undefined;
      if (checked.recipient.kind === 'wxname') {
        towxname = checked.recipient.wxname;
        const today = beijingDay(now);
        if (messaging.towxname.day !== today) messaging.towxname = { day: today, count: 0 };
        // towxname previews: 100 a day (§7.2); the errcode is not documented, 45009 is WeChat's daily-limit code.
        if (messaging.towxname.count >= TOWXNAME_PREVIEWS_PER_DAY) throw new EmuError(45009);
        const found = directory.openIdForWxname(towxname);
        if (!found) throw new EmuError(40003);
        openid = found;
      } else {
        openid = checked.recipient.openid;
        if (!directory.knows(openid)) throw new EmuError(40003);
      }
      if (!directory.isSubscribed(openid)) throw new EmuError(43004);
      if (towxname) messaging.towxname.count += 1;

      const msgId = allocateMsgId(messaging);
      const delivered: DeliveredMessage = {
        msgId,
        via: 'preview',
        touser: openid,
        msgtype: checked.content.msgtype,
        payload: checked.content.payload,
        at: now,
      };
      if (towxname) delivered.towxname = towxname;
      pushBounded(messaging.delivered, delivered);
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
      const account = ctx.account;
      requireVerified(ctx, account);
      const now = ctx.now();
      const lookups = accountLookups(account, now);
      const checked = validateSendAll(req.json, {
        mediaExists: (id) => (req.json.msgtype === 'mpnews' ? lookups.draftOrMaterialExists(id) : lookups.mediaExists(id)),
      });
      if (!checked.ok) throw new EmuError(checked.errcode);
      const messaging = messagingState(account);

      const clientMsgId = req.json.clientmsgid;
      if (typeof clientMsgId === 'string' && clientMsgId.length > 0) {
        if (Buffer.byteLength(clientMsgId, 'utf8') > CLIENT_MSG_ID_MAX_BYTES) throw new EmuError(45067);
        const existing = messaging.clientMsgIds[clientMsgId];
        // 45065 answers with the msg_id of the earlier send (§7.2).
        if (existing !== undefined) throw new EmuError(45065, undefined, { msg_id: existing });
      }
      const today = beijingDay(now);
      if (messaging.massDay.day !== today) messaging.massDay = { day: today, count: 0 };
      if (messaging.massDay.count >= MASS_SENDS_PER_DAY) throw new EmuError(45028);

      const { state: followers, directory } = followersOf(account, now);
      const { isToAll, tagId } = checked.filter;
      const recipients = isToAll ? directory.subscribedOpenIds().length : tagMembers(followers, directory, tagId!).length;

      messaging.massDay.count += 1;
      const msgId = allocateMsgId(messaging);
      const record: (typeof messaging.mass)[string] = { msgId, msgtype: checked.content.msgtype, status: 'SEND_SUCCESS', at: now };
      if (checked.content.msgtype === 'mpnews') {
        record.msgDataId = 2_247_000_000 + (msgId % 1_000_000);
        // "上传到草稿箱中的素材被群发或发布后，该素材将从草稿箱中移除" (§5.1 lifecycle).
        for (const id of checked.content.mediaIds) delete account.state.drafts[id];
      }
      if (typeof clientMsgId === 'string' && clientMsgId.length > 0) {
        record.clientMsgId = clientMsgId;
        messaging.clientMsgIds[clientMsgId] = msgId;
      }
      messaging.mass[String(msgId)] = record;
      pushBounded(messaging.delivered, {
        msgId,
        via: 'sendall',
        touser: isToAll ? '@all' : `@tag:${tagId}`,
        msgtype: checked.content.msgtype,
        payload: checked.content.payload,
        at: now,
        recipients,
      });
      const body: Record<string, unknown> = { errcode: 0, errmsg: 'send job submission success', msg_id: msgId };
      if (record.msgDataId !== undefined) body.msg_data_id = record.msgDataId;
      return json(body);
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/message/mass/get',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      const msgId = parseMsgId(req.json.msg_id);
      const record = msgId === null ? undefined : messagingState(ctx.account).mass[String(msgId)];
      if (!record) throw new EmuError(40059);
      return json({ msg_id: record.msgId, msg_status: record.status });
    },
  },
];

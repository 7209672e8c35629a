/** Uploads and materials (docs/wechat-api.md §4): uploadimg, add/get/del/batchget material, counts, temporary media. */
import { EmuError } from '../errors.js';
import { json, ok, raw, stringField, type Route } from '../router.js';
import { extensionOf, mimeOf, serveMedia, sniffImage } from '../logic/media-files.js';
import { newestFirst, pageOf, pageRange } from '../logic/paging.js';
import {
  addMaterial,
  bytesOf,
  materialCounts,
  materialOf,
  mediaType,
  tempMediaOf,
  uploadImage,
  uploadTempMedia,
} from '../logic/materials.js';

function attachment(data: Buffer, mime: string, name: string): ReturnType<typeof raw> {
  return raw(data, mime, 200, { 'Content-Disposition': `attachment; filename="${encodeURIComponent(name)}"` });
}

export const mediaRoutes: Route[] = [
  {
    method: 'POST',
    path: '/cgi-bin/media/uploadimg',
    auth: 'token',
    body: 'multipart',
    async handle(req, ctx) {
      // No media_id: uploadimg images are not materials (§4.1).
      return json({ url: await uploadImage(ctx, req), errcode: 0, errmsg: 'ok' });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/material/add_material',
    auth: 'token',
    body: 'multipart',
    async handle(req, ctx) {
      const type = mediaType(req.query.get('type') ?? req.fields.type ?? null);
      const rec = await addMaterial(ctx, req, type);
      // `url` only for images (§4.2).
      return json(type === 'image' ? { media_id: rec.mediaId, url: rec.url } : { media_id: rec.mediaId });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/material/get_material',
    auth: 'token',
    body: 'json',
    async handle(req, ctx) {
      const m = materialOf(ctx.account.state, req.json.media_id);
      const data = await bytesOf(ctx, m.blob);
      if (m.type === 'video') {
        const down = serveMedia(ctx.store, ctx.config.mediaOrigin, m.blob, 'mp4');
        return json({ title: m.description?.title ?? '', description: m.description?.introduction ?? '', down_url: down });
      }
      const ext = extensionOf(m.name) ?? 'jpg';
      return attachment(data, m.type === 'voice' ? mimeOf(ext) : mimeOf(sniffImage(data) ?? ext), m.name);
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/material/del_material',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      const m = materialOf(ctx.account.state, req.json.media_id);
      // Served URLs keep working (articles already embed them), like WeChat's CDN.
      delete ctx.account.state.materials[m.mediaId];
      return ok();
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/material/batchget_material',
    auth: 'token',
    body: 'json',
    handle(req, ctx) {
      const type = stringField(req.json.type);
      if (type !== 'image' && type !== 'video' && type !== 'voice' && type !== 'news') throw new EmuError(40004);
      const range = pageRange(req.json);
      // Legacy news materials were retired in 2022 (§4.3): the list is always empty.
      const ofType = Object.values(ctx.account.state.materials).filter((m) => m.type === type);
      return json(
        pageOf(newestFirst(ofType), range, (m) => ({
          media_id: m.mediaId,
          name: m.name,
          update_time: m.updateTime,
          ...(m.url ? { url: m.url } : {}),
        })),
      );
    },
  },
  {
    method: 'GET',
    path: '/cgi-bin/material/get_materialcount',
    auth: 'token',
    body: 'none',
    handle: (_req, ctx) => json(materialCounts(ctx.account.state)),
  },
  {
    method: 'POST',
    path: '/cgi-bin/media/upload',
    auth: 'token',
    body: 'multipart',
    dailyLimit: 5000, // 上传多媒体文件 5000/day (§3.1)
    async handle(req, ctx) {
      const type = mediaType(req.query.get('type'));
      const { mediaId, createdAt } = await uploadTempMedia(ctx, req, type);
      return json(type === 'thumb' ? { type, thumb_media_id: mediaId, created_at: createdAt } : { type, media_id: mediaId, created_at: createdAt });
    },
  },
  {
    method: 'GET',
    path: '/cgi-bin/media/get',
    auth: 'token',
    body: 'none',
    dailyLimit: 10_000, // 下载多媒体文件 10000/day (§3.1)
    async handle(req, ctx) {
      const rec = tempMediaOf(ctx.account.state, req.query.get('media_id') ?? '', ctx.now());
      if (rec.type === 'video') return json({ video_url: serveMedia(ctx.store, ctx.config.mediaOrigin, rec.blob, 'mp4') });
      return attachment(await bytesOf(ctx, rec.blob), rec.mime, `${rec.mediaId}`);
    },
  },
  {
    // 高清语音素材 (JSSDK uploadVoice): the voice in speex, 16 kHz. The emulator answers a live temporary voice's bytes
    // as uploaded, with Content-Type voice/speex; other media → 40007 (EMU).
    method: 'GET',
    path: '/cgi-bin/media/get/jssdk',
    auth: 'token',
    body: 'none',
    dailyLimit: 10_000, // counted like media/get (EMU)
    async handle(req, ctx) {
      const rec = tempMediaOf(ctx.account.state, req.query.get('media_id') ?? '', ctx.now());
      if (rec.type !== 'voice') throw new EmuError(40007);
      return attachment(await bytesOf(ctx, rec.blob), 'voice/speex', `${rec.mediaId}.speex`);
    },
  },
  ...['/cgi-bin/material/add_news', '/cgi-bin/material/update_news'].map(
    (path): Route => ({
      method: 'POST',
      path,
      auth: 'token',
      body: 'none',
      // Shut down 2022-02-28 (§4.3).
      handle: () => {
        throw new EmuError(45106);
      },
    }),
  ),
];

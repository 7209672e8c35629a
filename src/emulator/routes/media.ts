/** Uploads and materials (wechat-api.md §4): uploadimg, add/get/del/batchget material, counts, temporary media. */
import { EmuError } from '../errors.js';
import { intField, json, ok, raw, stringField, type EmuContext, type EmuRequest, type Route, type UploadedFile } from '../router.js';
import {
  extensionOf,
  mimeOf,
  newMediaId,
  normaliseImageExt,
  serveMedia,
  sniffImage,
} from '../media-files.js';
import type { MaterialRecord, TempMediaRecord } from '../state.js';

const KB = 1024;
const MB = 1024 * 1024;
/** Temporary media are kept 3 days (wechat-api.md §4.3). */
const TEMP_MEDIA_TTL_MS = 3 * 24 * 3600 * 1000;

type MediaType = MaterialRecord['type'];

interface TypeRule {
  extensions: string[];
  maxBytes: number;
  /** errcode when over maxBytes. */
  sizeErrcode: number;
  /** Image types must also carry image magic bytes. */
  image: boolean;
}

/** Permanent material limits: image 10 MB bmp/png/jpeg/jpg/gif; voice 2 MB; video 10 MB mp4; thumb 64 KB jpg (§4.2). */
const PERMANENT: Record<MediaType, TypeRule> = {
  image: { extensions: ['bmp', 'png', 'jpeg', 'jpg', 'gif'], maxBytes: 10 * MB, sizeErrcode: 40009, image: true },
  voice: { extensions: ['mp3', 'wma', 'wav', 'amr'], maxBytes: 2 * MB, sizeErrcode: 40010, image: false },
  video: { extensions: ['mp4'], maxBytes: 10 * MB, sizeErrcode: 40011, image: false },
  thumb: { extensions: ['jpg', 'jpeg'], maxBytes: 64 * KB, sizeErrcode: 40012, image: true },
};

/** Temporary media: the official page disagrees with itself on images (2 MB vs 10 MB); EMU takes 2 MB (§4.3). */
const TEMPORARY: Record<MediaType, TypeRule> = {
  image: { extensions: ['bmp', 'png', 'jpeg', 'jpg', 'gif'], maxBytes: 2 * MB, sizeErrcode: 45001, image: true },
  voice: { extensions: ['mp3', 'amr'], maxBytes: 2 * MB, sizeErrcode: 45001, image: false },
  video: { extensions: ['mp4'], maxBytes: 10 * MB, sizeErrcode: 45001, image: false },
  thumb: { extensions: ['jpg', 'jpeg'], maxBytes: 64 * KB, sizeErrcode: 45001, image: true },
};

function mediaType(value: string | null): MediaType {
  if (value === 'image' || value === 'voice' || value === 'video' || value === 'thumb') return value;
  throw new EmuError(40004);
}

/** The `media` file part: 41005 when absent, 40113 without a recognised extension, 44001 when empty. */
function mediaPart(req: EmuRequest): { file: UploadedFile; ext: string } {
  const file = req.files.find((f) => f.field === 'media');
  if (!file) throw new EmuError(41005);
  const ext = extensionOf(file.filename);
  if (!ext) throw new EmuError(40113);
  if (file.data.length === 0) throw new EmuError(44001);
  return { file, ext };
}

/** Checks extension, magic bytes and size against a rule; returns the normalised extension. */
function checkFile(file: UploadedFile, ext: string, rule: TypeRule): string {
  if (!rule.extensions.includes(ext)) throw new EmuError(40005);
  let finalExt = normaliseImageExt(ext);
  if (rule.image) {
    const sniffed = sniffImage(file.data);
    // The bytes must be an image of an accepted kind (a .jpg that is really a PNG is fine, as on WeChat's CDN).
    if (!sniffed || !rule.extensions.map(normaliseImageExt).includes(sniffed)) throw new EmuError(40005);
    finalExt = sniffed;
  }
  if (file.data.length > rule.maxBytes) throw new EmuError(rule.sizeErrcode);
  return finalExt;
}

function videoDescription(req: EmuRequest): { title: string; introduction: string } {
  // Form field (official curl example) or query parameter (wechatpy) — accept either (§4.2).
  const text = req.fields.description ?? req.query.get('description');
  if (!text) throw new EmuError(47001, 'data format error: video material needs a description {"title","introduction"}');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EmuError(47001);
  }
  const d = parsed as { title?: unknown; introduction?: unknown };
  if (typeof d !== 'object' || d === null || typeof d.title !== 'string' || !d.title) throw new EmuError(47001);
  return { title: d.title, introduction: typeof d.introduction === 'string' ? d.introduction : '' };
}

function material(ctx: EmuContext, mediaId: unknown): MaterialRecord {
  if (typeof mediaId !== 'string' || !mediaId) throw new EmuError(40007);
  const m = ctx.account.state.materials[mediaId];
  if (!m) throw new EmuError(40007);
  return m;
}

async function bytesOf(ctx: EmuContext, blob: string): Promise<Buffer> {
  const data = await ctx.store.getBlob(blob);
  if (!data) throw new EmuError(-1);
  return data;
}

function listRange(req: EmuRequest): { offset: number; count: number } {
  const offset = intField(req.json.offset ?? 0);
  const count = intField(req.json.count);
  // count outside 1–20: errcode undocumented; EMU answers 40035 invalid args (wechat-api.md §5.2).
  if (offset === undefined || offset < 0 || count === undefined || count < 1 || count > 20) throw new EmuError(40035);
  return { offset, count };
}

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
      const { file, ext } = mediaPart(req);
      if (ext !== 'jpg' && ext !== 'jpeg' && ext !== 'png') throw new EmuError(40005);
      const sniffed = sniffImage(file.data);
      if (sniffed !== 'jpg' && sniffed !== 'png') throw new EmuError(40005);
      // "大小必须在1MB以下": strictly below 1 MiB — exactly 1 MiB is rejected (GZH).
      if (file.data.length >= MB) throw new EmuError(40009);
      const blob = await ctx.store.putBlob(file.data);
      const url = serveMedia(ctx.store, ctx.config.mediaOrigin, blob, sniffed);
      // No media_id: uploadimg images are not materials (§4.1).
      return json({ url, errcode: 0, errmsg: 'ok' });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/material/add_material',
    auth: 'token',
    body: 'multipart',
    async handle(req, ctx) {
      const type = mediaType(req.query.get('type') ?? req.fields.type ?? null);
      const { file, ext } = mediaPart(req);
      const finalExt = checkFile(file, ext, PERMANENT[type]);
      const description = type === 'video' ? videoDescription(req) : undefined;
      const blob = await ctx.store.putBlob(file.data);
      const mediaId = newMediaId();
      const rec: MaterialRecord = {
        mediaId,
        type,
        name: file.filename,
        blob,
        size: file.data.length,
        updateTime: ctx.nowSeconds(),
      };
      if (type === 'image' || type === 'thumb') rec.url = serveMedia(ctx.store, ctx.config.mediaOrigin, blob, finalExt);
      if (description) rec.description = description;
      ctx.account.state.materials[mediaId] = rec;
      // `url` only for images (§4.2).
      return json(type === 'image' ? { media_id: mediaId, url: rec.url } : { media_id: mediaId });
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/material/get_material',
    auth: 'token',
    body: 'json',
    async handle(req, ctx) {
      const m = material(ctx, req.json.media_id);
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
      const m = material(ctx, req.json.media_id);
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
      const { offset, count } = listRange(req);
      // Legacy news materials were retired in 2022 (§4.3): the list is always empty.
      const all = Object.values(ctx.account.state.materials)
        .filter((m) => m.type === type)
        .reverse()
        .sort((a, b) => b.updateTime - a.updateTime);
      const page = all.slice(offset, offset + count);
      return json({
        total_count: all.length,
        item_count: page.length,
        item: page.map((m) => ({
          media_id: m.mediaId,
          name: m.name,
          update_time: m.updateTime,
          ...(m.url ? { url: m.url } : {}),
        })),
      });
    },
  },
  {
    method: 'GET',
    path: '/cgi-bin/material/get_materialcount',
    auth: 'token',
    body: 'none',
    handle(_req, ctx) {
      const counts = { voice_count: 0, video_count: 0, image_count: 0, news_count: 0 };
      for (const m of Object.values(ctx.account.state.materials)) {
        // Thumbs are images in the material library.
        if (m.type === 'image' || m.type === 'thumb') counts.image_count++;
        else if (m.type === 'voice') counts.voice_count++;
        else counts.video_count++;
      }
      return json(counts);
    },
  },
  {
    method: 'POST',
    path: '/cgi-bin/media/upload',
    auth: 'token',
    body: 'multipart',
    dailyLimit: 5000, // 上传多媒体文件 5000/day (§3.1)
    async handle(req, ctx) {
      const type = mediaType(req.query.get('type'));
      const { file, ext } = mediaPart(req);
      const finalExt = checkFile(file, ext, TEMPORARY[type]);
      const blob = await ctx.store.putBlob(file.data);
      const mediaId = newMediaId();
      const createdAt = ctx.nowSeconds();
      const rec: TempMediaRecord = { mediaId, type, blob, mime: mimeOf(finalExt), createdAt };
      const temp = ctx.account.state.tempMedia;
      for (const [id, old] of Object.entries(temp)) if (old.createdAt * 1000 + TEMP_MEDIA_TTL_MS <= ctx.now()) delete temp[id];
      temp[mediaId] = rec;
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
      const rec = ctx.account.state.tempMedia[req.query.get('media_id') ?? ''];
      if (!rec || rec.createdAt * 1000 + TEMP_MEDIA_TTL_MS <= ctx.now()) throw new EmuError(40007);
      if (rec.type === 'video') return json({ video_url: serveMedia(ctx.store, ctx.config.mediaOrigin, rec.blob, 'mp4') });
      return attachment(await bytesOf(ctx, rec.blob), rec.mime, `${rec.mediaId}`);
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
        throw new EmuError(45106, 'This API has been unsupported');
      },
    }),
  ),
];

/**
 * Uploads and the material library (docs/wechat-api.md §4): per-type file rules of permanent and temporary media, the
 * `media` part of an upload, video descriptions, and the account's materials and temporary media.
 */
import { EmuError } from '../errors.js';
import type { EmuContext, EmuRequest, UploadedFile } from '../router.js';
import type { AccountState, MaterialRecord, TempMediaRecord } from '../state.js';
import { extensionOf, mimeOf, newMediaId, normaliseImageExt, serveMedia, sniffImage } from './media-files.js';

const KB = 1024;
const MB = 1024 * 1024;
/** Temporary media are kept 3 days (docs/wechat-api.md §4.3). */
const TEMP_MEDIA_TTL_MS = 3 * 24 * 3600 * 1000;

export type MediaType = MaterialRecord['type'];

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

/** The `type` of an upload: 40004 for anything but image/voice/video/thumb. */
export function mediaType(value: string | null | undefined): MediaType {
  if (value === 'image' || value === 'voice' || value === 'video' || value === 'thumb') return value;
  throw new EmuError(40004);
}

/** The `media` file part: 41005 when absent, 40113 without a recognised extension, 44001 when empty. */
export function mediaPart(req: EmuRequest): { file: UploadedFile; ext: string } {
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

/** `media/uploadimg`: jpg/png by extension and magic bytes (40005), strictly below 1 MiB (40009); the served URL. */
export async function uploadImage(ctx: EmuContext, req: EmuRequest): Promise<string> {
  const { file, ext } = mediaPart(req);
  if (ext !== 'jpg' && ext !== 'jpeg' && ext !== 'png') throw new EmuError(40005);
  const sniffed = sniffImage(file.data);
  if (sniffed !== 'jpg' && sniffed !== 'png') throw new EmuError(40005);
  // "大小必须在1MB以下": strictly below 1 MiB — exactly 1 MiB is rejected (GZH).
  if (file.data.length >= MB) throw new EmuError(40009);
  const blob = await ctx.store.putBlob(file.data);
  return serveMedia(ctx.store, ctx.config.mediaOrigin, blob, sniffed);
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

/** `material/add_material`: checks the upload against the permanent rules and stores it in the library. */
export async function addMaterial(ctx: EmuContext, req: EmuRequest, type: MediaType): Promise<MaterialRecord> {
  const { file, ext } = mediaPart(req);
  const finalExt = checkFile(file, ext, PERMANENT[type]);
  const description = type === 'video' ? videoDescription(req) : undefined;
  const blob = await ctx.store.putBlob(file.data);
  const mediaId = newMediaId();
  const rec: MaterialRecord = { mediaId, type, name: file.filename, blob, size: file.data.length, updateTime: ctx.nowSeconds() };
  if (type === 'image' || type === 'thumb') rec.url = serveMedia(ctx.store, ctx.config.mediaOrigin, blob, finalExt);
  if (description) rec.description = description;
  ctx.account.state.materials[mediaId] = rec;
  return rec;
}

/** A permanent material of the account; 40007 otherwise. */
export function materialOf(account: AccountState, mediaId: unknown): MaterialRecord {
  if (typeof mediaId !== 'string' || !mediaId) throw new EmuError(40007);
  const m = account.materials[mediaId];
  if (!m) throw new EmuError(40007);
  return m;
}

/**
 * `material/get_materialcount` counts what `batchget_material` lists (§4.3): image, voice and video materials, and
 * news (always 0, retired). Thumbs are neither listable (batchget type=thumb → 40004, type=image leaves them out) nor
 * counted — the answer has no thumb_count, and counting them as images would make image_count disagree with the
 * image listing's total_count.
 */
export function materialCounts(account: AccountState): Record<string, number> {
  const counts = { voice_count: 0, video_count: 0, image_count: 0, news_count: 0 };
  for (const m of Object.values(account.materials)) {
    if (m.type === 'image') counts.image_count++;
    else if (m.type === 'voice') counts.voice_count++;
    else if (m.type === 'video') counts.video_count++;
  }
  return counts;
}

/** `media/upload`: checks the upload against the temporary rules, drops expired media, stores the new one. */
export async function uploadTempMedia(ctx: EmuContext, req: EmuRequest, type: MediaType): Promise<TempMediaRecord> {
  const { file, ext } = mediaPart(req);
  const finalExt = checkFile(file, ext, TEMPORARY[type]);
  const blob = await ctx.store.putBlob(file.data);
  const rec: TempMediaRecord = { mediaId: newMediaId(), type, blob, mime: mimeOf(finalExt), createdAt: ctx.nowSeconds() };
  const temp = ctx.account.state.tempMedia;
  for (const [id, old] of Object.entries(temp)) if (!isTempMediaLive(old, ctx.now())) delete temp[id];
  temp[rec.mediaId] = rec;
  return rec;
}

/** Live temporary media of the account (40007 when unknown or older than 3 days). */
export function tempMediaOf(account: AccountState, mediaId: string, nowMs: number): TempMediaRecord {
  const rec = account.tempMedia[mediaId];
  if (!rec || !isTempMediaLive(rec, nowMs)) throw new EmuError(40007);
  return rec;
}

/** Temporary media live 3 days (§4.3). */
export function isTempMediaLive(rec: TempMediaRecord, nowMs: number): boolean {
  return rec.createdAt * 1000 + TEMP_MEDIA_TTL_MS > nowMs;
}

/** The stored bytes of a blob; a missing blob is an internal error (-1). */
export async function bytesOf(ctx: EmuContext, blob: string): Promise<Buffer> {
  const data = await ctx.store.getBlob(blob);
  if (!data) throw new EmuError(-1);
  return data;
}

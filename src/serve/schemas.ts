/**
 * The request and response shapes of `wxmp serve`, in zod (v4): the same schemas validate requests and make the
 * OpenAPI document (`/api/openapi.json`).
 */
import { z } from '@hono/zod-openapi';

/** An AppID as WeChat issues them (`wx` + 16 hex) — kept lenient: emulators and test accounts use other letters. */
const appid = z.string().regex(/^[A-Za-z0-9_-]{4,64}$/, 'an AppID: 4–64 letters, digits, - or _').openapi({ example: 'wx1234567890abcdef' });
const secret = z.string().min(1).max(128).regex(/^\S+$/, 'no spaces').openapi({ example: 'your-app-secret' });

/** How a request names its account (body fields or query parameters). */
export const AccountPick = {
  appid: appid.optional().openapi({ description: 'With `secret`: use this account for this request (else the default account).' }),
  secret: secret.optional().openapi({ description: 'The AppSecret for `appid`; with `appid` alone, the stored account of that AppID is used.' }),
  accountId: z.string().max(64).optional().openapi({ description: 'A stored account by id (GET /api/accounts).' }),
};

export const ErrorSchema = z
  .object({
    success: z.literal(false),
    error: z.string().openapi({ example: 'cgi-bin/draft/get: errcode 40007 invalid media_id' }),
    errcode: z.number().int().optional().openapi({ description: "WeChat's errcode, verbatim" }),
    errmsg: z.string().optional().openapi({ description: "WeChat's errmsg, verbatim" }),
    hint: z.string().optional().openapi({ description: 'What to do about it' }),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional().openapi({ description: 'Validation: which fields were wrong' }),
  })
  .openapi('Error');

export const AccountSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    appid: z.string(),
    secret: z.literal('***').openapi({ description: 'Never returned in clear' }),
    remark: z.string(),
    isDefault: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Account');

export const AccountCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(64),
    appid,
    secret,
    remark: z.string().max(500).optional(),
  })
  .strict()
  .openapi('AccountCreate');

export const AccountUpdateSchema = z
  .object({
    name: z.string().trim().min(1).max(64).optional(),
    appid: appid.optional(),
    secret: secret.optional(),
    remark: z.string().max(500).optional(),
  })
  .strict()
  .openapi('AccountUpdate');

export const IdParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });
export const MediaIdParam = z.object({ mediaId: z.string().min(1).max(256).openapi({ param: { name: 'mediaId', in: 'path' } }) });
export const PublishIdParam = z.object({ publishId: z.string().regex(/^\d{1,32}$/, 'a publish_id: digits').openapi({ param: { name: 'publishId', in: 'path' } }) });

const count = z.coerce.number().int().min(1).max(20).default(20).openapi({ description: '1–20 (WeChat pages at most 20)' });
const offset = z.coerce.number().int().min(0).max(1_000_000).default(0);

export const AccountQuery = z.object(AccountPick);

export const DraftListQuery = z.object({
  offset,
  count,
  withContent: z.enum(['true', 'false', '1', '0']).optional().openapi({ description: 'Include each article\'s HTML (default false)' }),
  ...AccountPick,
});

export const MaterialListQuery = z.object({
  type: z.enum(['image', 'voice', 'video', 'thumb', 'news']).default('image').openapi({ description: 'thumb lists image materials: WeChat cannot list thumbs (covers are image materials)' }),
  offset,
  count,
  ...AccountPick,
});

export const UploadForm = z.object({
  file: z
    .custom<File>((value) => value instanceof File, { message: 'a file field named "file" (multipart/form-data)' })
    .openapi({ type: 'string', format: 'binary', description: 'JPG, PNG, GIF or WebP, at most 10 MB' }),
  ...AccountPick,
});

export const UploadResult = z
  .object({
    success: z.literal(true),
    url: z.string().openapi({ description: 'The image URL on WeChat (mmbiz), for article HTML' }),
    mediaId: z.string().optional().openapi({ description: 'Permanent material id (thumb; animated GIF body images)' }),
    cached: z.boolean().openapi({ description: 'True when these bytes were uploaded before and the earlier result was answered' }),
    conversion: z.string().optional().openapi({ description: 'What was converted (webp→png, resized…)' }),
    sha256: z.string(),
  })
  .openapi('UploadResult');

export const DraftCreateSchema = z
  .object({
    title: z.string().trim().min(1).max(64).optional().openapi({ description: 'Required for html; for markdown the front matter or first heading is used when omitted' }),
    content: z.string().min(1).max(2_000_000),
    contentFormat: z.enum(['html', 'markdown']).default('html'),
    thumbMediaId: z.string().min(1).max(256).optional().openapi({ description: 'Cover: a permanent image material (POST /api/upload/thumb). Markdown: default its cover image, uploaded' }),
    author: z.string().max(16).optional(),
    digest: z.string().max(128).optional(),
    contentSourceUrl: z.url({ protocol: /^https?$/ }).max(1024).optional().openapi({ description: '阅读原文 link' }),
    needOpenComment: z.boolean().default(true),
    onlyFansCanComment: z.boolean().default(false),
    theme: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional().openapi({ description: 'Markdown: theme name' }),
    ...AccountPick,
  })
  .strict()
  .openapi('DraftCreate');

export const DraftCreated = z
  .object({
    success: z.literal(true),
    mediaId: z.string(),
    previewUrl: z.string().openapi({ description: 'Temporary preview link WeChat gives for the draft (may be empty)' }),
    title: z.string(),
    images: z.object({ uploaded: z.number().int(), reused: z.number().int() }),
    warnings: z.array(z.string()),
  })
  .openapi('DraftCreated');

export const ArticleSchema = z
  .object({
    title: z.string(),
    author: z.string().optional(),
    digest: z.string().optional(),
    content: z.string().optional(),
    contentSourceUrl: z.string().optional(),
    thumbMediaId: z.string().optional(),
    thumbUrl: z.string().optional(),
    url: z.string().optional(),
    needOpenComment: z.boolean().optional(),
    onlyFansCanComment: z.boolean().optional(),
  })
  .openapi('Article');

export const DraftRow = z
  .object({ mediaId: z.string(), updateTime: z.number().int(), title: z.string(), articles: z.array(ArticleSchema) })
  .openapi('Draft');

export const MaterialRow = z
  .object({ mediaId: z.string(), name: z.string().optional(), url: z.string().optional(), updateTime: z.number().int().optional() })
  .openapi('Material');

export const PublishSchema = z
  .object({
    mediaId: z.string().min(1).max(256),
    confirm: z.literal(true, { message: 'publishing is public and cannot be undone: send "confirm": true' }),
    ...AccountPick,
  })
  .strict()
  .openapi('Publish');

export const PublishStatusSchema = z
  .object({
    publishId: z.string(),
    status: z.number().int().openapi({ description: '0 success, 1 publishing, 2 original check failed, 3 failed, 4 rejected, 5 deleted, 6 banned' }),
    statusText: z.string(),
    articleId: z.string().optional(),
    articleUrls: z.array(z.string()),
    failIdx: z.array(z.number().int()),
  })
  .openapi('PublishStatus');

export const RenderSchema = z
  .object({
    markdown: z.string().max(2_000_000).optional(),
    content: z.string().max(2_000_000).optional().openapi({ description: 'Same as markdown' }),
    theme: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  })
  .strict()
  .openapi('Render');

export const MessageSchema = z.object({ line: z.number().int().optional(), column: z.number().int().optional(), severity: z.string(), rule: z.string().optional(), message: z.string() });

export const RenderResult = z
  .object({
    success: z.literal(true),
    html: z.string(),
    title: z.string(),
    digest: z.string(),
    author: z.string().optional(),
    ok: z.boolean().openapi({ description: 'False when a message is an error (the article would be sent broken)' }),
    messages: z.array(MessageSchema),
    images: z.array(z.string()).openapi({ description: 'Image sources the Markdown references (sent drafts upload them)' }),
  })
  .openapi('RenderResult');

export const Ok = z.object({ success: z.literal(true) });

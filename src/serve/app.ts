/**
 * The routes of `wxmp serve` (docs/serve.md): JSON over `/api`, `{ success: true, … }` or `{ success: false, error }`,
 * validated by the zod schemas that also make `/api/openapi.json`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { OpenAPIHono, createRoute, z, type RouteConfig } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import type { WxmpConfig } from '../config/schema.js';
import { sha256 } from '../util/hash.js';
import { allowedHostNames, hostAllowed } from '../util/host-check.js';
import { sniffImageFormat } from '../util/image-type.js';
import type { DraftArticle, DraftNewsItem } from '../wechat/api/draft.js';
import type { BatchgetType } from '../wechat/api/material.js';
import { publishStatusText } from '../wechat/errors.js';
import { publicAccount, type AccountStore } from './accounts-store.js';
import { markdownArticle, messagesToJson, renderOnly, sanitizeArticleHtml } from './content.js';
import { ApiError, errorResponse, type ErrorBody } from './errors.js';
import * as S from './schemas.js';
import type { AccountTarget, SessionPool } from './sessions.js';

const MiB = 1024 * 1024;
/** Uploads: WeChat's largest image material. */
export const MAX_UPLOAD_BYTES = 10 * MiB;

export interface ServeAppConfig {
  root: string;
  config: WxmpConfig;
  store: AccountStore;
  pool: SessionPool;
  version: string;
  /** The interface the server is bound to (its name is accepted as Host besides localhost and IP addresses). */
  host: string;
  /** More host names to answer to (a docker-compose service name…), against DNS rebinding. */
  allowedHosts?: readonly string[];
  /** When set, every request needs `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Origins that may call the API from a browser (CORS); none by default. */
  corsOrigins?: readonly string[];
  /** One line per request (method, path without the query, status, time) and faults. Never a secret. */
  log?: (line: string) => void;
  /** Largest JSON body (default 4 MiB). */
  maxJsonBytes?: number;
  /** Uploads processed at once; more are answered 503 at once rather than queued with their bodies (default 4). */
  maxConcurrentUploads?: number;
  /** Requests in progress at most; more are answered 503 (default 256). */
  maxInFlight?: number;
  /** What requests without an account use when no account is stored: for /api/health. */
  fallback: string;
}

type AppEnv = { Variables: { started: number } };

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const errors = {
  400: json(S.ErrorSchema, 'Invalid request (validation, WeChat refused the input)'),
  403: json(S.ErrorSchema, 'Refused: Host/Origin check, or WeChat refused the account (credentials, IP whitelist, permission)'),
  404: json(S.ErrorSchema, 'Not found'),
  422: json(S.ErrorSchema, 'Content that cannot be used (an image that cannot be converted, Markdown with errors)'),
  429: json(S.ErrorSchema, 'A WeChat quota or frequency limit'),
  502: json(S.ErrorSchema, 'WeChat could not be reached or answered badly'),
  503: json(S.ErrorSchema, 'Busy, shutting down, or no usable account configured'),
};
const security = [{ bearer: [] }];

function route<R extends RouteConfig>(config: R): R & { getRoutingPath(): string } {
  return createRoute({ ...config, security, responses: { ...errors, ...config.responses } });
}

const jsonBody = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });

export function createApp(options: ServeAppConfig): OpenAPIHono<AppEnv> {
  const log = options.log ?? (() => undefined);
  const { store, pool } = options;
  const renderCtx = { root: options.root, config: options.config };
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const issues = result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(body)', message: issue.message }));
      const where = result.target === 'json' || result.target === 'form' ? '' : ` (${result.target})`;
      const body: ErrorBody = { success: false, error: `invalid request${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues };
      return c.json(body, 400);
    },
  });

  // --- the guards, in order: log, limits, Host, Origin, CORS, API key ---------------------------------------------
  let inFlight = 0;
  const maxInFlight = options.maxInFlight ?? 256;
  app.use('*', async (c, next) => {
    const started = performance.now();
    c.set('started', started);
    if (inFlight >= maxInFlight) {
      log(`${c.req.method} ${c.req.path} 503 busy`);
      return c.json({ success: false, error: 'too many requests in progress: try again shortly' } satisfies ErrorBody, 503, { 'Retry-After': '1' });
    }
    inFlight++;
    try {
      await next();
    } finally {
      inFlight--;
      log(`${c.req.method} ${c.req.path} ${c.res.status} ${Math.round(performance.now() - started)}ms`);
    }
  });
  const hostNames = allowedHostNames([options.host, ...(options.allowedHosts ?? [])]);
  const corsOrigins = new Set((options.corsOrigins ?? []).map((o) => o.replace(/\/+$/, '')));
  app.use('*', async (c, next) => {
    const host = c.req.header('host');
    if (!hostAllowed(host, hostNames)) {
      throw new ApiError(403, `Host "${host}" is not one this service answers to (DNS-rebinding protection): use localhost or an IP address, or start it with --allowed-host <name>`);
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && !corsOrigins.has(origin.replace(/\/+$/, '')) && !sameOrigin(origin, host)) {
      throw new ApiError(403, `cross-origin request from "${origin}" refused: allow the origin with --cors <origin>`);
    }
    await next();
  });
  if (corsOrigins.size) {
    app.use('/api/*', cors({ origin: [...corsOrigins], allowHeaders: ['Content-Type', 'Authorization'], allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'], maxAge: 600 }));
  }
  if (options.apiKey) {
    const expected = createHash('sha256').update(options.apiKey).digest();
    app.use('/api/*', async (c, next) => {
      if (c.req.method === 'OPTIONS') return next();
      const header = c.req.header('authorization') ?? '';
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      // Hashes of equal length, compared in constant time: neither the key nor its length leaks through timing.
      const given = createHash('sha256').update(match?.[1] ?? '').digest();
      if (!match || !timingSafeEqual(given, expected)) {
        throw new ApiError(401, match ? 'wrong API key' : 'this service needs an API key: send "Authorization: Bearer <key>"');
      }
      await next();
    });
  }
  const maxJson = options.maxJsonBytes ?? 4 * MiB;
  const uploadLimit = bodyLimit({
    maxSize: MAX_UPLOAD_BYTES + 256 * 1024,
    onError: () => {
      throw new ApiError(413, `the upload is larger than ${MAX_UPLOAD_BYTES / MiB} MB`);
    },
  });
  const jsonLimit = bodyLimit({
    maxSize: maxJson,
    onError: () => {
      throw new ApiError(413, `the request body is larger than ${Math.round(maxJson / 1024)} KB`);
    },
  });
  app.use('/api/*', async (c, next) => (c.req.path.startsWith('/api/upload/') ? next() : jsonLimit(c, next)));

  app.onError((error, c) => {
    if (error instanceof HTTPException && !(error instanceof ApiError)) {
      const status = error.status as 400;
      return c.json({ success: false, error: error.message || 'bad request' } satisfies ErrorBody, status);
    }
    const { status, body, internal } = errorResponse(error);
    if (internal) log(`${c.req.method} ${c.req.path}: ${internal}`);
    if (status === 500 && process.env.WXMP_DEBUG && error instanceof Error && error.stack) log(error.stack);
    return c.json(body, status, status === 503 || status === 429 ? { 'Retry-After': '60' } : undefined);
  });
  app.notFound((c) => c.json({ success: false, error: `no such endpoint: ${c.req.method} ${c.req.path} (see /api/openapi.json)` } satisfies ErrorBody, 404));

  /** The account a request names: stored by id, appid+secret, a stored appid, else the default; else the project's. */
  const pick = async (fields: { appid?: string; secret?: string; accountId?: string }): Promise<AccountTarget> => {
    if (fields.accountId) {
      const stored = store.get(fields.accountId);
      if (!stored) throw new ApiError(404, `no stored account with id ${fields.accountId}`);
      return pool.forCredentials(stored.appid, stored.secret, 'stored');
    }
    if (fields.appid && fields.secret) return pool.forCredentials(fields.appid, fields.secret, 'request');
    if (fields.secret) throw new ApiError(400, 'secret without appid: send both, or neither to use the default account');
    if (fields.appid) {
      const stored = store.byAppId(fields.appid);
      if (!stored) throw new ApiError(400, `appid ${fields.appid} is not a stored account: send its secret too`);
      return pool.forCredentials(stored.appid, stored.secret, 'stored');
    }
    const def = store.defaultAccount();
    if (def) return pool.forCredentials(def.appid, def.secret, 'stored');
    if (store.list().length > 1) throw new ApiError(400, 'several accounts are stored and none is the default: send appid (and secret) or accountId, or POST /api/accounts/:id/default');
    return pool.forProject();
  };

  // --- health and accounts -------------------------------------------------------------------------------------------
  app.openapi(
    route({
      method: 'get',
      path: '/api/health',
      tags: ['service'],
      summary: 'Whether the service is up, and what it talks to',
      responses: { 200: json(z.object({ success: z.literal(true), version: z.string(), accounts: z.number().int(), fallback: z.string() }), 'Up') },
    }),
    (c) => c.json({ success: true as const, version: options.version, accounts: store.list().length, fallback: options.fallback }, 200),
  );

  const accountList = () => store.list().map((a) => publicAccount(a, store.defaultAccount()?.id));
  app.openapi(
    route({
      method: 'get',
      path: '/api/accounts',
      tags: ['accounts'],
      summary: 'Stored accounts (secrets masked as ***)',
      responses: { 200: json(z.object({ success: z.literal(true), data: z.array(S.AccountSchema), fallback: z.string() }), 'The stored accounts') },
    }),
    (c) => c.json({ success: true as const, data: accountList(), fallback: options.fallback }, 200),
  );
  app.openapi(
    route({
      method: 'post',
      path: '/api/accounts',
      tags: ['accounts'],
      summary: 'Store an account (the first one becomes the default)',
      request: jsonBody(S.AccountCreateSchema),
      responses: { 201: json(z.object({ success: z.literal(true), data: S.AccountSchema }), 'Stored'), 409: json(S.ErrorSchema, 'An account with this AppID exists') },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const account = await store.add(body);
      log(`account added: ${account.name} (${account.appid})`);
      return c.json({ success: true as const, data: publicAccount(account, store.defaultAccount()?.id) }, 201);
    },
  );
  app.openapi(
    route({
      method: 'put',
      path: '/api/accounts/{id}',
      tags: ['accounts'],
      summary: 'Change a stored account',
      request: { params: S.IdParam, ...jsonBody(S.AccountUpdateSchema) },
      responses: { 200: json(z.object({ success: z.literal(true), data: S.AccountSchema }), 'Changed'), 409: json(S.ErrorSchema, 'Another account has this AppID') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { before, after } = await store.update(id, c.req.valid('json'));
      await pool.evict(before.appid);
      return c.json({ success: true as const, data: publicAccount(after, store.defaultAccount()?.id) }, 200);
    },
  );
  app.openapi(
    route({
      method: 'delete',
      path: '/api/accounts/{id}',
      tags: ['accounts'],
      summary: 'Remove a stored account',
      request: { params: S.IdParam },
      responses: { 200: json(z.object({ success: z.literal(true), id: z.string() }), 'Removed') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const removed = await store.remove(id);
      await pool.evict(removed.appid);
      log(`account removed: ${removed.name} (${removed.appid})`);
      return c.json({ success: true as const, id }, 200);
    },
  );
  app.openapi(
    route({
      method: 'post',
      path: '/api/accounts/{id}/default',
      tags: ['accounts'],
      summary: 'Make a stored account the default',
      request: { params: S.IdParam },
      responses: { 200: json(z.object({ success: z.literal(true), data: S.AccountSchema }), 'Now the default') },
    }),
    async (c) => {
      const account = await store.setDefault(c.req.valid('param').id);
      return c.json({ success: true as const, data: publicAccount(account, account.id) }, 200);
    },
  );

  // --- uploads --------------------------------------------------------------------------------------------------------
  let uploading = 0;
  const maxUploads = options.maxConcurrentUploads ?? 4;
  const uploadGate: MiddlewareHandler = async (c, next) => {
    const type = c.req.header('content-type') ?? '';
    if (!/^multipart\/form-data\s*;/i.test(type)) throw new ApiError(415, 'send the file as multipart/form-data with a field named "file"');
    if (uploading >= maxUploads) return c.json({ success: false, error: 'busy with other uploads: try again shortly' } satisfies ErrorBody, 503, { 'Retry-After': '1' });
    uploading++;
    try {
      await uploadLimit(c, next);
    } finally {
      uploading--;
    }
  };
  /** The multipart body through Hono's parseBody (under the body limit), validated with the same schema as documented. */
  const readUpload = async (c: Context): Promise<{ file: File; data: Buffer; pick: { appid?: string; secret?: string; accountId?: string } }> => {
    let form: Record<string, unknown>;
    try {
      form = await c.req.parseBody();
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError(400, 'the multipart body cannot be read');
    }
    const parsed = S.UploadForm.safeParse(form);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(form)', message: issue.message }));
      throw new ApiError(400, `invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
    }
    const { file, ...pick } = parsed.data;
    if (file.size === 0) throw new ApiError(400, 'the file is empty');
    if (file.size > MAX_UPLOAD_BYTES) throw new ApiError(413, `the file is ${file.size} bytes, over ${MAX_UPLOAD_BYTES / MiB} MB`);
    const data = Buffer.from(await file.arrayBuffer());
    const format = sniffImageFormat(data.subarray(0, 64));
    if (format !== 'jpeg' && format !== 'png' && format !== 'gif' && format !== 'webp') {
      throw new ApiError(415, `${format ? format.toUpperCase() : 'this file'} is not accepted: upload JPG, PNG, GIF or WebP`);
    }
    return { file, data, pick };
  };
  const uploadBody = {
    body: {
      required: true,
      content: {
        'multipart/form-data': {
          // Documented here, parsed by the handler with c.req.parseBody() after the body limit.
          schema: {
            type: 'object' as const,
            required: ['file'],
            properties: {
              file: { type: 'string' as const, format: 'binary', description: 'JPG, PNG, GIF or WebP, at most 10 MB' },
              appid: { type: 'string' as const },
              secret: { type: 'string' as const },
              accountId: { type: 'string' as const },
            },
          },
        },
      },
    },
  };
  app.openapi(
    route({
      method: 'post',
      path: '/api/upload/image',
      tags: ['uploads'],
      summary: 'Upload an image for article HTML (converted like the sync: JPEG/PNG under 1 MB; animated GIF as material)',
      middleware: [uploadGate],
      request: uploadBody,
      responses: { 200: json(S.UploadResult, 'Uploaded, or answered from the cache'), 413: json(S.ErrorSchema, 'Over 10 MB'), 415: json(S.ErrorSchema, 'Not JPG/PNG/GIF/WebP') },
    }),
    async (c) => {
      const { file, data, pick: fields } = await readUpload(c);
      const target = await pick(fields);
      const digest = sha256(data);
      const { image, fresh } = await target.uploader.bodyImage({ data, sha256: digest }, { src: file.name || 'upload', kind: 'local' });
      return c.json(
        { success: true as const, url: image.url, ...(image.mediaId ? { mediaId: image.mediaId } : {}), cached: !fresh, ...(image.conversion ? { conversion: image.conversion } : {}), sha256: digest },
        200,
      );
    },
  );
  app.openapi(
    route({
      method: 'post',
      path: '/api/upload/thumb',
      tags: ['uploads'],
      summary: 'Upload a cover as a permanent image material: its mediaId is a draft\'s thumbMediaId',
      middleware: [uploadGate],
      request: uploadBody,
      responses: { 200: json(S.UploadResult, 'Uploaded, or answered from the cache'), 413: json(S.ErrorSchema, 'Over 10 MB'), 415: json(S.ErrorSchema, 'Not JPG/PNG/GIF/WebP') },
    }),
    async (c) => {
      const { file, data, pick: fields } = await readUpload(c);
      const target = await pick(fields);
      const digest = sha256(data);
      const { cover, fresh } = await target.uploader.cover({ data, sha256: digest }, { src: file.name || 'cover', kind: 'local' });
      return c.json(
        { success: true as const, url: cover.url ?? '', mediaId: cover.mediaId, cached: !fresh, ...(cover.conversion ? { conversion: cover.conversion } : {}), sha256: digest },
        200,
      );
    },
  );

  // --- drafts ---------------------------------------------------------------------------------------------------------
  app.openapi(
    route({
      method: 'post',
      path: '/api/draft/create',
      tags: ['drafts'],
      summary: 'Create a draft from HTML (sanitized like posts) or Markdown (rendered, images uploaded)',
      request: jsonBody(S.DraftCreateSchema),
      responses: { 200: json(S.DraftCreated, 'Created') },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const target = await pick(body);
      const warnings: string[] = [];
      let content: string;
      let title = body.title;
      let digest = body.digest;
      let author = body.author;
      let thumbMediaId = body.thumbMediaId;
      let images = { uploaded: 0, reused: 0 };
      if (body.contentFormat === 'markdown') {
        const article = await markdownArticle(body.content, renderCtx, target, { theme: body.theme, thumbMediaId });
        content = article.html;
        title ??= article.rendered.title || undefined;
        digest ??= article.rendered.digest || undefined;
        author ??= article.rendered.author ?? target.account.author;
        thumbMediaId = article.thumbMediaId;
        images = article.images;
        for (const m of messagesToJson(article.rendered.messages)) if (m.severity === 'warning') warnings.push(`${m.line ? `line ${m.line}: ` : ''}${m.message}`);
      } else {
        content = sanitizeArticleHtml(body.content);
        if (!content.trim()) throw new ApiError(400, 'content: nothing is left after sanitizing (scripts, styles and iframes are removed)');
      }
      if (!title) throw new ApiError(400, 'title: required (for Markdown: a title in the front matter or a first heading also works)');
      if ([...title].length > 64) throw new ApiError(400, `title: ${[...title].length} characters, WeChat takes at most 64`);
      if (!thumbMediaId) throw new ApiError(400, 'thumbMediaId: required — upload a cover with POST /api/upload/thumb (Markdown: or put a cover/image in it)');
      const article: DraftArticle = {
        title,
        content,
        thumb_media_id: thumbMediaId,
        need_open_comment: body.needOpenComment ? 1 : 0,
        only_fans_can_comment: body.needOpenComment && body.onlyFansCanComment ? 1 : 0,
        ...(author ? { author } : {}),
        ...(digest ? { digest } : {}),
        ...(body.contentSourceUrl ? { content_source_url: body.contentSourceUrl } : {}),
      };
      const client = await target.client();
      // draft/add is not idempotent: sent once; the preview link is read back (a failure there is only a warning).
      const { media_id } = await target.call(() => client.draft.add([article]));
      log(`draft created: ${media_id}`);
      let previewUrl = '';
      try {
        const stored = await target.call(() => client.draft.get(media_id));
        previewUrl = stored.news_item[0]?.url ?? '';
      } catch (error) {
        warnings.push(`the draft was created, but its preview link could not be read: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      }
      return c.json({ success: true as const, mediaId: media_id, previewUrl, title, images, warnings }, 200);
    },
  );
  app.openapi(
    route({
      method: 'get',
      path: '/api/draft/list',
      tags: ['drafts'],
      summary: 'One page of the draft box, newest first',
      request: { query: S.DraftListQuery },
      responses: { 200: json(z.object({ success: z.literal(true), data: z.array(S.DraftRow), total: z.number().int(), offset: z.number().int(), count: z.number().int() }), 'A page') },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const target = await pick(query);
      const client = await target.client();
      const withContent = query.withContent === 'true' || query.withContent === '1';
      const page = await target.call(() => client.draft.batchget({ offset: query.offset, count: query.count, noContent: !withContent }));
      const data = page.item.map((item) => ({
        mediaId: item.media_id,
        updateTime: Number(item.update_time),
        title: item.content.news_item[0]?.title ?? '',
        articles: item.content.news_item.map((a) => articleOut(a, withContent)),
      }));
      return c.json({ success: true as const, data, total: page.total_count, offset: query.offset, count: data.length }, 200);
    },
  );
  app.openapi(
    route({
      method: 'get',
      path: '/api/draft/{mediaId}',
      tags: ['drafts'],
      summary: 'A draft, as WeChat stores it',
      request: { params: S.MediaIdParam, query: S.AccountQuery },
      responses: { 200: json(z.object({ success: z.literal(true), data: z.object({ mediaId: z.string(), articles: z.array(S.ArticleSchema) }) }), 'The draft') },
    }),
    async (c) => {
      const { mediaId } = c.req.valid('param');
      const target = await pick(c.req.valid('query'));
      const client = await target.client();
      const draft = await target.call(() => client.draft.get(mediaId));
      return c.json({ success: true as const, data: { mediaId, articles: draft.news_item.map((a) => articleOut(a, true)) } }, 200);
    },
  );
  app.openapi(
    route({
      method: 'delete',
      path: '/api/draft/{mediaId}',
      tags: ['drafts'],
      summary: 'Delete a draft',
      request: { params: S.MediaIdParam, query: S.AccountQuery },
      responses: { 200: json(z.object({ success: z.literal(true), mediaId: z.string() }), 'Deleted') },
    }),
    async (c) => {
      const { mediaId } = c.req.valid('param');
      const target = await pick(c.req.valid('query'));
      const client = await target.client();
      await target.call(() => client.draft.delete(mediaId));
      log(`draft deleted: ${mediaId}`);
      return c.json({ success: true as const, mediaId }, 200);
    },
  );

  // --- materials, publishing, rendering -----------------------------------------------------------------------------
  app.openapi(
    route({
      method: 'get',
      path: '/api/material/list',
      tags: ['materials'],
      summary: 'One page of permanent materials (thumb lists images: WeChat cannot list thumbs)',
      request: { query: S.MaterialListQuery },
      responses: { 200: json(z.object({ success: z.literal(true), data: z.array(S.MaterialRow), total: z.number().int(), offset: z.number().int(), count: z.number().int(), type: z.string() }), 'A page') },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const target = await pick(query);
      const client = await target.client();
      const type: BatchgetType = query.type === 'thumb' ? 'image' : query.type;
      const page = await target.call(() => client.material.batchget({ type, offset: query.offset, count: query.count }));
      const data = page.item.map((item) => ({
        mediaId: item.media_id,
        ...(item.name ? { name: item.name } : {}),
        ...(item.url ? { url: item.url } : {}),
        ...(item.update_time !== undefined ? { updateTime: Number(item.update_time) } : {}),
      }));
      return c.json({ success: true as const, data, total: page.total_count, offset: query.offset, count: data.length, type }, 200);
    },
  );
  app.openapi(
    route({
      method: 'post',
      path: '/api/publish',
      tags: ['publishing'],
      summary: 'Submit a draft for publishing (public, cannot be undone: needs "confirm": true; sent once, never retried)',
      request: jsonBody(S.PublishSchema),
      responses: { 200: json(z.object({ success: z.literal(true), publishId: z.string(), msgDataId: z.string().optional() }), 'Submitted: poll GET /api/publish/{publishId}') },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const target = await pick(body);
      const client = await target.client();
      const submitted = await target.call(() => client.freepublish.submit(body.mediaId));
      log(`publish submitted: draft ${body.mediaId} → publish_id ${submitted.publish_id}`);
      return c.json({ success: true as const, publishId: submitted.publish_id, ...(submitted.msg_data_id ? { msgDataId: submitted.msg_data_id } : {}) }, 200);
    },
  );
  app.openapi(
    route({
      method: 'get',
      path: '/api/publish/{publishId}',
      tags: ['publishing'],
      summary: 'The status of a publish job',
      request: { params: S.PublishIdParam, query: S.AccountQuery },
      responses: { 200: json(z.object({ success: z.literal(true), data: S.PublishStatusSchema }), 'Its status') },
    }),
    async (c) => {
      const { publishId } = c.req.valid('param');
      const target = await pick(c.req.valid('query'));
      const client = await target.client();
      const status = await target.call(() => client.freepublish.get(publishId));
      const urls = [...(status.article_detail?.item ?? [])].sort((a, b) => a.idx - b.idx).map((i) => i.article_url);
      return c.json(
        {
          success: true as const,
          data: {
            publishId: status.publish_id,
            status: status.publish_status,
            statusText: publishStatusText(status.publish_status),
            ...(status.article_id ? { articleId: status.article_id } : {}),
            articleUrls: urls,
            failIdx: status.fail_idx,
          },
        },
        200,
      );
    },
  );
  app.openapi(
    route({
      method: 'post',
      path: '/api/render',
      tags: ['render'],
      summary: 'Markdown → WeChat HTML (no account needed; images are not uploaded)',
      request: jsonBody(S.RenderSchema),
      responses: { 200: json(S.RenderResult, 'Rendered'), 413: json(S.ErrorSchema, 'Over limits.postBytes') },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const markdown = body.markdown ?? body.content;
      if (markdown === undefined) throw new ApiError(400, 'markdown: required');
      const rendered = await renderOnly(markdown, renderCtx, body.theme);
      return c.json(
        {
          success: true as const,
          html: rendered.html,
          title: rendered.title,
          digest: rendered.digest,
          ...(rendered.author ? { author: rendered.author } : {}),
          ok: rendered.ok,
          messages: messagesToJson(rendered.messages),
          images: rendered.images.map((i) => i.src),
        },
        200,
      );
    },
  );

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'Needed when the service was started with an API key' });
  app.doc('/api/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'wxmp serve',
      version: options.version,
      description: 'A local REST API over wxmp for other tools: accounts, uploads, drafts, materials, publishing and rendering for a WeChat Official Account (微信公众号). See docs/serve.md.',
    },
    servers: [{ url: '/' }],
  });
  return app;
}

function articleOut(a: DraftNewsItem, withContent: boolean): z.infer<typeof S.ArticleSchema> {
  return {
    title: a.title,
    ...(a.author ? { author: a.author } : {}),
    ...(a.digest ? { digest: a.digest } : {}),
    ...(withContent ? { content: a.content } : {}),
    ...(a.content_source_url ? { contentSourceUrl: a.content_source_url } : {}),
    ...(a.thumb_media_id ? { thumbMediaId: a.thumb_media_id } : {}),
    ...(a.thumb_url ? { thumbUrl: a.thumb_url } : {}),
    ...(a.url ? { url: a.url } : {}),
    ...(a.need_open_comment !== undefined ? { needOpenComment: Number(a.need_open_comment) === 1 } : {}),
    ...(a.only_fans_can_comment !== undefined ? { onlyFansCanComment: Number(a.only_fans_can_comment) === 1 } : {}),
  };
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}

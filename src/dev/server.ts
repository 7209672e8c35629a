/**
 * `wxmp dev`'s HTTP server (Hono on Node): the index and post pages, their JSON, server-sent events, the project's
 * images, and the two actions (upload, sync).
 *
 * Security (docs/dev.md, "Security"): it binds 127.0.0.1 by default and answers only requests whose Host header is
 * the bound host and port (DNS rebinding); every request that changes something (POST) must carry the per-run random
 * token the pages hold (`x-wxmp-token`) and, when the browser sends one, the server's own Origin, so a page from
 * another origin cannot trigger a sync or an upload; files are served only from inside the root (or the static folder)
 * — no `..`, no symlink out (resolveInside) — and only images, with a CSP that runs nothing.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { resolveInside } from '../content/local-files.js';
import { copyPayload, syncOne, uploadImages } from './actions.js';
import { STUDIO_CSS, STUDIO_JS } from './assets.js';
import { indexPage, postPage } from './pages.js';
import { DevStudio, problemsOf, type DevEvent } from './studio.js';
import { watchProject, type ProjectWatcher } from './watcher.js';
import { builtinTemplatesDir } from '../render/resolve-theme.js';

export interface DevServerOptions {
  root: string;
  config?: string;
  port?: number;
  host?: string;
  /** Watch the files (default true; tests may drive `studio.handleChanges` themselves). */
  watch?: boolean;
  /** Called with an error that happened while handling a change (printed by the CLI). */
  onError?: (error: unknown) => void;
  /** Called after each batch of changes was handled, with the paths and the milliseconds it took. */
  onRebuilt?: (paths: Set<string>, ms: number) => void;
}

export interface DevServer {
  url: string;
  host: string;
  port: number;
  token: string;
  studio: DevStudio;
  close(): Promise<void>;
}

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.bmp': 'image/bmp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
};

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https: http:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox";

/** `host:port` as it appears in a Host header (IPv6 in brackets). */
function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const host = options.host ?? '127.0.0.1';
  const token = randomBytes(24).toString('base64url');
  const studio = await DevStudio.open({ root: options.root, config: options.config });
  const root = studio.root;
  let allowedHosts = new Set<string>();
  let origin = '';

  const app = new Hono();

  // Only the bound host: a DNS-rebinding page (evil.example resolving to 127.0.0.1) sends its own name as Host.
  app.use('*', async (c, next) => {
    const given = (c.req.header('host') ?? '').toLowerCase();
    if (!allowedHosts.has(given)) return c.text('wxmp dev: unknown Host header\n', 421);
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cache-Control', 'no-store');
  });
  // Anything that changes something: the page's token, and no foreign Origin.
  app.use('/api/*', async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const from = c.req.header('origin');
      if (from !== undefined && from !== origin) return c.json({ error: 'cross-origin request refused' }, 403);
      if (!sameToken(c.req.header('x-wxmp-token'), token)) return c.json({ error: 'missing or wrong x-wxmp-token (reload the page)' }, 403);
    }
    await next();
  });

  const html = (c: Context, body: string) => {
    c.header('Content-Security-Policy', PAGE_CSP);
    return c.html(body);
  };

  app.get('/', async (c) => {
    const session = await studio.readSession();
    return html(
      c,
      indexPage({
        title: `wxmp dev — ${path.basename(root)}`,
        entries: studio.index(),
        token,
        mode: session?.mode === 'live' ? 'live account' : 'sandbox (no credentials)',
        lockFile: session?.lockFileLabel ?? 'wxmp.lock.json',
      }),
    );
  });

  app.get('/post', async (c) => {
    const source = c.req.query('src') ?? '';
    const render = await studio.render(source);
    if (!render) return c.text(`No post ${source}\n`, 404);
    const title = 'error' in render ? source : render.rendered.title || source;
    return html(c, postPage({ source, title, html: 'error' in render ? '' : render.previewHtml, token }));
  });

  app.get('/assets/studio.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    return c.body(STUDIO_JS);
  });
  app.get('/assets/studio.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    return c.body(STUDIO_CSS);
  });
  app.get('/favicon.ico', (c) => c.body(null, 204));

  app.get('/api/posts', (c) => c.json({ posts: studio.index() }));

  app.get('/api/post', async (c) => {
    const source = c.req.query('src') ?? '';
    const theme = c.req.query('theme') || undefined;
    const themes = await studio.themes();
    if (theme !== undefined && !themes.includes(theme)) return c.json({ error: `unknown theme ${theme}` }, 400);
    const render = await studio.render(source, theme);
    if (!render) return c.json({ error: `no post ${source}` }, 404);
    if ('error' in render) return c.json({ error: `${source} does not render: ${render.error}` }, 500);
    const { rendered } = render;
    const own = theme === undefined ? render : await studio.render(source);
    const entry = studio.index().find((e) => e.source === source);
    return c.json({
      source,
      version: render.version,
      title: rendered.title,
      author: rendered.author ?? null,
      digest: rendered.digest,
      theme: rendered.theme,
      postTheme: own && !('error' in own) ? own.rendered.theme : rendered.theme,
      themeOverride: theme ?? null,
      themes,
      html: render.previewHtml,
      messages: problemsOf(rendered),
      sizes: {
        textChars: rendered.sizes.textChars,
        htmlBytes: rendered.sizes.htmlBytes,
        maxTextChars: studio.config.lint.maxTextChars,
        maxHtmlBytes: studio.config.lint.maxHtmlBytes,
      },
      copy: await copyPayload(studio, render, origin),
      status: entry ?? null,
    });
  });

  const action = (run: (source: string) => Promise<unknown>) => async (c: Context) => {
    const body = (await c.req.json().catch(() => ({}))) as { source?: unknown };
    const source = typeof body.source === 'string' ? body.source : '';
    if (!studio.posts.has(source)) return c.json({ error: `no post ${source}` }, 404);
    try {
      return c.json((await run(source)) as object);
    } catch (error) {
      return c.json({ error: error instanceof Error ? error.message : String(error) }, 409);
    }
  };
  app.post('/api/sync', action((source) => syncOne(studio, source)));
  app.post('/api/upload', action((source) => uploadImages(studio, source)));

  app.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      const queue: DevEvent[] = [];
      let wake: (() => void) | undefined;
      const off = studio.on((event) => {
        queue.push(event);
        wake?.();
      });
      stream.onAbort(() => {
        off();
        wake?.();
      });
      await stream.writeSSE({ event: 'hello', data: '{}' });
      while (!stream.aborted && !stream.closed) {
        const event = queue.shift();
        if (event) {
          await stream.writeSSE({ event: event.type, data: JSON.stringify(event) });
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 15_000).unref();
        });
        wake = undefined;
        if (queue.length === 0 && !stream.aborted) await stream.writeSSE({ event: 'ping', data: '{}' });
      }
      off();
    }),
  );

  // The project's images, from inside the root (or the static folder) only.
  app.get('/files/*', async (c) => {
    const rel = c.req.path.slice('/files/'.length);
    return serveFile(c, rel, [root, ...(studio.config.staticDir ? [path.resolve(root, studio.config.staticDir)] : [])], root);
  });
  // The sandbox drafts' preview pages (written by a sync from this page or the CLI), and their images.
  app.get('/sandbox/preview/*', async (c) => {
    const dir = path.join(root, '.wxmp', 'sandbox', 'preview');
    return serveFile(c, c.req.path.slice('/sandbox/preview/'.length), [dir], dir, true);
  });

  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 4310, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://${hostPort(host, port)}`;
  allowedHosts = new Set([hostPort(host, port).toLowerCase()]);
  if (host === '127.0.0.1' || host === '::1') allowedHosts.add(`localhost:${port}`);

  let watcher: ProjectWatcher | undefined;
  if (options.watch !== false) {
    const ignore = ['.git', 'node_modules', '.wxmp', studio.config.outDir];
    let chain = Promise.resolve();
    watcher = watchProject({
      root,
      folders: studio.watchFolders(),
      extraRoots: [builtinTemplatesDir],
      ignore,
      onChange: (paths) => {
        // One batch at a time, in order: a save during a render is handled right after it.
        chain = chain.then(async () => {
          const started = performance.now();
          try {
            await studio.handleChanges(paths);
            watcher?.watchFiles(studio.dependencies());
            options.onRebuilt?.(paths, performance.now() - started);
          } catch (error) {
            options.onError?.(error);
          }
        });
      },
    });
    watcher.watchFiles(studio.dependencies());
  }

  return {
    url: `${origin}/`,
    host,
    port,
    token,
    studio,
    async close() {
      watcher?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}

/** Serves a file below `base` (URL-decoded, no `..`), inside `roots` after symlinks: images, or HTML previews. */
async function serveFile(c: Context, encoded: string, roots: string[], base: string, allowHtml = false): Promise<Response> {
  let rel: string;
  try {
    rel = encoded.split('/').map(decodeURIComponent).join('/');
  } catch {
    return c.text('Bad path\n', 400);
  }
  if (rel.includes('\0') || rel.split(/[\\/]/).some((seg) => seg === '..') || path.isAbsolute(rel)) return c.text('Not found\n', 404);
  const file = path.resolve(base, rel);
  const ext = path.extname(file).toLowerCase();
  const type = IMAGE_TYPES[ext] ?? (allowHtml && ext === '.html' ? 'text/html; charset=utf-8' : undefined);
  if (!type) return c.text('Not found\n', 404);
  const resolved = resolveInside(file, roots);
  if (resolved.status !== 'inside') return c.text('Not found\n', 404);
  let data: Buffer;
  try {
    data = await readFile(resolved.real);
  } catch {
    return c.text('Not found\n', 404);
  }
  c.header('Content-Type', type);
  c.header('Content-Security-Policy', ext === '.html' ? "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:" : FILE_CSP);
  return c.body(new Uint8Array(data));
}

/** `wxmp serve` over real HTTP against the emulator: accounts, uploads, drafts, materials, publishing, rendering. */
import { statSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage } from '../helpers/repo.js';
import { APP, OTHER, call, form, startHarness, type Harness } from './helpers.js';

let h: Harness;
let coverId = '';

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const uploads = () => {
  const counts = h.emulator.control.requestCounts();
  return (counts['/cgi-bin/material/add_material'] ?? 0) + (counts['/cgi-bin/media/uploadimg'] ?? 0);
};

describe('without an account', () => {
  it('answers health and renders Markdown', async () => {
    const health = await call(`${h.api}/health`);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ success: true, accounts: 0 });
    expect(health.body.fallback).toMatch(/sandbox/);
    const rendered = await call(`${h.api}/render`, { method: 'POST', json: { markdown: '---\ntitle: 你好\n---\n\n正文 **粗体** <script>alert(1)</script>\n\n![x](./local.png)' } });
    expect(rendered.status).toBe(200);
    expect(rendered.body).toMatchObject({ success: true, title: '你好', ok: true });
    expect(rendered.body.html).toContain('<strong');
    expect(rendered.body.html).not.toContain('<script');
    expect(rendered.body.images).toEqual(['./local.png']);
  });

  it('publishes an OpenAPI document made from the schemas', async () => {
    const doc = await call(`${h.api}/openapi.json`);
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    for (const p of ['/api/accounts', '/api/accounts/{id}', '/api/accounts/{id}/default', '/api/upload/image', '/api/upload/thumb', '/api/draft/create', '/api/draft/list', '/api/draft/{mediaId}', '/api/material/list', '/api/publish', '/api/publish/{publishId}', '/api/render']) {
      expect(doc.body.paths, p).toHaveProperty([p]);
    }
    expect(doc.body.components.schemas.DraftCreate.properties.contentFormat.enum).toEqual(['html', 'markdown']);
  });
});

describe('accounts', () => {
  let id = '';
  it('stores an account in a 0600 file and never answers its secret', async () => {
    const created = await call(`${h.api}/accounts`, { method: 'POST', json: { name: '主号', appid: APP.appId, secret: APP.appSecret, remark: 'test' } });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ name: '主号', appid: APP.appId, secret: '***', isDefault: true });
    id = created.body.data.id;
    const file = h.serve.accountsFile;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).accounts[0].secret).toBe(APP.appSecret);
    const list = await call(`${h.api}/accounts`);
    expect(list.body.data).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(APP.appSecret);
    expect(h.logs.join('\n')).not.toContain(APP.appSecret);
  });

  it('refuses bad input with 4xx and the fields named', async () => {
    const dup = await call(`${h.api}/accounts`, { method: 'POST', json: { name: 'again', appid: APP.appId, secret: 'x' } });
    expect(dup.status).toBe(409);
    const bad = await call(`${h.api}/accounts`, { method: 'POST', json: { name: '', appid: 'bad id!', extra: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.success).toBe(false);
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['name', 'appid', 'secret']));
    const missing = await call(`${h.api}/accounts/nope`, { method: 'PUT', json: { remark: 'x' } });
    expect(missing.status).toBe(404);
  });

  it('updates, makes default and deletes', async () => {
    const second = await call(`${h.api}/accounts`, { method: 'POST', json: { name: 'second', appid: OTHER.appId, secret: 'wrong-secret' } });
    expect(second.body.data.isDefault).toBe(false);
    const fixed = await call(`${h.api}/accounts/${second.body.data.id}`, { method: 'PUT', json: { secret: OTHER.appSecret, remark: '副号' } });
    expect(fixed.status).toBe(200);
    expect(fixed.body.data).toMatchObject({ remark: '副号', secret: '***' });
    const def = await call(`${h.api}/accounts/${second.body.data.id}/default`, { method: 'POST' });
    expect(def.body.data.isDefault).toBe(true);
    const removed = await call(`${h.api}/accounts/${second.body.data.id}`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    const list = await call(`${h.api}/accounts`);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({ id, isDefault: true });
  });
});

describe('uploads', () => {
  it('uploads a cover once per content hash', async () => {
    const jpg = await makeImage(3, 'jpeg', 300, 128);
    const before = uploads();
    const first = await call(`${h.api}/upload/thumb`, { method: 'POST', body: form(jpg, 'cover.jpg') });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ success: true, cached: false });
    expect(first.body.mediaId).toBeTruthy();
    expect(first.body.url).toMatch(/^https?:\/\//);
    const again = await call(`${h.api}/upload/thumb`, { method: 'POST', body: form(jpg, 'other-name.jpg') });
    expect(again.body).toMatchObject({ success: true, cached: true, mediaId: first.body.mediaId });
    expect(uploads() - before).toBe(1);
    coverId = first.body.mediaId;
  });

  it('converts a WebP body image and answers its URL', async () => {
    const webp = await makeImage(4, 'webp');
    const res = await call(`${h.api}/upload/image`, { method: 'POST', body: form(webp, 'a.webp') });
    expect(res.status).toBe(200);
    expect(res.body.url).toMatch(/^https?:\/\//);
    expect(res.body.conversion).toMatch(/^webp→(png|jpeg)/);
  });

  it('refuses other files, empty forms and oversized bodies', async () => {
    const text = await call(`${h.api}/upload/image`, { method: 'POST', body: form('hello, not an image', 'a.png') });
    expect(text.status).toBe(415);
    const svg = await call(`${h.api}/upload/image`, { method: 'POST', body: form('<svg xmlns="http://www.w3.org/2000/svg"/>', 'a.svg') });
    expect(svg.status).toBe(415);
    const nofile = new FormData();
    nofile.set('appid', APP.appId);
    const none = await call(`${h.api}/upload/image`, { method: 'POST', body: nofile });
    expect(none.status).toBe(400);
    expect(none.body.error).toMatch(/file/);
    const json = await call(`${h.api}/upload/image`, { method: 'POST', json: { file: 'x' } });
    expect(json.status).toBe(415);
    const big = Buffer.alloc(11 * 1024 * 1024, 1);
    big.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const tooBig = await call(`${h.api}/upload/image`, { method: 'POST', body: form(big, 'big.png') });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.success).toBe(false);
  });
});

describe('drafts', () => {
  let mediaId = '';
  it('creates a draft from HTML: sanitized like posts, with a preview URL', async () => {
    const res = await call(`${h.api}/draft/create`, {
      method: 'POST',
      json: { title: '标题', content: '<p onclick="x()">正文</p><script>alert(1)</script><iframe src="https://e.example"></iframe>', thumbMediaId: coverId, author: '作者' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, title: '标题' });
    expect(res.body.mediaId).toBeTruthy();
    expect(typeof res.body.previewUrl).toBe('string');
    mediaId = res.body.mediaId;
    const got = await call(`${h.api}/draft/${encodeURIComponent(mediaId)}`);
    expect(got.status).toBe(200);
    const article = got.body.data.articles[0];
    expect(article).toMatchObject({ title: '标题', author: '作者', needOpenComment: true });
    expect(article.content).toContain('正文');
    expect(article.content).not.toMatch(/script|onclick|iframe/);
  });

  it('creates a draft from Markdown: rendered, its images and cover uploaded', async () => {
    const before = uploads();
    const md = '---\ntitle: Markdown 草稿\n---\n\n一段文字。\n\n![本地](./local.png)\n';
    const res = await call(`${h.api}/draft/create`, { method: 'POST', json: { content: md, contentFormat: 'markdown', needOpenComment: false } });
    expect(res.status).toBe(200);
    expect(res.body.title).toBe('Markdown 草稿');
    expect(res.body.images.uploaded).toBe(2); // the body image, and the same image as cover (a material)
    expect(uploads() - before).toBe(2);
    const got = await call(`${h.api}/draft/${encodeURIComponent(res.body.mediaId)}`);
    expect(got.body.data.articles[0].needOpenComment).toBe(false);
    expect(got.body.data.articles[0].content).not.toContain('./local.png');
    // The same Markdown again: nothing uploaded twice.
    const again = await call(`${h.api}/draft/create`, { method: 'POST', json: { content: md, contentFormat: 'markdown' } });
    expect(again.body.images).toEqual({ uploaded: 0, reused: 2 });
  });

  it('refuses Markdown with errors and drafts without a cover or title (4xx)', async () => {
    const missing = await call(`${h.api}/draft/create`, { method: 'POST', json: { title: 't', content: '![x](./missing.png)', contentFormat: 'markdown' } });
    expect(missing.status).toBe(422);
    expect(missing.body.messages.length).toBeGreaterThan(0);
    const outside = await call(`${h.api}/draft/create`, { method: 'POST', json: { title: 't', content: '![x](../../../etc/passwd)', contentFormat: 'markdown' } });
    expect(outside.status).toBe(422);
    const noCover = await call(`${h.api}/draft/create`, { method: 'POST', json: { title: 't', content: '<p>x</p>' } });
    expect(noCover.status).toBe(400);
    expect(noCover.body.error).toMatch(/thumbMediaId/);
    const noTitle = await call(`${h.api}/draft/create`, { method: 'POST', json: { content: '<p>x</p>', thumbMediaId: coverId } });
    expect(noTitle.status).toBe(400);
    const longTitle = await call(`${h.api}/draft/create`, { method: 'POST', json: { title: '长'.repeat(65), content: '<p>x</p>', thumbMediaId: coverId } });
    expect(longTitle.status).toBe(400);
    expect(longTitle.body.issues[0].path).toBe('title');
  });

  it('lists, shows and deletes drafts; an unknown media_id is 404 with errcode, errmsg and hint', async () => {
    const list = await call(`${h.api}/draft/list?count=2`);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(3);
    expect(list.body.data).toHaveLength(2);
    expect(list.body.data[0].articles[0].content).toBeUndefined();
    const tooMany = await call(`${h.api}/draft/list?count=21`);
    expect(tooMany.status).toBe(400);
    const del = await call(`${h.api}/draft/${encodeURIComponent(mediaId)}`, { method: 'DELETE' });
    expect(del.body).toEqual({ success: true, mediaId });
    const gone = await call(`${h.api}/draft/${encodeURIComponent(mediaId)}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ success: false, errcode: 40007 });
    expect(gone.body.errmsg).toMatch(/invalid media_id/);
    expect(gone.body.hint).toBeTruthy();
    expect(JSON.stringify(gone.body)).not.toMatch(/\n\s+at /);
  });
});

describe('materials and publishing', () => {
  it('lists image materials (thumb lists images too)', async () => {
    const images = await call(`${h.api}/material/list?type=image`);
    expect(images.status).toBe(200);
    expect(images.body.data.length).toBeGreaterThanOrEqual(2);
    const thumbs = await call(`${h.api}/material/list?type=thumb&count=1`);
    expect(thumbs.body).toMatchObject({ success: true, type: 'image', count: 1 });
    expect((await call(`${h.api}/material/list?type=pdf`)).status).toBe(400);
  });

  it('publishes only with confirm: true, once, and reports the status', async () => {
    const list = await call(`${h.api}/draft/list`);
    const mediaId = list.body.data[0].mediaId;
    const unconfirmed = await call(`${h.api}/publish`, { method: 'POST', json: { mediaId } });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body.error).toMatch(/confirm/);
    const before = h.emulator.control.requestCounts()['/cgi-bin/freepublish/submit'] ?? 0;
    const submitted = await call(`${h.api}/publish`, { method: 'POST', json: { mediaId, confirm: true } });
    expect(submitted.status).toBe(200);
    expect(submitted.body.publishId).toMatch(/^\d+$/);
    expect((h.emulator.control.requestCounts()['/cgi-bin/freepublish/submit'] ?? 0) - before).toBe(1);
    let status: any;
    for (let i = 0; i < 50; i++) {
      status = await call(`${h.api}/publish/${submitted.body.publishId}`);
      if (status.body.data?.status !== 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(status.status).toBe(200);
    expect(status.body.data).toMatchObject({ publishId: submitted.body.publishId, status: 0 });
    expect(status.body.data.articleUrls[0]).toMatch(/^https?:\/\//);
  });
});

describe('choosing the account', () => {
  it('uses appid+secret from the request, and answers a wrong secret with the errcode', async () => {
    const other = await call(`${h.api}/draft/list?appid=${OTHER.appId}&secret=${OTHER.appSecret}`);
    expect(other.status).toBe(200);
    expect(other.body.total).toBe(0);
    const wrong = await call(`${h.api}/draft/list?appid=${OTHER.appId}&secret=not-the-secret`);
    expect(wrong.status).toBe(403);
    expect(wrong.body.errcode).toBeTypeOf('number');
    expect(wrong.body.hint).toBeTruthy();
    expect(h.logs.join('\n')).not.toContain('not-the-secret');
    expect(h.logs.join('\n')).not.toContain(OTHER.appSecret);
    const half = await call(`${h.api}/draft/list?secret=x`);
    expect(half.status).toBe(400);
    const unknown = await call(`${h.api}/draft/list?appid=wxunknown000000000`);
    expect(unknown.status).toBe(400);
  });
});

describe('hardening', () => {
  it('answers malformed JSON, unknown endpoints and wrong content types with JSON 4xx', async () => {
    const malformed = await fetch(`${h.api}/draft/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title": ' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ success: false });
    const text = await fetch(`${h.api}/draft/create`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(text.status).toBe(415);
    expect((await text.json()).success).toBe(false);
    const nowhere = await call(`${h.api}/nope`);
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.success).toBe(false);
    const huge = await fetch(`${h.api}/render`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ markdown: 'x'.repeat(5 * 1024 * 1024) }) });
    expect(huge.status).toBe(413);
  });

  it('refuses foreign Host headers (DNS rebinding) and cross-origin requests', async () => {
    const { request } = await import('node:http');
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${h.api}/health`, { headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status({ host: 'evil.example' })).toBe(403);
    expect(await status({ host: `localhost:${h.serve.port}` })).toBe(200);
    expect(await status({ host: `127.0.0.1:${h.serve.port}` })).toBe(200);
    expect(await status({ origin: 'https://evil.example' })).toBe(403);
    expect(await status({ origin: `http://127.0.0.1:${h.serve.port}` })).toBe(200);
  });
});

/**
 * Emulator uploads, materials, drafts, content normalisation and freepublish — over plain HTTP with fetch/FormData,
 * the way any client (not only ours) talks to WeChat.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';

const APP = { appId: 'wxfedcba0987654321', appSecret: 'fedcba9876543210fedcba9876543210' };
const T0 = Date.UTC(2026, 2, 2, 4, 0, 0);
const MIB = 1024 * 1024;
const running: RunningEmulator[] = [];
type Json = Record<string, any>;

let png: Buffer;
let jpg: Buffer;
let gif: Buffer;
beforeAll(async () => {
  const base = sharp({ create: { width: 16, height: 12, channels: 3, background: '#2a7' } });
  png = await base.clone().png().toBuffer();
  jpg = await base.clone().jpeg().toBuffer();
  gif = await base.clone().gif().toBuffer();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

interface Ctx {
  emu: RunningEmulator;
  t: string;
  post(path: string, body: unknown): Promise<Json>;
  get(path: string): Promise<Json>;
  upload(path: string, file: Buffer | undefined, filename: string, fields?: Record<string, string>, field?: string): Promise<Json>;
  cover(): Promise<string>;
  addDraft(articles: unknown[]): Promise<Json>;
}

async function setup(options: EmulatorOptions = {}): Promise<Ctx> {
  const emu = await startEmulator({ accounts: [APP], now: () => T0, ...options });
  running.push(emu);
  const tok = (await (await fetch(`${emu.url}/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.appSecret}`)).json()) as Json;
  const t = tok.access_token as string;
  const sep = (p: string) => (p.includes('?') ? '&' : '?');
  const ctx: Ctx = {
    emu,
    t,
    async post(path, body) {
      const res = await fetch(`${emu.url}${path}${sep(path)}access_token=${t}`, { method: 'POST', body: JSON.stringify(body) });
      return (await res.json()) as Json;
    },
    async get(path) {
      return (await (await fetch(`${emu.url}${path}${sep(path)}access_token=${t}`)).json()) as Json;
    },
    async upload(path, file, filename, fields = {}, field = 'media') {
      const form = new FormData();
      if (file) form.append(field, new Blob([new Uint8Array(file)]), filename);
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      const res = await fetch(`${emu.url}${path}${sep(path)}access_token=${t}`, { method: 'POST', body: form });
      return (await res.json()) as Json;
    },
    async cover() {
      const r = await ctx.upload('/cgi-bin/material/add_material?type=image', png, 'cover.png');
      return r.media_id as string;
    },
    addDraft(articles) {
      return ctx.post('/cgi-bin/draft/add', { articles });
    },
  };
  return ctx;
}

function article(thumb: string, extra: Json = {}): Json {
  return { title: '标题', author: '作者', content: '<p>正文内容</p>', thumb_media_id: thumb, ...extra };
}

describe('media/uploadimg (docs/wechat-api.md §4.1)', () => {
  it('accepts jpg/png, returns a served mmbiz-style url and no media_id', async () => {
    const c = await setup();
    const r = await c.upload('/cgi-bin/media/uploadimg', png, '图片.png');
    expect(r.media_id).toBeUndefined();
    expect(r.url).toMatch(new RegExp(`^${c.emu.url}/mmbiz_png/[A-Za-z0-9_-]+/0\\?wx_fmt=png$`));
    const served = await fetch(r.url as string);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
    expect((await c.upload('/cgi-bin/media/uploadimg', jpg, 'a.JPEG')).url).toMatch(/mmbiz_jpg/);
  });

  it('checks the extension and the magic bytes: 40113 no/unknown extension, 40005 wrong type', async () => {
    const c = await setup();
    expect((await c.upload('/cgi-bin/media/uploadimg', png, 'image')).errcode).toBe(40113);
    expect((await c.upload('/cgi-bin/media/uploadimg', png, 'image.xyz')).errcode).toBe(40113);
    expect((await c.upload('/cgi-bin/media/uploadimg', gif, 'a.gif')).errcode).toBe(40005);
    expect((await c.upload('/cgi-bin/media/uploadimg', Buffer.from('not an image at all'), 'a.png')).errcode).toBe(40005);
  });

  it('requires the size to be strictly below 1 MiB (40009)', async () => {
    const c = await setup();
    const padded = (n: number) => Buffer.concat([jpg, Buffer.alloc(n - jpg.length)]);
    expect((await c.upload('/cgi-bin/media/uploadimg', padded(MIB), 'big.jpg')).errcode).toBe(40009);
    expect((await c.upload('/cgi-bin/media/uploadimg', padded(MIB - 1), 'ok.jpg')).url).toBeTruthy();
  });

  it('answers 41005 without a `media` part and 44001 for an empty file', async () => {
    const c = await setup();
    expect((await c.upload('/cgi-bin/media/uploadimg', png, 'a.png', {}, 'file')).errcode).toBe(41005);
    expect((await c.upload('/cgi-bin/media/uploadimg', Buffer.alloc(0), 'a.png')).errcode).toBe(44001);
    const notMultipart = await c.post('/cgi-bin/media/uploadimg', { media: 'x' });
    expect(notMultipart.errcode).toBe(41005);
  });
});

describe('permanent and temporary materials (docs/wechat-api.md §4.2, §4.3)', () => {
  it('add_material image returns media_id + url; get_material returns the bytes; del_material removes it', async () => {
    const c = await setup();
    const r = await c.upload('/cgi-bin/material/add_material?type=image', png, 'cover.png');
    expect(r.media_id).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(r.url).toMatch(/\/mmbiz_png\//);
    const res = await fetch(`${c.emu.url}/cgi-bin/material/get_material?access_token=${c.t}`, {
      method: 'POST',
      body: JSON.stringify({ media_id: r.media_id }),
    });
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
    expect(await c.post('/cgi-bin/material/del_material', { media_id: r.media_id })).toEqual({ errcode: 0, errmsg: 'ok' });
    expect((await c.post('/cgi-bin/material/get_material', { media_id: r.media_id })).errcode).toBe(40007);
    expect((await c.post('/cgi-bin/material/del_material', { media_id: r.media_id })).errcode).toBe(40007);
  });

  it('enforces type and per-type limits: 40004 bad type, thumb jpg ≤ 64 KB (40012), voice 2 MB (40010)', async () => {
    const c = await setup();
    expect((await c.upload('/cgi-bin/material/add_material?type=news', png, 'a.png')).errcode).toBe(40004);
    expect((await c.upload('/cgi-bin/material/add_material', png, 'a.png')).errcode).toBe(40004);
    expect((await c.upload('/cgi-bin/material/add_material?type=thumb', png, 'a.png')).errcode).toBe(40005);
    const thumb = await c.upload('/cgi-bin/material/add_material?type=thumb', jpg, 'thumb.jpg');
    expect(thumb.media_id).toBeTruthy();
    expect(thumb.url).toBeUndefined();
    const bigThumb = Buffer.concat([jpg, Buffer.alloc(64 * 1024)]);
    expect((await c.upload('/cgi-bin/material/add_material?type=thumb', bigThumb, 'thumb.jpg')).errcode).toBe(40012);
    expect((await c.upload('/cgi-bin/material/add_material?type=voice', Buffer.alloc(2 * MIB + 1, 1), 'v.mp3')).errcode).toBe(40010);
    expect((await c.upload('/cgi-bin/material/add_material?type=voice', Buffer.alloc(1000, 1), 'v.mp3')).media_id).toBeTruthy();
    expect((await c.upload('/cgi-bin/material/add_material?type=image', gif, 'a.gif')).media_id).toBeTruthy();
  });

  it('video needs a description, as a form field or a query parameter', async () => {
    const c = await setup();
    const mp4 = Buffer.from('\x00\x00\x00\x18ftypmp42 fake video bytes', 'latin1');
    expect((await c.upload('/cgi-bin/material/add_material?type=video', mp4, 'v.mp4')).errcode).toBe(47001);
    const desc = JSON.stringify({ title: '视频', introduction: '介绍' });
    const a = await c.upload('/cgi-bin/material/add_material?type=video', mp4, 'v.mp4', { description: desc });
    expect(a.media_id).toBeTruthy();
    const b = await c.upload(`/cgi-bin/material/add_material?type=video&description=${encodeURIComponent(desc)}`, mp4, 'v.mp4');
    expect(b.media_id).toBeTruthy();
    const got = await c.post('/cgi-bin/material/get_material', { media_id: a.media_id });
    expect(got).toMatchObject({ title: '视频', description: '介绍' });
    expect((await fetch(got.down_url as string)).status).toBe(200);
  });

  it('batchget_material pages 1–20 items (40035 otherwise) and get_materialcount counts', async () => {
    const c = await setup();
    for (let i = 0; i < 3; i++) await c.upload('/cgi-bin/material/add_material?type=image', png, `p${i}.png`);
    const page = await c.post('/cgi-bin/material/batchget_material', { type: 'image', offset: 1, count: 20 });
    expect(page.total_count).toBe(3);
    expect(page.item_count).toBe(2);
    expect(page.item[0]).toMatchObject({ name: expect.stringMatching(/^p\d\.png$/), url: expect.stringContaining('/mmbiz_png/') });
    expect((await c.post('/cgi-bin/material/batchget_material', { type: 'image', offset: 0, count: 21 })).errcode).toBe(40035);
    expect((await c.post('/cgi-bin/material/batchget_material', { type: 'image', offset: 0, count: 0 })).errcode).toBe(40035);
    expect((await c.post('/cgi-bin/material/batchget_material', { type: 'thumb', offset: 0, count: 1 })).errcode).toBe(40004);
    expect(await c.get('/cgi-bin/material/get_materialcount')).toEqual({ voice_count: 0, video_count: 0, image_count: 3, news_count: 0 });
  });

  it('get_materialcount counts what batchget_material lists: thumbs in neither (§4.3)', async () => {
    const c = await setup();
    await c.upload('/cgi-bin/material/add_material?type=image', png, 'a.png');
    await c.upload('/cgi-bin/material/add_material?type=image', jpg, 'b.jpg');
    const thumb = await c.upload('/cgi-bin/material/add_material?type=thumb', jpg, 't.jpg');
    expect(thumb.media_id).toBeTruthy();
    const counts = await c.get('/cgi-bin/material/get_materialcount');
    expect(counts).toEqual({ voice_count: 0, video_count: 0, image_count: 2, news_count: 0 });
    const images = await c.post('/cgi-bin/material/batchget_material', { type: 'image', offset: 0, count: 20 });
    expect(images.total_count).toBe(counts.image_count);
    expect(images.item.map((i: Json) => i.media_id)).not.toContain(thumb.media_id);
    expect((await c.post('/cgi-bin/material/batchget_material', { type: 'thumb', offset: 0, count: 20 })).errcode).toBe(40004);
    // The thumb is still a material: get_material serves it.
    expect((await fetch(`${c.emu.url}/cgi-bin/material/get_material?access_token=${c.t}`, { method: 'POST', body: JSON.stringify({ media_id: thumb.media_id }) })).headers.get('content-type')).toMatch(/image\/jpeg/);
  });

  it('temporary media: media/upload + media/get, expired after 3 days (40007), 45001 over limit', async () => {
    const c = await setup();
    const r = await c.upload('/cgi-bin/media/upload?type=image', png, 'tmp.png');
    expect(r).toMatchObject({ type: 'image', created_at: Math.floor(T0 / 1000) });
    const res = await fetch(`${c.emu.url}/cgi-bin/media/get?media_id=${r.media_id}&access_token=${c.t}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
    expect((await c.upload('/cgi-bin/media/upload?type=image', Buffer.concat([png, Buffer.alloc(2 * MIB)]), 'big.png')).errcode).toBe(45001);
    c.emu.control.advanceTime(3 * 24 * 3600 * 1000);
    const fresh = (await (await fetch(`${c.emu.url}/cgi-bin/token?grant_type=client_credential&appid=${APP.appId}&secret=${APP.appSecret}`)).json()) as Json;
    const expired = await fetch(`${c.emu.url}/cgi-bin/media/get?media_id=${r.media_id}&access_token=${fresh.access_token}`);
    expect(((await expired.json()) as Json).errcode).toBe(40007);
  });
});

describe('drafts (docs/wechat-api.md §5)', () => {
  it('draft/add returns only media_id; get/count/delete work; draft/count is GET', async () => {
    const c = await setup();
    const thumb = await c.cover();
    const added = await c.addDraft([article(thumb)]);
    expect(Object.keys(added)).toEqual(['media_id']);
    expect(await c.get('/cgi-bin/draft/count')).toEqual({ total_count: 1 });
    const got = await c.post('/cgi-bin/draft/get', { media_id: added.media_id });
    expect(got.news_item).toHaveLength(1);
    expect(got.news_item[0]).toMatchObject({
      title: '标题',
      author: '作者',
      content: '<p>正文内容</p>',
      thumb_media_id: thumb,
      need_open_comment: 0,
      only_fans_can_comment: 0,
      thumb_url: expect.stringContaining('/mmbiz_png/'),
    });
    expect((await fetch(got.news_item[0].url as string)).status).toBe(200); // the preview page
    expect(await c.post('/cgi-bin/draft/delete', { media_id: added.media_id })).toEqual({ errcode: 0, errmsg: 'ok' });
    expect((await c.post('/cgi-bin/draft/get', { media_id: added.media_id })).errcode).toBe(40007);
    expect((await c.post('/cgi-bin/draft/delete', { media_id: added.media_id })).errcode).toBe(40007);
  });

  it('44003 for missing/empty/malformed articles, 45008 for more than 8', async () => {
    const c = await setup();
    const thumb = await c.cover();
    expect((await c.post('/cgi-bin/draft/add', {})).errcode).toBe(44003);
    expect((await c.addDraft([])).errcode).toBe(44003);
    expect((await c.post('/cgi-bin/draft/add', { articles: 'x' })).errcode).toBe(44003);
    expect((await c.addDraft(['not an object'])).errcode).toBe(44003);
    expect((await c.addDraft([article(thumb, { content: undefined })])).errcode).toBe(44003);
    expect((await c.addDraft(Array.from({ length: 9 }, () => article(thumb)))).errcode).toBe(45008);
    expect((await c.addDraft(Array.from({ length: 8 }, () => article(thumb)))).media_id).toBeTruthy();
  });

  it('40007 unless thumb_media_id is a permanent image/thumb material of this account', async () => {
    const c = await setup();
    expect((await c.addDraft([article('')])).errcode).toBe(40007);
    expect((await c.addDraft([article('nope')])).errcode).toBe(40007);
    const temp = await c.upload('/cgi-bin/media/upload?type=image', png, 't.png');
    expect((await c.addDraft([article(temp.media_id as string)])).errcode).toBe(40007);
    const voice = await c.upload('/cgi-bin/material/add_material?type=voice', Buffer.alloc(10, 1), 'v.mp3');
    expect((await c.addDraft([article(voice.media_id as string)])).errcode).toBe(40007);
    const thumb = await c.upload('/cgi-bin/material/add_material?type=thumb', jpg, 'th.jpg');
    expect((await c.addDraft([article(thumb.media_id as string)])).media_id).toBeTruthy();
  });

  it('title 40227 empty / 45003 over 64 chars (32 in doc-strict mode), author 45110, digest 45004', async () => {
    const c = await setup();
    const thumb = await c.cover();
    expect((await c.addDraft([article(thumb, { title: '' })])).errcode).toBe(40227);
    expect((await c.addDraft([article(thumb, { title: undefined })])).errcode).toBe(40227);
    expect((await c.addDraft([article(thumb, { title: '长'.repeat(64) })])).media_id).toBeTruthy();
    expect((await c.addDraft([article(thumb, { title: '长'.repeat(65) })])).errcode).toBe(45003);
    expect((await c.addDraft([article(thumb, { author: '作'.repeat(17) })])).errcode).toBe(45110);
    expect((await c.addDraft([article(thumb, { digest: '摘'.repeat(129) })])).errcode).toBe(45004);
    const strict = await setup({ titleLimit: 32 });
    const strictThumb = await strict.cover();
    expect((await strict.addDraft([article(strictThumb, { title: '长'.repeat(33) })])).errcode).toBe(45003);
  });

  it('45002 when content has 20 000+ visible characters or 1 MB+ of HTML; markup does not count as characters', async () => {
    const c = await setup();
    const thumb = await c.cover();
    expect((await c.addDraft([article(thumb, { content: `<p>${'字'.repeat(20_000)}</p>` })])).errcode).toBe(45002);
    const styled = `<p style="${'color:#333;'.repeat(100)}">${'字'.repeat(100)}</p>`.repeat(50); // ~60 000 chars of HTML
    expect((await c.addDraft([article(thumb, { content: styled })])).media_id).toBeTruthy();
    const huge = `<p style="${'x'.repeat(1024 * 1024)}">a</p>`;
    expect((await c.addDraft([article(thumb, { content: huge })])).errcode).toBe(45002);
  });

  it('88000 for need_open_comment without comment privilege; 53406 for product_info without capability', async () => {
    const c = await setup({ accounts: [{ ...APP, commentPrivilege: false }] });
    const thumb = await c.cover();
    expect((await c.addDraft([article(thumb, { need_open_comment: 1 })])).errcode).toBe(88000);
    expect((await c.addDraft([article(thumb, { need_open_comment: 0 })])).media_id).toBeTruthy();
    expect((await c.addDraft([article(thumb, { product_info: { footer_product_info: { product_key: 'k' } } })])).errcode).toBe(53406);
  });

  it('41039 for an invalid content_source_url', async () => {
    const c = await setup();
    const thumb = await c.cover();
    expect((await c.addDraft([article(thumb, { content_source_url: 'not a url' })])).errcode).toBe(41039);
    expect((await c.addDraft([article(thumb, { content_source_url: 'https://example.com/原文' })])).media_id).toBeTruthy();
  });

  it('fills the digest with the first 54 characters for a single article, leaves it empty for multi-article drafts', async () => {
    const c = await setup();
    const thumb = await c.cover();
    const text = '微信公众号的草稿接口会在摘要为空时截取正文的前五十四个字作为摘要，这一句话已经超过了五十四个字，所以应该被截断在这里之后的内容不会出现';
    const one = await c.addDraft([article(thumb, { content: `<h2>标题</h2><p>${text}</p>`, digest: undefined })]);
    const got = await c.post('/cgi-bin/draft/get', { media_id: one.media_id });
    expect(got.news_item[0].digest).toBe([...`标题 ${text}`].slice(0, 54).join(''));
    const two = await c.addDraft([article(thumb), article(thumb)]);
    const got2 = await c.post('/cgi-bin/draft/get', { media_id: two.media_id });
    expect(got2.news_item.map((a: Json) => a.digest)).toEqual(['', '']);
  });

  it('draft/update replaces one article by 0-based index (40114 out of range) with a single article object', async () => {
    const c = await setup();
    const thumb = await c.cover();
    const d = await c.addDraft([article(thumb, { title: '第一篇' }), article(thumb, { title: '第二篇' })]);
    const upd = await c.post('/cgi-bin/draft/update', { media_id: d.media_id, index: 1, articles: article(thumb, { title: '改过的' }) });
    expect(upd).toEqual({ errcode: 0, errmsg: 'ok' });
    const got = await c.post('/cgi-bin/draft/get', { media_id: d.media_id });
    expect(got.news_item.map((a: Json) => a.title)).toEqual(['第一篇', '改过的']);
    expect((await c.post('/cgi-bin/draft/update', { media_id: d.media_id, index: 2, articles: article(thumb) })).errcode).toBe(40114);
    expect((await c.post('/cgi-bin/draft/update', { media_id: d.media_id, index: -1, articles: article(thumb) })).errcode).toBe(40114);
    expect((await c.post('/cgi-bin/draft/update', { media_id: d.media_id, index: '0', articles: article(thumb, { title: '字符串下标' }) })).errcode).toBe(0);
    expect((await c.post('/cgi-bin/draft/update', { media_id: d.media_id, index: 0, articles: [article(thumb)] })).errcode).toBe(47001);
    expect((await c.post('/cgi-bin/draft/update', { media_id: 'nope', index: 0, articles: article(thumb) })).errcode).toBe(40007);
    expect((await c.post('/cgi-bin/draft/update', { media_id: d.media_id, index: 0, articles: article(thumb, { title: '' }) })).errcode).toBe(40227);
  });

  it('draft/batchget: count 1–20 (40035), newest first, no_content as 0/1/true/false', async () => {
    const c = await setup();
    const thumb = await c.cover();
    for (const title of ['一', '二', '三']) {
      await c.addDraft([article(thumb, { title })]);
      c.emu.control.advanceTime(1000);
    }
    const all = await c.post('/cgi-bin/draft/batchget', { offset: 0, count: 20, no_content: 0 });
    expect(all.total_count).toBe(3);
    expect(all.item.map((i: Json) => i.content.news_item[0].title)).toEqual(['三', '二', '一']);
    expect(all.item[0].content.news_item[0].content).toBe('<p>正文内容</p>');
    for (const flag of [1, true]) {
      const lean = await c.post('/cgi-bin/draft/batchget', { offset: 1, count: 1, no_content: flag });
      expect(lean.item_count).toBe(1);
      expect(lean.item[0].content.news_item[0].content).toBeUndefined();
      expect(lean.item[0].content.news_item[0].title).toBe('二');
    }
    expect((await c.post('/cgi-bin/draft/batchget', { offset: 0, count: false })).errcode).toBe(40035);
    expect((await c.post('/cgi-bin/draft/batchget', { offset: 0, count: 21 })).errcode).toBe(40035);
  });

  it('keeps drafts per account', async () => {
    const other = { appId: 'wx0000000000000001', appSecret: '11111111111111111111111111111111' };
    const c = await setup({ accounts: [APP, other] });
    const thumb = await c.cover();
    await c.addDraft([article(thumb)]);
    const tok = (await (await fetch(`${c.emu.url}/cgi-bin/token?grant_type=client_credential&appid=${other.appId}&secret=${other.appSecret}`)).json()) as Json;
    const count = (await (await fetch(`${c.emu.url}/cgi-bin/draft/count?access_token=${tok.access_token}`)).json()) as Json;
    expect(count.total_count).toBe(0);
    // Another account's cover is not a material of this account.
    const res = await fetch(`${c.emu.url}/cgi-bin/draft/add?access_token=${tok.access_token}`, { method: 'POST', body: JSON.stringify({ articles: [article(thumb)] }) });
    expect(((await res.json()) as Json).errcode).toBe(40007);
  });
});

describe('content normalisation (docs/wechat-api.md §12)', () => {
  it('strips scripts, on* handlers and javascript: URLs, drops external images, stores img src as data-src', async () => {
    const c = await setup();
    const thumb = await c.cover();
    const hosted = (await c.upload('/cgi-bin/media/uploadimg', png, 'in.png')).url as string;
    const content = [
      '<p onclick="alert(1)">你好<script>alert(2)</script></p>',
      `<img src="${hosted}" alt="ours">`,
      '<img src="https://mmbiz.qpic.cn/mmbiz_jpg/abc/0?wx_fmt=jpeg">',
      '<img src="https://example.com/external.png">',
      '<a href="javascript:alert(3)">x</a>',
      '<a href="https://example.com/page">外链</a>',
      '<a href="https://mp.weixin.qq.com/s/abc">文章</a>',
      '<style>p{color:red}</style><iframe src="https://example.com"></iframe>',
      '<section style="color:#333">留下样式</section>',
    ].join('');
    const d = await c.addDraft([article(thumb, { content })]);
    const html = (await c.post('/cgi-bin/draft/get', { media_id: d.media_id })).news_item[0].content as string;
    expect(html).not.toMatch(/script|onclick|javascript:|<style|<iframe|example\.com\/external/);
    expect(html).toContain(`<img data-src="${hosted.replace(/&/g, '&amp;')}" alt="ours">`);
    expect(html).toContain('data-src="https://mmbiz.qpic.cn/mmbiz_jpg/abc/0?wx_fmt=jpeg"');
    expect(html).not.toMatch(/<img[^>]* src=/);
    expect(html).toContain('<a>外链</a>');
    expect(html).toContain('<a href="https://mp.weixin.qq.com/s/abc">文章</a>');
    expect(html).toContain('<section style="color:#333">留下样式</section>');
  });
});

describe('freepublish (docs/wechat-api.md §6)', () => {
  async function published(c: Ctx, titles = ['发布测试']): Promise<{ draft: string; publishId: number }> {
    const thumb = await c.cover();
    const d = await c.addDraft(titles.map((title) => article(thumb, { title })));
    const s = await c.post('/cgi-bin/freepublish/submit', { media_id: d.media_id });
    return { draft: d.media_id as string, publishId: s.publish_id as number };
  }

  it('submit returns an int publish_id; status 1 until publishDelayMs passes, then 0 with article_id and urls', async () => {
    const c = await setup({ publishDelayMs: 5000 });
    const { draft, publishId } = await published(c, ['甲', '乙']);
    expect(Number.isInteger(publishId)).toBe(true);
    expect(publishId).toBeGreaterThan(2_247_483_648);
    expect(await c.post('/cgi-bin/freepublish/get', { publish_id: publishId })).toEqual({ publish_id: publishId, publish_status: 1, fail_idx: [] });
    expect((await c.post('/cgi-bin/draft/get', { media_id: draft })).news_item).toHaveLength(2);
    c.emu.control.advanceTime(5000);
    const done = await c.post('/cgi-bin/freepublish/get', { publish_id: String(publishId) });
    expect(done.publish_status).toBe(0);
    expect(done.article_id).toMatch(/^[A-Za-z0-9_-]{43,64}$/);
    expect(done.article_detail.count).toBe(2);
    expect(done.article_detail.item.map((i: Json) => i.idx)).toEqual([1, 2]);
    expect(done.article_detail.item[0].article_url).toMatch(new RegExp(`^${c.emu.url}/s\\?__biz=.+&mid=${publishId}&idx=1&sn=`));
    const page = await fetch(done.article_detail.item[1].article_url as string);
    expect(await page.text()).toContain('乙');
    // Success removes the draft.
    expect((await c.post('/cgi-bin/draft/get', { media_id: draft })).errcode).toBe(40007);
    expect((await c.get('/cgi-bin/draft/count')).total_count).toBe(0);
  });

  it('lists, reads and deletes published articles (index 1-based, 0 = all → status 5)', async () => {
    const c = await setup({ publishDelayMs: 0 });
    const { publishId } = await published(c, ['一', '二']);
    const status = await c.post('/cgi-bin/freepublish/get', { publish_id: publishId });
    const articleId = status.article_id as string;
    const list = await c.post('/cgi-bin/freepublish/batchget', { offset: 0, count: 10, no_content: 1 });
    expect(list.total_count).toBe(1);
    expect(list.item[0].article_id).toBe(articleId);
    expect(list.item[0].content.news_item[0].content).toBeUndefined();
    const art = await c.post('/cgi-bin/freepublish/getarticle', { article_id: articleId });
    expect(art.news_item.map((a: Json) => [a.title, a.is_deleted])).toEqual([['一', false], ['二', false]]);
    expect((await c.post('/cgi-bin/freepublish/getarticle', { article_id: 'nope' })).errcode).toBe(53600);
    expect((await c.post('/cgi-bin/freepublish/delete', { article_id: articleId, index: 3 })).errcode).toBe(40060);
    expect((await c.post('/cgi-bin/freepublish/delete', { article_id: articleId, index: 2 })).errcode).toBe(0);
    expect((await c.post('/cgi-bin/freepublish/getarticle', { article_id: articleId })).news_item[1].is_deleted).toBe(true);
    expect((await c.post('/cgi-bin/freepublish/get', { publish_id: publishId })).publish_status).toBe(0);
    expect((await c.post('/cgi-bin/freepublish/delete', { article_id: articleId })).errcode).toBe(0);
    expect((await c.post('/cgi-bin/freepublish/get', { publish_id: publishId })).publish_status).toBe(5);
    expect((await c.post('/cgi-bin/freepublish/batchget', { offset: 0, count: 10 })).total_count).toBe(0);
  });

  it('scripted outcomes 2/3/4 with 1-based fail_idx keep the draft', async () => {
    const c = await setup({ publishDelayMs: 0 });
    const thumb = await c.cover();
    const d = await c.addDraft([article(thumb), article(thumb)]);
    c.emu.control.setFaults({ publishOutcome: { [d.media_id as string]: 2 } });
    const s = await c.post('/cgi-bin/freepublish/submit', { media_id: d.media_id });
    expect(await c.post('/cgi-bin/freepublish/get', { publish_id: s.publish_id })).toEqual({ publish_id: s.publish_id, publish_status: 2, fail_idx: [1, 2] });
    expect((await c.post('/cgi-bin/draft/get', { media_id: d.media_id })).news_item).toHaveLength(2);
    c.emu.control.setFaults({ publishOutcome: { '*': 3 } });
    const s3 = await c.post('/cgi-bin/freepublish/submit', { media_id: d.media_id });
    expect(await c.post('/cgi-bin/freepublish/get', { publish_id: s3.publish_id })).toMatchObject({ publish_status: 3, fail_idx: [] });
    c.emu.control.setFaults({ publishOutcome: { '*': 4 } });
    const s4 = await c.post('/cgi-bin/freepublish/submit', { media_id: d.media_id });
    expect(await c.post('/cgi-bin/freepublish/get', { publish_id: s4.publish_id })).toMatchObject({ publish_status: 4, fail_idx: [1, 2] });
  });

  it('48001 for unverified accounts, 40007 unknown draft, 53502 unknown publish_id, 53501 too frequent', async () => {
    const c = await setup({ publishDelayMs: 120_000 });
    const thumb = await c.cover();
    const d = await c.addDraft([article(thumb)]);
    c.emu.control.setAccountFlags(APP.appId, { verified: false });
    expect((await c.post('/cgi-bin/freepublish/submit', { media_id: d.media_id })).errcode).toBe(48001);
    expect((await c.post('/cgi-bin/freepublish/batchget', { offset: 0, count: 1 })).errcode).toBe(48001);
    c.emu.control.setAccountFlags(APP.appId, { verified: true });
    expect((await c.post('/cgi-bin/freepublish/submit', { media_id: 'nope' })).errcode).toBe(40007);
    expect((await c.post('/cgi-bin/freepublish/get', { publish_id: 123 })).errcode).toBe(53502);
    for (let i = 0; i < 10; i++) expect((await c.post('/cgi-bin/freepublish/submit', { media_id: d.media_id })).errcode).toBe(0);
    expect((await c.post('/cgi-bin/freepublish/submit', { media_id: d.media_id })).errcode).toBe(53501);
    c.emu.control.advanceTime(60_000);
    expect((await c.post('/cgi-bin/freepublish/submit', { media_id: d.media_id })).errcode).toBe(0);
  });
});

describe('HTML pages', () => {
  it('the index lists drafts and links to a phone-width preview showing content and images', async () => {
    const c = await setup();
    const thumb = await c.cover();
    const img = (await c.upload('/cgi-bin/media/uploadimg', png, 'x.png')).url as string;
    const d = await c.addDraft([article(thumb, { title: '预览页面', content: `<p>看得见</p><img src="${img}">` })]);
    const index = await (await fetch(`${c.emu.url}/__emulator/`)).text();
    expect(index).toContain('预览页面');
    expect(index).toContain(`/__emulator/drafts/${d.media_id}`);
    const preview = await fetch(`${c.emu.url}/__emulator/drafts/${d.media_id}`);
    expect(preview.headers.get('content-type')).toMatch(/text\/html/);
    const html = await preview.text();
    expect(html).toContain('max-width:414px');
    expect(html).toContain('看得见');
    expect(html).toMatch(/<img [^>]*src="http:\/\/127\.0\.0\.1:\d+\/mmbiz_png\//);
    expect((await fetch(`${c.emu.url}/__emulator/drafts/nope`)).status).toBe(404);
  });

  it('mediaBaseUrl changes the origin of returned media URLs, which drafts still treat as WeChat-hosted', async () => {
    const c = await setup({ mediaBaseUrl: 'https://media.example.test' });
    const thumb = await c.cover();
    const img = (await c.upload('/cgi-bin/media/uploadimg', png, 'x.png')).url as string;
    expect(img).toMatch(/^https:\/\/media\.example\.test\/mmbiz_png\//);
    const d = await c.addDraft([article(thumb, { content: `<img src="${img}">` })]);
    expect((await c.post('/cgi-bin/draft/get', { media_id: d.media_id })).news_item[0].content).toContain('data-src="https://media.example.test/');
  });
});

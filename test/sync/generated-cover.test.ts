/**
 * A post without any image: the sync uploads a generated 900×383 PNG cover (src/assets/generated-cover.ts), keyed by
 * title and theme colours, so it is uploaded once however often the post is synced.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { generateCover, setCjkFontForTests, themeColours } from '../../src/assets/generated-cover.js';
import { renderMarkdown } from '../../src/render/render.js';
import { syncPosts } from '../../src/sync/engine.js';
import { okCalls, world, type StageWorld } from './helpers.js';

let current: StageWorld | undefined;
afterEach(async () => {
  setCjkFontForTests(undefined);
  await current?.session.close();
  await current?.emulator.close();
  current = undefined;
});

const plain = (body: string) => `---\ntitle: 没有图片的文章\nauthor: 测试\n---\n\n${body}\n`;

describe('generated cover', () => {
  it('a post without any image gets a 900×383 PNG cover, uploaded once for two runs', async () => {
    current = await world(0);
    const { session, emulator, root } = current;
    const file = path.join(root, 'posts', 'plain.md');
    writeFileSync(file, plain('只有文字。'));
    const first = await syncPosts([file], session);
    expect(first.map((r) => r.status)).toEqual(['CREATED']);
    expect(okCalls(emulator, 'material/add_material')).toBe(1);

    const account = session.lock.peekAccount(session.accounts.get('default')!.appId)!;
    const covers = Object.values(account.covers);
    expect(covers).toHaveLength(1);
    expect(account.posts['posts/plain.md']?.thumbMediaId).toBe(covers[0]!.mediaId);
    const png = Buffer.from(await (await fetch(covers[0]!.url!.replace(/^https?:\/\/[^/]+/, emulator.url))).arrayBuffer());
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 900, 383]);

    // Same title and theme, new body: the draft is updated, the cover is not uploaded again.
    writeFileSync(file, plain('改过的文字。'));
    const second = await syncPosts([file], session);
    expect(second.map((r) => r.status)).toEqual(['UPDATED']);
    expect(okCalls(emulator, 'material/add_material')).toBe(1);
    expect(Object.keys(session.lock.peekAccount(session.accounts.get('default')!.appId)!.covers)).toHaveLength(1);
  });

  it('is keyed by title and theme colours, and leaves out CJK text without a CJK font', async () => {
    const css = readFileSync(path.resolve('templates/default/theme.css'), 'utf8');
    setCjkFontForTests(false);
    const a = await generateCover('中文标题', css, 'My Blog');
    expect(a.titleDrawn).toBe(false);
    const b = await generateCover('另一个中文标题', css, 'My Blog');
    expect(b.key).toBe(a.key); // neither title is drawn: the same cover
    const latin = await generateCover('A Latin title', css);
    expect(latin.titleDrawn).toBe(true);
    expect(latin.key).not.toBe(a.key);
    setCjkFontForTests(true);
    const drawn = await generateCover('中文标题', css);
    expect(drawn.titleDrawn).toBe(true);
    expect(drawn.key).not.toBe(a.key);
    const ink = await generateCover('A Latin title', readFileSync(path.resolve('templates/ink/theme.css'), 'utf8'));
    expect(ink.key).not.toBe(latin.key);
    expect(themeColours(css).accent).toBe('#07c160');
    const meta = await sharp(drawn.data).metadata();
    expect([meta.width, meta.height]).toEqual([900, 383]);
  });

  it('lint says cover-generated, and that the title is left out without a CJK font', async () => {
    setCjkFontForTests(false);
    const rendered = await renderMarkdown(plain('x'));
    const notice = rendered.messages.find((m) => m.ruleId === 'cover-generated');
    expect(notice?.fatal).toBeUndefined();
    expect(notice?.reason).toContain('without the title: this machine has no CJK font');
    expect(rendered.messages.some((m) => m.ruleId === 'cover-missing')).toBe(false);
  });
});

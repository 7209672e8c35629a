import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturesRoot, goldenSuite, renderWith } from '../helpers/golden.js';
import { rehypeWechatImages } from '../../src/render/plugins/rehype/rehype-wechat-images.js';
import { altLooksLikeFileName, captionFor } from '../../src/render/plugins/rehype/images/caption.js';
import { imageStyle, sizeToCss } from '../../src/render/plugins/rehype/images/size.js';
import type { ImageRef } from '../../src/render/types.js';

goldenSuite('images', [rehypeWechatImages]);

const localDir = path.join(fixturesRoot, 'images', 'local-files');
const localInput = readFileSync(path.join(localDir, 'input.md'), 'utf8');

describe('rehypeWechatImages: collected references', () => {
  it('records local images in document order with resolved paths, existence and source positions', async () => {
    const { file } = await renderWith([rehypeWechatImages], localInput, { baseDir: localDir });
    const images = file.data.images ?? [];
    expect(images.map((image) => [image.kind, image.path && path.relative(localDir, image.path), image.exists])).toEqual([
      ['local', path.join('img', 'diagram.png'), true],
      ['local', path.join('图片', '架构 图.png'), true],
      ['local', path.join('图片', '架构 图.png'), true],
      ['local', path.join('img', 'diagram.png'), true],
      ['local', path.join('img', 'diagram.png'), true],
      ['local', path.join('img', 'missing.png'), false],
      ['local', path.join('..', 'nowhere', '缺失.png'), false],
    ]);
    expect(images[0]).toMatchObject({ src: './img/diagram.png', alt: 'Diagram', line: 3, column: 1 });
    expect(images[3]?.src).toBe('img/diagram.png?v=2#top');
    expect(images[6]).toMatchObject({ line: 15, column: 16 });
  });

  it('reports each missing local image once, at its position, with a readable name, and one outside the project as refused', async () => {
    const { file } = await renderWith([rehypeWechatImages], localInput, { baseDir: localDir });
    expect(file.messages.map((message) => [message.ruleId, message.reason, message.line, message.column, message.source])).toEqual([
      ['image-missing', 'Cannot find image `./img/missing.png`', 13, 1, 'wxmp'],
      ['image-outside-root', 'Image `../nowhere/缺失.png` is outside the project folder: not read', 15, 16, 'wxmp'],
    ]);
    expect(file.messages).toHaveLength(2);
  });

  it('resolves site-absolute paths against staticDir when it is set', async () => {
    const staticDir = path.join(localDir, 'static-root');
    const { file } = await renderWith([rehypeWechatImages], '![Logo](/img/logo.png)\n\n![](/img/diagram.png)\n', {
      baseDir: localDir,
      staticDir,
    });
    const [logo, diagram] = file.data.images ?? [];
    expect(logo).toMatchObject({ kind: 'local', path: path.join(staticDir, 'img', 'logo.png'), exists: true });
    expect(diagram).toMatchObject({ kind: 'local', exists: false });
    expect(file.messages.map((message) => message.reason)).toEqual(['Cannot find image `/img/diagram.png`']);
  });

  it('classifies remote, protocol-relative, WeChat CDN and data URIs without touching the disk', async () => {
    const input = readFileSync(path.join(fixturesRoot, 'images', 'remote-and-data', 'input.md'), 'utf8');
    const { file } = await renderWith([rehypeWechatImages], input);
    expect((file.data.images ?? []).map((image) => [image.kind, image.path, image.exists])).toEqual([
      ['remote', undefined, undefined],
      ['remote', undefined, undefined],
      ['wechat', undefined, undefined],
      ['wechat', undefined, undefined],
      ['data', undefined, undefined],
    ]);
    expect(file.messages).toEqual([]);
  });

  it('records raw HTML images with their title and position', async () => {
    const input = readFileSync(path.join(fixturesRoot, 'images', 'raw-html', 'input.md'), 'utf8');
    const { file } = await renderWith([rehypeWechatImages], input);
    const images = file.data.images ?? [];
    expect(images).toHaveLength(6);
    expect(images[1]).toMatchObject({ src: 'https://example.com/centered.png', alt: '居中的图', line: 5, column: 19 });
    expect(images[5]).toMatchObject({ title: 'Style beats the attribute' });
    expect(file.messages.map((message) => [message.ruleId, message.line])).toEqual([['image-no-src', 13]]);
  });

  it('shifts reported lines by bodyLineOffset when the body was cut out of a longer file', async () => {
    const processor = [
      () => (_tree: unknown, file: { data: { bodyLineOffset?: number } }) => {
        file.data.bodyLineOffset = 5;
      },
      rehypeWechatImages,
    ];
    const { file } = await renderWith(processor, 'x\n\n![](./gone.png)\n', { baseDir: localDir });
    expect(file.data.images?.[0]?.line).toBe(7);
    expect(file.messages[0]?.line).toBe(7);
  });
});

describe('rehypeWechatImages: resolveImage', () => {
  it('uses the URL the resolver returns and keeps src when it returns undefined', async () => {
    const seen: ImageRef[] = [];
    const { html } = await renderWith([rehypeWechatImages], '![a](./img/diagram.png)\n\n![b](https://example.com/b.png)\n', {
      baseDir: localDir,
      resolveImage: (ref) => {
        seen.push(ref);
        return ref.kind === 'local' ? 'https://mmbiz.qpic.cn/mmbiz_png/uploaded/0' : undefined;
      },
    });
    expect(seen.map((ref) => ref.kind)).toEqual(['local', 'remote']);
    expect(seen[0]?.exists).toBe(true);
    expect(html).toContain('src="https://mmbiz.qpic.cn/mmbiz_png/uploaded/0"');
    expect(html).toContain('src="https://example.com/b.png"');
    expect(html).not.toContain('diagram.png');
  });
});

describe('image helpers', () => {
  it('turns size attributes into CSS lengths', () => {
    expect(sizeToCss(300)).toBe('300px');
    expect(sizeToCss('300')).toBe('300px');
    expect(sizeToCss(' 120PX ')).toBe('120px');
    expect(sizeToCss('50%')).toBe('50%');
    expect(sizeToCss('auto')).toBeUndefined();
    expect(sizeToCss('0')).toBeUndefined();
    expect(sizeToCss(Number.NaN)).toBeUndefined();
  });

  it('always ends with max-width:100% and keeps the aspect ratio when one side is given', () => {
    expect(imageStyle(undefined, undefined, undefined)).toBe('max-width:100%');
    expect(imageStyle(undefined, 300, undefined)).toBe('width:300px;height:auto;max-width:100%');
    expect(imageStyle(undefined, undefined, '80')).toBe('height:80px;width:auto;max-width:100%');
    expect(imageStyle('MAX-WIDTH: 50%; border: 0', undefined, undefined)).toBe('border:0;max-width:100%');
  });

  it('treats placeholders and file names as no caption', () => {
    for (const alt of ['', ' ', 'img', 'Image', '图片', 'a.png', 'image-20210315103321741', '0e906b95-c916-4f30-beda-9cb3e49746bf']) {
      expect(altLooksLikeFileName(alt, 'https://x/y.png'), alt).toBe(true);
    }
    expect(altLooksLikeFileName('proxy-destination', './images/proxy-destination.png')).toBe(true);
    expect(altLooksLikeFileName('队列模型', './images/队列模型.png')).toBe(false);
    expect(altLooksLikeFileName('Diagram', './img/diagram.png')).toBe(false);
    expect(altLooksLikeFileName('Dark Mode Screenshot', './dark.png')).toBe(false);
    expect(captionFor('img', ' 标题 ', 'x.png')).toBe('标题');
    expect(captionFor('image.png', '', 'x.png')).toBeUndefined();
  });
});

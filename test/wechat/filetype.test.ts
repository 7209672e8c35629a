import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { WeChatClientError, defaultTokenCacheDir, prepareUpload, sniffFileType } from '../../src/wechat/index.js';

const pad = (head: number[] | Buffer, size = 32) => Buffer.concat([Buffer.from(head), Buffer.alloc(size)]);
const ascii = (text: string) => [...Buffer.from(text, 'latin1')];

describe('sniffFileType', () => {
  it('recognises the formats WeChat accepts from their magic bytes', async () => {
    const pixels = { create: { width: 4, height: 4, channels: 3 as const, background: '#336699' } };
    const cases: [Buffer, string][] = [
      [await sharp(pixels).jpeg().toBuffer(), 'jpg'],
      [await sharp(pixels).png().toBuffer(), 'png'],
      [await sharp(pixels).gif().toBuffer(), 'gif'],
      [await sharp(pixels).webp().toBuffer(), 'webp'],
      [pad([...ascii('BM'), 0x46, 0, 0, 0]), 'bmp'],
      [pad(ascii('ID3\u0004')), 'mp3'],
      [pad([0xff, 0xfb, 0x90, 0x64]), 'mp3'],
      [pad(ascii('#!AMR\n')), 'amr'],
      [pad([0, 0, 0, 0x20, ...ascii('ftypisom')]), 'mp4'],
      [pad([...ascii('RIFF'), 0x24, 0, 0, 0, ...ascii('WAVEfmt ')]), 'wav'],
      [pad([0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11]), 'wma'],
    ];
    for (const [bytes, ext] of cases) expect(sniffFileType(bytes)?.ext, ext).toBe(ext);
    expect(sniffFileType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
  });
});

describe('prepareUpload', () => {
  const jpg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
  it('keeps a matching extension (jpeg counts as jpg) and fixes a missing or wrong one', async () => {
    expect((await prepareUpload({ data: jpg, filename: 'a.JPEG' }, 'x')).filename).toBe('a.JPEG');
    expect((await prepareUpload({ data: jpg, filename: 'dir/封面' }, 'x')).filename).toBe('封面.jpg');
    expect((await prepareUpload({ data: jpg, filename: 'shot.png' }, 'x'))).toMatchObject({ filename: 'shot.jpg', contentType: 'image/jpeg' });
    expect((await prepareUpload({ data: jpg, filename: 'x".jpg' }, 'x')).filename).toBe('x_.jpg');
  });

  it('trusts the caller for unknown bytes with an extension, refuses them without one, and refuses empty files', async () => {
    expect(await prepareUpload({ data: Buffer.from('speex'), filename: 'v.speex' }, 'x')).toMatchObject({ filename: 'v.speex', contentType: 'audio/speex' });
    await expect(prepareUpload({ data: Buffer.from('??'), filename: 'noext' }, 'x')).rejects.toBeInstanceOf(WeChatClientError);
    await expect(prepareUpload({ data: Buffer.alloc(0), filename: 'a.jpg' }, 'x')).rejects.toThrow(/empty/);
  });
});

describe('defaultTokenCacheDir', () => {
  it('uses XDG_CACHE_HOME when absolute, else ~/.cache', () => {
    expect(defaultTokenCacheDir({ XDG_CACHE_HOME: '/var/cache/me' })).toBe('/var/cache/me/wxmp/tokens');
    expect(defaultTokenCacheDir({ XDG_CACHE_HOME: 'relative' })).toBe(path.join(os.homedir(), '.cache', 'wxmp', 'tokens'));
    expect(defaultTokenCacheDir({})).toBe(path.join(os.homedir(), '.cache', 'wxmp', 'tokens'));
  });
});

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

/** A solid-colour test image (deterministic bytes for a given seed). */
export async function makeImage(seed: number, format: 'png' | 'jpeg' | 'webp' = 'png', width = 64, height = 40): Promise<Buffer> {
  const r = (seed * 53) % 256;
  const g = (seed * 97) % 256;
  const b = (seed * 151) % 256;
  const image = sharp({ create: { width, height, channels: 3, background: { r, g, b } } });
  return format === 'png' ? image.png().toBuffer() : format === 'jpeg' ? image.jpeg({ quality: 80 }).toBuffer() : image.webp().toBuffer();
}

export interface RepoSpec {
  /** Number of posts. Post i uses a shared image, its own image and a cover (shared by every 3 posts). */
  posts: number;
  /** Extra posts: name → content. */
  extra?: Record<string, string>;
}

/** A posts repo in a temp folder, laid out as users have it: posts/*.md, posts/images/. */
export async function makeRepo(spec: RepoSpec): Promise<string> {
  const root = mkdtempSync(path.join(tmpdir(), 'wxmp-repo-'));
  const images = path.join(root, 'posts', 'images');
  mkdirSync(images, { recursive: true });
  writeFileSync(path.join(images, 'shared.png'), await makeImage(1));
  for (let c = 0; c < Math.ceil(spec.posts / 3); c++) writeFileSync(path.join(images, `cover-${c}.jpg`), await makeImage(100 + c, 'jpeg', 90, 38));
  for (let i = 0; i < spec.posts; i++) {
    writeFileSync(path.join(images, `own-${i}.png`), await makeImage(10 + i));
    writeFileSync(path.join(root, 'posts', `post-${String(i).padStart(3, '0')}.md`), postMarkdown(i));
  }
  for (const [name, content] of Object.entries(spec.extra ?? {})) writeFileSync(path.join(root, 'posts', name), content);
  return root;
}

export function postMarkdown(i: number, extra = ''): string {
  return `---
title: 第 ${i} 篇文章：同步测试
author: 测试
cover: ./images/cover-${Math.floor(i / 3)}.jpg
---

这是第 ${i} 篇文章的正文，包含 English words 和一个[链接](https://example.com/${i})。

![共享图片](./images/shared.png)

![自己的图片](./images/own-${i}.png)
${extra}`;
}

/**
 * `wxmp init [dir]`: the files of a new posts repo. Nothing is overwritten: when any of the files exists, nothing is
 * written and the existing ones are listed. `package.json` is the exception that is skipped, not refused: an existing
 * one is left as it is.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface InitResult {
  root: string;
  written: string[];
  /** Files left alone (an existing package.json). */
  kept: string[];
}

/** Files that already exist and would be overwritten: `wxmp init` refuses and lists them. */
export class InitConflictError extends Error {
  constructor(readonly files: string[]) {
    super(`these files already exist, nothing was written:\n${files.map((f) => `  ${f}`).join('\n')}\nMove them away or run \`wxmp init\` in another folder.`);
    this.name = 'InitConflictError';
  }
}

const CONFIG = `import { defineConfig } from 'wxmp';

// Every key is optional: see https://github.com/wxmp/wxmp#config
export default defineConfig({
  include: ['posts/**/*.md'],
  theme: 'default', // default | github | ink | night-code
  author: '', // the byline (≤ 16 characters); empty: none
  render: { links: 'references', cjkSpacing: true },
});
`;

const POST = `---
title: 你好，公众号
author: wxmp
digest: 用 Markdown 写作，用 wxmp 同步到公众号草稿箱。
cover: ./images/hello.png
---

这是一篇示例文章。用 \`npx wxmp dev\` 打开实时预览，保存文件后页面会立即更新；
满意后点击“复制到公众号”粘贴进编辑器，或者运行 \`npx wxmp sync\` 同步为草稿。

## 写作流程

- 在 \`posts/\` 里写 Markdown，图片放在文章旁边
- \`npx wxmp dev\` 预览、检查提示和字数
- \`npx wxmp sync\` 创建或更新草稿（没有配置密钥时同步到本地沙盒）

## 代码

\`\`\`ts
import { defineConfig } from 'wxmp';

export default defineConfig({ theme: 'github' });
\`\`\`

## 表格

| 命令 | 作用 |
| --- | --- |
| \`wxmp dev\` | 实时预览 |
| \`wxmp build\` | 生成 HTML |
| \`wxmp sync\` | 同步草稿 |

## 图片

![示例图片](./images/hello.png)

> 提示：微信只接受 JPEG/PNG 正文图片，wxmp 会在同步时自动转换和上传。
`;

const ENV_EXAMPLE = `# Copy to .env (git-ignored) and fill in, or set them as repository secrets for the GitHub Action.
# 公众号后台 → 设置与开发 → 基本配置: 开发者ID (AppID) and 开发者密码 (AppSecret).
# Without them, \`wxmp sync\` syncs into a local sandbox (.wxmp/sandbox/).
WECHAT_APP_ID=
WECHAT_APP_SECRET=
`;

const GITIGNORE = `# secrets
.env
.env.*
!.env.example
# wxmp's caches and sandbox, build output
.wxmp/
out/
node_modules/
`;

const WORKFLOW = `# Plan on pull requests (no secrets), sync on pushes to main (creates or updates drafts, commits wxmp.lock.json).
name: wxmp

on:
  pull_request:
  push:
    branches: [main]

jobs:
  plan:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: wxmp/wxmp@main
        with:
          command: plan

  sync:
    if: github.event_name == 'push'
    # One sync at a time: two runs racing on the same account could both create a draft.
    concurrency:
      group: wxmp-sync
      cancel-in-progress: false
    permissions:
      contents: write # to commit wxmp.lock.json back
    # WeChat's IP whitelist rejects GitHub-hosted runners (errcode 40164): use a self-hosted runner with a
    # whitelisted IP, or set the WXMP_PROXY secret to a fixed-IP relay.
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: wxmp/wxmp@main
        with:
          command: sync
          app-id: \${{ secrets.WECHAT_APP_ID }}
          app-secret: \${{ secrets.WECHAT_APP_SECRET }}
          proxy: \${{ secrets.WXMP_PROXY }}
          commit-lock: 'true'
`;

function packageJson(name: string, version: string): string {
  const pkg = {
    name: name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|[-_.]+$/g, '') || 'posts',
    private: true,
    type: 'module',
    scripts: {
      dev: 'wxmp dev --open',
      build: 'wxmp build',
      plan: 'wxmp plan',
      sync: 'wxmp sync',
    },
    devDependencies: { wxmp: `^${version}` },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** A small PNG for the example post (and its cover): WeChat green with a white band, made with sharp. */
async function examplePng(): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360">
<rect width="640" height="360" fill="#07c160"/><rect y="150" width="640" height="60" fill="#fff" opacity=".9"/>
<circle cx="320" cy="180" r="22" fill="#07c160"/></svg>`;
  return sharp(Buffer.from(svg)).png({ compressionLevel: 9, palette: true }).toBuffer();
}

export async function initProject(dir: string, options: { version: string }): Promise<InitResult> {
  const root = path.resolve(dir);
  const files: [string, string | (() => Promise<Buffer>)][] = [
    ['wxmp.config.ts', CONFIG],
    ['posts/hello.md', POST],
    ['posts/images/hello.png', examplePng],
    ['.env.example', ENV_EXAMPLE],
    ['.gitignore', GITIGNORE],
    ['.github/workflows/wxmp.yml', WORKFLOW],
  ];
  const conflicts = files.map(([rel]) => rel).filter((rel) => existsSync(path.join(root, rel)));
  if (conflicts.length) throw new InitConflictError(conflicts);
  const written: string[] = [];
  const kept: string[] = [];
  for (const [rel, content] of files) {
    const file = path.join(root, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, typeof content === 'string' ? content : await content(), { flag: 'wx' });
    written.push(rel);
  }
  const pkgFile = path.join(root, 'package.json');
  if (existsSync(pkgFile)) kept.push('package.json');
  else {
    await writeFile(pkgFile, packageJson(path.basename(root), options.version), { flag: 'wx' });
    written.push('package.json');
  }
  return { root, written, kept };
}

/**
 * The dev studio's HTML: the index of posts and the page of one post. Server-rendered with their current state (so
 * they show something without script); `/assets/studio.js` then keeps them live over server-sent events. No inline
 * script (the CSP allows scripts from the server only); the per-run token sits in a meta tag for the page's POSTs.
 */
import { escapeHtml as esc } from '../util/html.js';
import type { DevIndexEntry } from './studio.js';

export const STATUS_LABELS: Record<DevIndexEntry['status'], string> = {
  new: 'new',
  changed: 'changed',
  'in sync': 'in sync',
  error: 'error',
  draft: 'draft: true',
};

export function postHref(source: string): string {
  return `/post?src=${encodeURIComponent(source)}`;
}

function shell(title: string, token: string, body: string, pageKind: 'index' | 'post'): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="wxmp-token" content="${esc(token)}">
<title>${esc(title)}</title>
<link rel="stylesheet" href="/assets/studio.css">
<script type="module" src="/assets/studio.js"></script>
</head>
<body data-page="${pageKind}">
${body}
</body>
</html>
`;
}

function indexRow(entry: DevIndexEntry): string {
  const cls = entry.status.replace(' ', '-');
  const note = entry.statusNote ? ` title="${esc(entry.statusNote)}"` : '';
  return `<tr data-source="${esc(entry.source)}"><td><a class="dv-post-link" href="${esc(postHref(entry.source))}">${esc(entry.title)}</a></td><td class="dv-src">${esc(entry.source)}</td><td><span class="dv-status dv-status-${cls}"${note}>${esc(STATUS_LABELS[entry.status])}</span></td><td class="dv-num${entry.errors ? ' dv-err' : ''}">${entry.errors}</td><td class="dv-num${entry.warnings ? ' dv-warn' : ''}">${entry.warnings}</td><td>${esc(entry.theme)}</td></tr>`;
}

export function indexPage(opts: { title: string; entries: DevIndexEntry[]; token: string; mode: string; lockFile: string }): string {
  const rows = opts.entries.map(indexRow).join('\n');
  return shell(
    opts.title,
    opts.token,
    `<header class="dv-top"><h1>${esc(opts.title)}</h1><p class="dv-sub">Status against <code>${esc(opts.lockFile)}</code> · ${esc(opts.mode)} · live: saving a file updates this page</p></header>
<main class="dv-index">
<table class="dv-table"><thead><tr><th>Title</th><th>File</th><th>Status</th><th>Errors</th><th>Warnings</th><th>Theme</th></tr></thead>
<tbody id="posts">${rows || '<tr><td colspan="6" class="dv-empty">No posts match the config\'s include.</td></tr>'}</tbody></table>
</main>`,
    'index',
  );
}

export function postPage(opts: { source: string; title: string; html: string; token: string }): string {
  return shell(
    `${opts.title} — wxmp dev`,
    opts.token,
    `<header class="dv-top dv-bar">
<a class="dv-back" href="/">← All posts</a>
<span class="dv-src" id="source">${esc(opts.source)}</span>
<span class="dv-status" id="status"></span>
<span class="dv-controls">
<span class="dv-seg" role="group" aria-label="Width"><button type="button" id="w-phone" class="on" title="375 px: a phone">Phone</button><button type="button" id="w-desktop" title="677 px: the article column on a desktop">Desktop</button></span>
<label class="dv-check"><input type="checkbox" id="dark"> Dark (simulated)</label>
<label>Theme <select id="theme"><option value="">post's own</option></select></label>
<button type="button" id="copy" class="dv-primary">Copy for WeChat / 复制到公众号</button>
<button type="button" id="upload" hidden>Upload images first</button>
<button type="button" id="sync">Sync this post</button>
</span>
</header>
<main class="dv-post" data-source="${esc(opts.source)}">
<div class="dv-stage"><div class="dv-frame" id="frame"><div class="dv-screen">
<header class="dv-head"><h1 class="dv-title" id="title">${esc(opts.title)}</h1><p class="dv-meta"><span id="author"></span><span class="dv-account">Official Account</span></p></header>
<div class="dv-article" id="article">${opts.html}</div>
</div></div></div>
<aside class="dv-side">
<section><h2>Size</h2><div id="budget"></div></section>
<section><h2>Lint</h2><ul id="problems" class="dv-problems"></ul></section>
<section><h2>Images</h2><div id="images"></div></section>
<section><h2>Actions</h2><div id="out" class="dv-out" aria-live="polite"></div></section>
</aside>
</main>`,
    'post',
  );
}

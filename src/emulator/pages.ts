/** HTML pages of the emulator: the draft index, phone-width draft previews, published article pages. */
import { escapeHtml } from '../util/html.js';
import { withSrc } from './logic/content.js';
import type { AccountState, StoredArticle } from './state.js';

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{margin:0;background:#ededed;font-family:-apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Microsoft YaHei",sans-serif;color:#333}
.phone{max-width:414px;margin:0 auto;background:#fff;min-height:100vh;padding:20px 16px;box-sizing:border-box}
.wide{max-width:860px;margin:0 auto;padding:20px}
h1.title{font-size:22px;line-height:1.4;margin:0 0 12px}
.meta{color:#888;font-size:15px;margin-bottom:20px}
.digest{background:#f7f7f7;color:#666;font-size:14px;padding:8px 12px;margin-bottom:16px}
.cover{width:100%;display:block;margin-bottom:16px}
.content img{max-width:100%!important;height:auto!important}
.content{overflow-wrap:break-word}
hr.article{border:none;border-top:8px solid #ededed;margin:28px -16px}
table.list{border-collapse:collapse;width:100%;background:#fff}
table.list td,table.list th{border-bottom:1px solid #eee;padding:8px;text-align:left;font-size:14px;vertical-align:top}
code{font-size:12px;color:#666}
</style></head><body>${body}</body></html>`;
}

function articleHtml(article: StoredArticle, thumbUrl: string | undefined, accountName: string, origin: string): string {
  return `<h1 class="title">${escapeHtml(article.title)}</h1>
<div class="meta">${escapeHtml(article.author || '')} <span style="color:#576b95">${escapeHtml(accountName)}</span></div>
${article.digest ? `<div class="digest">${escapeHtml(article.digest)}</div>` : ''}
${thumbUrl ? `<img class="cover" src="${escapeHtml(thumbUrl)}" alt="cover">` : ''}
<div class="content">${withSrc(article.content, origin)}</div>`;
}

export function draftPage(acc: AccountState, articles: StoredArticle[], heading: string, origin: string): string {
  const parts = articles.map((a) => articleHtml(a, currentOrigin(acc.materials[a.thumb_media_id]?.url, origin), acc.name, origin));
  return page(
    articles[0]?.title ?? heading,
    `<div class="phone"><p style="color:#999;font-size:12px">${escapeHtml(heading)} · <a href="/__emulator/">all drafts</a></p>${parts.join('<hr class="article">')}</div>`,
  );
}

/** A served-media URL from an earlier run (another port) rewritten to the current origin. */
function currentOrigin(url: string | undefined, origin: string): string | undefined {
  if (!url) return url;
  try {
    const u = new URL(url);
    return u.pathname.startsWith('/mmbiz_') && !u.hostname.startsWith('mmbiz.') ? origin + u.pathname + u.search : url;
  } catch {
    return url;
  }
}

export function indexPage(accounts: AccountState[]): string {
  const sections = accounts.map((acc) => {
    const drafts = Object.values(acc.drafts).sort((a, b) => b.updateTime - a.updateTime);
    const rows = drafts
      .map(
        (d) =>
          `<tr><td><a href="/__emulator/drafts/${encodeURIComponent(d.mediaId)}">${escapeHtml(d.articles.map((a) => a.title).join(' / '))}</a></td><td>${d.articles.length}</td><td>${new Date(d.updateTime * 1000).toISOString().replace('T', ' ').slice(0, 19)}</td><td><code>${escapeHtml(d.mediaId.slice(0, 16))}…</code></td></tr>`,
      )
      .join('\n');
    const published = Object.values(acc.published)
      .map((p) =>
        p.items
          .map(
            (i) =>
              `<tr><td><a href="${escapeHtml(new URL(i.url).pathname + new URL(i.url).search)}">${escapeHtml(i.article.title)}</a></td><td>${i.isDeleted ? 'deleted' : 'published'}</td><td><code>${escapeHtml(p.articleId.slice(0, 16))}…</code></td></tr>`,
          )
          .join('\n'),
      )
      .join('\n');
    return `<h2>${escapeHtml(acc.name)} <code>${escapeHtml(acc.appId)}</code></h2>
<h3>Drafts (${drafts.length})</h3>
<table class="list"><tr><th>Title</th><th>Articles</th><th>Updated (UTC)</th><th>media_id</th></tr>${rows || '<tr><td colspan="4">No drafts yet.</td></tr>'}</table>
<h3>Published</h3>
<table class="list"><tr><th>Title</th><th>State</th><th>article_id</th></tr>${published || '<tr><td colspan="3">Nothing published yet.</td></tr>'}</table>`;
  });
  return page('wxmp emulator', `<div class="wide"><h1>wxmp WeChat emulator</h1>${sections.join('\n')}</div>`);
}

export function notFoundPage(what: string): string {
  return page('Not found', `<div class="phone"><p>${escapeHtml(what)}</p><p><a href="/__emulator/">all drafts</a></p></div>`);
}

/**
 * The preview pages `wxmp build` writes: one index page showing every post at phone width, side by side, and one
 * page per post. Standalone HTML: their own CSS, no script, no external resource, so they work from `file://`.
 *
 * The article HTML is shown as WeChat will get it (final inlined HTML). The page's own CSS only uses `pv-*`
 * classes; the two rules that reach into an article (`box-sizing:border-box` on everything, `max-width:100%` on
 * images) are the ones WeChat's article page forces on every element too.
 */
import { escapeHtml } from '../util/html.js';

export interface PreviewEntry {
  title: string;
  /** The post's path relative to the repo root (`posts/hello.md`). */
  source: string;
  /** Relative link from the index page to the post's own HTML file. */
  href: string;
  /** Final inlined article HTML. */
  html: string;
  digest: string;
  errors: number;
  warnings: number;
  author?: string;
  /** Theme name, shown next to the lint counts. */
  theme?: string;
}

/** An index entry: the article HTML is only needed when the index shows articles inline (INLINE_ARTICLES_MAX). */
export type IndexEntry = Omit<PreviewEntry, 'html'> & { html?: string };

/**
 * Up to this many posts, the index shows every article inline; beyond it, each frame loads the post's own page when it
 * scrolls into view (a lazy iframe). A 280-post corpus inline is a 60 MB page no browser shows well, and a build
 * would have to keep (and a rebuild re-read) every article's HTML just for it.
 */
export const INLINE_ARTICLES_MAX = 40;

interface PreviewPageOptions {
  title: string;
  /** Shown under the page title (e.g. the build time or the repo). */
  subtitle?: string;
}

interface PostPageOptions {
  /** Relative link from the post page back to the index page. */
  indexHref?: string;
}

/** `href` values are written by us, but a file name may hold `"`, `<` or `#`: keep it a relative link. */
function safeHref(href: string): string {
  const trimmed = href.trim();
  if (/^(?:javascript|vbscript|data):/i.test(trimmed)) return '#';
  return escapeHtml(trimmed);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Lint counts as badges: red for errors, amber for warnings, green when clean. */
function problemBadges(entry: PreviewEntry): string {
  const badges: string[] = [];
  if (entry.errors > 0) badges.push(`<span class="pv-badge pv-badge-error">${plural(entry.errors, 'error')}</span>`);
  if (entry.warnings > 0) badges.push(`<span class="pv-badge pv-badge-warning">${plural(entry.warnings, 'warning')}</span>`);
  if (badges.length === 0) badges.push('<span class="pv-badge pv-badge-ok">no problems</span>');
  return badges.join('');
}

/** One phone-width frame: WeChat-like article header, then the article exactly as it will be sent. */
function phoneFrame(entry: PreviewEntry, link: { href: string; label: string } | undefined): string {
  const status = entry.errors > 0 ? 'error' : entry.warnings > 0 ? 'warning' : 'ok';
  const author = entry.author ? `<span class="pv-author">${escapeHtml(entry.author)}</span>` : '';
  const theme = entry.theme ? `<span class="pv-theme">theme: ${escapeHtml(entry.theme)}</span>` : '';
  const open = link ? `<a class="pv-open" href="${safeHref(link.href)}">${escapeHtml(link.label)}</a>` : '';
  const digest = entry.digest ? `<p class="pv-digest">${escapeHtml(entry.digest)}</p>` : '';
  return `<article class="pv-frame pv-status-${status}" data-source="${escapeHtml(entry.source)}">
<div class="pv-bar"><span class="pv-source" title="${escapeHtml(entry.source)}">${escapeHtml(entry.source)}</span>${open}</div>
<div class="pv-screen">
<header class="pv-head">
<h1 class="pv-title">${escapeHtml(entry.title || '(untitled)')}</h1>
<p class="pv-meta">${author}<span class="pv-account">Official Account</span></p>
${digest}<p class="pv-problems">${problemBadges(entry)}${theme}</p>
</header>
<div class="pv-article">
${entry.html}
</div>
</div>
</article>`;
}

const PAGE_CSS = `
*{box-sizing:border-box}
body{margin:0;background:#ededed;color:#333;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Helvetica Neue","PingFang SC","Microsoft YaHei",Arial,sans-serif}
.pv-top{padding:20px 24px 8px;max-width:1760px;margin:0 auto}
.pv-top h1{margin:0;font-size:22px;color:#222}
.pv-top p{margin:4px 0 0;color:#888}
.pv-summary span{margin-right:12px}
.pv-grid{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start;justify-content:center;padding:16px 24px 48px;max-width:1760px;margin:0 auto}
.pv-frame{width:391px;flex:0 0 391px;background:#fff;border:1px solid #d6d6d6;border-radius:28px;padding:12px 8px 16px;box-shadow:0 6px 24px rgba(0,0,0,.08)}
.pv-frame.pv-single{margin:24px auto}
.pv-status-error{border-color:#f1a5a5}
.pv-bar{display:flex;justify-content:space-between;gap:8px;padding:2px 12px 10px;font-size:12px;color:#999}
.pv-source{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.pv-open{color:#576b95;text-decoration:none;white-space:nowrap}
.pv-screen{width:375px;margin:0 auto;border-top:1px solid #eee;overflow:hidden}
.pv-head{padding:20px 16px 4px}
.pv-title{margin:0 0 12px;font-size:22px;line-height:1.4;font-weight:700;color:#222;letter-spacing:.5px}
.pv-meta{margin:0 0 12px;font-size:15px;color:rgba(0,0,0,.3)}
.pv-author{margin-right:10px}
.pv-account{color:#576b95}
.pv-digest{margin:0 0 12px;padding:10px 12px;background:#f7f7f7;border-radius:4px;font-size:13px;line-height:1.6;color:#777}
.pv-problems{margin:0 0 8px;font-size:12px}
.pv-badge{display:inline-block;margin-right:6px;padding:1px 8px;border-radius:10px}
.pv-badge-error{background:#fde8e8;color:#c62828}
.pv-badge-warning{background:#fff4d6;color:#8a6100}
.pv-badge-ok{background:#e6f7ee;color:#0a7a43}
.pv-theme{color:#aaa}
.pv-article{padding:8px 16px 32px;overflow-wrap:break-word}
.pv-article img{max-width:100%}
.pv-empty{padding:48px;text-align:center;color:#888}
.pv-embed{display:block;width:375px;height:760px;margin:0 auto;border:0;border-top:1px solid #eee}
@media (max-width:440px){.pv-embed{width:100%}}
@media (max-width:440px){.pv-grid{padding:8px 0}.pv-frame{border-radius:0;border-left:0;border-right:0;width:100%;flex-basis:100%}.pv-screen{width:100%}}
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** A frame of a large index: the bar, then the post's own page, loaded when it scrolls into view. */
function lazyFrame(entry: IndexEntry): string {
  const status = entry.errors > 0 ? 'error' : entry.warnings > 0 ? 'warning' : 'ok';
  return `<article class="pv-frame pv-status-${status}" data-source="${escapeHtml(entry.source)}">
<div class="pv-bar"><span class="pv-source" title="${escapeHtml(entry.source)}">${escapeHtml(entry.source)}</span><a class="pv-open" href="${safeHref(entry.href)}">Open post ↗</a></div>
<iframe class="pv-embed" src="${safeHref(entry.href)}" loading="lazy" title="${escapeHtml(entry.title || entry.source)}"></iframe>
</article>`;
}

/**
 * The index page: every post in its own phone frame, wrapping grid, with lint counts and links to the post pages; the
 * articles inline up to INLINE_ARTICLES_MAX posts, else each frame loads its post page lazily.
 */
export function buildPreviewPage(entries: readonly IndexEntry[], opts: PreviewPageOptions): string {
  const errors = entries.reduce((n, e) => n + e.errors, 0);
  const warnings = entries.reduce((n, e) => n + e.warnings, 0);
  const summary = `<p class="pv-summary"><span>${plural(entries.length, 'post')}</span><span>${plural(errors, 'error')}</span><span>${plural(warnings, 'warning')}</span></p>`;
  const subtitle = opts.subtitle ? `<p>${escapeHtml(opts.subtitle)}</p>` : '';
  const frames = entries.length
    ? entries.map((entry) => (entries.length > INLINE_ARTICLES_MAX || entry.html === undefined ? lazyFrame(entry) : phoneFrame({ ...entry, html: entry.html }, { href: entry.href, label: 'Open post ↗' }))).join('\n')
    : '<p class="pv-empty">No posts found.</p>';
  return page(
    opts.title,
    `<header class="pv-top"><h1>${escapeHtml(opts.title)}</h1>${subtitle}${summary}</header>
<main class="pv-grid">
${frames}
</main>`,
  );
}

/** The page of one post: its phone frame alone, with a link back to the index. */
export function buildPostPage(entry: PreviewEntry, opts: PostPageOptions = {}): string {
  const back = opts.indexHref ? { href: opts.indexHref, label: '← All posts' } : undefined;
  return page(entry.title || entry.source, `<main>${phoneFrame(entry, back).replace('class="pv-frame', 'class="pv-frame pv-single')}</main>`);
}

/**
 * The dev studio's stylesheet and script, served as `/assets/studio.css` and `/assets/studio.js`. Plain browser
 * JavaScript (no build step): it subscribes to `/events` (server-sent events), swaps the article in place when the
 * post changes (keeping the scroll position), and drives the width / dark / theme switches, the copy button and the
 * sync and upload actions (POSTs carrying the per-run token from the page's meta tag).
 */

export const STUDIO_CSS = `
*{box-sizing:border-box}
body{margin:0;background:#ededed;color:#333;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Helvetica Neue","PingFang SC","Microsoft YaHei",Arial,sans-serif}
a{color:#576b95}
.dv-top{padding:14px 24px;background:#fff;border-bottom:1px solid #ddd}
.dv-top h1{margin:0;font-size:20px}
.dv-sub{margin:4px 0 0;color:#888}
.dv-bar{display:flex;flex-wrap:wrap;gap:10px 16px;align-items:center;position:sticky;top:0;z-index:5}
.dv-back{text-decoration:none}
.dv-src{color:#888;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.dv-controls{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:center;margin-left:auto}
.dv-controls button,.dv-controls select{font:inherit;padding:4px 10px;border:1px solid #ccc;border-radius:6px;background:#fafafa;cursor:pointer}
.dv-controls .dv-primary{background:#07c160;border-color:#07c160;color:#fff}
.dv-seg button{border-radius:0}.dv-seg button:first-child{border-radius:6px 0 0 6px}.dv-seg button:last-child{border-radius:0 6px 6px 0;margin-left:-1px}
.dv-seg button.on{background:#576b95;border-color:#576b95;color:#fff}
.dv-index{padding:16px 24px}
.dv-table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #ddd}
.dv-table th,.dv-table td{padding:8px 10px;border-bottom:1px solid #eee;text-align:left}
.dv-num{text-align:right}.dv-err{color:#c62828;font-weight:600}.dv-warn{color:#8a6100}
.dv-status{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;background:#eee}
.dv-status-new{background:#e3ecff;color:#2450a6}.dv-status-changed{background:#fff4d6;color:#8a6100}
.dv-status-in-sync{background:#e6f7ee;color:#0a7a43}.dv-status-error{background:#fde8e8;color:#c62828}.dv-status-draft{background:#eee;color:#666}
.dv-empty{color:#888;text-align:center;padding:32px}
.dv-post{display:flex;gap:24px;align-items:flex-start;padding:24px;flex-wrap:wrap}
.dv-stage{flex:1 1 auto;display:flex;justify-content:center;min-width:0}
.dv-frame{background:#fff;border:1px solid #d6d6d6;border-radius:28px;padding:16px 0;box-shadow:0 6px 24px rgba(0,0,0,.08)}
.dv-screen{width:375px;margin:0 auto;overflow:hidden}
.dv-frame.dv-desktop{border-radius:4px}
.dv-frame.dv-desktop .dv-screen{width:677px}
.dv-head{padding:8px 16px 4px}
.dv-title{margin:0 0 12px;font-size:22px;line-height:1.4;font-weight:700;color:#222}
.dv-meta{margin:0 0 12px;font-size:15px;color:rgba(0,0,0,.3)}
.dv-meta span{margin-right:10px}.dv-account{color:#576b95}
.dv-article{padding:8px 16px 32px;overflow-wrap:break-word}
.dv-article img{max-width:100%}
.dv-frame.dv-dark{background:#191919;border-color:#333}
.dv-frame.dv-dark .dv-title{color:#d4d4d4}
.dv-frame.dv-dark .dv-article{filter:invert(.88) hue-rotate(180deg)}
.dv-frame.dv-dark .dv-article img{filter:invert(1) hue-rotate(180deg)}
.dv-side{flex:0 0 340px;max-width:100%;background:#fff;border:1px solid #ddd;border-radius:8px;padding:4px 16px 16px}
.dv-side h2{font-size:14px;margin:14px 0 6px;color:#555}
.dv-problems{list-style:none;margin:0;padding:0;font-size:13px}
.dv-problems li{padding:4px 0;border-bottom:1px solid #f2f2f2}
.dv-problems .sev{display:inline-block;min-width:58px;font-weight:600}
.dv-problems .sev-error{color:#c62828}.dv-problems .sev-warning{color:#8a6100}.dv-problems .sev-info{color:#888}
.dv-problems .line{font-family:ui-monospace,Menlo,Consolas,monospace;color:#888;margin-right:6px}
.dv-meter{margin:6px 0}.dv-meter .bar{height:6px;background:#eee;border-radius:3px;overflow:hidden}
.dv-meter .bar i{display:block;height:100%;background:#07c160}.dv-meter.over .bar i{background:#c62828}
.dv-img{font-size:12px;padding:3px 0;word-break:break-all}.dv-img.lost{color:#c62828}.dv-img.ok{color:#0a7a43}
.dv-out{font-size:13px;white-space:pre-wrap}
.dv-ok{color:#0a7a43}.dv-bad{color:#c62828}
`;

export const STUDIO_JS = `
const token = document.querySelector('meta[name="wxmp-token"]').content;
const pageKind = document.body.dataset.page;
const $ = (id) => document.getElementById(id);
const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
window.wxmpStudio = { updates: 0, version: -1 };

function events(handlers) {
  const source = new EventSource('/events');
  for (const [name, fn] of Object.entries(handlers)) source.addEventListener(name, (e) => fn(JSON.parse(e.data)));
  return source;
}

async function post(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-wxmp-token': token }, body: JSON.stringify(body) });
  const json = await res.json().catch(() => ({ error: res.statusText }));
  if (!res.ok) throw new Error(json.error || res.statusText);
  return json;
}

function statusBadge(entry) {
  if (!entry) return '';
  const cls = entry.status.replace(' ', '-');
  const label = entry.status === 'draft' ? 'draft: true' : entry.status;
  return '<span class="dv-status dv-status-' + cls + '"' + (entry.statusNote ? ' title="' + escapeHtml(entry.statusNote) + '"' : '') + '>' + escapeHtml(label) + '</span>';
}

/* ---------- index ---------- */
async function refreshIndex() {
  const res = await fetch('/api/posts');
  const { posts } = await res.json();
  const rows = posts.map((p) => '<tr data-source="' + escapeHtml(p.source) + '"><td><a class="dv-post-link" href="/post?src=' + encodeURIComponent(p.source) + '">' + escapeHtml(p.title) + '</a></td><td class="dv-src">' + escapeHtml(p.source) + '</td><td>' + statusBadge(p) + '</td><td class="dv-num' + (p.errors ? ' dv-err' : '') + '">' + p.errors + '</td><td class="dv-num' + (p.warnings ? ' dv-warn' : '') + '">' + p.warnings + '</td><td>' + escapeHtml(p.theme) + '</td></tr>');
  $('posts').innerHTML = rows.join('') || '<tr><td colspan="6" class="dv-empty">No posts match the config\\'s include.</td></tr>';
  window.wxmpStudio.updates++;
}

/* ---------- one post ---------- */
const source = pageKind === 'post' ? document.querySelector('main').dataset.source : null;
let current = null;
let loading = null;
let again = false;

function themeParam() {
  return new URLSearchParams(location.search).get('theme') || '';
}

function say(html, ok) {
  $('out').innerHTML = '<div class="' + (ok === false ? 'dv-bad' : ok ? 'dv-ok' : '') + '">' + html + '</div>';
}

function meter(label, value, max, unit) {
  const pct = Math.min(100, Math.round((value / max) * 100));
  return '<div class="dv-meter' + (value > max ? ' over' : '') + '"><div>' + label + ': <b>' + value.toLocaleString() + '</b> / ' + max.toLocaleString() + ' ' + unit + ' (' + pct + '%)</div><div class="bar"><i style="width:' + pct + '%"></i></div></div>';
}

function show(data) {
  const y = window.scrollY;
  const article = $('article');
  article.innerHTML = data.html;
  article.dataset.version = String(data.version);
  $('title').textContent = data.title || data.source;
  $('author').textContent = data.author || '';
  document.title = (data.title || data.source) + ' — wxmp dev';
  $('status').innerHTML = statusBadge(data.status);
  const select = $('theme');
  if (select.options.length <= 1) {
    for (const name of data.themes) select.add(new Option(name, name));
  }
  select.options[0].text = "post's own (" + data.postTheme + ')';
  select.value = data.themeOverride || '';
  $('budget').innerHTML = meter('Text', data.sizes.textChars, data.sizes.maxTextChars, 'characters') + meter('HTML', data.sizes.htmlBytes, data.sizes.maxHtmlBytes, 'bytes');
  $('problems').innerHTML = data.messages.length
    ? data.messages.map((m) => '<li><span class="line">' + (m.line ? 'L' + m.line + (m.column ? ':' + m.column : '') : '—') + '</span><span class="sev sev-' + m.severity + '">' + m.severity + '</span> ' + escapeHtml(m.message) + (m.ruleId ? ' <small>[' + escapeHtml(m.ruleId) + ']</small>' : '') + '</li>').join('')
    : '<li class="dv-ok">No problems</li>';
  const images = data.copy.images;
  const lost = images.filter((i) => !i.survives);
  $('images').innerHTML = images.length
    ? (lost.length ? '<p class="dv-bad">' + lost.length + ' of ' + images.length + ' image(s) will not survive a paste' + (data.copy.canUpload ? ': upload them first.' : ' (no credentials configured: upload them by hand in the editor).') + '</p>' : '<p class="dv-ok">Every image is hosted by WeChat.</p>') +
      images.map((i) => '<div class="dv-img ' + (i.survives ? 'ok' : 'lost') + '">' + (i.line ? 'L' + i.line + ' ' : '') + escapeHtml(i.src) + (i.note ? ' — ' + escapeHtml(i.note) : '') + '</div>').join('')
    : '<p>No images to upload.</p>';
  $('upload').hidden = !(data.copy.canUpload && lost.length);
  window.scrollTo(0, y);
  current = data;
  window.wxmpStudio.version = data.version;
  window.wxmpStudio.updates++;
  document.dispatchEvent(new CustomEvent('wxmp:updated', { detail: { version: data.version } }));
}

async function load() {
  if (loading) { again = true; return loading; }
  loading = (async () => {
    do {
      again = false;
      const res = await fetch('/api/post?src=' + encodeURIComponent(source) + (themeParam() ? '&theme=' + encodeURIComponent(themeParam()) : ''));
      const data = await res.json();
      if (!res.ok) { say(escapeHtml(data.error || res.statusText), false); break; }
      show(data);
    } while (again);
  })().finally(() => { loading = null; });
  return loading;
}

async function copy() {
  if (!current) return;
  const html = current.copy.html;
  const text = new DOMParser().parseFromString(html, 'text/html').body.textContent || '';
  try {
    await navigator.clipboard.write([new ClipboardItem({ 'text/html': new Blob([html], { type: 'text/html' }), 'text/plain': new Blob([text], { type: 'text/plain' }) })]);
  } catch (error) {
    // Older browsers: select a copy of the article and use the copy command (keeps the inline styles too).
    const box = document.createElement('div');
    box.style.cssText = 'position:fixed;left:-10000px;top:0';
    box.innerHTML = html;
    document.body.appendChild(box);
    const range = document.createRange();
    range.selectNodeContents(box);
    const sel = getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    const ok = document.execCommand('copy');
    sel.removeAllRanges();
    box.remove();
    if (!ok) { say('Copy failed: ' + escapeHtml(error.message || error), false); return; }
  }
  const lost = current.copy.images.filter((i) => !i.survives).length;
  say('Copied. Paste into the mp.weixin.qq.com editor (Ctrl/⌘+V).' + (lost ? ' ' + lost + ' image(s) will not survive the paste.' : ''), true);
}

async function runAction(button, url, label) {
  button.disabled = true;
  say(label + '…');
  try {
    return await post(url, { source });
  } catch (error) {
    say(escapeHtml(error.message), false);
    return null;
  } finally {
    button.disabled = false;
  }
}

function setWidth(desktop) {
  $('frame').classList.toggle('dv-desktop', desktop);
  $('w-phone').classList.toggle('on', !desktop);
  $('w-desktop').classList.toggle('on', desktop);
}

if (pageKind === 'index') {
  events({ index: () => refreshIndex() });
} else if (pageKind === 'post') {
  events({
    post: (e) => { if (e.source === source) load(); },
    index: () => { if (current) fetch('/api/posts').then((r) => r.json()).then(({ posts }) => { const me = posts.find((p) => p.source === source); if (me) $('status').innerHTML = statusBadge(me); }); },
  });
  $('w-phone').addEventListener('click', () => setWidth(false));
  $('w-desktop').addEventListener('click', () => setWidth(true));
  $('dark').addEventListener('change', (e) => $('frame').classList.toggle('dv-dark', e.target.checked));
  $('theme').addEventListener('change', (e) => {
    const url = new URL(location.href);
    if (e.target.value) url.searchParams.set('theme', e.target.value); else url.searchParams.delete('theme');
    history.replaceState(null, '', url);
    load();
  });
  $('copy').addEventListener('click', copy);
  $('upload').addEventListener('click', async (e) => {
    const report = await runAction(e.currentTarget, '/api/upload', 'Uploading images');
    if (!report) return;
    say('Uploaded to ' + escapeHtml(report.account) + ': ' + report.uploaded.length + ' image(s)' + (report.failed.length ? '; failed: ' + report.failed.map((f) => escapeHtml(f.src + ': ' + f.message)).join('; ') : ''), report.failed.length === 0);
    await load();
  });
  $('sync').addEventListener('click', async (e) => {
    const report = await runAction(e.currentTarget, '/api/sync', 'Syncing');
    if (!report) return;
    const lines = report.results.map((r) => escapeHtml(r.status + ' ' + r.source + (r.mediaId ? ' → ' + r.mediaId : '') + (r.error ? ': ' + r.error.message : '') + (r.note ? ' (' + r.note + ')' : '')));
    for (const r of report.results) for (const m of r.messages) lines.push(escapeHtml((m.line ? 'L' + m.line + ' ' : '') + m.severity + ': ' + m.message));
    const failed = report.results.some((r) => r.status === 'FAILED');
    say((report.mode === 'sandbox' ? 'Sandbox sync (no credentials): ' : 'Sync: ') + lines.join('<br>') + (report.preview ? '<br><a href="' + escapeHtml(report.preview) + '" target="_blank" rel="noopener">Open the sandbox draft’s preview</a>' : ''), !failed);
  });
  load();
}
`;

/** `/__emulator/*` control endpoints (JSON) and the HTML pages; served media. */
import type { IncomingMessage } from 'node:http';
import type { AdminHandler, EmulatorCore } from './server.js';
import type { AccountFlagsPatch, EmulatorStateSummary, FaultConfig } from './types.js';
import { settleAll as settleAccounts } from './logic/publish.js';
import { servedMediaId } from './logic/media-files.js';
import { draftPage, indexPage, notFoundPage } from './pages.js';

type Out = { status: number; contentType: string; body: string | Buffer };

const JSON_TYPE = 'application/json; charset=utf-8';

function jsonOut(body: unknown, status = 200): Out {
  return { status, contentType: JSON_TYPE, body: JSON.stringify(body) };
}

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return {};
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function settleAll(core: EmulatorCore): void {
  settleAccounts(core.accountStates(), core.now(), core.publishDelayMs, core.origin);
}

const HTML_TYPE = 'text/html; charset=utf-8';

function htmlOut(body: string, status = 200): Out {
  return { status, contentType: HTML_TYPE, body };
}

export function stateSummary(core: EmulatorCore): EmulatorStateSummary {
  settleAll(core);
  return {
    now: core.now(),
    accounts: core.accountStates().map((a) => {
      const materials: Record<string, number> = {};
      for (const m of Object.values(a.materials)) materials[m.type] = (materials[m.type] ?? 0) + 1;
      return {
        appId: a.appId,
        name: a.name,
        verified: a.flags.verified,
        commentPrivilege: a.flags.commentPrivilege,
        productCapability: a.flags.productCapability,
        drafts: Object.values(a.drafts).map((d) => ({
          mediaId: d.mediaId,
          titles: d.articles.map((x) => x.title),
          updateTime: d.updateTime,
        })),
        materials,
        tempMedia: Object.keys(a.tempMedia).length,
        published: Object.values(a.published).map((p) => ({
          articleId: p.articleId,
          publishId: p.publishId,
          titles: p.items.map((i) => i.article.title),
          deleted: p.items.every((i) => i.isDeleted),
        })),
        publishJobs: Object.values(a.publishJobs).map((j) => ({ publishId: j.publishId, status: j.status, mediaId: j.mediaId })),
        quotaUsed: { ...core.quotaOf(a).used },
      };
    }),
    requests: { total: core.requests().length, byPath: core.requestCounts() },
  };
}

export const adminHandler: AdminHandler = async (core, req: IncomingMessage, url, body) => {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';
  const key = `${method} ${path}`;

  const mediaId = method === 'GET' ? servedMediaId(url.pathname) : undefined;
  if (mediaId) {
    const media = core.store.state.media[mediaId];
    const data = media ? await core.store.getBlob(media.blob) : undefined;
    if (!media || !data) return { status: 404, contentType: 'text/plain', body: 'no such media' };
    return { status: 200, contentType: media.mime, body: data };
  }

  switch (key) {
    case 'GET /':
    case 'GET /__emulator':
      settleAll(core);
      return htmlOut(indexPage(core.accountStates()));
    case 'GET /s': {
      settleAll(core);
      const mid = Number(url.searchParams.get('mid'));
      const idx = Number(url.searchParams.get('idx') ?? '1');
      for (const acc of core.accountStates()) {
        for (const pub of Object.values(acc.published)) {
          const item = pub.items[idx - 1];
          if (pub.publishId !== mid || !item) continue;
          if (item.isDeleted) return htmlOut(notFoundPage('该内容已被发布者删除 (deleted by the publisher)'), 404);
          return htmlOut(draftPage(acc, [item.article], 'published article', core.origin));
        }
      }
      return htmlOut(notFoundPage('No such published article.'), 404);
    }
    case 'GET /__emulator/requests':
      return jsonOut({ requests: core.requests(), counts: core.requestCounts(), total: core.requests().length });
    case 'POST /__emulator/requests/reset':
      core.resetRequests();
      return jsonOut({ ok: true });
    case 'GET /__emulator/faults':
      return jsonOut(core.faults);
    case 'POST /__emulator/faults': {
      const patch = parseJson(body);
      if (!patch) return jsonOut({ error: 'body must be a JSON object' }, 400);
      core.setFaults(patch as Partial<FaultConfig>);
      return jsonOut(core.faults);
    }
    case 'POST /__emulator/time/advance': {
      const b = parseJson(body);
      const ms = Number(b?.ms);
      if (!b || !Number.isFinite(ms) || ms < 0) return jsonOut({ error: 'body must be {"ms": <non-negative number>}' }, 400);
      core.advanceTime(ms);
      return jsonOut({ now: core.now() });
    }
    case 'POST /__emulator/tokens/revoke':
      core.revokeAllTokens();
      return jsonOut({ ok: true });
    case 'GET /__emulator/state':
      return jsonOut(stateSummary(core));
  }
  const accountMatch = /^\/__emulator\/accounts\/([^/]+)$/.exec(path);
  if (accountMatch && method === 'POST') {
    const appId = decodeURIComponent(accountMatch[1]!);
    const patch = parseJson(body);
    if (!patch) return jsonOut({ error: 'body must be a JSON object' }, 400);
    if (!core.account(appId)) return jsonOut({ error: `unknown account ${appId}` }, 404);
    core.setAccountFlags(appId, patch as AccountFlagsPatch);
    return jsonOut({ ok: true, flags: core.account(appId)?.flags });
  }
  const draftMatch = /^\/__emulator\/drafts\/([^/]+)$/.exec(path);
  if (draftMatch && method === 'GET') {
    settleAll(core);
    const id = decodeURIComponent(draftMatch[1]!);
    for (const acc of core.accountStates()) {
      const draft = acc.drafts[id];
      if (!draft) continue;
      const idx = Number(url.searchParams.get('idx') ?? '0');
      const articles = idx >= 1 && idx <= draft.articles.length ? [draft.articles[idx - 1]!] : draft.articles;
      return htmlOut(draftPage(acc, articles, `draft preview (${acc.name})`, core.origin));
    }
    return htmlOut(notFoundPage(`No draft ${id} (published drafts leave the draft box).`), 404);
  }
  if (path.startsWith('/__emulator')) return jsonOut({ error: `no such emulator endpoint: ${method} ${path}` }, 404);
  return undefined;
};

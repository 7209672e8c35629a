/**
 * The emulator's control surface: what `startEmulator()` hands back as `control`, and what the `/__emulator/*`
 * routes reach through `ctx.control` — one implementation for both.
 */
import type { EmulatorControl, EmulatorStateSummary } from '../types.js';
import type { EmulatorCore } from '../server.js';
import { settleAll } from '../logic/publish.js';

export function createControl(core: EmulatorCore): EmulatorControl {
  return {
    setFaults: (f) => core.faults.set(f),
    faults: () => ({ ...core.faults.config }),
    requests: () => core.log.list(),
    requestCounts: () => core.log.counts(),
    resetRequests: () => core.log.reset(),
    advanceTime: (ms) => core.clock.advance(ms),
    now: () => core.now(),
    revokeAllTokens: () => core.accounts.revokeAllTokens(),
    setAccountFlags: (appId, flags) => core.accounts.setFlags(appId, flags),
    state: () => stateSummary(core),
    flush: () => core.store.flush(),
  };
}

/** `GET /__emulator/state` and `control.state()`: every active account's drafts, materials, publishing and quota. */
function stateSummary(core: EmulatorCore): EmulatorStateSummary {
  const accounts = core.accounts.states();
  settleAll(accounts, core.now(), core.publishDelayMs, core.origin);
  return {
    now: core.now(),
    accounts: accounts.map((a) => {
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
        quotaUsed: { ...core.quotas.of(a).used },
      };
    }),
    requests: { total: core.log.list().length, byPath: core.log.counts() },
  };
}

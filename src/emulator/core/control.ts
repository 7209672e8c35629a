/**
 * The emulator's control surface: what `startEmulator()` hands back as `control`, and what the `/__emulator/*`
 * routes reach through `ctx.control` — one implementation for both.
 */
import type { EmulatorControl, EmulatorStateSummary } from '../types.js';
import type { EmulatorCore } from '../server.js';
import { settleAll } from '../logic/publish.js';

export function createControl(core: EmulatorCore): EmulatorControl {
  return {
    setFaults: (f) => core.setFaults(f),
    faults: () => ({ ...core.faults }),
    requests: () => core.requests(),
    requestCounts: () => core.requestCounts(),
    resetRequests: () => core.resetRequests(),
    advanceTime: (ms) => core.advanceTime(ms),
    now: () => core.now(),
    revokeAllTokens: () => core.revokeAllTokens(),
    setAccountFlags: (appId, flags) => core.setAccountFlags(appId, flags),
    state: () => stateSummary(core),
    flush: () => core.store.flush(),
  };
}

/** `GET /__emulator/state` and `control.state()`: every active account's drafts, materials, publishing and quota. */
export function stateSummary(core: EmulatorCore): EmulatorStateSummary {
  settleAll(core.accountStates(), core.now(), core.publishDelayMs, core.origin);
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

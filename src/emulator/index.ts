/**
 * Offline emulator of the WeChat Official Account API (wechat-api.md). Public entry: startEmulator().
 * Route modules live in ./routes (registry: routes/index.ts); wire rules in server.ts; admin in admin.ts.
 */
import { EmulatorCore } from './server.js';
import { allRoutes } from './routes/index.js';
import { adminHandler, stateSummary } from './admin.js';
import type { EmulatorOptions, RunningEmulator } from './types.js';

export type {
  EmulatorOptions,
  EmulatorTimeouts,
  EmulatorAccountInput,
  FaultConfig,
  PublishOutcome,
  RunningEmulator,
  EmulatorControl,
  RequestLogEntry,
  AccountFlagsPatch,
  EmulatorStateSummary,
} from './types.js';
export type { Route, EmuRequest, EmuContext, EmuResult, EmuAccount, UploadedFile } from './router.js';

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const core = new EmulatorCore(options, allRoutes(), adminHandler);
  const port = await core.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url: core.origin,
    port,
    accounts: core.activeAccounts.map((a) => ({ ...a })),
    control: {
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
    },
    close: () => core.close(),
  };
}

/**
 * Offline emulator of the WeChat Official Account API (docs/wechat-api.md). Public entry: startEmulator().
 * Routes live in ./routes (registry: routes/index.ts), their rules in ./logic, the server's parts in ./core.
 */
import { EmulatorCore } from './server.js';
import { allRoutes } from './routes/index.js';
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
  const core = new EmulatorCore(options, allRoutes());
  const port = await core.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return {
    url: core.origin,
    port,
    accounts: core.activeAccounts.map((a) => ({ ...a })),
    control: core.control,
    close: () => core.close(),
  };
}

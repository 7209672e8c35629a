/**
 * The emulator core: its parts, composed. Each part has one job —
 *   state.ts          persistence (state.json + uploaded bytes)
 *   clock.ts          the emulator clock (options.now + advanceTime)
 *   core/accounts.ts  the accounts it serves
 *   core/faults.ts    fault injection
 *   core/quotas.ts    daily quotas
 *   core/request-log.ts  the API call log
 *   core/dispatch.ts  request dispatch (guard → route → wire rules → handler → answer)
 *   core/http.ts      the node:http server
 *   core/control.ts   the control surface (startEmulator's `control`, the /__emulator routes' `ctx.control`)
 * Publishing has no scheduler of its own: jobs settle by the clock whenever state is read (logic/publish.ts).
 */
import type { Server } from 'node:http';
import { EmulatorClock } from './clock.js';
import { createRequestGuard } from './guard.js';
import type { Route } from './router.js';
import { StateStore } from './state.js';
import type { EmulatorAccountInput, EmulatorControl, EmulatorOptions } from './types.js';
import { AccountRegistry } from './core/accounts.js';
import { createControl } from './core/control.js';
import { Dispatcher, isPagePath } from './core/dispatch.js';
import { FaultInjector } from './core/faults.js';
import { originFor, startHttpServer, stopHttpServer } from './core/http.js';
import { Quotas } from './core/quotas.js';
import { RequestLog } from './core/request-log.js';

export class EmulatorCore {
  readonly store: StateStore;
  readonly clock: EmulatorClock;
  readonly accounts: AccountRegistry;
  readonly faults: FaultInjector;
  readonly quotas: Quotas;
  readonly log = new RequestLog();
  /** WeChat API routes (`/cgi-bin/…`, `/datacube/…`): logged, charged, fault-injected. */
  readonly apiRoutes: Route[];
  /** The emulator's own routes (control endpoints, pages, served media). */
  readonly pageRoutes: Route[];
  readonly control: EmulatorControl;
  readonly publishDelayMs: number;
  readonly titleLimit: number;
  readonly unicodeEscapes: 'reject' | 'store';
  /** `http://127.0.0.1:PORT`, set by listen(). */
  origin = '';
  private readonly dispatcher = new Dispatcher(this);
  private server: Server | undefined;

  constructor(
    readonly options: EmulatorOptions,
    routes: Route[],
  ) {
    this.store = new StateStore(options.stateDir);
    this.clock = new EmulatorClock(options.now ?? Date.now, this.store.state, () => this.store.markDirty());
    this.apiRoutes = routes.filter((r) => !isPagePath(r.path));
    this.pageRoutes = routes.filter((r) => isPagePath(r.path));
    this.publishDelayMs = options.publishDelayMs ?? 3000;
    this.titleLimit = options.titleLimit ?? 64;
    this.unicodeEscapes = options.unicodeEscapes ?? 'reject';
    this.faults = new FaultInjector(options.faults);
    this.quotas = new Quotas(this.apiRoutes, options.dailyLimits, () => this.faults.config, () => this.now());
    this.accounts = new AccountRegistry(this.store, options.accounts, () => this.now());
    this.control = createControl(this);
    this.store.markDirty();
  }

  now(): number {
    return this.clock.now();
  }

  /** The active accounts as given (the generated sandbox account with its secret). */
  get activeAccounts(): EmulatorAccountInput[] {
    return this.accounts.active;
  }

  /** Origin for URLs of served media (mediaBaseUrl or the emulator's own). */
  mediaOrigin(): string {
    return (this.options.mediaBaseUrl ?? this.origin).replace(/\/+$/, '');
  }

  async listen(port: number, host: string): Promise<number> {
    this.dispatcher.guard = createRequestGuard({
      boundHost: host,
      allowedHosts: this.options.allowedHosts ?? [],
      ...(this.options.mediaBaseUrl ? { mediaBaseUrl: this.options.mediaBaseUrl } : {}),
      ownOrigin: () => this.origin,
    });
    const started = await startHttpServer(this.options.timeouts, port, host, (req, res) => this.dispatcher.serve(req, res));
    this.server = started.server;
    this.origin = originFor(host, started.port);
    return started.port;
  }

  async close(): Promise<void> {
    if (this.server) await stopHttpServer(this.server);
    await this.store.flush();
  }
}

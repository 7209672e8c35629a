/**
 * The control endpoints under `/__emulator/` (docs/emulator.md "Control endpoints"): JSON in, JSON out, no
 * access_token; a refusal is thrown as ControlError (errors.ts) and answered HTTP 4xx `{"error":"…"}`. They are routes
 * like the API's, registered in routes/index.ts; the server answers them without logging, quota or fault injection,
 * after the Host/Origin guard (guard.ts). The follower and message scripting endpoints are in admin-followers.ts,
 * the HTML pages in pages.ts.
 */
import { ControlError } from '../errors.js';
import { json, type EmuContext, type EmuRequest, type EmuResult, type HttpMethod, type Route } from '../router.js';
import type { AccountFlagsPatch, FaultConfig } from '../types.js';

/** The JSON object body of a control call (`{}` when empty); undefined when it is anything else. */
export function jsonBody(req: EmuRequest): Record<string, unknown> | undefined {
  if (req.rawBody.length === 0) return {};
  try {
    const value: unknown = JSON.parse(req.rawBody.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A control route: no WeChat auth, the body left to the handler (jsonBody). A ControlError thrown by the handler
 * (or the logic it calls) is answered `{"error": message}` with its HTTP status.
 */
export function adminRoute(
  method: HttpMethod,
  path: string,
  handle: (req: EmuRequest, ctx: EmuContext) => EmuResult | Promise<EmuResult>,
): Route {
  return {
    method,
    path,
    auth: 'none',
    body: 'none',
    async handle(req, ctx) {
      try {
        return await handle(req, ctx);
      } catch (err) {
        if (err instanceof ControlError) return json({ error: err.message }, err.status);
        throw err;
      }
    },
  };
}

export const adminRoutes: Route[] = [
  adminRoute('GET', '/__emulator/requests', (_req, ctx) => {
    const requests = ctx.control.requests();
    return json({ requests, counts: ctx.control.requestCounts(), total: requests.length });
  }),
  adminRoute('POST', '/__emulator/requests/reset', (_req, ctx) => {
    ctx.control.resetRequests();
    return json({ ok: true });
  }),
  adminRoute('GET', '/__emulator/faults', (_req, ctx) => json(ctx.control.faults())),
  adminRoute('POST', '/__emulator/faults', (req, ctx) => {
    const patch = jsonBody(req);
    if (!patch) throw new ControlError('body must be a JSON object');
    ctx.control.setFaults(patch as Partial<FaultConfig>);
    return json(ctx.control.faults());
  }),
  adminRoute('POST', '/__emulator/time/advance', (req, ctx) => {
    const b = jsonBody(req);
    const ms = Number(b?.ms);
    if (!b || !Number.isFinite(ms) || ms < 0) throw new ControlError('body must be {"ms": <non-negative number>}');
    ctx.control.advanceTime(ms);
    return json({ now: ctx.control.now() });
  }),
  adminRoute('POST', '/__emulator/tokens/revoke', (_req, ctx) => {
    ctx.control.revokeAllTokens();
    return json({ ok: true });
  }),
  adminRoute('GET', '/__emulator/state', (_req, ctx) => json(ctx.control.state())),
  adminRoute('POST', '/__emulator/accounts/:appid', (req, ctx) => {
    const appId = req.params.appid!;
    const patch = jsonBody(req);
    if (!patch) throw new ControlError('body must be a JSON object');
    if (!ctx.findAccount(appId)) throw new ControlError(`unknown account ${appId}`, 404);
    ctx.control.setAccountFlags(appId, patch as AccountFlagsPatch);
    return json({ ok: true, flags: ctx.findAccount(appId)?.flags });
  }),
];

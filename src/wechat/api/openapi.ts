import type { ApiContext } from './context.js';
import { WeChatClientError } from '../errors.js';

export interface ApiQuota {
  quota: { daily_limit: number; used: number; remain: number };
  rate_limit?: { call_count: number; refresh_second: number };
  component_rate_limit?: { call_count: number; refresh_second: number };
}

/** `callback/check` results: how the callback URL resolves and answers from WeChat's operator networks. */
export interface CallbackCheck {
  dns: { ip: string; real_operator: string }[];
  ping: { ip: string; from_operator: string; package_loss: string; time: string }[];
}

/** `cgi-bin/openapi/*` and `clear_quota` (docs/wechat-api.md §3). */
export class OpenApi {
  constructor(private readonly ctx: ApiContext) {}

  /** Daily quota of one API, e.g. `/cgi-bin/draft/add` (path with a leading slash, no host). */
  async getQuota(cgiPath: string): Promise<ApiQuota> {
    if (!cgiPath.startsWith('/') || cgiPath.includes('://')) {
      throw new WeChatClientError(`cgi_path must be a path starting with "/", e.g. "/cgi-bin/draft/add" (got ${JSON.stringify(cgiPath)})`, 'cgi-bin/openapi/quota/get');
    }
    const res = await this.ctx.call<ApiQuota>({ path: 'cgi-bin/openapi/quota/get', method: 'POST', json: { cgi_path: cgiPath } });
    return res;
  }

  /** Reset every API's daily counter (10 times a month per account). */
  async clearQuota(): Promise<void> {
    await this.ctx.call({ path: 'cgi-bin/clear_quota', method: 'POST', json: { appid: this.ctx.appId } });
  }

  /** Look up a failed request by the `rid` in its errmsg (valid 7 days). */
  async getRid(rid: string): Promise<Record<string, unknown>> {
    const res = await this.ctx.call<{ request?: Record<string, unknown> }>({ path: 'cgi-bin/openapi/rid/get', method: 'POST', json: { rid } });
    return res.request ?? {};
  }

  /**
   * Check the account's callback (server configuration) URL from WeChat's side (`callback/check`, §3): `action`
   * `dns`, `ping` or `all`; `operator` `DEFAULT` (by the server's IP), `CHINANET`, `UNICOM` or `CAP`.
   */
  async checkCallback(action: 'dns' | 'ping' | 'all' = 'all', operator: 'DEFAULT' | 'CHINANET' | 'UNICOM' | 'CAP' = 'DEFAULT'): Promise<CallbackCheck> {
    const res = await this.ctx.call<Partial<CallbackCheck>>({ path: 'cgi-bin/callback/check', method: 'POST', json: { action, check_operator: operator } });
    return { dns: res.dns ?? [], ping: res.ping ?? [] };
  }
}

import { ApiBaseError, checkApiBase } from '../config/api-base.js';
import { WeChatClient } from './client.js';
import { WeChatClientError } from './errors.js';
import type { WeChatClientOptions } from './types.js';

/** The parts of wxmp.config that concern the client (all optional). */
export interface ClientConfig {
  apiBase?: string;
  proxy?: string;
}

export interface ClientFromEnvOptions {
  /** Usually `process.env` after `process.loadEnvFile()`. */
  env: Record<string, string | undefined>;
  config?: ClientConfig;
  /** Anything else (tokenCache, retry, onEvent…); env and config win for credentials, base and proxy. */
  overrides?: Partial<WeChatClientOptions>;
}

/**
 * Build a client from the environment: `WECHAT_APP_ID` / `WECHAT_APP_SECRET`, `WXMP_API_BASE` (else config.apiBase,
 * else https://api.weixin.qq.com), `WXMP_PROXY` / `HTTPS_PROXY` (else config.proxy).
 */
export function clientFromEnv({ env, config = {}, overrides = {} }: ClientFromEnvOptions): WeChatClient {
  const appId = env.WECHAT_APP_ID?.trim();
  const appSecret = env.WECHAT_APP_SECRET?.trim();
  const missing = [!appId && 'WECHAT_APP_ID', !appSecret && 'WECHAT_APP_SECRET'].filter(Boolean);
  if (missing.length) {
    throw new WeChatClientError(
      `missing ${missing.join(' and ')}: set them in the environment or in .env (公众平台 → 设置与开发 → 基本配置 shows the AppID and lets you reset the AppSecret)`,
    );
  }
  const apiBase = nonEmpty(env.WXMP_API_BASE) ?? config.apiBase ?? overrides.apiBase;
  const explicitProxy = nonEmpty(env.WXMP_PROXY) ?? config.proxy ?? overrides.proxy;
  // A machine-wide HTTPS_PROXY must not capture calls to a local emulator (it could not reach 127.0.0.1 anyway).
  const ambientProxy = apiBase && isLoopback(apiBase) ? undefined : (nonEmpty(env.HTTPS_PROXY) ?? nonEmpty(env.https_proxy));
  const proxy = nonEmpty(env.WXMP_PROXY) ?? ambientProxy ?? explicitProxy;
  // The same rule as the CLI: the AppSecret goes over https, or plain http only to this machine (docs/security.md).
  if (apiBase) {
    try {
      checkApiBase(apiBase, proxy);
    } catch (error) {
      if (error instanceof ApiBaseError) throw new WeChatClientError(error.message);
      throw error;
    }
  }
  return new WeChatClient({
    ...overrides,
    appId: appId!,
    appSecret: appSecret!,
    ...(apiBase ? { apiBase } : {}),
    ...(proxy ? { proxy } : {}),
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function isLoopback(base: string): boolean {
  try {
    const host = new URL(base).hostname;
    return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}

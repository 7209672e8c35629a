import type { CallOptions } from '../types.js';

/** What the API group modules need from the client (WeChatClient implements it; tests may pass a fake). */
export interface ApiContext {
  call<T = unknown>(options: CallOptions): Promise<T>;
  readonly appId: string;
  now(): number;
}

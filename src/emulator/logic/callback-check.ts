/**
 * `callback/check` (docs/wechat-api.md §3, [callbackcheck]): WeChat resolves and pings the account's callback (server
 * configuration) URL from its operators' networks. `action` `dns` | `ping` | `all` (else 40202), `check_operator`
 * `CHINANET` | `UNICOM` | `CAP` | `DEFAULT` (else 40203). The emulator's accounts count as having a configured URL
 * (40201 "invalid url" is answered by WeChat when none is set); the results are fixed: the URL resolves to 127.0.0.1
 * and answers every ping in a few ms (EMU).
 */
import { EmuError } from '../errors.js';

const ACTIONS = new Set(['dns', 'ping', 'all']);
const OPERATORS = ['CHINANET', 'UNICOM', 'CAP'] as const;

export function callbackCheck(body: Record<string, unknown>): { dns: unknown[]; ping: unknown[] } {
  const { action, check_operator: operator } = body;
  if (typeof action !== 'string' || !ACTIONS.has(action)) throw new EmuError(40202);
  if (typeof operator !== 'string' || !(operator === 'DEFAULT' || (OPERATORS as readonly string[]).includes(operator))) {
    throw new EmuError(40203);
  }
  // DEFAULT lets WeChat pick the operator by the server's IP; the emulator's server is local, reported as CAP.
  const real = operator === 'DEFAULT' ? 'CAP' : operator;
  const dns = action === 'ping' ? [] : [{ ip: '127.0.0.1', real_operator: real }];
  const ping =
    action === 'dns' ? [] : [{ ip: '127.0.0.1', from_operator: real, package_loss: '0%', time: '1.000ms' }];
  return { dns, ping };
}

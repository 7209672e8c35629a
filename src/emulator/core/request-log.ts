/** The log of API calls (`control.requests()`, `/__emulator/requests`); control endpoints and pages are not logged. */
import type { RequestLogEntry } from '../types.js';

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  record(entry: { method: string; path: string; at: number; status: number; errcode?: number; appId?: string }): void {
    const logged: RequestLogEntry = { method: entry.method, path: entry.path, at: entry.at, status: entry.status };
    if (entry.errcode !== undefined && entry.errcode !== 0) logged.errcode = entry.errcode;
    if (entry.appId) logged.appId = entry.appId;
    this.entries.push(logged);
  }

  list(): RequestLogEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  /** Number of logged calls per path. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of this.entries) counts[e.path] = (counts[e.path] ?? 0) + 1;
    return counts;
  }

  reset(): void {
    this.entries = [];
  }
}

/** `wxmp serve` as users start it: the API key, CORS, the non-local bind rule, the CLI process and its shutdown. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../../src/serve/index.js';
import { resolveConfig } from '../../src/config/load.js';
import { cleanEnv, repoRoot, startCli } from '../helpers/cli.js';
import { call, startHarness, type Harness } from './helpers.js';

const KEY = 'test-api-key-0123456789abcdef';

describe('API key and CORS', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ apiKey: KEY, cors: ['https://cms.example'] });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('needs "Authorization: Bearer <key>" on every endpoint', async () => {
    expect((await call(`${h.api}/health`)).status).toBe(401);
    expect((await call(`${h.api}/health`, { headers: { authorization: 'Bearer wrong-key-0123456789abcdef' } })).status).toBe(401);
    expect((await call(`${h.api}/openapi.json`)).status).toBe(401);
    const ok = await call(`${h.api}/health`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(ok.status).toBe(200);
    expect(h.logs.join('\n')).not.toContain(KEY);
  });

  it('answers a configured origin with CORS headers, and preflights without the key', async () => {
    const pre = await fetch(`${h.api}/draft/create`, { method: 'OPTIONS', headers: { origin: 'https://cms.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' } });
    expect(pre.status).toBeLessThan(300);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://cms.example');
    const res = await fetch(`${h.api}/health`, { headers: { origin: 'https://cms.example', authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://cms.example');
    const other = await fetch(`${h.api}/health`, { headers: { origin: 'https://evil.example', authorization: `Bearer ${KEY}` } });
    expect(other.status).toBe(403);
  });
});

describe('binding', () => {
  it('refuses a non-local interface without an API key, and a short key', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wxmp-serve-bind-'));
    const base = { root: dir, config: resolveConfig({}), env: {}, accountsFile: path.join(dir, 'a.json'), port: 0 };
    await expect(startServe({ ...base, host: '0.0.0.0' })).rejects.toThrow(/--api-key/);
    await expect(startServe({ ...base, apiKey: 'short' })).rejects.toThrow(/too short/);
  });
});

describe('wxmp serve (the CLI)', () => {
  it('prints a banner naming the sandbox fallback, serves, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wxmp-serve-cli-'));
    const env = cleanEnv({ XDG_CONFIG_HOME: path.join(dir, 'config'), XDG_CACHE_HOME: path.join(dir, 'cache') });
    const { child, done } = startCli(['serve', '--root', dir, '--port', '0'], { env });
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner: ${stdout}`)), 20_000);
      child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+)\/api\s/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    });
    expect(stdout).toMatch(/sandbox/);
    expect(stdout).toContain(path.join(dir, 'config', 'wxmp', 'accounts.json'));
    const health = await call(`${url}/api/health`);
    expect(health.body.success).toBe(true);
    const rendered = await call(`${url}/api/render`, { method: 'POST', json: { markdown: '# 标题\n\n正文' } });
    expect(rendered.body.title).toBe('标题');
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/stopped \(SIGTERM\)/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('the CLI start-up does not load Hono: serve is a light command that imports the server on use', () => {
    const seen = new Set<string>();
    const hono: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      // Static imports only (`import … from '…'` and `export … from '…'`), not `import('…')`.
      for (const m of source.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) {
        const spec = m[1]!;
        if (/^(hono|@hono\/)/.test(spec)) hono.push(`${path.relative(repoRoot, file)} → ${spec}`);
        if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
      }
    };
    // main.ts loads a command's module when the command line names it; serve.ts defines `wxmp serve`.
    visit(path.join(repoRoot, 'src', 'cli', 'main.ts'));
    visit(path.join(repoRoot, 'src', 'cli', 'commands', 'serve.ts'));
    expect(hono).toEqual([]);
  });
});

/**
 * The Python snippet of issue 10 / docs/serve.md, run unchanged (but for the base URL) with python3: with `requests`
 * when it is installed, and always the same flow with the standard library's urllib.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeImage } from '../helpers/repo.js';
import { APP, call, startHarness, type Harness } from './helpers.js';

const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const hasPython = python.status === 0;
const hasRequests = hasPython && spawnSync('python3', ['-c', 'import requests'], { encoding: 'utf8' }).status === 0;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  writeFileSync(path.join(h.root, 'cover.jpg'), await makeImage(21, 'jpeg', 300, 128));
  await call(`${h.api}/accounts`, { method: 'POST', json: { name: 'main', appid: APP.appId, secret: APP.appSecret } });
});
afterAll(async () => {
  await h?.close();
});

/** Asynchronously: the service answers from this very process. */
function runPython(code: string): Promise<{ stdout: string; stderr: string; status: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', code], { cwd: h.root, timeout: 60_000, env: { ...process.env, NO_PROXY: '*', no_proxy: '*' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ stdout, stderr, status }));
  });
}

describe.skipIf(!hasPython)('python3 clients', () => {
  it.skipIf(!hasRequests)('the requests snippet from the issue works unchanged', async () => {
    const snippet = `
import requests
r = requests.post("http://localhost:3001/api/upload/thumb", files={"file": open("cover.jpg","rb")}).json()
d = requests.post("http://localhost:3001/api/draft/create",
                  json={"title": "标题", "content": "<p>正文</p>", "thumbMediaId": r["mediaId"], "author": "作者"}).json()
print(d["success"], d["mediaId"], d["previewUrl"])
`.replaceAll('http://localhost:3001', `http://localhost:${h.serve.port}`);
    const out = await runPython(snippet);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^True \S+ /);
  });

  it('the same flow with urllib (standard library only)', async () => {
    const snippet = `
import json, urllib.request, uuid
API = "http://localhost:${h.serve.port}/api"
def post_json(path, payload):
    req = urllib.request.Request(API + path, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))
boundary = uuid.uuid4().hex
data = open("cover.jpg", "rb").read()
body = (f"--{boundary}\\r\\nContent-Disposition: form-data; name=\\"file\\"; filename=\\"cover.jpg\\"\\r\\nContent-Type: image/jpeg\\r\\n\\r\\n").encode() + data + f"\\r\\n--{boundary}--\\r\\n".encode()
req = urllib.request.Request(API + "/upload/thumb", data=body, headers={"Content-Type": "multipart/form-data; boundary=" + boundary})
r = json.load(urllib.request.urlopen(req))
d = post_json("/draft/create", {"title": "标题", "content": "<p>正文</p>", "thumbMediaId": r["mediaId"], "author": "作者"})
print(d["success"], d["mediaId"], d["previewUrl"])
`;
    const out = await runPython(snippet);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^True \S+ /);
  });
});

it.runIf(!hasPython)('python3 is not installed: the Python client tests are skipped', () => {
  expect(hasPython).toBe(false);
});

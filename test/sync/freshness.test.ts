/** Stage 2: the fingerprint is a pure function of what the payload is made from (src/sync/stages/freshness.ts). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import { parsePost } from '../../src/content/post.js';
import { FileHashCache } from '../../src/sync/file-hashes.js';
import { configHashOf, fingerprintOf, isFresh } from '../../src/sync/stages/freshness.js';
import { tempRoot } from './helpers.js';

const config = resolveConfig({});
const post = (text: string) => parsePost('posts/a.md', '/x/posts/a.md', text, config);
const account = { name: 'main', appId: 'wxa', appSecret: 's' };
const base = { post: post('---\ntitle: t\n---\n正文\n'), inputs: { 'posts/a.png': 'aa' }, account, themeVersion: 'v1', configHash: 'c' };

describe('fingerprintOf', () => {
  it('changes with the source, an input, the theme, the config and the byline, and with nothing else', () => {
    const print = fingerprintOf(base);
    expect(fingerprintOf({ ...base })).toBe(print);
    expect(fingerprintOf({ ...base, post: post('---\ntitle: t\n---\n正文。\n') })).not.toBe(print);
    expect(fingerprintOf({ ...base, inputs: { 'posts/a.png': 'bb' } })).not.toBe(print);
    expect(fingerprintOf({ ...base, themeVersion: 'v2' })).not.toBe(print);
    expect(fingerprintOf({ ...base, configHash: 'd' })).not.toBe(print);
    expect(fingerprintOf({ ...base, account: { ...account, author: '编辑部' } })).not.toBe(print);
    expect(fingerprintOf({ ...base, account: { ...account, appSecret: 'other' } })).toBe(print);
  });

  it('ignores config keys that do not change the payload', () => {
    const hash = configHashOf(config);
    expect(configHashOf(resolveConfig({ concurrency: 9, retry: { attempts: 2 }, limits: { nesting: 10 }, outDir: 'x' }))).toBe(hash);
    expect(configHashOf(resolveConfig({ theme: 'github' }))).not.toBe(hash);
    expect(configHashOf(resolveConfig({ render: { links: 'text' } }))).not.toBe(hash);
  });
});

describe('isFresh', () => {
  it('re-hashes the recorded inputs: an edited or deleted image makes the entry stale', async () => {
    const root = tempRoot();
    const image = path.join(root, 'a.png');
    writeFileSync(image, 'one');
    const hashes = await FileHashCache.load(path.join(root, 'hashes.json'));
    const inputs = { 'a.png': (await hashes.hash(image))! };
    const parts = { post: base.post, account, themeVersion: 'v1', configHash: 'c' };
    const entry = { mediaId: 'm1', status: 'draft' as const, updatedAt: '', inputs, fingerprint: fingerprintOf({ ...parts, inputs }) };
    expect(await isFresh(entry, parts, root, hashes)).toBe(true);
    expect(await isFresh({ ...entry, pending: { op: 'draft-add', startedAt: 0 } }, parts, root, hashes)).toBe(false);
    expect(await isFresh({ ...entry, status: 'published' }, parts, root, hashes)).toBe(false);
    writeFileSync(image, 'two, longer');
    expect(await isFresh(entry, parts, root, hashes)).toBe(false);
  });
});

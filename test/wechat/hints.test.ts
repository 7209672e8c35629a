import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { WeChatError, hintFor, knownErrcodes } from '../../src/wechat/index.js';

/** Every errcode of docs/wechat-api.md §11 (ranges expanded). */
const SECTION_11 = [
  -1, 0, 40001, 40002, 40003, 40004, 40005, 40006, 40007, 40008, 40009, 40010, 40011, 40012, 40013, 40014,
  ...range(40015, 40028), 40032, 40033, 40035, 40048, 40059, 40060, 40113, 40114, 40125, 40130, 40137, 40164, 40227,
  40243, 41001, 41002, 41004, 41005, 41006, 41039, 42001, 43001, 43002, 43003, 43004, 43019, 44001, 44002, 44003, 44004,
  45001, 45002, 45003, 45004, 45005, 45006, 45007, 45008, 45009, 45010, 45011, 45015, 45028, 45047, 45056, 45057, 45058,
  45059, 45064, 45065, 45066, 45067, 45106, 45110, 45157, 45158, 45166, 46001, 46003, 46004, 47001, 47002, 47003, 48001,
  48002, 48003, 48004, 48005, 48006, 48008, 48021, 49003, 50001, 50002, 50004, 50005, 50007, 53404, 53405, 53406, 53500,
  53501, 53502, 53503, 53504, 53505, 53600, 61450, 61451, 61500, 61501, 61503, ...range(65301, 65320), 76001, 76002,
  76003, 76004, 76021, 76022, 88000, 89503, 89506, 89507,
];

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Codes listed in docs/wechat-api.md §11 (the project's own reference). */
function codesFromReference(): number[] | undefined {
  const file = path.join(repoRoot, 'docs', 'wechat-api.md');
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const section = text.slice(text.indexOf('## 11.'), text.indexOf('## 12.'));
  const codes: number[] = [];
  for (const line of section.split('\n')) {
    const cell = /^\|\s*([-\d][^|]*?)\s*\|/.exec(line)?.[1];
    if (!cell) continue;
    for (const part of cell.split(/\s*[,/]\s*/)) {
      const span = /^(-?\d+)\s*[–-]\s*(\d+)$/.exec(part);
      if (span) codes.push(...range(Number(span[1]), Number(span[2])));
      else if (/^-?\d+$/.test(part)) codes.push(Number(part));
    }
  }
  return codes;
}

describe('hintFor', () => {
  it('has a specific hint for every §11 errcode', () => {
    const known = new Set(knownErrcodes());
    const reference = codesFromReference();
    if (reference) expect(reference.length).toBeGreaterThan(150);
    for (const code of new Set([...SECTION_11, ...(reference ?? [])])) {
      expect(known.has(code), `errcode ${code}`).toBe(true);
      const hint = hintFor(code, '');
      expect(hint, `errcode ${code}`).not.toMatch(/^Unknown errcode/);
      if (code !== 0) expect(hint.length, `errcode ${code}`).toBeGreaterThan(15);
    }
  });

  it('extracts the caller IP for 40164 and says where to whitelist it', () => {
    const hint = hintFor(40164, 'invalid ip 47.95.215.232 ipv6 ::ffff:47.95.215.232, not in whitelist rid: 68ff2583-479cabd7-08ff32c3');
    expect(hint).toContain('Add 47.95.215.232 to 公众平台 → 设置与开发 → 基本配置 → IP白名单');
    expect(hint).toMatch(/fixed-IP proxy/);
    expect(hint).toMatch(/self-hosted runner/);
  });

  it('tells a wrong AppSecret (token endpoint) from a revoked token (business call) on 40001', () => {
    expect(hintFor(40001, 'invalid credential', 'cgi-bin/stable_token')).toMatch(/AppSecret is wrong/);
    expect(hintFor(40001, 'invalid credential', 'cgi-bin/token')).toMatch(/AppSecret is wrong/);
    expect(hintFor(40001, 'invalid credential', 'cgi-bin/draft/add')).toMatch(/another system called cgi-bin\/token/);
  });

  it('gives the concrete actions the brief asks for', () => {
    expect(hintFor(48001)).toMatch(/verified account/);
    expect(hintFor(45009)).toMatch(/openapi\/quota\/get/);
    expect(hintFor(45009)).toMatch(/clear_quota/);
    expect(hintFor(88000)).toMatch(/turn off comments/);
    expect(hintFor(45003)).toMatch(/64 characters/);
    expect(hintFor(45004)).toMatch(/128/);
    expect(hintFor(45110)).toMatch(/16/);
    expect(hintFor(45002)).toMatch(/20,000 characters and under 1 MB/);
    expect(hintFor(40113)).toMatch(/extension/);
    expect(hintFor(40007)).toMatch(/PERMANENT/);
  });

  it('points unknown codes to the rid lookup', () => {
    expect(hintFor(99999, 'weird rid: 644667f4-6f2ad22f-675d21e4')).toMatch(/openapi\/rid\/get \(rid 644667f4-6f2ad22f-675d21e4/);
  });

  it('is carried by WeChatError with the verbatim errmsg and a path-only endpoint', () => {
    const error = new WeChatError({ errcode: 45003, errmsg: 'title size out of limit rid: a-b-c', endpoint: 'cgi-bin/draft/add' });
    expect(error.message).toBe(`cgi-bin/draft/add: errcode 45003 title size out of limit rid: a-b-c\n  hint: ${hintFor(45003)}`);
    expect(error.fatal).toBe(false);
  });
});

/**
 * One error table for every group: each errcode the emulator's routes and logic raise has its errmsg in
 * src/emulator/errors.ts (no group keeps its own table, none falls back to "error N").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERRMSG, EmuError, errmsgFor } from '../../src/emulator/errors.js';

const ROOT = fileURLToPath(new URL('../../src/emulator/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the errmsg table', () => {
  it('has an entry for every errcode raised or returned in src/emulator', () => {
    const raised = new Set<number>();
    for (const file of sources(ROOT)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/EmuError\((\d{5})\b|errcode: (\d{5})\b|errcode: number \}\s*=\s*\{ errcode: (\d{5})/g)) {
        raised.add(Number(m[1] ?? m[2] ?? m[3]));
      }
    }
    expect(raised.size).toBeGreaterThan(60);
    const missing = [...raised].filter((code) => ERRMSG[code] === undefined).sort();
    expect(missing).toEqual([]);
  });

  it('is the only table: no module declares its own errmsg record or fail() helper', () => {
    for (const file of sources(ROOT)) {
      if (file.endsWith('errors.ts')) continue;
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/_ERRMSG\b/);
      expect(text, file).not.toMatch(/function fail\(ctx/);
    }
  });

  it('EmuError takes the errmsg from the table, and extra body fields', () => {
    const err = new EmuError(45065, undefined, { msg_id: 7 });
    expect(err.errmsg).toBe('clientmsgid exist');
    expect(err.extra).toEqual({ msg_id: 7 });
    expect(errmsgFor(46003)).toBe('menu no exist');
    expect(errmsgFor(99999)).toBe('error 99999');
  });
});

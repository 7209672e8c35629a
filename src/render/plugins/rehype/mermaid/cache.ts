/**
 * The diagram cache: `.wxmp/cache/mermaid/<key>.png` (drawn at 2× device scale) or `<key>.error.txt` (mermaid's
 * message for a diagram it cannot parse), keyed by what the picture is made of: the source, mermaid's version, the
 * theme and the drawing recipe below. A cached diagram is used without loading a browser; the PNG is then an ordinary
 * local image inside the project, uploaded once by the sync like any other (by the sha256 of its bytes). Safe to delete.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { sha256, stableStringify } from '../../../../util/hash.js';

/** Device pixels per CSS pixel: sharp on phones' 2× and 3× screens, and the PNG stays well under WeChat's 1 MB. */
export const SCALE = 2;
/** Bumped when the page, the padding or anything else that changes the pixels changes. */
const RECIPE = '1';

export interface DiagramFiles {
  png: string;
  errorFile: string;
}

export function mermaidCacheDir(root: string): string {
  return path.join(root, '.wxmp', 'cache', 'mermaid');
}

/** The cache files of a diagram. */
export function diagramFiles(root: string, source: string, theme: string, mermaidVersion: string): DiagramFiles {
  const key = sha256(stableStringify({ v: RECIPE, source, theme, mermaid: mermaidVersion, scale: SCALE }));
  const dir = mermaidCacheDir(root);
  return { png: path.join(dir, `${key}.png`), errorFile: path.join(dir, `${key}.error.txt`) };
}

/** A PNG's size in CSS pixels (its IHDR width and height over SCALE), or undefined when it is not a readable PNG. */
export function pngCssSize(file: string): { width: number; height: number } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(24);
    if (readSync(fd, head, 0, 24, 0) < 24 || head.readUInt32BE(0) !== 0x89504e47 || head.toString('latin1', 12, 16) !== 'IHDR') return undefined;
    return { width: Math.round(head.readUInt32BE(16) / SCALE), height: Math.round(head.readUInt32BE(20) / SCALE) };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export type CachedDiagram = { kind: 'png'; width: number } | { kind: 'invalid'; message: string };

/** What the cache holds for a diagram, if anything. */
export function cachedDiagram(files: DiagramFiles): CachedDiagram | undefined {
  const size = pngCssSize(files.png);
  if (size) return { kind: 'png', width: size.width };
  if (existsSync(files.errorFile)) {
    try {
      return { kind: 'invalid', message: readFileSync(files.errorFile, 'utf8') };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

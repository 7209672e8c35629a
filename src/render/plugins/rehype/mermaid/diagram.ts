/**
 * One diagram, from its source to a PNG in the cache (or the reason it stays a code block): the cache first, then the
 * checks that need nothing started (packages, fonts), then the thread's drawer (./drawer.ts).
 */
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { cachedDiagram, diagramFiles } from './cache.js';
import { diagramDrawer, type DrawResult } from './drawer.js';
import { mermaidPackage, missingPackages } from './setup.js';

export interface DiagramOptions {
  theme: string;
  browser?: string;
  /** The project root: the cache is `<root>/.wxmp/cache/mermaid/`. */
  root: string;
}

export type Diagram =
  /** Drawn (now or before): the PNG and its width in CSS pixels. */
  | { kind: 'image'; png: string; width: number }
  /** mermaid cannot read it: its message (an error on the post). */
  | { kind: 'invalid'; message: string }
  /** Not drawn on this machine: why, and how to enable drawing (a warning; the fence stays a code block). */
  | { kind: 'not-drawn'; message: string };

const NOT_DRAWN = 'Mermaid diagram shown as code, not drawn';
const OR_OFF = 'or set `mermaid: false` in wxmp.config.ts to keep diagrams as code without this warning';

/**
 * mermaid's message on one line: without the echo of the source and the `-----^` under it (the message is reported at
 * the fence's line and names the diagram's line itself).
 */
export function oneLineMessage(message: string): string {
  const lines = message.split('\n');
  const kept = lines.filter((line, i) => !/^-*\^\s*$/.test(line) && !/^-*\^\s*$/.test(lines[i + 1] ?? ''));
  return kept.map((line) => line.trim()).filter(Boolean).join(' ');
}

const writable = new Map<string, Promise<string | undefined>>();

/** Why the cache folder cannot be written (a read-only checkout), checked once per folder before any browser starts. */
function cacheUnwritable(dir: string): Promise<string | undefined> {
  let check = writable.get(dir);
  if (!check) {
    check = mkdir(dir, { recursive: true })
      .then(() => access(dir, constants.W_OK))
      .then(
        () => undefined,
        (error: NodeJS.ErrnoException) => {
          writable.delete(dir); // checked again for the next diagram: the folder may be fixed meanwhile
          return `${dir} (${error.code ?? error.message})`;
        },
      );
    writable.set(dir, check);
  }
  return check;
}

export async function mermaidDiagram(source: string, options: DiagramOptions): Promise<Diagram> {
  const missing = missingPackages();
  const mermaid = mermaidPackage();
  if (missing.length > 0 || !mermaid) {
    const install = `npm i -D ${missing.join(' ')}`;
    return { kind: 'not-drawn', message: `${NOT_DRAWN}: install the optional ${missing.length > 1 ? 'packages' : 'package'} (\`${install}\`) and a Chromium or Chrome, ${OR_OFF}` };
  }
  const files = diagramFiles(options.root, source, options.theme, mermaid.version);
  const cached = cachedDiagram(files);
  if (cached?.kind === 'png') return { kind: 'image', png: files.png, width: cached.width };
  if (cached?.kind === 'invalid') return { kind: 'invalid', message: oneLineMessage(cached.message) };

  const unwritable = await cacheUnwritable(path.dirname(files.png));
  if (unwritable) return { kind: 'not-drawn', message: `${NOT_DRAWN}: cannot write its picture to ${unwritable}` };
  // Without a CJK font, Chinese labels would be drawn as boxes: better the readable code.
  const { canDrawTitle } = await import('../../../../assets/generated-cover.js');
  if (!(await canDrawTitle(source))) {
    return { kind: 'not-drawn', message: `${NOT_DRAWN}: it has CJK text and this machine has no CJK font (install one, e.g. fonts-noto-cjk), ${OR_OFF}` };
  }
  let result: DrawResult;
  try {
    const drawer = await diagramDrawer();
    result = await drawer.draw({ source, theme: options.theme, browser: options.browser, root: path.resolve(options.root), ...files });
  } catch (error) {
    // A drawer that throws (it should answer) costs this diagram its picture, never the post its render.
    result = { kind: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
  switch (result.kind) {
    case 'drawn':
      return { kind: 'image', png: files.png, width: result.width };
    case 'invalid':
      return { kind: 'invalid', message: oneLineMessage(result.message) };
    case 'unavailable':
      return { kind: 'not-drawn', message: `${NOT_DRAWN}: ${result.message}, ${OR_OFF}` };
    case 'failed':
      return { kind: 'not-drawn', message: `${NOT_DRAWN}: the browser failed on it (${result.message})` };
  }
}

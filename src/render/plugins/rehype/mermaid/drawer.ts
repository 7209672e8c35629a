/**
 * Who draws a diagram that is not cached yet. One browser per process: in the main thread the drawer is the
 * BrowserDrawer (./browser.ts, loaded on first use); a render worker thread (src/render/pool.ts) installs a drawer that
 * asks the main thread (./bridge.ts). Why there: a browser per worker would start up to four Chromiums (each about a
 * second and 150 MB) for one batch, and drawing before or after the worker pass would need a second Markdown parse
 * to find the fences; the main thread only waits while the workers render, so it draws for all of them, one diagram
 * at a time, and a worker never loads playwright. Cached diagrams never reach a drawer, in any thread.
 */

export interface DrawRequest {
  source: string;
  theme: string;
  /** `mermaid.browser` from the config (env WXMP_CHROMIUM wins; else auto-detected). */
  browser?: string;
  /** The project root (a browser inside it is refused). */
  root: string;
  /** Where the PNG goes, or mermaid's message when it cannot parse the diagram (./cache.ts). */
  png: string;
  errorFile: string;
}

export type DrawResult =
  /** The PNG is written; its size in CSS pixels. */
  | { kind: 'drawn'; width: number; height: number }
  /** mermaid cannot parse or lay out the diagram (cached: the same source always fails). */
  | { kind: 'invalid'; message: string }
  /** No browser, or it cannot start: how to enable drawing. */
  | { kind: 'unavailable'; message: string }
  /** The browser failed on this diagram (a crash or a timeout; not cached). */
  | { kind: 'failed'; message: string };

export interface DiagramDrawer {
  draw(request: DrawRequest): Promise<DrawResult>;
  close(): Promise<void>;
}

let current: DiagramDrawer | undefined;

/** This thread's drawer (tests inject one that counts browser launches; workers one that asks the main thread). */
export function setDiagramDrawer(drawer: DiagramDrawer | undefined): void {
  current = drawer;
}

export async function diagramDrawer(): Promise<DiagramDrawer> {
  if (!current) {
    const { BrowserDrawer } = await import('./browser.js');
    current ??= new BrowserDrawer();
  }
  return current;
}

/** Closes this thread's browser, if one was started (it starts again on the next diagram). */
export async function closeDiagramDrawer(): Promise<void> {
  await current?.close();
}

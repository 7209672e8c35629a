/**
 * Worker threads draw through the main thread's one browser (./drawer.ts): a worker posts `{ mermaidDraw }` on its
 * port and the pool (src/render/pool.ts) answers `{ mermaidDrawn }` with the result. The PNG itself goes through the
 * cache folder, not the message.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import { diagramDrawer, setDiagramDrawer, type DrawRequest, type DrawResult } from './drawer.js';

interface DrawMessage {
  mermaidDraw: { id: number; request: DrawRequest };
}

interface DrawnMessage {
  mermaidDrawn: { id: number; result: DrawResult };
}

export function isDrawMessage(message: unknown): message is DrawMessage {
  return typeof message === 'object' && message !== null && 'mermaidDraw' in message;
}

/** Main thread: draws what a worker asked for and answers it. */
export function answerDrawMessage(worker: Worker, { mermaidDraw: { id, request } }: DrawMessage): void {
  void diagramDrawer()
    .then((drawer) => drawer.draw(request))
    .catch((error: unknown): DrawResult => ({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }))
    .then((result) => worker.postMessage({ mermaidDrawn: { id, result } } satisfies DrawnMessage));
}

/**
 * Worker thread: diagrams are drawn by the main thread. Returns the filter for the port's messages: true for an
 * answer (handled here), false for anything else (a render job).
 */
export function drawInMainThread(port: MessagePort): (message: unknown) => boolean {
  const waiting = new Map<number, (result: DrawResult) => void>();
  let next = 0;
  setDiagramDrawer({
    draw(request) {
      const id = next++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        port.postMessage({ mermaidDraw: { id, request } } satisfies DrawMessage);
      });
    },
    async close() {},
  });
  return (message) => {
    if (typeof message !== 'object' || message === null || !('mermaidDrawn' in message)) return false;
    const { id, result } = (message as DrawnMessage).mermaidDrawn;
    waiting.get(id)?.(result);
    waiting.delete(id);
    return true;
  };
}

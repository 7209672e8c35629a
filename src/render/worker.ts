/** A render thread of RenderPool: renders the post files it is sent, one at a time. */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import type { WxmpConfig } from '../config/schema.js';
import { drawInMainThread } from './plugins/rehype/mermaid/bridge.js';
import { renderJob, toWire, type RenderJob } from './pool.js';

const { root, config } = workerData as { root: string; config: WxmpConfig };
// Diagrams are drawn by the main thread's browser; its answers arrive on the same port as the jobs.
const isDrawAnswer = drawInMainThread(parentPort!);

parentPort!.on('message', async (job: RenderJob) => {
  if (isDrawAnswer(job)) return;
  try {
    const result = toWire(await renderJob(job, root, config));
    // The pool replaces a thread whose heap has grown too big (RenderPool, RECYCLE_HEAP_BYTES).
    parentPort!.postMessage({ ok: true, result, heapBytes: getHeapStatistics().total_heap_size });
  } catch (error) {
    parentPort!.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});

/** A render thread of RenderPool: renders the post files it is sent, one at a time. */
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
    parentPort!.postMessage({ ok: true, result: toWire(await renderJob(job, root, config)) });
  } catch (error) {
    parentPort!.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});

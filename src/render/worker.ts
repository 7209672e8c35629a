/** A render thread of RenderPool: renders the post files it is sent, one at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import type { WxmpConfig } from '../config/schema.js';
import { renderJob, toWire, type RenderJob } from './pool.js';

const { root, config } = workerData as { root: string; config: WxmpConfig };

parentPort!.on('message', async (job: RenderJob) => {
  try {
    parentPort!.postMessage({ ok: true, result: toWire(await renderJob(job, root, config)) });
  } catch (error) {
    parentPort!.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
  }
});

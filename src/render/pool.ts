import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WxmpConfig } from '../config/schema.js';
import { loadPost } from '../content/post.js';
import { problem, problemToJson, type JsonProblem } from '../util/messages.js';
import { isBundled, packageRoot } from '../util/package-root.js';
import type { RenderedPost } from './rendered.js';
import { imagePlaceholder } from './placeholders.js';
import { answerDrawMessage, isDrawMessage } from './plugins/rehype/mermaid/bridge.js';
import { closeDiagramDrawer } from './plugins/rehype/mermaid/drawer.js';
import type { ImageRef, ImageResolver } from './types.js';

/**
 * How image sources are rewritten. A function cannot cross a thread boundary, so the pool takes one of these modes:
 * `relative-to`: local images as paths relative to a folder (`wxmp build`'s preview); `placeholders`: every local,
 * remote or data image becomes a numbered placeholder, in document order, listed in `placeholderRefs` (`wxmp sync`).
 */
export type ImageMode = { kind: 'keep' } | { kind: 'relative-to'; dir: string } | { kind: 'placeholders' };

export interface PoolRenderResult {
  rendered: RenderedPost;
  /** `placeholders` mode: the image behind placeholder i. */
  placeholderRefs: ImageRef[];
}

export interface RenderJob {
  file: string;
  theme?: string;
  images: ImageMode;
}

/** Builds the resolver for a mode; `refs` collects the images given placeholders. */
export function resolverFor(mode: ImageMode, refs: ImageRef[]): ImageResolver | undefined {
  if (mode.kind === 'relative-to') {
    return (ref) => (ref.kind === 'local' && ref.exists && ref.path ? path.relative(mode.dir, ref.path).split(path.sep).map(encodeURIComponent).join('/') : undefined);
  }
  if (mode.kind === 'placeholders') {
    return (ref) => {
      if (ref.kind === 'wechat' || (ref.kind === 'local' && !ref.exists)) return undefined;
      refs.push(ref);
      return imagePlaceholder(refs.length - 1);
    };
  }
  return undefined;
}

/** Renders one post file in this thread. */
export async function renderJob(job: RenderJob, root: string, config: WxmpConfig): Promise<PoolRenderResult> {
  const { renderPost } = await import('./render.js');
  const post = await loadPost(job.file, root, config);
  const placeholderRefs: ImageRef[] = [];
  const rendered = await renderPost(post, { root, config, theme: job.theme, resolveImage: resolverFor(job.images, placeholderRefs) });
  return { rendered, placeholderRefs };
}

/** What crosses the thread boundary: messages as plain JSON (VFileMessage instances do not survive cloning). */
type WireResult = Omit<PoolRenderResult, 'rendered'> & { rendered: Omit<RenderedPost, 'messages'> & { messages: JsonProblem[] } };

export function toWire(result: PoolRenderResult): WireResult {
  return { ...result, rendered: { ...result.rendered, messages: result.rendered.messages.map(problemToJson) } };
}

function fromWire(wire: WireResult): PoolRenderResult {
  const messages = wire.rendered.messages.map((m) =>
    problem(m.file, m.message, { line: m.line ?? undefined, column: m.column ?? undefined }, m.ruleId ?? 'wxmp', m.severity),
  );
  return { ...wire, rendered: { ...wire.rendered, messages } };
}

/**
 * A thread whose V8 heap has grown past this after a post is replaced by a fresh one, so that a long batch (thousands of
 * posts) cannot grow a thread without bound: ending the thread is the one way to give its memory back. Measured on the
 * 165-post corpus build (two threads): 384 MB cut peak RSS from 1.42 GB to 1.12 GB but cost 30 % more time (each new
 * thread loads the pipeline and starts with an empty formula cache); 512 MB costs nothing there and still bounds it.
 */
const RECYCLE_HEAP_BYTES = 512 * 1024 * 1024;

/** Below this many posts, a batch renders in this thread (starting a thread costs about one render). */
export const POOL_THRESHOLD = 8;

// Beside this module in tsc's output; the CLI bundle has its own entry (scripts/bundle.mjs).
const workerFile = isBundled ? path.join(packageRoot(), 'dist/bundle/worker.js') : fileURLToPath(new URL('./worker.js', import.meta.url));

/** From this many posts on, a batch gets a render thread on every core (below it, one core is left to V8). */
export const LARGE_BATCH = 100;

/**
 * Render threads when the caller does not say: `WXMP_RENDER_THREADS` from the environment (1 = this thread), else one
 * per core (at most 4) for a batch of LARGE_BATCH posts or more, one core fewer for a smaller batch, and this thread
 * alone under POOL_THRESHOLD posts. V8 already keeps a second core busy for one rendering thread (concurrent GC and
 * JIT: 31 s of CPU for a 24 s single-thread corpus build), and every thread pays the pipeline's start-up and a cold JIT.
 * Measured on 2 cores (bench/batch.mjs, bench/build.mjs --no-mermaid): 24 posts took 5.3 s in this thread against
 * 5.5 s on two threads; the 283-post corpus took 22.1 s on two threads against 23.9 s in this thread, for 925 MB of
 * peak RSS against 686 MB.
 */
export function defaultThreads(posts: number, env: NodeJS.ProcessEnv = process.env, cores = availableParallelism()): number {
  const fromEnv = Number(env.WXMP_RENDER_THREADS);
  if (Number.isInteger(fromEnv) && fromEnv >= 1) return Math.min(fromEnv, 16);
  if (posts < POOL_THRESHOLD) return 1;
  return Math.max(1, Math.min(posts >= LARGE_BATCH ? cores : cores - 1, 4));
}

interface RenderPoolOptions {
  root: string;
  config: WxmpConfig;
  /** Threads (default: defaultThreads(batch)). 1 = render in this thread. */
  size?: number;
  /** How many posts the caller is about to render (sizes the default thread count). */
  batch?: number;
  /** Replace a thread whose V8 heap is bigger than this after a post (default RECYCLE_HEAP_BYTES). */
  recycleHeapBytes?: number;
}

/**
 * Renders posts on worker threads: rendering is CPU-bound (parsing, MathJax, juice), so a machine with more cores
 * renders more posts per second (see defaultThreads for how many). Renders in this thread, one post at a time, when
 * one thread is wanted (a small batch; under 100 posts on 2 cores) or there is no compiled worker (the TypeScript
 * sources under the test runner).
 */
export class RenderPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { job: RenderJob; resolve: (r: PoolRenderResult) => void; reject: (e: unknown) => void }[] = [];
  private readonly pending = new Map<Worker, { resolve: (r: PoolRenderResult) => void; reject: (e: unknown) => void }>();
  readonly size: number;
  private readonly recycleHeapBytes: number;
  /** The last render queued in this thread (when not threaded). */
  private inThread: Promise<unknown> = Promise.resolve();
  /** Threads replaced so far because their heap grew too big. */
  retired = 0;

  constructor(private readonly options: RenderPoolOptions) {
    this.recycleHeapBytes = options.recycleHeapBytes ?? RECYCLE_HEAP_BYTES;
    const wanted = options.size ?? defaultThreads(options.batch ?? LARGE_BATCH);
    this.size = wanted > 1 && existsSync(workerFile) ? wanted : 1;
  }

  /** Whether posts render on worker threads. */
  get threaded(): boolean {
    return this.size > 1;
  }

  render(job: RenderJob): Promise<PoolRenderResult> {
    if (!this.threaded) {
      // One at a time, like a thread would: renders started together would keep every post's tree alive at once.
      const render = this.inThread.then(() => renderJob(job, this.options.root, this.options.config));
      this.inThread = render.catch(() => undefined);
      return render;
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length) {
      let worker = this.idle.pop();
      if (!worker && this.workers.length < this.size) worker = this.spawn();
      if (!worker) return;
      const task = this.queue.shift()!;
      this.pending.set(worker, task);
      worker.postMessage(task.job);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(workerFile, { workerData: { root: this.options.root, config: this.options.config } });
    worker.unref();
    worker.on('message', (message: { ok: true; result: WireResult; heapBytes?: number } | { ok: false; error: string }) => {
      // Mermaid diagrams are drawn by this thread's one browser, not one per worker (rehype/mermaid/drawer.ts).
      if (isDrawMessage(message)) return answerDrawMessage(worker, message);
      const task = this.pending.get(worker);
      this.pending.delete(worker);
      if (message.ok && (message.heapBytes ?? 0) > this.recycleHeapBytes) this.retire(worker);
      else this.idle.push(worker);
      if (task) {
        if (message.ok) task.resolve(fromWire(message.result));
        else task.reject(new Error(message.error));
      }
      this.pump();
    });
    worker.on('error', (error) => {
      const task = this.pending.get(worker);
      this.pending.delete(worker);
      this.workers.splice(this.workers.indexOf(worker), 1);
      task?.reject(error);
      this.pump();
    });
    this.workers.push(worker);
    return worker;
  }

  /** Ends a thread after its job (its heap grew past the limit); the next job starts a fresh one. */
  private retire(worker: Worker): void {
    this.workers.splice(this.workers.indexOf(worker), 1);
    this.retired++;
    void worker.terminate();
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers.map((w) => w.terminate()), closeDiagramDrawer()]);
    this.workers.length = 0;
    this.idle.length = 0;
  }
}

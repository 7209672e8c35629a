/**
 * Stage 3, prepare: render the post once (on a worker thread when the run has a pool), with image sources replaced by
 * placeholders that each account later fills with its own URLs; read every image once (local files, data: URIs,
 * downloads) for all accounts; and collect the inputs (local files → sha256) that the fingerprint covers.
 */
import path from 'node:path';
import type { RenderedPost } from '../../render/render.js';
import { renderJob } from '../../render/pool.js';
import type { ImageRef } from '../../render/types.js';
import { problem, type Problem } from '../../util/messages.js';
import { emit, firstError, type SyncContext, type SyncError } from '../context.js';
import { ImageSourceError, readImage, type ImageBytes } from '../image-source.js';

export interface PreparedPost {
  rendered: RenderedPost;
  /** The post's messages: render and lint, plus an unreadable image. */
  messages: Problem[];
  /** The body images, in placeholder order, and their bytes. */
  refs: ImageRef[];
  sources: ImageBytes[];
  cover: ImageRef;
  coverSource: ImageBytes;
  /** Local files the post read (relative to the root) → sha256. */
  inputs: Record<string, string>;
}

/** A post that cannot be sent to any account: why, and the messages so far. */
export interface UnpreparedPost {
  error: SyncError;
  messages: Problem[];
  title: string;
}

export async function prepareStage(file: string, source: string, ctx: SyncContext): Promise<PreparedPost | UnpreparedPost> {
  const { session } = ctx;
  emit(ctx, { type: 'post', source, phase: 'render' });
  const job = { file, images: { kind: 'placeholders' } as const };
  const pool = ctx.options.renderPool;
  const { rendered, placeholderRefs: refs } = pool ? await pool.render(job) : await renderJob(job, session.root, session.config);
  const messages = [...rendered.messages];
  const title = rendered.title;
  if (!rendered.ok) return { error: firstError(messages), messages, title };
  // No cover, image or defaultCover: a cover generated from the title in the theme's colours (lint: cover-generated).
  const generated = rendered.cover ? undefined : await generatedCover(rendered, ctx);
  const cover = rendered.cover ?? GENERATED_COVER_REF;

  let sources: ImageBytes[];
  let coverSource: ImageBytes;
  try {
    sources = await Promise.all(refs.map((ref) => readSource(ref, ctx)));
    if (cover.kind === 'wechat') throw new ImageSourceError('A cover must be a file or a downloadable URL, not an mmbiz URL', cover);
    coverSource = generated ?? (await readSource(cover, ctx));
  } catch (error) {
    if (!(error instanceof ImageSourceError)) throw error;
    const where = { line: error.ref.line, column: error.ref.column };
    messages.push(problem(source, error.message, where, 'image-unreadable', 'error'));
    return { error: { message: error.message, ...where }, messages, title };
  }
  const inputs = localInputs(session.root, [...refs, cover], [...sources, coverSource]);
  // Other files the render read (`--8<--` snippets, mkdocs.yml for a nav title) are inputs too: editing one must
  // update the draft.
  for (const include of rendered.includes) {
    const digest = await ctx.hashes.hash(include);
    if (digest) inputs[relativePath(session.root, include)] = digest;
  }
  return { rendered, messages, refs, sources, cover, coverSource, inputs };
}

/** Stands for the generated cover where an ImageRef is expected (never read from anywhere). */
const GENERATED_COVER_REF: ImageRef = { src: 'wxmp:generated-cover', kind: 'data' };

/**
 * The generated cover's bytes, keyed by what it is made of (title, theme colours), so the lock finds its upload again
 * on every run. The site name drawn when the title cannot be: the one named account, when it has a Latin name.
 */
async function generatedCover(rendered: RenderedPost, ctx: SyncContext): Promise<ImageBytes> {
  const { session } = ctx;
  const [{ generateCover }, { resolveTheme }] = await Promise.all([import('../../assets/generated-cover.js'), import('../../render/resolve-theme.js')]);
  const theme = await resolveTheme(rendered.theme, session.root, session.config);
  const names = [...session.accounts.keys()].filter((name) => name !== 'default');
  const cover = await generateCover(rendered.title, theme.css, names.length === 1 ? names[0] : undefined);
  return { data: cover.data, sha256: cover.key };
}

/** An image's bytes; a plan makes no network access, so remote images stay unknown (the plan says they would be fetched). */
function readSource(ref: ImageRef, ctx: SyncContext): Promise<ImageBytes> {
  if (ctx.session.readOnly && ref.kind === 'remote') return Promise.resolve({ data: Buffer.alloc(0), sha256: '', remote: true });
  return readImage(ref, ctx.hashes, ctx.downloader, ctx.session.config.limits.imageBytes);
}

function localInputs(root: string, refs: ImageRef[], sources: ImageBytes[]): Record<string, string> {
  const inputs: Record<string, string> = {};
  refs.forEach((ref, i) => {
    if (ref.kind === 'local' && ref.path) inputs[relativePath(root, ref.path)] = sources[i]!.sha256;
  });
  return inputs;
}

function relativePath(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

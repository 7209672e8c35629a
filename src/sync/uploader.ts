import type { ImageRef } from '../render/types.js';
import type { Limiter } from '../util/limiter.js';
import type { WeChatClient } from '../wechat/client.js';
import type { ImageBytes } from './image-source.js';
import type { LockCover, LockImage, LockStore } from './lock.js';

/**
 * Uploads images to one account, at most once per content hash: the lock remembers every upload (across posts, runs
 * and machines), and concurrent requests for the same bytes share one upload.
 */
export class Uploader {
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly getClient: (() => Promise<WeChatClient>) | undefined,
    private readonly lock: LockStore,
    private readonly appId: string,
    private readonly net: Limiter,
  ) {}

  knownBodyImage(sha: string): LockImage | undefined {
    return this.lock.peekAccount(this.appId)?.images[sha];
  }

  knownCover(sha: string): LockCover | undefined {
    return this.lock.peekAccount(this.appId)?.covers[sha];
  }

  /**
   * A body image's WeChat URL: media/uploadimg for JPEG/PNG under 1 MB (converted first when needed), or a permanent
   * image material for animated GIFs (keeps the animation; uploadimg only takes JPEG/PNG).
   */
  async bodyImage(source: ImageBytes, ref: ImageRef): Promise<{ image: LockImage; fresh: boolean }> {
    const known = this.knownBodyImage(source.sha256);
    if (known) return { image: known, fresh: false };
    return this.once(`img:${source.sha256}`, async () => {
      const client = await this.requireClient();
      const { prepareBodyImage } = await import('../assets/convert.js');
      const prepared = await prepareBodyImage(source.data, { sha256: source.sha256 });
      const file = { data: prepared.data, filename: prepared.filename };
      let image: LockImage;
      if (prepared.via === 'material') {
        const added = await this.net(() => client.material.add('image', file));
        image = { url: httpsUrl(added.url ?? ''), via: 'material', mediaId: added.media_id, bytes: prepared.data.length, uploadedAt: now() };
      } else {
        // uploadimg has no listing API: a crash between WeChat's answer and the save below can at worst leave an
        // orphan copy on WeChat's CDN (it counts toward no limit). Materials, below, are reconciled by file name.
        const { url } = await this.net(() => client.media.uploadImg(file));
        image = { url: httpsUrl(url), via: 'uploadimg', bytes: prepared.data.length, uploadedAt: now() };
      }
      if (prepared.conversion) image.conversion = prepared.conversion;
      this.lock.account(this.appId).images[source.sha256] = image;
      await this.lock.save();
      void ref;
      return { image, fresh: true };
    });
  }

  /** A cover as a permanent image material; its media_id becomes the draft's thumb_media_id. */
  async cover(source: ImageBytes, ref: ImageRef): Promise<{ cover: LockCover; fresh: boolean }> {
    const known = this.knownCover(source.sha256);
    if (known) return { cover: known, fresh: false };
    return this.once(`cover:${source.sha256}`, async () => {
      const client = await this.requireClient();
      const { prepareCoverImage } = await import('../assets/convert.js');
      const prepared = await prepareCoverImage(source.data, { sha256: source.sha256 });
      const account = this.lock.account(this.appId);
      // Interrupted before? The material may exist: find it by the file name we gave it.
      const pending = account.pendingUploads?.[source.sha256];
      if (pending?.filename) {
        for await (const item of client.material.iterate('image')) {
          if (item.name === pending.filename) {
            const cover: LockCover = { mediaId: item.media_id, url: item.url ? httpsUrl(item.url) : undefined, bytes: prepared.data.length, uploadedAt: now() };
            return this.saveCover(source.sha256, cover, prepared.conversion, false);
          }
        }
      }
      account.pendingUploads ??= {};
      account.pendingUploads[source.sha256] = { op: 'material', filename: prepared.filename, startedAt: Math.floor(Date.now() / 1000) };
      await this.lock.save();
      const added = await this.net(() => client.material.add('image', { data: prepared.data, filename: prepared.filename }));
      const cover: LockCover = { mediaId: added.media_id, url: added.url ? httpsUrl(added.url) : undefined, bytes: prepared.data.length, uploadedAt: now() };
      void ref;
      return this.saveCover(source.sha256, cover, prepared.conversion, true);
    });
  }

  private async saveCover(sha: string, cover: LockCover, conversion: string | undefined, fresh: boolean) {
    if (conversion) cover.conversion = conversion;
    const account = this.lock.account(this.appId);
    account.covers[sha] = cover;
    if (account.pendingUploads) delete account.pendingUploads[sha];
    await this.lock.save();
    return { cover, fresh };
  }

  /** Runs one upload per key; callers that join an upload in flight get its result, marked as not uploaded by them. */
  private once<T extends { fresh: boolean }>(key: string, task: () => Promise<T>): Promise<T> {
    const running = this.inflight.get(key) as Promise<T> | undefined;
    if (running) return running.then((value) => ({ ...value, fresh: false }));
    const started = task().finally(() => this.inflight.delete(key));
    this.inflight.set(key, started);
    return started;
  }

  private requireClient(): Promise<WeChatClient> {
    if (!this.getClient) throw new Error('internal: upload attempted in a dry run');
    return this.getClient();
  }
}

/** WeChat answers `http://mmbiz.qpic.cn/…`; articles are served over https (tools rewrite it: docs/wechat-api.md §4.1). */
function httpsUrl(url: string): string {
  return url.replace(/^http:\/\/(mmbiz\.qpic\.cn|mmbiz\.qlogo\.cn)\//i, 'https://$1/');
}

function now(): string {
  return new Date().toISOString();
}

import path from 'node:path';
import { resolveInside } from '../../content/local-files.js';
import type { ImageRef, RenderSettings } from '../types.js';

/** Hosts whose images WeChat keeps in article HTML (uploadimg / add_material URLs; docs/wechat-api.md §4.1, §12). */
const WECHAT_IMAGE_HOST = /(^|\.)(mmbiz\.qpic\.cn|mmbiz\.qlogo\.cn|mmecoa\.qpic\.cn|mmsns\.qpic\.cn)$/i;

function isWechatImageHost(hostname: string): boolean {
  return WECHAT_IMAGE_HOST.test(hostname);
}

/**
 * Classifies an image reference as written in a post and, for local files, resolves it on disk: relative to the
 * post's folder, or site-absolute (`/img/a.png`) against the static folder (Hugo `static/`, VuePress `public/`).
 * URL-encoded and Chinese file names are normal; `?query` and `#hash` are not part of the file name. A local file
 * must stay inside the project root or the static folder, symlinks followed, and `file:` URLs are refused
 * (docs/security.md): the reference comes back with `refused` set and is never read.
 */
export function classifyImageSrc(
  src: string,
  settings: Pick<RenderSettings, 'baseDir' | 'staticDir' | 'rootDir'>,
  place?: { line?: number; column?: number },
): ImageRef {
  const trimmed = src.trim();
  const at = place?.line ? { line: place.line, column: place.column } : {};
  if (/^data:/i.test(trimmed)) return { src, kind: 'data', ...at };
  if (/^(https?:)?\/\//i.test(trimmed)) {
    let host = '';
    try {
      host = new URL(trimmed.startsWith('//') ? `https:${trimmed}` : trimmed).hostname;
    } catch {
      // An unparsable URL is treated as remote; the download will report it.
    }
    return { src, kind: isWechatImageHost(host) ? 'wechat' : 'remote', ...at };
  }
  if (/^file:/i.test(trimmed)) {
    return { src, kind: 'local', exists: false, refused: `Image \`${src}\` is a file: URL: write a path relative to the post`, ...at };
  }
  const withoutSuffix = trimmed.replace(/[?#].*$/, '');
  let decoded = withoutSuffix;
  try {
    decoded = decodeURIComponent(withoutSuffix);
  } catch {
    // A lone `%` in a file name: use it as written.
  }
  const absolute = decoded.startsWith('/') ? path.join(settings.staticDir ?? settings.baseDir, decoded) : path.resolve(settings.baseDir, decoded);
  const roots = [settings.rootDir ?? settings.baseDir, ...(settings.staticDir ? [settings.staticDir] : [])];
  const resolved = resolveInside(absolute, roots);
  if (resolved.status === 'outside') {
    return { src, kind: 'local', path: absolute, exists: false, refused: `Image \`${readableSrc(src)}\` ${resolved.reason}: not read`, ...at };
  }
  return { src, kind: 'local', path: absolute, exists: resolved.status === 'inside', ...at };
}

/** `./%E5%9B%BE.png` → `./图.png` for messages (Markdown URL-encodes non-ASCII file names). */
export function readableSrc(src: string): string {
  try {
    return decodeURI(src);
  } catch {
    return src;
  }
}

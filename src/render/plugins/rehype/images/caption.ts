/**
 * Whether an image's alt text is worth showing as a caption. Editors fill alt with junk: Typora writes
 * `image-20210315103321741`, screenshots tools write the file name, people write `img` or `图片`. Such alt text
 * stays on the `<img>` (screen readers) but is not shown under the figure.
 */
const GENERIC_ALTS = new Set([
  'img',
  'image',
  'images',
  'pic',
  'picture',
  'photo',
  'screenshot',
  'alt',
  'alt text',
  '图',
  '图片',
  '图像',
  '截图',
  '插图',
  '配图',
]);

const IMAGE_EXTENSION = /\.(png|jpe?g|gif|webp|svg|bmp|apng|avif|tiff?|ico|heic)$/i;
/** Typora / screenshot tools: `image-20210315103321741`, `截图_20230101`, `Screenshot 2023-01-01 123456`. */
const TIMESTAMP_NAME = /^(image|img|pic|screenshot|截图|屏幕截图|微信图片)[-_ ]?[\d_ -]{6,}$/i;
/** Hashes and UUIDs used as file names. */
const HASH_NAME = /^[0-9a-f]{8,}(-[0-9a-f]{4,})*$/i;
const CJK = /[\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]/;

/** The file name of `src` without folder, query and extension (`./img/a-b.png?x=1` → `a-b`), URL-decoded. */
function fileStem(src: string): string {
  const name = src.replace(/[?#].*$/, '').split('/').pop() ?? '';
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // A lone `%`: compare as written.
  }
  return decoded.replace(/\.[^.]+$/, '');
}

/** True when `alt` is a file name or a placeholder rather than a description of the image. */
export function altLooksLikeFileName(alt: string, src: string): boolean {
  const text = alt.trim();
  if (!text) return true;
  const lower = text.toLowerCase();
  if (GENERIC_ALTS.has(lower)) return true;
  if (IMAGE_EXTENSION.test(text) || TIMESTAMP_NAME.test(text) || HASH_NAME.test(text)) return true;
  // `![method-area-jdk1.7](./method-area-jdk1.7.png)`: the alt repeats the file name exactly. A CJK name that repeats
  // the file name (`![队列模型](./队列模型.png)`) is usually a real title, and so is a capitalised word
  // (`![Diagram](./diagram.png)`), so those stay captions.
  const stem = fileStem(src);
  return stem !== '' && text === stem && !/\s/.test(text) && !CJK.test(text);
}

/** The caption of a standalone image: its title, else a meaningful alt, else none. */
export function captionFor(alt: string, title: string, src: string): string | undefined {
  if (title.trim()) return title.trim();
  if (altLooksLikeFileName(alt, src)) return undefined;
  return alt.trim();
}

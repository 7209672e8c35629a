/** Image `src` placeholders written by the renderer during sync and replaced by WeChat URLs once uploaded. */
const PLACEHOLDER_ORIGIN = 'https://wxmp.invalid/image/';
const PLACEHOLDER_PATTERN = /https:\/\/wxmp\.invalid\/image\/(\d+)/g;

/** The `src` written for the post's i-th uploadable image. */
export function imagePlaceholder(index: number): string {
  return `${PLACEHOLDER_ORIGIN}${index}`;
}

/** Replaces the placeholders with the uploaded URLs (HTML-attribute-escaped). */
export function substituteImages(html: string, urls: readonly (string | undefined)[]): string {
  return html.replace(PLACEHOLDER_PATTERN, (_, index: string) => {
    const url = urls[Number(index)];
    if (url === undefined) throw new Error(`internal: no URL for image placeholder ${index}`);
    return url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  });
}

import type { Root } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { sanitize } from 'hast-util-sanitize';
import { toHtml } from 'hast-util-to-html';
import { wechatSanitizeSchema } from './schema.js';
import { rehypeFilterStyles } from './styles.js';

/**
 * A theme's `template.html` goes through the same allowlist as an article body (docs/security.md): a theme copied
 * from elsewhere may hold `<script>`, `on*` handlers, `javascript:` links or an iframe, and the template is filled in
 * after the body was sanitized, so without this it would reach the final HTML unchanged. Text — including the
 * `{{content}}` placeholder — survives as it is.
 */
export function sanitizeTemplate(html: string): string {
  const tree = sanitize(fromHtml(html, { fragment: true }), wechatSanitizeSchema) as Root;
  rehypeFilterStyles()(tree, undefined as never, () => undefined);
  return toHtml(tree);
}

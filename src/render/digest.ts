import type { Element, ElementContent, Root } from 'hast';
import { hasClass } from './util/class-names.js';

/**
 * The default digest (摘要) when a post has none: the start of its text, whitespace collapsed, cut at a sentence or
 * word boundary and marked with `…`. WeChat itself would take the first 54 characters of the body, which often cuts
 * mid-word and includes headings; this reads better in chat lists and stays within the 128-character limit.
 */
export function deriveDigest(text: string, max = 128): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  const chars = [...collapsed];
  const limit = Math.min(max, 120);
  if (chars.length <= limit) return collapsed;
  const head = chars.slice(0, limit - 1).join('');
  // Prefer ending after a sentence (Chinese or Latin punctuation) in the second half.
  const sentenceEnd = Math.max(...['。', '！', '？', '. ', '! ', '? ', '；'].map((p) => head.lastIndexOf(p)));
  if (sentenceEnd > head.length / 2) return head.slice(0, sentenceEnd + 1).trim();
  const space = head.lastIndexOf(' ');
  const cut = space > head.length * 0.6 ? head.slice(0, space) : head;
  return `${cut.trim()}…`;
}

/** A formula short enough to read as text in a digest (`n`, `x_1` is not: its TeX would show). */
const SIMPLE_TEX = /^[\p{L}\p{N}]{1,4}$/u;

/**
 * The text a default digest is taken from: the post's own top-level paragraphs, in order — not headings, lists,
 * code, tables or boxes (a "友情提示" ad in a tip box makes a poor summary). Formulas have no text in the HTML (they
 * are SVG): a simple one (`$n$`) reads as its TeX, and a paragraph with any other formula is skipped rather than
 * shown with holes ("给定一个长度为 的字符串"). Empty when no paragraph qualifies (the caller then uses all text).
 */
export function digestSource(tree: Root, enough = 160): string {
  const parts: string[] = [];
  let length = 0;
  for (const node of tree.children) {
    if (node.type !== 'element' || node.tagName !== 'p') continue;
    const text = paragraphText(node.children);
    if (text === undefined || !text.trim()) continue;
    parts.push(text.trim());
    length += text.length;
    if (length >= enough) break;
  }
  return parts.join(' ');
}

function paragraphText(children: ElementContent[]): string | undefined {
  let text = '';
  for (const child of children) {
    if (child.type === 'text') text += child.value;
    else if (child.type === 'element') {
      const part = hasClass(child, 'wx-math-inline') ? simpleTex(child) : child.tagName === 'svg' ? undefined : paragraphText(child.children);
      if (part === undefined) return undefined;
      text += part;
    }
  }
  return text;
}

function simpleTex(element: Element): string | undefined {
  const svg = element.children.find((child): child is Element => child.type === 'element' && child.tagName === 'svg');
  const label = String(svg?.properties.ariaLabel ?? '').trim();
  return SIMPLE_TEX.test(label) ? label : undefined;
}

import type { Element, Root, RootContent } from 'hast';
import { fromHtml } from 'hast-util-from-html';
import { toString } from 'hast-util-to-string';
import type { DraftNewsItem } from '../wechat/api/draft.js';

/** What WeChat changed in a draft, read back with draft/get (`wxmp sync --verify`). */
export interface VerifyReport {
  ok: boolean;
  /** Human-readable differences, e.g. `2 of 5 images were removed`. Empty when WeChat kept everything. */
  changes: string[];
}

interface Summary {
  text: string;
  images: string[];
  links: number;
  styled: number;
}

function summarize(html: string): Summary {
  const tree = fromHtml(html, { fragment: true });
  const summary: Summary = { text: normalizeText(toString(tree)), images: [], links: 0, styled: 0 };
  const walk = (node: Root | RootContent) => {
    if (node.type === 'element') {
      const el = node as Element;
      if (el.tagName === 'img') {
        // draft/get returns `data-src` instead of `src` (docs/wechat-api.md §5.1, observed).
        const src = el.properties.dataSrc ?? el.properties.src;
        if (src) summary.images.push(String(src));
      }
      if (el.tagName === 'a' && el.properties.href) summary.links++;
      if (el.properties.style) summary.styled++;
    }
    if ('children' in node) for (const child of node.children) walk(child);
  };
  walk(tree);
  return summary;
}

function normalizeText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Compares what was sent with what WeChat stored. */
export function verifyDraft(sent: { content: string; title: string }, stored: DraftNewsItem | undefined): VerifyReport {
  if (!stored) return { ok: false, changes: ['draft/get returned no article'] };
  const changes: string[] = [];
  if (stored.title !== sent.title) changes.push(`title changed: sent "${sent.title}", stored "${stored.title}"`);
  const a = summarize(sent.content);
  const b = summarize(stored.content ?? '');
  const removedImages = a.images.filter((src) => !b.images.includes(src));
  if (removedImages.length) changes.push(`${removedImages.length} of ${a.images.length} images removed (WeChat keeps only its own image URLs): ${removedImages.slice(0, 3).join(', ')}`);
  if (b.links < a.links) changes.push(`${a.links - b.links} of ${a.links} links removed`);
  if (b.styled < a.styled) changes.push(`${a.styled - b.styled} style attributes removed`);
  if (a.text !== b.text) {
    let i = 0;
    while (i < a.text.length && a.text[i] === b.text[i]) i++;
    changes.push(`text differs from character ${i}: sent "…${a.text.slice(i, i + 40)}…", stored "…${b.text.slice(i, i + 40)}…"`);
  }
  return { ok: changes.length === 0, changes };
}

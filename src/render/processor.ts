/**
 * The Markdown → WeChat HTML pipeline (createProcessor below lists every step in order, and why).
 *
 * Where the plugins live: `plugins/remark/` holds the plugins that work on the Markdown tree (mdast, before
 * remark-rehype), `plugins/rehype/` those that work on the HTML tree (hast, after it). The folder says which tree a
 * plugin sees, which decides where in the pipeline it can go. Each plugin is one file named after the function it
 * exports, in kebab-case (`rehypeWechatCode` → `plugins/rehype/rehype-wechat-code.ts`), as Astro names its own, and
 * a plugin's helpers sit in a folder next to it (`rehype/code/` for the code plugin, `rehype/images/` for the images
 * plugin, whose style helpers the tables plugin reuses). The sanitizer and the CSS-property filter (`sanitize/`) and
 * the text capture at the end are not content transforms and stay out of `plugins/`. Golden fixtures
 * (`test/fixtures/<suite>/`) and their test files keep the feature's name (`code-block`, `snippets`).
 */
import type { Root as HastRoot } from 'hast';
import { toString as hastToString } from 'hast-util-to-string';
import rehypeSanitize from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkCjkFriendly from 'remark-cjk-friendly';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified, type Processor } from 'unified';
import type { VFile } from 'vfile';
import { remarkLeadingTitle } from './plugins/remark/remark-leading-title.js';
import { remarkMark } from './plugins/remark/remark-mark.js';
import { remarkObsidianLinks } from './plugins/remark/remark-obsidian-links.js';
import { remarkSnippetIncludes } from './plugins/remark/remark-snippet-includes.js';
import { remarkToc } from './plugins/remark/remark-toc.js';
import { rehypeCjkSpacing } from './plugins/rehype/rehype-cjk-spacing.js';
import { rehypeGfmAlerts } from './plugins/rehype/rehype-gfm-alerts.js';
import { rehypeJustifyGaps } from './plugins/rehype/rehype-justify-gaps.js';
import { rehypeLinkReferences } from './plugins/rehype/rehype-link-references.js';
import { rehypeMathSvg } from './plugins/rehype/rehype-math-svg.js';
import { rehypeMermaid } from './plugins/rehype/rehype-mermaid.js';
import { rehypeRawWhenNeeded } from './plugins/rehype/rehype-raw-when-needed.js';
import { rehypeScrollHints } from './plugins/rehype/rehype-scroll-hints.js';
import { rehypeTaskLists } from './plugins/rehype/rehype-task-lists.js';
import { rehypeWechatCode } from './plugins/rehype/rehype-wechat-code.js';
import { rehypeWechatFootnotes } from './plugins/rehype/rehype-wechat-footnotes.js';
import { rehypeWechatImages } from './plugins/rehype/rehype-wechat-images.js';
import { rehypeWechatLists } from './plugins/rehype/rehype-wechat-lists.js';
import { rehypeWechatTables } from './plugins/rehype/rehype-wechat-tables.js';
import { digestSource } from './digest.js';
import { wechatSanitizeSchema } from './sanitize/schema.js';
import { rehypeFilterStyles } from './sanitize/styles.js';

declare module 'vfile' {
  interface DataMap {
    /** Plain text of the sanitized body: for the default digest and the 20,000-character limit. */
    text: string;
    /** The paragraphs a default digest is taken from (see digestSource). */
    digestText: string;
  }
}

/** Records the body's plain text once everything that could change it has run. */
function rehypeCaptureText() {
  return (tree: HastRoot, file: VFile) => {
    file.data.text = hastToString(tree);
    file.data.digestText = digestSource(tree);
  };
}

/**
 * The one Markdown → WeChat HTML processor. Built once per process and reused for every post (unified processors are
 * frozen on first use; per-post settings travel in `file.data.settings`). The order matters; each step says why.
 */
export function createProcessor(): Processor<any, any, any, any, string> {
  return (
    unified()
      // CommonMark → mdast.
      .use(remarkParse)
      // Tables, strikethrough, task lists, footnotes, autolink literals.
      .use(remarkGfm)
      // `$…$` and `$$…$$` become math nodes (rendered to SVG below).
      .use(remarkMath)
      // CommonMark does not close `**强调**：` next to CJK punctuation; this makes emphasis work in Chinese text.
      .use(remarkCjkFriendly)
      // MkDocs `--8<-- "file"` lines in code blocks become the file's content (OI-wiki keeps its code in files).
      .use(remarkSnippetIncludes)
      // A leading `# Title` is the WeChat title, not body text.
      .use(remarkLeadingTitle)
      // Obsidian `[[wiki links]]` (→ the post's published URL, else text) and `![[image.png|300]]` embeds (→ images,
      // before the images plugin collects them for the upload).
      .use(remarkObsidianLinks)
      // `==highlight==` → span.wx-mark with a background WeChat keeps.
      .use(remarkMark)
      // `[TOC]` → a list of the headings; after the title plugin, so the title heading is not listed.
      .use(remarkToc)
      // mdast → hast, keeping raw HTML so that it is parsed, transformed and sanitized like everything else.
      .use(remarkRehype, { allowDangerousHtml: true })
      .use(rehypeRawWhenNeeded)
      // ```mermaid fences → PNG images (WeChat strips the SVG mermaid draws), before the images plugin collects them.
      .use(rehypeMermaid)
      // First, while the tree is as written: collect image references (the sync uploads them), captions, sizes.
      .use(rehypeWechatImages)
      // Math before code: remark-rehype emits math as `code.language-math`.
      .use(rehypeMathSvg)
      // Highlighting and whitespace that survives WeChat's editor.
      .use(rehypeWechatCode)
      // Task boxes before lists: the list plugin uses the box as the item's marker.
      .use(rehypeTaskLists)
      // Explicit markers and structure: WeChat mangles nested ul/ol.
      .use(rehypeWechatLists)
      // Footnote refs are `#` links: turn them into plain [n] before the link plugin sees them.
      .use(rehypeWechatFootnotes)
      .use(rehypeGfmAlerts)
      .use(rehypeWechatTables)
      // Last content transform: every remaining external link (in lists, tables, notes…) becomes a numbered reference.
      .use(rehypeLinkReferences)
      // Text-only change, after all structure is final.
      .use(rehypeCjkSpacing)
      // Blocks with a wide formula or inline code are not justified (no stretched gaps before the unbreakable piece).
      .use(rehypeJustifyGaps)
      // Last, when every box is final: a "scroll sideways" caption under code, tables and formulas wider than a phone.
      .use(rehypeScrollHints)
      // The WeChat allowlist: no script/style/class (except our wx-/hljs hooks)/id/on*/javascript:.
      .use(rehypeSanitize, wechatSanitizeSchema)
      // Only CSS properties WeChat keeps, in style attributes.
      .use(rehypeFilterStyles)
      .use(rehypeCaptureText)
      .use(rehypeStringify)
  );
}

let shared: ReturnType<typeof createProcessor> | undefined;

/** The process-wide processor (creating it compiles grammars and plugins once). */
export function getProcessor(): ReturnType<typeof createProcessor> {
  shared ??= createProcessor().freeze();
  return shared;
}

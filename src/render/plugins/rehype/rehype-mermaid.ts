/**
 * rehypeMermaid: ```mermaid fences become PNG images (README, "Mermaid diagrams").
 *
 * WeChat strips `<style>`, ids and `<foreignObject>` from inline SVG, which is how mermaid draws, so a diagram is drawn
 * in a headless Chromium of the user's to a PNG at 2× device scale, cached in `.wxmp/cache/mermaid/` by what it is made
 * of (./mermaid/cache.ts), and put in the tree as an ordinary local image inside the project:
 *   <section class="wx-figure"><img src="../.wxmp/cache/mermaid/<key>.png" alt="<diagram source>" width="<css px>"></section>
 * The images plugin, which runs next, collects it like any other, so the sync uploads it once and `wxmp build`
 * previews it. The figure is built here (no caption: the alt text is the diagram's source).
 *
 * Without the optional packages (`mermaid`, `playwright-core`) or a browser, the fence stays a code block (the code
 * plugin labels it `mermaid`) with a warning at its line saying how to enable drawing; a diagram mermaid cannot read is
 * an error at its line with mermaid's message. Nothing is loaded unless a post has a mermaid fence, and a cached
 * diagram starts no browser. Config `mermaid: false` turns drawing off.
 */
import type { Element, Root } from 'hast';
import { toString } from 'hast-util-to-string';
import path from 'node:path';
import type { Transformer } from 'unified';
import type { VFile } from 'vfile';
import { defaultRenderSettings } from '../../types.js';
import { classList } from '../../util/class-names.js';
import type { Diagram } from './mermaid/diagram.js';

/** Diagrams drawn per post at most (each takes a browser round trip); the rest stay code, with a warning. */
const MAX_DIAGRAMS = 100;

interface Fence {
  pre: Element;
  parent: Root | Element;
  index: number;
  source: string;
}

/** Every `pre > code.language-mermaid`, in document order. */
function mermaidFences(parent: Root | Element, out: Fence[] = []): Fence[] {
  parent.children.forEach((node, index) => {
    if (node.type !== 'element') return;
    const code = node.tagName === 'pre' ? node.children.find((child): child is Element => child.type === 'element' && child.tagName === 'code') : undefined;
    if (code && classList(code).includes('language-mermaid')) {
      out.push({ pre: node, parent, index, source: toString(code).replace(/\n$/, '') });
    } else if (node.tagName !== 'svg') {
      mermaidFences(node, out);
    }
  });
  return out;
}

/** The figure that replaces a drawn fence. */
function figure(fence: Fence, png: string, width: number, baseDir: string): Element {
  const src = path.relative(baseDir, png).split(path.sep).map(encodeURIComponent).join('/');
  const img: Element = { type: 'element', tagName: 'img', properties: { src, alt: fence.source, width }, children: [], position: fence.pre.position };
  return { type: 'element', tagName: 'section', properties: { className: ['wx-figure'] }, children: [img], position: fence.pre.position };
}

export function rehypeMermaid(): Transformer<Root> {
  return async (tree, file) => {
    const settings = file.data.settings ?? defaultRenderSettings;
    // A post without the word cannot have a fence: skip the walk.
    if (settings.mermaid === false || !String(file.value).includes('mermaid')) return;
    const fences = mermaidFences(tree);
    if (fences.length === 0) return;

    const { mermaidDiagram } = await import('./mermaid/diagram.js');
    const options = { theme: settings.mermaid?.theme ?? 'default', browser: settings.mermaid?.browser, root: settings.rootDir ?? settings.baseDir };
    const bySource = new Map<string, Promise<Diagram>>();
    const diagrams = await Promise.all(
      fences.slice(0, MAX_DIAGRAMS).map((fence) => {
        let diagram = bySource.get(fence.source);
        if (!diagram) bySource.set(fence.source, (diagram = mermaidDiagram(fence.source, options)));
        return diagram;
      }),
    );
    fences.forEach((fence, i) => report(fence, diagrams[i], file, settings.baseDir));
  };
}

/** Puts a drawn diagram in place of its fence, or reports why the fence stays code. */
function report(fence: Fence, diagram: Diagram | undefined, file: VFile, baseDir: string): void {
  const place = fence.pre.position;
  if (!diagram) {
    file.message(`Mermaid diagram shown as code: a post draws at most ${MAX_DIAGRAMS} diagrams`, { place, ruleId: 'mermaid-not-drawn', source: 'wxmp' });
  } else if (diagram.kind === 'image') {
    fence.parent.children[fence.index] = figure(fence, diagram.png, diagram.width, baseDir);
  } else if (diagram.kind === 'invalid') {
    file.message(`Mermaid cannot draw this diagram: ${diagram.message}`, { place, ruleId: 'mermaid-syntax', source: 'wxmp' });
  } else {
    file.message(diagram.message, { place, ruleId: 'mermaid-not-drawn', source: 'wxmp' });
  }
}

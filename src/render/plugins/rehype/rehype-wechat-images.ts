import type { Element, ElementContent, Root, RootContent } from 'hast';
import type { Position } from 'unist';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { defaultRenderSettings, type ImageRef } from '../../types.js';
import { classifyImageSrc, readableSrc } from '../../util/image-src.js';
import { captionFor } from './images/caption.js';
import { imageStyle } from './images/size.js';
import { addClass } from '../../util/class-names.js';

/**
 * Images: collects every `<img>` (Markdown or raw HTML) as an `ImageRef` in `file.data.images` (document order; the
 * sync uploads them, since WeChat filters every image not on its mmbiz CDN, docs/wechat-api.md §12), reports missing local
 * files, lets `settings.resolveImage` rewrite `src`, moves sizes into `style` with `max-width:100%`, and turns a
 * paragraph that holds only an image into `section.wx-figure` > `img.wx-img` + `span.wx-figcaption`.
 * Images inside text stay inline; a linked image keeps its link (the link plugin decides about it later).
 */
export function rehypeWechatImages() {
  return (tree: Root, file: VFile) => {
    const settings = file.data.settings ?? defaultRenderSettings;
    const lineOffset = (file.data.bodyLineOffset ?? 1) - 1;
    const images: ImageRef[] = file.data.images ?? [];
    file.data.images = images;

    visit(tree, 'element', (node) => {
      if (node.tagName !== 'img') return;
      const properties = node.properties;
      const src = typeof properties.src === 'string' ? properties.src.trim() : '';
      const place = shiftPosition(node.position, lineOffset);

      if (src) {
        const ref = classifyImageSrc(src, settings, { line: place?.start.line, column: place?.start.column });
        const alt = stringProperty(properties.alt);
        const title = stringProperty(properties.title);
        if (alt) ref.alt = alt;
        if (title) ref.title = title;
        images.push(ref);
        if (ref.refused) {
          file.message(ref.refused, { place, ruleId: 'image-outside-root', source: 'wxmp' });
        } else if (ref.kind === 'local' && !ref.exists) {
          file.message(`Cannot find image \`${readableSrc(src)}\``, { place, ruleId: 'image-missing', source: 'wxmp' });
        }
        const resolved = settings.resolveImage?.(ref);
        if (resolved) properties.src = resolved;
      } else {
        file.message('Image has no `src`', { place, ruleId: 'image-no-src', source: 'wxmp' });
      }

      properties.style = imageStyle(properties.style, properties.width, properties.height);
      delete properties.width;
      delete properties.height;
      addClass(node, 'wx-img');
    });

    makeFigures(tree);
  };
}

/**
 * A paragraph holding only an image (or only a linked image), and a raw HTML `<img>` standing alone at the top
 * level, become `section.wx-figure` with an optional caption (title, else an alt that is not a file name).
 */
function makeFigures(tree: Root): void {
  visit(tree, 'element', (node, index, parent) => {
    if (node.tagName === 'p') {
      const only = soleImage(node.children);
      if (!only) return;
      node.tagName = 'section';
      node.properties = { className: ['wx-figure'] };
      node.children = figureChildren(only);
      return 'skip';
    }
    if (node.tagName === 'img' && parent?.type === 'root' && index !== undefined) {
      const figure: Element = {
        type: 'element',
        tagName: 'section',
        properties: { className: ['wx-figure'] },
        children: figureChildren({ content: node, img: node }),
        position: node.position,
      };
      parent.children[index] = figure as RootContent;
      return 'skip';
    }
    return undefined;
  });
}

interface SoleImage {
  /** What goes into the figure: the `img`, or the `a` around it. */
  content: Element;
  img: Element;
}

/** The one image of a paragraph whose other children are only whitespace, or undefined. */
function soleImage(children: ElementContent[]): SoleImage | undefined {
  const significant = children.filter((child) => !(child.type === 'text' && child.value.trim() === '') && child.type !== 'comment');
  if (significant.length !== 1) return undefined;
  const [only] = significant;
  if (only?.type !== 'element') return undefined;
  if (only.tagName === 'img') return { content: only, img: only };
  if (only.tagName === 'a') {
    const inner = soleImage(only.children);
    if (inner && inner.content === inner.img) return { content: only, img: inner.img };
  }
  return undefined;
}

function figureChildren({ content, img }: SoleImage): ElementContent[] {
  const caption = captionFor(stringProperty(img.properties.alt), stringProperty(img.properties.title), stringProperty(img.properties.src));
  if (!caption) return [content];
  return [
    content,
    {
      type: 'element',
      tagName: 'span',
      // display:block puts the caption under the image whatever the theme does; WeChat keeps it.
      properties: { className: ['wx-figcaption'], style: 'display:block' },
      children: [{ type: 'text', value: caption }],
    },
  ];
}

function stringProperty(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return '';
}

function shiftPosition(position: Position | undefined, lineOffset: number): Position | undefined {
  if (!position || lineOffset === 0) return position;
  return {
    start: { ...position.start, line: position.start.line + lineOffset },
    end: { ...position.end, line: position.end.line + lineOffset },
  };
}

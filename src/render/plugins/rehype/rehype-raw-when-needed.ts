import type { Root, RootContent } from 'hast';
import type { VFile } from 'vfile';

function hasRaw(node: Root | RootContent): boolean {
  if (node.type === 'raw') return true;
  if ('children' in node) for (const child of node.children) if (hasRaw(child)) return true;
  return false;
}

let rehypeRaw: Promise<ReturnType<typeof import('rehype-raw').default>> | undefined;

/**
 * rehype-raw, only for posts that contain raw HTML: it re-parses the whole tree through parse5, which costs as much
 * as a tenth of a post's render even when there is nothing to parse. Trees without `raw` nodes are already valid HAST,
 * and a process that meets none never loads parse5 (~20 ms of start-up).
 */
export function rehypeRawWhenNeeded() {
  return async (tree: Root, file: VFile) => {
    if (!hasRaw(tree)) return tree;
    rehypeRaw ??= import('rehype-raw').then((module) => module.default());
    return (await rehypeRaw)(tree, file);
  };
}

import type { Root, RootContent } from 'hast';
import rehypeRaw from 'rehype-raw';
import type { VFile } from 'vfile';

function hasRaw(node: Root | RootContent): boolean {
  if (node.type === 'raw') return true;
  if ('children' in node) for (const child of node.children) if (hasRaw(child)) return true;
  return false;
}

/**
 * rehype-raw, only for posts that contain raw HTML: it re-parses the whole tree through parse5, which costs as much
 * as a tenth of a post's render even when there is nothing to parse. Trees without `raw` nodes are already valid HAST.
 */
export function rehypeRawWhenNeeded() {
  const transform = rehypeRaw();
  return (tree: Root, file: VFile) => (hasRaw(tree) ? transform(tree, file) : tree);
}

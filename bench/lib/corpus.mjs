import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The posts under a corpus folder, as sorted `/`-separated paths: every .md / .markdown except the corpus's own notes
 * (INDEX.md, SOURCE.md, licences). Case-sensitive on purpose: a Hugo page bundle's `index.md` is a post.
 */
export function listPosts(root, rel = '') {
  const out = [];
  for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) out.push(...listPosts(root, child));
    } else if (/\.(md|markdown)$/i.test(entry.name) && !/^(INDEX|SOURCE|LICENSE[^/]*)\.md$/.test(entry.name)) {
      out.push(child);
    }
  }
  return out.sort();
}

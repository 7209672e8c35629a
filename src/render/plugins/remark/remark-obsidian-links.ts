/**
 * Obsidian wiki links and embeds, which CommonMark leaves as literal `[[…]]` text:
 *
 *  - `[[Other post]]`, `[[other-post|text]]`, `[[other-post#Heading]]`: a link to that post when it is in the repo
 *    (matched by file name without extension, by path, or by title) and wxmp.lock.json knows its published
 *    `articleUrl` (mp.weixin.qq.com links stay clickable in WeChat); otherwise the text alone, with an info at its
 *    line saying why (`wikilink-unpublished`, `wikilink-unresolved`).
 *  - `![[image.png]]`, `![[image.png|300]]`, `![[image.png|300x200]]`, `![[image.png|caption]]`: an image resolved
 *    like a Markdown image (relative to the post), else relative to the repo root, else the file of that name
 *    nearest the post (Obsidian's shortest-path links). The images plugin then collects it, so the sync uploads it; a
 *    file found nowhere is `image-missing`, as for `![](…)`.
 *  - `![[Other note]]` (a note transclusion) cannot be inlined: it becomes a wiki link, with `embed-unsupported`.
 */
import type { Image, Link, PhrasingContent, Root, Text } from 'mdast';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Position } from 'unist';
import type { VFile } from 'vfile';
import { defaultRenderSettings } from '../../types.js';
import { replaceInText, shiftPlace } from './obsidian/text-matches.js';
import { findImage, findPost, isImageName, publishedUrl } from './obsidian/repo-index.js';

/** `![[target|alias]]` / `[[target|alias]]`: no brackets or line breaks inside. */
const WIKI = /(!?)\[\[([^[\]|\n]+?)(?:\|([^[\]\n]*))?\]\]/g;
const SIZE = /^\s*(\d{1,5})(?:\s*[x×]\s*(\d{1,5}))?\s*$/;

export function remarkObsidianLinks() {
  return (tree: Root, file: VFile) => {
    const settings = file.data.settings ?? defaultRenderSettings;
    const root = settings.rootDir ?? settings.baseDir;
    const info = (message: string, position: Position | undefined, ruleId: string) => {
      const m = file.message(message, { place: shiftPlace(file, position), ruleId, source: 'wxmp' });
      m.fatal = undefined;
    };

    const link = (target: string, alias: string | undefined, position: Position | undefined): PhrasingContent[] => {
      const page = target.split('#')[0]!.trim();
      const shown = alias?.trim() || (page ? target.replace('#', ' > ') : target.slice(1)).trim();
      const text: Text = { type: 'text', value: shown, ...(position ? { position } : {}) };
      if (!page) {
        info(`\`[[${target}]]\` links to a heading: WeChat keeps no anchors, shown as text`, position, 'wikilink-unresolved');
        return [text];
      }
      const rel = findPost(root, page, settings.baseDir);
      if (!rel) {
        info(`\`[[${target}]]\`: no post of that file name or title in the repo, shown as text`, position, 'wikilink-unresolved');
        return [text];
      }
      const url = publishedUrl(root, rel);
      if (!url) {
        info(`\`[[${target}]]\` is ${rel}, which has no published article URL in wxmp.lock.json yet: shown as text (publish it, then sync this post again)`, position, 'wikilink-unpublished');
        return [text];
      }
      const node: Link = { type: 'link', url, children: [text], ...(position ? { position } : {}) };
      return [node];
    };

    const embed = (target: string, alias: string | undefined, position: Position | undefined): PhrasingContent[] => {
      const name = target.split('#')[0]!.trim();
      if (!isImageName(name)) {
        info(`\`![[${target}]]\` embeds a note or file: wxmp cannot inline it, rendered as a link`, position, 'embed-unsupported');
        return link(target, alias, position);
      }
      const size = alias === undefined ? null : SIZE.exec(alias);
      const image: Image = { type: 'image', url: imageUrl(name, settings.baseDir, root), alt: size || alias === undefined ? '' : alias.trim() };
      if (position) image.position = position;
      if (size) image.data = { hProperties: { width: Number(size[1]), ...(size[2] ? { height: Number(size[2]) } : {}) } };
      return [image];
    };

    replaceInText(tree, WIKI, (match, position) => (match[1] ? embed(match[2]!, match[3], position) : link(match[2]!, match[3], position)));
  };
}

/** The Markdown URL of an embedded image, relative to the post (URL-encoded as Markdown writes it). */
function imageUrl(name: string, baseDir: string, root: string): string {
  const encode = (rel: string) => encodeURI(rel.split(path.sep).join('/'));
  if (existsSync(path.resolve(baseDir, name))) return encode(name);
  if (existsSync(path.resolve(root, name))) return encode(path.relative(baseDir, path.resolve(root, name)));
  const found = findImage(root, name, baseDir);
  if (found) return encode(path.relative(baseDir, path.join(root, found)));
  // Nowhere: as written, so that the images plugin reports it missing at this line.
  return encode(name);
}

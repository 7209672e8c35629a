import type { Heading, Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import type { VFile } from 'vfile';

declare module 'vfile' {
  interface DataMap {
    /** Title from front matter, if any (set by the caller before processing). */
    frontMatterTitle: string | undefined;
    /** Whether a leading `# heading` may serve as the title (config `frontMatter.titleFromHeading`). */
    titleFromHeading: boolean;
    /** Text of the leading `# heading` when it was taken as the title (and removed from the body). */
    headingTitle: string | undefined;
  }
}

/**
 * WeChat shows the article title above the body, so a post that starts with `# Title` would show it twice.
 * Takes a leading depth-1 heading as the title when the front matter has none, and removes it; when the front matter
 * has a title, removes the heading only if it repeats that title.
 */
export function remarkLeadingTitle() {
  return (tree: Root, file: VFile) => {
    const first = tree.children.find((node) => node.type !== 'html' || !/^<!--[\s\S]*-->$/.test(node.value.trim()));
    if (!first || first.type !== 'heading' || (first as Heading).depth !== 1) return;
    const text = toString(first).trim();
    const fmTitle = file.data.frontMatterTitle;
    const take = fmTitle ? normalize(fmTitle) === normalize(text) : file.data.titleFromHeading !== false;
    if (!take || !text) return;
    file.data.headingTitle = text;
    tree.children.splice(tree.children.indexOf(first), 1);
  };
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

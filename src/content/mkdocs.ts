/**
 * MkDocs Material's block syntax, as used by OI-wiki and many Chinese documentation sites, turned into Markdown the
 * pipeline already renders:
 *
 *   !!! note "标题"            →  > [!NOTE] 标题          (admonitions, also `???` / `???+` collapsible ones)
 *       body (indented 4)          > body
 *   === "C++"                  →  **C++**                 (content tabs: WeChat has no tabs, so each tab is shown
 *       ```cpp                     ```cpp                  under its label, one after the other)
 *
 * CommonMark reads those indented bodies as paragraph continuations or indented code, which garbles them. The
 * conversion keeps every line on its own line number (only its indentation and a `> ` prefix change), so messages
 * still point at the right line of the original file. Fenced code is never touched.
 */

// A tab needs its quoted label and an admonition its type: a bare `===` is a setext heading underline.
const TAB = /^( *)===\+?[ \t]+"([^"]*)"[ \t]*$/;
const ADMONITION = /^( *)(?:!!!|\?\?\?\+?)[ \t]+([A-Za-z][\w-]*)(?:[ \t]+"([^"]*)")?[ \t]*$/;
const FENCE = /^ *(`{3,}|~{3,})/;

/** Admonition types → GFM alert kinds (Material's list; unknown types are notes). */
const ALERT_KIND: Record<string, string> = {
  note: 'NOTE', abstract: 'NOTE', summary: 'NOTE', tldr: 'NOTE', info: 'NOTE', todo: 'NOTE', question: 'NOTE',
  help: 'NOTE', faq: 'NOTE', example: 'NOTE', quote: 'NOTE', cite: 'NOTE',
  tip: 'TIP', hint: 'TIP', success: 'TIP', check: 'TIP', done: 'TIP',
  important: 'IMPORTANT',
  warning: 'WARNING', caution: 'WARNING', attention: 'WARNING',
  danger: 'CAUTION', error: 'CAUTION', failure: 'CAUTION', fail: 'CAUTION', missing: 'CAUTION', bug: 'CAUTION',
};

/** Whether the text has any MkDocs block marker outside code (a cheap test before converting). */
function hasMkdocsBlocks(markdown: string): boolean {
  return /^ *(!!!|\?\?\?|===)/m.test(markdown);
}

export function convertMkdocsBlocks(markdown: string): string {
  if (!hasMkdocsBlocks(markdown)) return markdown;
  return convertLines(markdown.split('\n')).join('\n');
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function convertLines(lines: string[]): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fenceMatch = FENCE.exec(line);
    if (fence) {
      if (fenceMatch && fenceMatch[1]!.startsWith(fence)) fence = undefined;
      out.push(line);
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1]!;
      out.push(line);
      continue;
    }
    const tab = TAB.exec(line);
    const admonition = tab ? undefined : ADMONITION.exec(line);
    if (!tab && !admonition) {
      out.push(line);
      continue;
    }
    const indent = (tab ?? admonition)![1]!.length;
    // The body: following lines indented by 4 more than the marker, and blank lines between them.
    let end = i + 1;
    let lastContent = i;
    while (end < lines.length) {
      const next = lines[end]!;
      if (next.trim() === '') end++;
      else if (indentOf(next) >= indent + 4) lastContent = end++;
      else break;
    }
    const body = convertLines(lines.slice(i + 1, lastContent + 1).map((l) => l.slice(Math.min(indentOf(l), indent + 4))));
    const pad = ' '.repeat(indent);
    if (tab) {
      // A tab: its label as a bold line, its content unindented.
      out.push(`${pad}**${tab[2]!.trim() || 'Tab'}**`);
      out.push(...body.map((l) => (l ? pad + l : l)));
    } else {
      const [, , type, title] = admonition!;
      const alert = ALERT_KIND[type!.toLowerCase()] ?? 'NOTE';
      out.push(`${pad}> [!${alert}]${title?.trim() ? ` ${title.trim()}` : ''}`);
      out.push(...body.map((l) => `${pad}>${l ? ` ${l}` : ''}`));
    }
    i = lastContent;
  }
  return out;
}

#!/usr/bin/env node
/**
 * Pathological posts from the security audit (docs/security.md): each must end within a few seconds, either
 * rendered or refused by a limit with a clear error. Prints one line per case: time, outcome, first error.
 * Run after `npm run compile`: node bench/pathological.mjs [case-name-filter]
 */
import { renderMarkdown } from '../dist/render/render.js';

const n = (count, text) => text.repeat(count);
const cases = {
  'list "- "x500 + x (1 KB)': n(500, '- ') + 'x\n',
  '<div>x100000': n(100000, '<div>') + '\n',
  '50 MB post': n(50 * 1024 * 1024 / 64, 'A line of text that is sixty-four bytes long, give or take......\n'),
  '">"x100000 on one line': n(100000, '>') + ' x\n',
  '3000 nested blockquotes (one line)': n(3000, '> ') + 'q\n',
  '3000 nested blockquotes (a line per level)': Array.from({ length: 3000 }, (_, i) => n(i + 1, '>') + ' q').join('\n') + '\n',
  '"*"x100000': n(100000, '*') + '\n',
  '"*"x19000': n(19000, '*') + '\n',
  '"["x100000': n(100000, '[') + '\n',
  '"["x19000': n(19000, '[') + '\n',
  '100k links': n(100000, '[a](https://example.com/x)\n'),
  '38k links (1 MB, the size limit)': n(38000, '[a](https://example.com/x)\n'),
  '"- "x100000': n(100000, '- ') + 'x\n',
  '10k-deep indented list': Array.from({ length: 10000 }, (_, i) => n(i * 2, ' ') + '- item').join('\n') + '\n',
  '900-deep indented list (0.8 MB)': Array.from({ length: 900 }, (_, i) => n(i * 2, ' ') + '- item').join('\n') + '\n',
  '60-deep indented list': Array.from({ length: 30 }, (_, i) => n(i * 2, ' ') + '- item').join('\n') + '\n',
  '2000 nested admonitions': Array.from({ length: 2000 }, (_, i) => n(i * 4, ' ') + '!!! note').join('\n') + '\n',
  '600 nested admonitions (0.7 MB)': Array.from({ length: 600 }, (_, i) => n(i * 4, ' ') + '!!! note').join('\n') + '\n',
  'backtick runs 1..2000, one per line': Array.from({ length: 2000 }, (_, i) => n(i + 1, '`') + ' x').join('\n') + '\n',
  'backtick runs 1..2000, one paragraph per run': Array.from({ length: 2000 }, (_, i) => n(i + 1, '`') + ' x').join('\n\n') + '\n',
  'backtick runs 1..150 on one line': Array.from({ length: 150 }, (_, i) => n(i + 1, '`')).join(' ') + '\n',
  '20k footnotes': Array.from({ length: 20000 }, (_, i) => `t[^${i}]`).join('\n') + '\n\n' + Array.from({ length: 20000 }, (_, i) => `[^${i}]: note ${i}`).join('\n') + '\n',
  '20k formulas': Array.from({ length: 20000 }, (_, i) => `$x_${i}^2$`).join('\n') + '\n',
  '60 nested blockquotes': Array.from({ length: 60 }, (_, i) => n(i + 1, '>') + ' q').join('\n') + '\n',
  'emphasis "*a"x9000': n(9000, '*a') + '\n',
  'links "[a]("x5000': n(5000, '[a](') + '\n',
};

const filter = process.argv[2];
for (const [name, markdown] of Object.entries(cases)) {
  if (filter && !name.includes(filter)) continue;
  const start = performance.now();
  const heapBefore = process.memoryUsage().rss;
  let outcome;
  try {
    const rendered = await renderMarkdown(`---\ntitle: t\n---\n${markdown}`, { fileName: 'p.md' });
    const error = rendered.messages.find((m) => m.fatal === true && m.ruleId !== 'cover-missing' && m.ruleId !== 'html-too-large' && m.ruleId !== 'text-too-long');
    outcome = error ? `error ${error.ruleId}: ${error.reason.slice(0, 90)}` : `rendered ${rendered.sizes.htmlBytes} B`;
  } catch (error) {
    outcome = `THREW ${error.message}`;
  }
  const ms = performance.now() - start;
  const rss = (process.memoryUsage().rss / 2 ** 20).toFixed(0);
  console.log(`${(ms / 1000).toFixed(2).padStart(7)} s  rss ${rss.padStart(5)} MB  ${name.padEnd(44)} ${outcome}`);
  void heapBefore;
}

/**
 * Script detection shared by plugins that write a heading of their own (link references, footnotes, alerts):
 * they pick a Chinese or an English title from the language the post is written in.
 *
 * Rule: a post "reads as CJK" when CJK characters make up at least 10% of its letters (CJK characters + Latin
 * letters), counted over the visible text outside code, math and SVG. One CJK character carries about a word
 * while a Latin word is ~5 letters, so 10% of characters is roughly a third of the words: a Chinese article
 * full of English identifiers (`HashMap`, `Kubernetes`) is still CJK, while an English post quoting one Chinese
 * name is not.
 */
import type { Nodes } from 'hast';

interface ScriptCounts {
  /** Han, kana and Hangul characters. */
  cjk: number;
  /** Latin letters (ASCII and Latin-1/Extended-A/B). */
  latin: number;
}

/** Share of CJK characters among letters from which a text counts as CJK. */
const CJK_SHARE_THRESHOLD = 0.1;

/** Whether the code point is a CJK ideograph, kana or Hangul syllable. */
function isCjkCodePoint(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) || // CJK Unified Ideographs
    (cp >= 0x3400 && cp <= 0x4dbf) || // Extension A
    (cp >= 0x3040 && cp <= 0x30ff) || // Hiragana, Katakana
    (cp >= 0xac00 && cp <= 0xd7af) || // Hangul syllables
    (cp >= 0xf900 && cp <= 0xfaff) || // Compatibility ideographs
    (cp >= 0x20000 && cp <= 0x3134f) // Extensions B–G
  );
}

function isLatinLetter(cp: number): boolean {
  return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0xc0 && cp <= 0x24f && cp !== 0xd7 && cp !== 0xf7);
}

/** Adds the CJK characters and Latin letters of `text` to `counts`. */
export function countScripts(text: string, counts: ScriptCounts = { cjk: 0, latin: 0 }): ScriptCounts {
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp < 0x41) continue;
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      cp = text.codePointAt(i) ?? cp;
      i++;
    }
    if (isCjkCodePoint(cp)) counts.cjk++;
    else if (isLatinLetter(cp)) counts.latin++;
  }
  return counts;
}

/** Whether counted text reads as CJK (see the module comment for the rule). */
function countsAreCjk(counts: ScriptCounts): boolean {
  return counts.cjk > 0 && counts.cjk >= CJK_SHARE_THRESHOLD * (counts.cjk + counts.latin);
}

/** Whether `text` reads as CJK. */
export function isMostlyCjk(text: string): boolean {
  return countsAreCjk(countScripts(text));
}

const SKIPPED_ELEMENTS = new Set(['pre', 'code', 'svg', 'script', 'style', 'math']);

function collect(node: Nodes, counts: ScriptCounts): void {
  if (node.type === 'text') {
    countScripts(node.value, counts);
  } else if (node.type === 'element') {
    if (SKIPPED_ELEMENTS.has(node.tagName)) return;
    for (const child of node.children) collect(child, counts);
  } else if (node.type === 'root') {
    for (const child of node.children) collect(child, counts);
  }
}

/** Counts the scripts of the visible prose of a HAST tree (code, math and SVG excluded). */
function countTreeScripts(tree: Nodes): ScriptCounts {
  const counts: ScriptCounts = { cjk: 0, latin: 0 };
  collect(tree, counts);
  return counts;
}

/** Whether the prose of a HAST tree reads as CJK: plugins use it to title their sections in Chinese. */
export function treeIsCjk(tree: Nodes): boolean {
  return countsAreCjk(countTreeScripts(tree));
}

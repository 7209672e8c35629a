/** Whether a code point takes two columns in a terminal or a monospace layout (CJK, full-width forms, emoji). */
function isWideCodePoint(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) || // Hangul Jamo
    (cp >= 0x2e80 && cp <= 0xa4cf) || // CJK radicals … Yi, including CJK punctuation, kana, ideographs
    (cp >= 0xac00 && cp <= 0xd7a3) || // Hangul syllables
    (cp >= 0xf900 && cp <= 0xfaff) || // CJK compatibility ideographs
    (cp >= 0xfe30 && cp <= 0xfe4f) || // CJK compatibility forms
    (cp >= 0xff00 && cp <= 0xff60) || // full-width forms
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) || // emoji
    (cp >= 0x20000 && cp <= 0x3fffd) // CJK extensions B+
  );
}

/** Width of text in columns: CJK characters and full-width forms count two. */
export function textWidth(text: string): number {
  let width = 0;
  for (const char of text) width += isWideCodePoint(char.codePointAt(0) ?? 0) ? 2 : 1;
  return width;
}

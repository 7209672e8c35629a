/**
 * The default digest (摘要) when a post has none: the start of its text, whitespace collapsed, cut at a sentence or
 * word boundary and marked with `…`. WeChat itself would take the first 54 characters of the body, which often cuts
 * mid-word and includes headings; this reads better in chat lists and stays within the 128-character limit.
 */
export function deriveDigest(text: string, max = 128): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  const chars = [...collapsed];
  const limit = Math.min(max, 120);
  if (chars.length <= limit) return collapsed;
  const head = chars.slice(0, limit - 1).join('');
  // Prefer ending after a sentence (Chinese or Latin punctuation) in the second half.
  const sentenceEnd = Math.max(...['。', '！', '？', '. ', '! ', '? ', '；'].map((p) => head.lastIndexOf(p)));
  if (sentenceEnd > head.length / 2) return head.slice(0, sentenceEnd + 1).trim();
  const space = head.lastIndexOf(' ');
  const cut = space > head.length * 0.6 ? head.slice(0, space) : head;
  return `${cut.trim()}…`;
}

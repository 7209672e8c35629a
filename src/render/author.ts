/**
 * Fitting a list of authors into WeChat's author field (≤ 16 characters, else draft/add answers 45110: docs/wechat-api.md
 * §5.1). Blogs credit several people (`authors = ["A", "B", "C"]`); the first names that fit are kept and the rest
 * become "等" ("and others"), the way Chinese bylines abbreviate: `Alice, Bob 等`.
 */

/** Separators between names in a byline written as one string: `A, B`, `A、B`, `A and B`, `A & B`, `A; B`. */
const NAME_SEPARATOR = /\s*(?:,|，|、|;|；|&|\band\b)\s*/;
const OTHERS = ' 等';

const length = (text: string) => [...text].length;

/**
 * The longest prefix of the names that fits in `max` characters followed by ` 等`, or undefined when the byline is a
 * single name or not even its first name fits (a name is never cut in the middle).
 */
export function shortenAuthors(author: string, max: number): string | undefined {
  const names = author
    .split(NAME_SEPARATOR)
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length < 2) return undefined;
  let kept = '';
  for (const name of names) {
    const next = kept ? `${kept}, ${name}` : name;
    if (length(next) + length(OTHERS) > max) break;
    kept = next;
  }
  return kept ? `${kept}${OTHERS}` : undefined;
}

/**
 * A copy of `text` that does not keep a larger string alive. V8 answers `slice`, `substring`, `trim` and parsers'
 * attribute values (htmlparser2, micromark) with a *sliced string*: a view that holds the whole original, so a
 * 20-character `style` kept as a cache key kept a 3–8 MB article alive. On the 165-post corpus build that was ~100 MB
 * of retained article HTML per render thread (issue 12; `v8.writeHeapSnapshot`, retainers of the largest strings).
 * Use it for strings that outlive the post they came from: memo keys and cached values.
 *
 * The concatenation is a cons string; slicing it flattens it into a new string of `text.length + 1` characters,
 * and the result views that one, not the source.
 */
export function detach(text: string): string {
  return text.length < 13 ? text : (` ${text}`).slice(1); // V8 copies slices shorter than 13 characters anyway
}

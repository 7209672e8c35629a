/**
 * Declarations of `wxmp theme import` (docs/themes.md, "Importing a theme"): CSS variables are resolved (Typora
 * themes keep their palette in `:root { --text-color: … }`; juice does not resolve them and WeChat drops them), then
 * every declaration goes through the same allowlist as a rendered article (src/render/sanitize/styles.ts), so the
 * imported theme holds nothing the renderer would throw away later.
 */
import { filterStyleDeclarations } from '../sanitize/styles.js';

export type DeclarationResult = { kept: string; note?: string } | { drop: string };

const MAX_VAR_DEPTH = 8;

/** Replaces `var(--name, fallback)` with the variable's value; undefined when one cannot be resolved. */
export function resolveVariables(value: string, variables: ReadonlyMap<string, string>, depth = 0): string | undefined {
  if (!value.includes('var(')) return value;
  if (depth > MAX_VAR_DEPTH) return undefined;
  let failed = false;
  const replaced = value.replace(/var\(\s*(--[\w-]+)\s*(?:,\s*([^()]*(?:\([^()]*\)[^()]*)*))?\)/g, (_, name: string, fallback: string | undefined) => {
    const found = variables.get(name) ?? fallback?.trim();
    if (found === undefined) failed = true;
    return found ?? '';
  });
  if (failed) return undefined;
  return resolveVariables(replaced, variables, depth + 1);
}

const PURE_BLACK = /^(#000|#000000|black|rgb\(\s*0\s*,\s*0\s*,\s*0\s*\))$/i;
/** Near-black that WeChat's editor keeps (it removes `color:#000` as "default"). */
export const NEAR_BLACK = '#1a1a1a';

/** Why the allowlist refused a declaration. */
function refusal(property: string, value: string): string {
  if (/url\(|image-set\(|image\(/i.test(value)) return 'loads an image or a font (url()): WeChat keeps no external resources';
  const probe = property === 'display' ? 'block' : 'inherit';
  if (filterStyleDeclarations(`${property}:${probe}`) === '') return `WeChat does not keep \`${property}\``;
  return `value WeChat does not keep (\`${property}: ${value}\`)`;
}

/** One declaration of an imported rule: what goes into the theme (`prop: value`), or why it is dropped. */
export function mapDeclaration(property: string, rawValue: string, important: boolean, variables: ReadonlyMap<string, string>): DeclarationResult {
  const name = property.toLowerCase();
  const resolved = resolveVariables(rawValue.trim(), variables);
  if (resolved === undefined) return { drop: `uses a CSS variable that is not defined (${rawValue.trim()})` };
  let value = resolved.replace(/\s+/g, ' ').trim();
  const notes: string[] = [];
  if (resolved !== rawValue.trim()) notes.push('variables resolved');
  if (name === 'color' && PURE_BLACK.test(value)) {
    value = NEAR_BLACK;
    notes.push(`pure black → ${NEAR_BLACK} (WeChat's editor drops #000 text)`);
  }
  if (important) notes.push('!important removed (it would override the layout styles wxmp writes on elements)');
  const kept = filterStyleDeclarations(`${name}:${value}`);
  if (kept === '') return { drop: refusal(name, value) };
  return notes.length ? { kept: `${name}: ${value}`, note: notes.join('; ') } : { kept: `${name}: ${value}` };
}

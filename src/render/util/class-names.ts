import type { Element } from 'hast';

/** The element's classes as strings (HAST keeps `className` as an array; a plugin may have written a string). */
export function classList(node: Element): string[] {
  const current = node.properties.className;
  return Array.isArray(current) ? current.map(String) : current ? String(current).split(/\s+/).filter(Boolean) : [];
}

export function hasClass(node: Element, name: string): boolean {
  return classList(node).includes(name);
}

export function addClass(node: Element, name: string): void {
  const list = classList(node);
  if (!list.includes(name)) list.push(name);
  node.properties.className = list;
}

/** Removes a class; the attribute goes when no class is left. */
export function removeClass(node: Element, name: string): void {
  const list = classList(node);
  if (!list.includes(name)) return;
  const rest = list.filter((item) => item !== name);
  if (rest.length > 0) node.properties.className = rest;
  else delete node.properties.className;
}

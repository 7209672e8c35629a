/*
 * Minimal typings for the part of css-tree 3 wxmp uses (the package ships no types and we do not pull @types/css-tree
 * for two functions). wxmp imports the parser and the walker by their own entries, `css-tree/parser` and
 * `css-tree/walker`: the package's main entry also builds the lexer from mdn-data's JSON (~30 files and 200 kB loaded on
 * every start), which nothing here uses.
 */
declare module 'css-tree' {
  export interface CssNode {
    type: string;
  }
  export interface Raw extends CssNode {
    type: 'Raw';
    value: string;
  }
  export interface Declaration extends CssNode {
    type: 'Declaration';
    property: string;
    /** `true` for `!important`, a string for `!ie` style hacks, `false` otherwise. */
    important: boolean | string;
    value: Raw | CssNode;
  }
  export interface ParseOptions {
    context?: 'stylesheet' | 'declarationList' | 'declaration' | 'value';
    parseValue?: boolean;
    parseCustomProperty?: boolean;
    positions?: boolean;
    onParseError?: (error: Error) => void;
    /** `false` keeps a rule's selector as one Raw node (test/render/contrast.test.ts reads it as text). */
    parseRulePrelude?: boolean;
  }
  export interface Rule extends CssNode {
    type: 'Rule';
    prelude: Raw | CssNode;
    block: CssNode;
  }
  export function parse(source: string, options?: ParseOptions): CssNode;
  export function walk(ast: CssNode, options: { visit: 'Declaration'; enter: (node: Declaration) => void }): void;
  export function walk(ast: CssNode, options: { visit: 'Rule'; enter: (node: Rule) => void }): void;
}

declare module 'css-tree/parser' {
  const parse: typeof import('css-tree').parse;
  export default parse;
}

declare module 'css-tree/walker' {
  const walk: typeof import('css-tree').walk;
  export default walk;
}

/**
 * Posts as files: finding them, reading them within the limits, front matter (YAML, TOML, MkDocs meta blocks) and its
 * validated fields, MkDocs syntax and nav titles, and reading local files only from inside the project. For other
 * folders and library users; modules of this folder import each other directly.
 */
export { discoverPosts } from './discover.js';
export { loadPost, parsePost, postMetaSchema, toSource, type Post, type PostMeta } from './post.js';
export { FrontMatterError, lineOfKey, parseFrontMatter, type FrontMatterResult } from './front-matter.js';
export { convertMkdocsBlocks } from './mkdocs.js';
export { mkdocsNavTitle } from './mkdocs-nav.js';
export { isWithin, LocalReadError, readCapped, readCappedSync, resolveInside } from './local-files.js';

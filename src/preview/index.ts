/** The preview pages `wxmp build` writes (an index of every post at phone width, and one page per post). */
export { buildPostPage, buildPreviewPage, INLINE_ARTICLES_MAX, type IndexEntry, type PreviewEntry } from './page.js';

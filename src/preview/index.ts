/** The preview pages `wxmp build` writes (an index of every post at phone width, and one page per post). */
export { buildPostPage, buildPreviewPage, type PreviewEntry } from './page.js';

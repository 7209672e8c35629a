/**
 * @wenyan-md/core run the way its own Node wrapper (`renderStyledContent`) runs it: marked + highlight.js + MathJax,
 * then jsdom and `applyStylesWithTheme` with its default theme (mermaid off: wxmp's benches do not draw diagrams
 * either). Used by bench/render.mjs (in process) and bench/lib/wenyan-build.mjs (as a process, bench/batch.mjs).
 */
export async function wenyanEngine() {
  const [{ createWenyanCore }, { JSDOM }, { RegisterHTMLHandler }, { liteAdaptor }] = await Promise.all([
    import('@wenyan-md/core'),
    import('jsdom'),
    import('mathjax-full/js/handlers/html.js'),
    import('mathjax-full/js/adaptors/liteAdaptor.js'),
  ]);
  // wenyan registers MathJax's HTML handler inside a try/catch that can fail silently in Node, after which every
  // post throws "Can't find handler for document"; registering it first (as wenyan intends) avoids that.
  RegisterHTMLHandler(liteAdaptor());
  const core = await createWenyanCore();
  /** Renders one post's Markdown (front matter included) to wenyan's styled HTML. */
  return async (markdown) => {
    const { content } = await core.handleFrontMatter(markdown);
    const html = await core.renderMarkdown(content);
    const dom = new JSDOM(`<body><section id="wenyan">${html}</section></body>`);
    const out = await core.applyStylesWithTheme(dom.window.document.getElementById('wenyan'), { themeId: 'default' });
    dom.window.close();
    return out;
  };
}

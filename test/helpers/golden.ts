/**
 * Golden-fixture harness for the WeChat rehype plugins.
 *
 * A suite is a folder `test/fixtures/<name>/` with one sub-folder per case holding `input.md`, the expected
 * `output.html`, and optionally `options.json` (a partial RenderSettings; `baseDir` defaults to the case folder).
 * Each case runs the base Markdown → HAST steps (the same as the real pipeline: remark-parse, remark-gfm,
 * remark-math, remark-cjk-friendly, remark-rehype with raw HTML, rehype-raw), then only the plugins under test,
 * then rehype-stringify, so a fixture shows exactly what its plugin does.
 *
 * `UPDATE_GOLDEN=1 npx vitest run test/render/x.test.ts` rewrites the expected files: read the diff before committing.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unified, type PluggableList } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import remarkMath from 'remark-math';
import remarkCjkFriendly from 'remark-cjk-friendly';
import remarkRehype from 'remark-rehype';
import rehypeRaw from 'rehype-raw';
import rehypeStringify from 'rehype-stringify';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { defaultRenderSettings, type RenderSettings } from '../../src/render/types.js';

export const fixturesRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');

export interface GoldenResult {
  html: string;
  file: VFile;
}

/** Runs Markdown through the base steps plus `plugins`, returning the HTML and the VFile (for its data/messages). */
export async function renderWith(
  plugins: PluggableList,
  markdown: string,
  settings: Partial<RenderSettings> = {},
  filePath = 'input.md',
  remarkPlugins: PluggableList = [],
): Promise<GoldenResult> {
  const processor = unified()
    .use(remarkParse)
    .use(remarkGfm)
    .use(remarkMath)
    .use(remarkCjkFriendly)
    .use(remarkPlugins)
    .use(remarkRehype, { allowDangerousHtml: true })
    .use(rehypeRaw)
    .use(plugins)
    .use(rehypeStringify);
  const file = new VFile({ value: markdown, path: filePath });
  file.data.settings = { ...defaultRenderSettings, baseDir: path.dirname(path.resolve(filePath)), ...settings };
  const out = await processor.process(file);
  return { html: String(out.value), file: out };
}

/**
 * Declares one `it` per case folder under `test/fixtures/<suite>/`. `remarkPlugins` run on the Markdown tree (before
 * remark-rehype), `plugins` on the HTML tree.
 */
export function goldenSuite(suite: string, plugins: PluggableList, remarkPlugins: PluggableList = []): void {
  const dir = path.join(fixturesRoot, suite);
  const cases = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  describe(`golden: ${suite}`, () => {
    it('has at least one case', () => {
      expect(cases.length).toBeGreaterThan(0);
    });
    for (const name of cases) {
      it(name, async () => {
        const caseDir = path.join(dir, name);
        const input = readFileSync(path.join(caseDir, 'input.md'), 'utf8');
        const optionsFile = path.join(caseDir, 'options.json');
        const settings: Partial<RenderSettings> = existsSync(optionsFile)
          ? JSON.parse(readFileSync(optionsFile, 'utf8'))
          : {};
        const { html } = await renderWith(plugins, input, { baseDir: caseDir, ...settings }, path.join(caseDir, 'input.md'), remarkPlugins);
        const expectedFile = path.join(caseDir, 'output.html');
        const actual = html.endsWith('\n') ? html : `${html}\n`;
        if (process.env.UPDATE_GOLDEN === '1') writeFileSync(expectedFile, actual);
        if (!existsSync(expectedFile)) throw new Error(`missing ${expectedFile}: run with UPDATE_GOLDEN=1 and review it`);
        expect(actual).toBe(readFileSync(expectedFile, 'utf8'));
      });
    }
  });
}

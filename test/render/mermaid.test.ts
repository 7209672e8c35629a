/**
 * ```mermaid fences drawn as images (src/render/plugins/rehype/rehype-mermaid.ts).
 *
 * Without Chromium: the plugin with a stand-in drawer (a PNG made by sharp), the cache, the messages (a browser path
 * that does not exist, mermaid: false, an invalid diagram) and the worker threads asking the main thread. With
 * Debian's Chromium (`apt-get install chromium`; CI's .ci/run installs it): real drawings with one browser for the
 * whole file, counted through the drawer's `launch` option.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import type { WxmpUserConfig } from '../../src/config/schema.js';
import { BrowserDrawer } from '../../src/render/plugins/rehype/mermaid/browser.js';
import { pngCssSize } from '../../src/render/plugins/rehype/mermaid/cache.js';
import { oneLineMessage } from '../../src/render/plugins/rehype/mermaid/diagram.js';
import { setDiagramDrawer, type DiagramDrawer, type DrawRequest, type DrawResult } from '../../src/render/plugins/rehype/mermaid/drawer.js';
import { findBrowser } from '../../src/render/plugins/rehype/mermaid/setup.js';
import { renderMarkdown } from '../../src/render/render.js';
import { formatProblem } from '../../src/util/messages.js';
import { repoRoot } from '../helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

const FLOW = 'graph LR\n  A[Write] --> B{Render}\n  B --> C[Publish]';
const post = (...diagrams: string[]) => `---\ntitle: Diagrams\n---\n\nBefore.\n\n${diagrams.map((d) => '```mermaid\n' + d + '\n```\n').join('\nBetween.\n\n')}\nAfter.\n`;

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'wxmp-mermaid-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  setDiagramDrawer(undefined);
  vi.unstubAllEnvs();
});

function render(markdown: string, config: WxmpUserConfig = {}) {
  return renderMarkdown(markdown, { baseDir: root, config: resolveConfig(config) });
}

/** A drawer that writes a 300×120 PNG (150×60 CSS pixels) for every diagram, or `invalid` for ones with `!!`. */
function stubDrawer(): DiagramDrawer & { requests: DrawRequest[] } {
  const requests: DrawRequest[] = [];
  return {
    requests,
    async draw(request): Promise<DrawResult> {
      requests.push(request);
      mkdirSync(path.dirname(request.png), { recursive: true });
      if (request.source.includes('!!')) {
        writeFileSync(request.errorFile, 'Parse error on line 2:\nA !! B\n--^\nExpecting NODE');
        return { kind: 'invalid', message: 'Parse error on line 2:\nA !! B\n--^\nExpecting NODE' };
      }
      const png = await sharp({ create: { width: 300, height: 120, channels: 3, background: '#ffffff' } }).png().toBuffer();
      writeFileSync(request.png, png);
      return { kind: 'drawn', width: 150, height: 60 };
    },
    async close() {},
  };
}

describe('mermaid fences without a browser', () => {
  it('replace a drawn fence by a figure with the PNG as a local image, the source as alt text', async () => {
    const drawer = stubDrawer();
    setDiagramDrawer(drawer);
    const rendered = await render(post(FLOW));
    expect(drawer.requests).toHaveLength(1);
    const [image] = rendered.images;
    expect(image).toMatchObject({ kind: 'local', exists: true, alt: FLOW, line: 7 });
    expect(path.dirname(image!.path!)).toBe(path.join(root, '.wxmp', 'cache', 'mermaid'));
    expect(rendered.html).toMatch(/<img src="\.wxmp\/cache\/mermaid\/[0-9a-f]{64}\.png" alt="graph LR\n {2}A\[Write\] --> B\{Render\}/);
    expect(rendered.html).toContain('width:150px;height:auto;max-width:100%');
    expect(rendered.html).not.toContain('wx-code');
    expect(rendered.messages.filter((m) => m.ruleId?.startsWith('mermaid'))).toEqual([]);
    // A diagram is not the post's default cover (cropped to 2.35:1 it would be unreadable).
    expect(rendered.cover).toBeUndefined();
  });

  it('draws each diagram once: a second render, and a repeated diagram, come from the cache', async () => {
    const drawer = stubDrawer();
    setDiagramDrawer(drawer);
    const markdown = post('graph TD\n  X --> Y', 'graph TD\n  X --> Y', 'graph TD\n  Y --> Z');
    const first = await render(markdown);
    expect(drawer.requests.map((r) => r.source)).toEqual(['graph TD\n  X --> Y', 'graph TD\n  Y --> Z']);
    const second = await render(markdown);
    expect(drawer.requests).toHaveLength(2);
    expect(second.html).toBe(first.html);
    expect(second.images.map((i) => i.line)).toEqual([7, 14, 21]);
  });

  it('keys the cache on the theme', async () => {
    const drawer = stubDrawer();
    setDiagramDrawer(drawer);
    await render(post('graph TD\n  T --> U'));
    await render(post('graph TD\n  T --> U'), { mermaid: { theme: 'neutral' } });
    expect(drawer.requests.map((r) => r.theme)).toEqual(['default', 'neutral']);
    expect(drawer.requests[0]!.png).not.toBe(drawer.requests[1]!.png);
  });

  it('reports a diagram mermaid cannot read as an error at its fence, on one line, and remembers it', async () => {
    const drawer = stubDrawer();
    setDiagramDrawer(drawer);
    const markdown = post(FLOW, 'graph TD\n  A !! B');
    for (let run = 0; run < 2; run++) {
      const rendered = await render(markdown);
      expect(rendered.ok).toBe(false);
      expect(rendered.messages.filter((m) => m.ruleId === 'mermaid-syntax').map(formatProblem)).toEqual([
        'post.md:15:1: error: Mermaid cannot draw this diagram: Parse error on line 2: Expecting NODE [mermaid-syntax]',
      ]);
      expect(rendered.html).toContain('A !! B');
    }
    expect(drawer.requests.filter((r) => r.source.includes('!!'))).toHaveLength(1);
  });

  it('says how to enable drawing, at the fence, when the browser path does not exist', async () => {
    vi.stubEnv('WXMP_CHROMIUM', '');
    const launches: string[] = [];
    setDiagramDrawer(new BrowserDrawer({ launch: async (file) => (launches.push(file), Promise.reject(new Error('not here'))) }));
    const rendered = await render(post('graph TD\n  Q --> R'), { mermaid: { browser: '/nowhere/chromium' } });
    expect(launches).toEqual([]);
    expect(rendered.ok).toBe(true);
    const [message] = rendered.messages.filter((m) => m.ruleId === 'mermaid-not-drawn');
    expect(formatProblem(message!)).toMatch(/^post\.md:7:1: warning: Mermaid diagram shown as code, not drawn: `mermaid\.browser` is \/nowhere\/chromium, which does not exist: set `mermaid\.browser` in wxmp\.config\.ts or the WXMP_CHROMIUM environment variable/);
    expect(rendered.html).toContain('Q --> R</code>');
    expect(rendered.images).toEqual([]);
  });

  it('refuses a browser inside the project, and lets WXMP_CHROMIUM win over the config', () => {
    writeFileSync(path.join(root, 'evil'), '#!/bin/sh\n');
    expect(findBrowser('evil', root, {})).toEqual({ unavailable: expect.stringContaining('inside the project') });
    expect(findBrowser(path.join(root, 'evil'), root, {})).toEqual({ unavailable: expect.stringContaining('inside the project') });
    expect(findBrowser('/nowhere/a', root, { WXMP_CHROMIUM: '/nowhere/b' })).toEqual({ unavailable: expect.stringContaining('WXMP_CHROMIUM is /nowhere/b') });
  });

  it('keeps the code, starting nothing, when the cache folder cannot be written', async () => {
    const drawer = stubDrawer();
    setDiagramDrawer(drawer);
    const readOnly = mkdtempSync(path.join(root, 'ro-'));
    mkdirSync(path.join(readOnly, '.wxmp', 'cache'), { recursive: true });
    writeFileSync(path.join(readOnly, '.wxmp', 'cache', 'mermaid'), 'a file where the folder goes');
    const rendered = await renderMarkdown(post('graph TD\n  RO --> X'), { baseDir: readOnly, config: resolveConfig({}) });
    expect(drawer.requests).toEqual([]);
    expect(rendered.messages.filter((m) => m.ruleId === 'mermaid-not-drawn').map((m) => m.message)).toEqual([
      expect.stringMatching(/^Mermaid diagram shown as code, not drawn: cannot write its picture to .*mermaid \((EEXIST|ENOTDIR)\)$/),
    ]);
  });

  it('leaves fences alone with `mermaid: false`', async () => {
    const drawer = stubDrawer();
    setDiagramDrawer(drawer);
    const rendered = await render(post(FLOW), { mermaid: false });
    expect(drawer.requests).toEqual([]);
    expect(rendered.messages.filter((m) => m.ruleId?.startsWith('mermaid'))).toEqual([]);
    expect(rendered.images).toEqual([]);
  });

  it('puts mermaid messages on one line', () => {
    expect(oneLineMessage('Parse error on line 3:\ngraph TD  A --> B[\n------------------^\nExpecting \'SQE\', got \'1\'')).toBe(
      "Parse error on line 3: Expecting 'SQE', got '1'",
    );
    expect(oneLineMessage('No diagram type detected matching given configuration for text: nope')).toBe(
      'No diagram type detected matching given configuration for text: nope',
    );
  });
});

const distPool = path.join(repoRoot, 'dist/render/pool.js');

describe.skipIf(!existsSync(distPool))('mermaid on render worker threads (needs dist/: npm run compile)', () => {
  it('asks the main thread to draw, so a batch starts one browser', async () => {
    const { RenderPool } = (await import(distPool)) as typeof import('../../src/render/pool.js');
    const distDrawer = (await import(path.join(repoRoot, 'dist/render/plugins/rehype/mermaid/drawer.js'))) as typeof import('../../src/render/plugins/rehype/mermaid/drawer.js');
    const drawer = stubDrawer();
    distDrawer.setDiagramDrawer(drawer);
    const project = mkdtempSync(path.join(root, 'pool-'));
    const files = [1, 2, 3, 4].map((i) => {
      const file = path.join(project, `p${i}.md`);
      writeFileSync(file, post(`graph LR\n  P${i} --> Q`));
      return file;
    });
    const pool = new RenderPool({ root: project, config: resolveConfig({}), size: 2 });
    try {
      const results = await Promise.all(files.map((file) => pool.render({ file, images: { kind: 'placeholders' } })));
      expect(drawer.requests).toHaveLength(4);
      const drawn = results.map((r) => r.placeholderRefs.map((ref) => ref.path));
      expect(drawn.flat().sort()).toEqual(drawer.requests.map((r) => r.png).sort());
      expect(readdirSync(path.join(project, '.wxmp/cache/mermaid'))).toHaveLength(4);
    } finally {
      await pool.close();
      distDrawer.setDiagramDrawer(undefined);
    }
  });
});

describe.skipIf(!haveChromium)(`mermaid in headless Chromium (${CHROMIUM}${haveChromium ? '' : ' not found: apt-get install chromium'})`, () => {
  let launches = 0;
  let drawer: BrowserDrawer;
  beforeAll(() => {
    drawer = new BrowserDrawer({
      launch: async (file) => {
        launches++;
        const { chromium } = await import('playwright-core');
        return chromium.launch({ executablePath: file, args: ['--no-sandbox', '--disable-gpu'] });
      },
    });
  });
  afterAll(() => drawer.close());
  const config = { mermaid: { browser: CHROMIUM } };

  it('draws diagrams at 2x with one browser, reports mermaid errors, and draws from the cache without one', async () => {
    vi.stubEnv('WXMP_CHROMIUM', '');
    setDiagramDrawer(drawer);
    const sequence = 'sequenceDiagram\n  Author->>wxmp: sync\n  wxmp->>WeChat: draft/add';
    const rendered = await render(post(FLOW, sequence, 'graph TD\n  A --> B['), config);
    expect(launches).toBe(1);
    expect(rendered.images.map((i) => i.alt)).toEqual([FLOW, sequence]);
    for (const image of rendered.images) {
      const meta = await sharp(image.path!).metadata();
      const css = pngCssSize(image.path!)!;
      expect(meta.format).toBe('png');
      expect(meta.width).toBe(css.width * 2);
      expect(css.width).toBeGreaterThan(100);
      expect(rendered.html).toContain(`width:${css.width}px`);
    }
    const errors = rendered.messages.filter((m) => m.ruleId === 'mermaid-syntax').map(formatProblem);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^post\.md:23:1: error: Mermaid cannot draw this diagram: Parse error on line \d+: Expecting .*\[mermaid-syntax\]$/);

    // Another process: a drawer that has never launched anything renders the same post from the cache.
    const cachedDrawer = new BrowserDrawer({ launch: () => Promise.reject(new Error('must not launch')) });
    setDiagramDrawer(cachedDrawer);
    const again = await render(post(FLOW, sequence, 'graph TD\n  A --> B['), config);
    expect(cachedDrawer.launches).toBe(0);
    expect(again.html).toBe(rendered.html);
    expect(again.messages.map(formatProblem)).toEqual(rendered.messages.map(formatProblem));
  });

  it('draws a diagram wider than the page whole', async () => {
    setDiagramDrawer(drawer);
    const wide = 'graph LR\n  ' + Array.from({ length: 14 }, (_, i) => `N${i}[Step number ${i}]`).join(' --> ');
    const rendered = await render(post(wide), config);
    const css = pngCssSize(rendered.images[0]!.path!)!;
    expect(css.width).toBeGreaterThan(1500);
    const { data, info } = await sharp(rendered.images[0]!.path!).raw().toBuffer({ resolveWithObject: true });
    // The last node's border is in the picture: some pixel in the right 5% is not white.
    let inked = false;
    for (let y = 0; y < info.height && !inked; y++) {
      for (let x = Math.floor(info.width * 0.95); x < info.width - 20; x++) {
        const at = (y * info.width + x) * info.channels;
        if (data[at]! < 200) inked = true;
      }
    }
    expect(inked).toBe(true);
    expect(launches).toBe(1);
  });

  it('loads nothing from the network while drawing', async () => {
    setDiagramDrawer(drawer);
    const hits: string[] = [];
    const server = createServer((request, response) => {
      hits.push(request.url ?? '');
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const diagram = `graph TD\n  A["<img src=http://127.0.0.1:${port}/label.png>"] --> B`;
      const rendered = await render(post(diagram), config);
      expect(rendered.messages.filter((m) => m.ruleId?.startsWith('mermaid'))).toEqual([]);
      expect(rendered.images).toHaveLength(1);
      expect(hits).toEqual([]);
    } finally {
      server.close();
    }
  });
});

/**
 * The one headless browser of a process (./drawer.ts says why one): launched on the first diagram that is not
 * cached, reused for every diagram after it, one at a time on one page, and closed as soon as it is the only thing
 * keeping the process alive (./keep-alive.ts: a command that is done ends at once), after a minute without diagrams,
 * or by closeDiagramDrawer().
 *
 * The page is a blank document with mermaid's browser bundle inserted as a script from node_modules; every request
 * the page makes is refused and the context is offline, so a diagram cannot load anything (an `<img>` in a label, a
 * font) from the network; mermaid runs with `securityLevel: 'strict'` (labels escaped, no click handlers). The
 * diagram source travels as an argument, never as page markup (docs/security.md).
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { writeFileAtomic } from '../../../../util/atomic-write.js';
import { SCALE } from './cache.js';
import type { DiagramDrawer, DrawRequest, DrawResult } from './drawer.js';
import { onlyBrowserLeft } from './keep-alive.js';
import { findBrowser, mermaidPackage } from './setup.js';

export interface BrowserDrawerOptions {
  /** Starts the browser program (tests count launches). Default: playwright-core's `chromium.launch`. */
  launch?: (executablePath: string) => Promise<Browser>;
  /** Close the browser after this long without a diagram (default 60 s), or as soon as nothing else keeps the process alive. */
  idleMs?: number;
  /** Give up on one diagram after this long (default 30 s). */
  timeoutMs?: number;
}

/** The page: white, like WeChat's article background (a transparent PNG turns dark in WeChat's dark mode). */
const PAGE_HTML =
  '<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;background:#fff}' +
  '#wxmp-diagram{display:inline-block;padding:8px;background:#fff}</style></head><body><div id="wxmp-diagram"></div></body></html>';

/**
 * Draws in the page (plain JS: it runs in the browser). The SVG gets its natural size from its viewBox (mermaid
 * makes it 100% wide), so the PNG is the diagram at 1:1 CSS pixels, times SCALE.
 */
const PAGE_SCRIPT = `window.wxmpDraw = async (source, theme) => {
  const box = document.getElementById('wxmp-diagram');
  box.innerHTML = '';
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme });
  let svg;
  try {
    svg = (await mermaid.render('wxmp-mermaid', source)).svg;
  } catch (error) {
    for (const stray of document.querySelectorAll('body > :not(#wxmp-diagram)')) stray.remove();
    return { error: String((error && error.message) || error) };
  }
  box.innerHTML = svg;
  const element = box.querySelector('svg');
  const viewBox = element.viewBox && element.viewBox.baseVal;
  if (viewBox && viewBox.width > 0) {
    element.setAttribute('width', String(Math.ceil(viewBox.width)));
    element.setAttribute('height', String(Math.ceil(viewBox.height)));
    element.style.maxWidth = 'none';
  }
  const rect = box.getBoundingClientRect();
  return { width: Math.ceil(rect.width), height: Math.ceil(rect.height) };
};`;

type PageDraw = { error: string } | { width: number; height: number };

interface Session {
  executable: string;
  browser: Browser;
  page: Page;
}

const defaultLaunch = async (executablePath: string): Promise<Browser> => {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // playwright's own handlers would exit the process on Ctrl-C before a sync saves its lock (docs/security.md §8);
    // the browser is killed when the process exits either way.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
};

/** `promise`, or a rejection after `ms` (page.evaluate has no timeout of its own). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Writes a result to the cache; a failed write (a full disk) costs the diagram its picture, not the browser its page. */
async function saved(file: string, data: string | Uint8Array, result: DrawResult): Promise<DrawResult> {
  try {
    await writeFileAtomic(file, data);
    return result;
  } catch (error) {
    return { kind: 'failed', message: `cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();

export class BrowserDrawer implements DiagramDrawer {
  /** Browsers started by this drawer (tests check that cached diagrams start none). */
  launches = 0;
  private session: Promise<Session> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | undefined;
  private exitWatch: NodeJS.Timeout | undefined;
  /** Diagrams asked for and not answered yet. */
  private waiting = 0;
  private readonly launch: (executablePath: string) => Promise<Browser>;
  private readonly idleMs: number;
  private readonly timeoutMs: number;

  constructor(options: BrowserDrawerOptions = {}) {
    this.launch = options.launch ?? defaultLaunch;
    this.idleMs = options.idleMs ?? 60_000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Diagrams are drawn one at a time: mermaid keeps global state in the page. */
  draw(request: DrawRequest): Promise<DrawResult> {
    this.waiting++;
    this.stopIdleWatch();
    const run = this.queue.then(() => this.drawNow(request)).finally(() => {
      if (--this.waiting === 0) this.startIdleWatch();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.stopIdleWatch();
    const session = this.session;
    this.session = undefined;
    if (session) await session.then((s) => s.browser.close()).catch(() => undefined);
  }

  /**
   * While no diagram is waiting: close after `idleMs`, or as soon as only the browser keeps the process alive (the
   * command is done; ./keep-alive.ts). Both timers are unref'd: they never keep the process alive themselves.
   */
  private startIdleWatch(): void {
    this.stopIdleWatch();
    if (!this.session) return;
    this.idleTimer = setTimeout(() => void this.close(), this.idleMs).unref();
    this.exitWatch = setInterval(() => {
      if (this.waiting === 0 && onlyBrowserLeft()) void this.close();
    }, 200).unref();
  }

  private stopIdleWatch(): void {
    clearTimeout(this.idleTimer);
    clearInterval(this.exitWatch);
  }

  private async drawNow(request: DrawRequest): Promise<DrawResult> {
    const choice = findBrowser(request.browser, request.root);
    if ('unavailable' in choice) return { kind: 'unavailable', message: choice.unavailable };
    let page: Page;
    try {
      page = await this.pageFor(choice.path);
    } catch (error) {
      this.session = undefined;
      return { kind: 'unavailable', message: `cannot start ${choice.path}: ${firstLine(error)}` };
    }
    return this.drawOn(page, request);
  }

  private async drawOn(page: Page, request: DrawRequest): Promise<DrawResult> {
    try {
      const drawn = await within(
        page.evaluate(
          ([source, theme]) => (globalThis as unknown as { wxmpDraw(s: string, t: string): Promise<PageDraw> }).wxmpDraw(source, theme),
          [request.source, request.theme] as const,
        ),
        this.timeoutMs,
        'Drawing the diagram',
      );
      if ('error' in drawn) {
        // Remembered so that the same source is not drawn again; if the note cannot be written, it is drawn again.
        await writeFileAtomic(request.errorFile, drawn.error).catch(() => undefined);
        return { kind: 'invalid', message: drawn.error };
      }
      const png = await page.locator('#wxmp-diagram').screenshot({ type: 'png', timeout: this.timeoutMs });
      return await saved(request.png, png, { kind: 'drawn', width: drawn.width, height: drawn.height });
    } catch (error) {
      // A crashed or hung page: start afresh for the next diagram.
      await this.close();
      return { kind: 'failed', message: firstLine(error) };
    }
  }

  /** The page of the running browser, launching it (for this program) when there is none. */
  private async pageFor(executable: string): Promise<Page> {
    const running = await this.session?.catch(() => undefined);
    if (running && running.executable === executable && running.browser.isConnected()) return running.page;
    if (running) await this.close();
    this.session = this.start(executable);
    return (await this.session).page;
  }

  private async start(executable: string): Promise<Session> {
    const bundle = mermaidPackage()?.bundle;
    if (!bundle) throw new Error('the mermaid package is not installed');
    this.launches++;
    const browser = await this.launch(executable);
    try {
      const context = await browser.newContext({ deviceScaleFactor: SCALE, offline: true, viewport: { width: 720, height: 720 } });
      await context.route('**/*', (route) => route.abort());
      const page = await context.newPage();
      page.setDefaultTimeout(this.timeoutMs);
      await page.setContent(PAGE_HTML);
      await page.addScriptTag({ content: await readFile(bundle, 'utf8') });
      await page.addScriptTag({ content: PAGE_SCRIPT });
      return { executable, browser, page };
    } catch (error) {
      await browser.close().catch(() => undefined);
      throw error;
    }
  }
}

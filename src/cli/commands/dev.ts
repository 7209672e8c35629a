/** `wxmp dev` — a live preview studio in the browser (docs/dev.md). The server itself loads only when the command runs. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { UserError } from '../output.js';

interface DevCliOptions {
  root?: string;
  config?: string;
  port: string;
  host: string;
  open?: boolean;
}

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('Live preview studio in the browser: every post, lint, size budget, copy-to-editor, sync one post')
    .option('--root <dir>', 'the posts repo', process.cwd())
    .option('--config <file>', 'config file (default: wxmp.config.ts in the root)')
    .option('--port <n>', 'port (0: any free port)', '4310')
    .option('--host <host>', 'address to bind (keep it local: the server can sync and upload)', '127.0.0.1')
    .option('--open', 'open the index page in the default browser')
    .addHelpText(
      'after',
      `
Watches the posts, their images, themes, wxmp.config.* and mkdocs.yml; a saved file re-renders only the posts that use
it and the open page swaps the article in place. "Copy for WeChat / 复制到公众号" puts the article on the clipboard as
HTML with inline styles, ready to paste into the mp.weixin.qq.com editor. See docs/dev.md.

Examples:
  wxmp dev --open
  wxmp dev --root ~/blog --port 0`,
    )
    .action(async (options: DevCliOptions) => {
      process.exitCode = await runDev(options);
    });
}

export async function runDev(options: DevCliOptions): Promise<number> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port must be an integer from 0 to 65535 (got "${options.port}")`);
  const { startDevServer } = await import('../../dev/server.js');
  const root = path.resolve(options.root ?? process.cwd());
  const out = process.stderr;
  let server;
  try {
    server = await startDevServer({
      root,
      config: options.config,
      port,
      host: options.host,
      onError: (error) => out.write(`${pc.red('wxmp dev:')} ${error instanceof Error ? error.message : String(error)}\n`),
      onRebuilt: (paths, ms) => {
        const names = [...paths].map((p) => path.relative(root, p) || '.').slice(0, 3).join(', ');
        out.write(`${pc.dim(new Date().toLocaleTimeString())} ${names}${paths.size > 3 ? ` +${paths.size - 3}` : ''} ${pc.dim(`${Math.round(ms)} ms`)}\n`);
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UserError(`port ${port} is in use: pass --port <n> (or --port 0 for any free port)`);
    throw error;
  }
  const posts = server.studio.posts.size;
  out.write(`${pc.bold('wxmp dev')} — ${posts} post${posts === 1 ? '' : 's'} under ${root}\n  ${pc.cyan(server.url)}\n  ${pc.dim('Ctrl-C to stop')}\n`);
  // Machines (tests, the benchmark) read the URL from stdout.
  process.stdout.write(`${server.url}\n`);
  if (options.open) openBrowser(server.url);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => process.stderr.write(`Open ${url} in your browser.\n`));
    child.unref();
  } catch {
    process.stderr.write(`Open ${url} in your browser.\n`);
  }
}

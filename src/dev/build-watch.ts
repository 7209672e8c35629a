/**
 * `wxmp build --watch`: one full build, then, for every batch of saved files, a build of only the posts that read
 * them (their `.html` and `.preview.html` rewritten, the index rewritten with every post). A config, mkdocs.yml or
 * theme change, or a post added or removed, rebuilds everything. Same watcher as `wxmp dev`.
 */
import path from 'node:path';
import pc from 'picocolors';
import { CONFIG_FILES } from '../config/load.js';
import type { BuildMemo } from '../cli/commands/build.js';
import { loadProject } from '../cli/project.js';
import { isWithin } from '../content/local-files.js';
import { builtinTemplatesDir } from '../render/resolve-theme.js';
import { clearThemeCache } from '../render/theme.js';
import { globBase, watchProject } from './watcher.js';

interface WatchBuildOptions {
  root?: string;
  config?: string;
  out?: string;
  json?: boolean;
  theme?: string;
  quiet?: boolean;
}

type RunBuild = (patterns: string[], options: WatchBuildOptions, memo?: BuildMemo) => Promise<number>;

export async function watchBuild(patterns: string[], options: WatchBuildOptions, runBuild: RunBuild): Promise<number> {
  const { root, config } = await loadProject(options);
  const memo: BuildMemo = { entries: new Map(), deps: new Map() };
  let code = await runBuild(patterns, options, memo);
  const themeDirs = [builtinTemplatesDir, path.join(root, 'templates'), ...(config.templatesDir ? [path.resolve(root, config.templatesDir)] : [])];
  const wholeProject = new Set([...CONFIG_FILES.map((f) => path.join(root, f)), path.join(root, 'mkdocs.yml')]);
  const outDir = path.resolve(root, options.out ?? config.outDir);
  let chain = Promise.resolve();
  const watcher = watchProject({
    root,
    folders: [...(patterns.length ? patterns : config.include).map(globBase).filter(Boolean), ...themeDirs, ...(config.staticDir ? [config.staticDir] : [])],
    extraRoots: [builtinTemplatesDir],
    ignore: ['.git', 'node_modules', '.wxmp', outDir],
    onChange: (paths) => {
      chain = chain.then(async () => {
        const changed = [...paths];
        const all =
          changed.some((p) => wholeProject.has(p) || themeDirs.some((d) => isWithin(p, d))) ||
          changed.some((p) => /\.(md|markdown)$/i.test(p) && ![...memo.deps.values()].some((deps) => deps[0] === p));
        if (changed.some((p) => themeDirs.some((d) => isWithin(p, d)))) clearThemeCache();
        const only = new Set<string>();
        for (const [source, deps] of memo.deps) if (changed.some((p) => deps.includes(p))) only.add(source);
        if (!all && only.size === 0) return;
        process.stderr.write(pc.dim(`\n${new Date().toLocaleTimeString()} ${changed.map((p) => path.relative(root, p)).slice(0, 3).join(', ')} changed\n`));
        try {
          code = await runBuild(patterns, options, { ...memo, only: all ? undefined : only });
        } catch (error) {
          process.stderr.write(`${pc.red('wxmp:')} ${error instanceof Error ? error.message : String(error)}\n`);
        }
        watcher.watchFiles([...memo.deps.values()].flat());
      });
    },
  });
  watcher.watchFiles([...memo.deps.values()].flat());
  process.stderr.write(pc.dim('Watching for changes (Ctrl-C to stop)\n'));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  watcher.close();
  return code;
}

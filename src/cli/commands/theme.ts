/**
 * `wxmp theme import <file.css>` and `wxmp theme list` (docs/themes.md). The mapping itself is pure and lives in
 * src/render/theme-import/; this file reads the CSS (size-capped), writes `<templatesDir>/<name>/` inside the project
 * and prints the report. Like every command module, it imports only light modules at the top and loads the rest in
 * its action, so `wxmp --help` and other commands never pay for it.
 */
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { printJson, UserError } from '../output.js';

/** A theme CSS file larger than this is refused before it is read (real themes are a few KB to ~100 KB). */
const MAX_CSS_BYTES = 1024 * 1024;

interface ImportOptions {
  name?: string;
  root?: string;
  config?: string;
  force?: boolean;
  json?: boolean;
}

/** `Orange Heart.css` → `orange-heart`. */
function themeNameFrom(file: string): string {
  return path
    .basename(file, path.extname(file))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '');
}

/** The real path of `dir`, or of its nearest existing ancestor plus the rest (the folder may not exist yet). */
function realPathOf(dir: string): string {
  let existing = dir;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync.native(existing), ...rest.reverse());
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return dir;
      rest.push(path.basename(existing));
      existing = parent;
    }
  }
}

/** `<templatesDir>/<name>`, refused when it is (or a symlink takes it) outside the project root. */
async function targetDir(root: string, templatesDir: string, name: string): Promise<string> {
  const { isWithin } = await import('../../content/local-files.js');
  const dir = path.resolve(root, templatesDir, name);
  const realRoot = realPathOf(root);
  if (!isWithin(dir, root) || !isWithin(realPathOf(dir), realRoot)) {
    throw new UserError(`${dir} is outside the project folder ${root}: themes are written inside the project only (set templatesDir in the config).`);
  }
  return dir;
}

async function readCss(file: string): Promise<string> {
  const { LocalReadError, readCapped } = await import('../../content/local-files.js');
  try {
    return (await readCapped(file, MAX_CSS_BYTES)).toString('utf8');
  } catch (error) {
    if (error instanceof LocalReadError) throw new UserError(`Cannot import ${file}: ${error.message}.`);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`Cannot import ${file}: no such file.`);
    throw error;
  }
}

async function importCommand(file: string, options: ImportOptions): Promise<void> {
  const { loadProject } = await import('../project.js');
  const { importThemeCss } = await import('../../render/theme-import/index.js');
  const { clearThemeCache, isThemeName, loadTheme } = await import('../../render/theme.js');
  const project = await loadProject(options);
  const input = path.resolve(file);
  const name = options.name ?? themeNameFrom(input);
  if (!isThemeName(name)) throw new UserError(`"${name}" is not a theme name: use letters, digits, ".", "_" and "-" (--name <name>).`);
  const templatesDir = project.config.templatesDir ?? 'templates';
  const dir = await targetDir(project.root, templatesDir, name);
  const { existsSync } = await import('node:fs');
  if (existsSync(dir) && !options.force) throw new UserError(`${path.relative(project.root, dir)} already exists: choose another --name, or --force to overwrite it.`);

  const theme = importThemeCss(await readCss(input), { name, sourceName: path.basename(input) });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'theme.css'), theme.css);
  writeFileSync(path.join(dir, 'template.html'), theme.template);
  writeFileSync(path.join(dir, 'theme.json'), theme.json);
  // The same checks as any project theme (sanitized template, one {{content}}, valid theme.json).
  clearThemeCache();
  await loadTheme(name, path.dirname(dir));

  const relative = path.relative(project.root, dir).split(path.sep).join('/');
  const configured = project.config.templatesDir !== undefined;
  if (options.json) {
    printJson({ theme: name, dir: relative, files: ['theme.css', 'template.html', 'theme.json'].map((f) => `${relative}/${f}`), templatesDirConfigured: configured, report: theme.report });
    return;
  }
  printReport(theme.report);
  process.stderr.write(`\n${pc.green('✓')} Wrote ${relative}/theme.css, template.html, theme.json\n`);
  if (!configured) process.stderr.write(pc.yellow(`  Add templatesDir: '${templatesDir}' to the config so wxmp finds it.\n`));
  process.stderr.write(`  Use it: theme: '${name}' in the config or a post, or wxmp build --theme ${name}\n`);
}

function printReport(report: import('../../render/theme-import/index.js').ThemeImportReport): void {
  const out = (line: string) => process.stderr.write(`${line}\n`);
  const { counts } = report;
  out(`${pc.bold('Kept')} ${report.kept.length} selectors as written, ${pc.bold('mapped')} ${report.mapped.length}, ${pc.bold('dropped')} ${report.dropped.length} items; ${counts.rules} rules with ${counts.declarations} declarations.`);
  if (report.kept.length) out(`\n${pc.bold('Kept')}\n  ${report.kept.join(', ')}`);
  if (report.mapped.length) out(`\n${pc.bold('Mapped')}`);
  for (const m of report.mapped) out(`  ${m.from} ${pc.dim('→')} ${m.to.join(', ')}`);
  if (report.dropped.length) out(`\n${pc.bold('Dropped')}`);
  for (const d of report.dropped) out(`  ${pc.yellow(d.what)}  ${pc.dim(d.reason)}`);
  if (report.changed.length) out(`\n${pc.bold('Changed')}`);
  for (const c of report.changed) out(`  ${c.what}  ${pc.dim(c.note)}`);
  if (report.added.length) out(`\n${pc.bold('Added')} neutral rules for ${report.added.join(', ')}`);
}

async function listCommand(options: { root?: string; config?: string; json?: boolean }): Promise<void> {
  const { loadProject } = await import('../project.js');
  const { defaultTemplatesDir, listThemes, loadTheme } = await import('../../render/theme.js');
  const project = await loadProject(options);
  const themes: { name: string; source: 'project' | 'built-in'; description: string }[] = [];
  const userDir = project.config.templatesDir ? path.resolve(project.root, project.config.templatesDir) : undefined;
  const sources: [string, 'project' | 'built-in'][] = userDir ? [[userDir, 'project'], [defaultTemplatesDir, 'built-in']] : [[defaultTemplatesDir, 'built-in']];
  for (const [dir, source] of sources) {
    for (const name of await listThemes(dir)) {
      if (themes.some((t) => t.name === name)) continue; // a project theme hides the built-in one of that name
      const description = await loadTheme(name, dir).then((t) => t.description, (error: Error) => `(broken: ${error.message})`);
      themes.push({ name, source, description });
    }
  }
  if (options.json) return printJson({ themes });
  for (const t of themes) process.stdout.write(`${t.name.padEnd(16)} ${pc.dim(t.source.padEnd(9))} ${t.description}\n`);
}

export function registerThemeCommands(program: Command): void {
  const theme = program.command('theme').description('Article themes: list them, import a CSS theme from mdnice, Typora or doocs-md');
  theme
    .command('import')
    .description('Import a CSS theme (mdnice, Typora, doocs-md, github-markdown-css) into <templatesDir>/<name>/')
    .argument('<file>', 'the CSS file')
    .option('--name <name>', 'theme name (default: the file name)')
    .option('--root <dir>', 'the posts repo', process.cwd())
    .option('--config <file>', 'config file')
    .option('--force', 'overwrite a theme of that name')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Selectors are mapped to wxmp's output (#nice h2 → h2, #write pre code → .wx-code-body, .footnote-ref → .wx-linkref);
what WeChat strips is dropped (@import, @font-face, @media, ::before/::after, :hover, url() backgrounds, properties
WeChat does not keep), and the report says what was kept, mapped and dropped. See docs/themes.md.`,
    )
    .action((file: string, options: ImportOptions) => importCommand(file, options));
  theme
    .command('list')
    .description('List the built-in themes and the project\'s (templatesDir)')
    .option('--root <dir>', 'the posts repo', process.cwd())
    .option('--config <file>', 'config file')
    .option('--json', 'print JSON')
    .action((options: { root?: string; config?: string; json?: boolean }) => listCommand(options));
}

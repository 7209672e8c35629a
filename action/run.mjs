#!/usr/bin/env node
/**
 * The Action's main step: runs `wxmp plan|sync` with the `args` input split like a shell would (quotes kept, nothing
 * expanded: `'posts/my post.md' --verify` is two arguments), writes the JSON report to a file, and sets the step's
 * outputs (created, updated, unchanged, skipped, failed, report). Progress, messages and annotations stay on stderr.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Splits a command line into arguments: single quotes literal, double quotes with `\` escapes, no expansion. */
export function splitArgs(text) {
  const args = [];
  let current = '';
  let started = false;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = '';
      else current += c;
    } else if (quote === '"') {
      if (c === '"') quote = '';
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) current += text[++i];
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      started = true;
    } else if (c === '\\' && i + 1 < text.length) {
      current += text[++i];
      started = true;
    } else if (/\s/.test(c)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} in args`);
  if (started) args.push(current);
  return args;
}

async function main() {
  const command = process.env.WXMP_COMMAND ?? 'plan';
  if (command !== 'plan' && command !== 'sync') {
    console.error(`::error::command must be plan or sync (got ${command})`);
    return 1;
  }
  const extra = splitArgs(process.env.WXMP_ARGS ?? '');
  const report = path.join(process.env.RUNNER_TEMP ?? process.cwd(), 'wxmp-report.json');
  const bin = fileURLToPath(new URL('../bin/wxmp.js', import.meta.url));
  const args = [bin, command, '--root', process.env.WXMP_ROOT ?? '.', '--json', ...extra];
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', openSync(report, 'w'), 'inherit'] });
    child.on('close', (exit) => resolve(exit ?? 1));
  });
  let summary = {};
  try {
    summary = JSON.parse(readFileSync(report, 'utf8')).summary ?? {};
  } catch {
    // No report (a config error before the run): the message is on stderr already.
  }
  const outputs = { created: summary.CREATED ?? 0, updated: summary.UPDATED ?? 0, unchanged: summary.UNCHANGED ?? 0, skipped: summary.SKIPPED ?? 0, failed: summary.FAILED ?? 0, report };
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, Object.entries(outputs).map(([k, v]) => `${k}=${v}\n`).join(''));
  console.error(`wxmp ${command}: ${outputs.created} created, ${outputs.updated} updated, ${outputs.unchanged} unchanged, ${outputs.skipped} skipped, ${outputs.failed} failed (report: ${report})`);
  return code;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) process.exitCode = await main();

import pc from 'picocolors';
import { formatProblem, severityOf, type Problem } from '../util/messages.js';

/** An error the user can act on: printed as its message, without a stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function printProblems(messages: Problem[], stream: NodeJS.WriteStream = process.stderr): void {
  for (const message of messages) {
    const line = formatProblem(message);
    const severity = severityOf(message);
    stream.write(`  ${severity === 'error' ? pc.red(line) : severity === 'warning' ? pc.yellow(line) : pc.dim(line)}\n`);
  }
}

export function countBySeverity(messages: Problem[]): { errors: number; warnings: number; infos: number } {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const m of messages) {
    const s = severityOf(m);
    if (s === 'error') errors++;
    else if (s === 'warning') warnings++;
    else infos++;
  }
  return { errors, warnings, infos };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

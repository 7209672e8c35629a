import { VFileMessage } from 'vfile-message';

/** A problem with a post: a vfile message (file:line:column, rule id, unified's severity convention). */
export type Problem = VFileMessage;
type Severity = 'error' | 'warning' | 'info';

interface Place {
  line?: number;
  column?: number;
}

/** Creates a message in unified's convention: `fatal: true` = error, `false` = warning, `undefined` = info. */
export function problem(file: string, reason: string, place: Place, ruleId: string, severity: Severity): Problem {
  const message = new VFileMessage(reason, {
    place: place.line ? { line: place.line, column: place.column ?? 1 } : undefined,
    ruleId,
    source: 'wxmp',
  });
  message.file = file;
  message.fatal = severity === 'error' ? true : severity === 'warning' ? false : undefined;
  return message;
}

export function severityOf(message: Problem): Severity {
  return message.fatal === true ? 'error' : message.fatal === false ? 'warning' : 'info';
}

export function isError(message: Problem): boolean {
  return message.fatal === true;
}

/** `posts/a.md:3:1: error: Title is 70 characters… [title-too-long]` — the form editors and CI annotations parse. */
export function formatProblem(message: Problem): string {
  const where = `${message.file ?? ''}${message.line ? `:${message.line}:${message.column ?? 1}` : ''}`;
  return `${where}: ${severityOf(message)}: ${message.reason}${message.ruleId ? ` [${message.ruleId}]` : ''}`;
}

export interface JsonProblem {
  file: string;
  line: number | null;
  column: number | null;
  severity: Severity;
  ruleId: string | null;
  message: string;
}

export function problemToJson(message: Problem): JsonProblem {
  return {
    file: message.file ?? '',
    line: message.line ?? null,
    column: message.column ?? null,
    severity: severityOf(message),
    ruleId: message.ruleId ?? null,
    message: message.reason,
  };
}

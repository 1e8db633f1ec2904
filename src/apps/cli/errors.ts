/** Exit codes, as antivirus scanners use them: 0 nothing found, 1 something found, 2 error. */
export const EXIT_CLEAN = 0;
export const EXIT_FOUND = 1;
export const EXIT_ERROR = 2;

import { terminal } from "../../present/escape.js";

/** An error the person can act on: printed as one line, no stack trace. */
export class UsageError extends Error {}

export function printError(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  // An error may list several problems (a config file): one line each.
  const problems = (err as { problems?: unknown } | undefined)?.problems;
  const lines = Array.isArray(problems) && problems.every((p) => typeof p === "string") ? problems as string[] : [message];
  // Messages often quote what a file held (a name, a value): escaped like any other terminal output.
  for (const line of lines) process.stderr.write(`minerhunt: ${terminal(line)}\n`);
  if (process.env.MINERHUNT_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
}

/**
 * How tests start the real CLI as its own process (exit codes, stdout/stderr, signals: what only a process
 * shows).
 *
 * Under scripts/run-tests.mjs the CLI is an esbuild bundle of src/apps/cli/main.ts that the runner builds from
 * the current source before any test starts (scripts/test-cli.mjs; MINERHUNT_TEST_CLI names it). Through
 * tsx a one-line scan costs about 2.5 CPU-seconds, bundled about 1.3, and the suite starts the CLI about a
 * hundred times. A test file run by hand (no runner) starts the CLI from source through tsx, as before.
 * Either way it is the code in the work tree, never a dist/ that may be older.
 */
import { join } from "node:path";
import { REPO_ROOT } from "./index.js";

/** The program and arguments that run `minerhunt ARGS` from the current source. */
export function cliCommand(args: readonly string[]): { command: string; args: string[] } {
  const bundle = process.env["MINERHUNT_TEST_CLI"];
  if (bundle) return { command: process.execPath, args: [bundle, ...args] };
  return { command: process.execPath, args: ["--import", "tsx", join(REPO_ROOT, "src/apps/cli/main.ts"), ...args] };
}

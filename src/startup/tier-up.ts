/**
 * When V8 hands a function to its optimising compiler (TurboFan). Like startup/heap.ts, a V8 flag set by the
 * launcher before the bundle is compiled (a code cache is only accepted under the flags it was made with); a
 * flag given to node or in NODE_OPTIONS wins.
 *
 * Why: the code cache (startup/code-cache.ts) keeps bytecode, never optimised code, so every run optimises its
 * hot functions again, on V8's background threads. With V8's default budget (66 KB of bytecode executed per
 * function) a 1M-record DNS scan had those threads spend 0.27 of its 1.07 CPU-seconds compiling, most of it
 * for functions that run a few thousand times and then never again (rule loading, the output writer,
 * correlation). A budget four times larger lets those finish in the interpreter and still optimises the
 * per-record loops within the first few thousand records (bench/README.md has the measurements).
 */
import { setFlagsFromString } from "node:v8";
import { givenToNode } from "./heap.js";

/** Bytecode a function must execute before it is optimised: about 4.4 times V8's default (67,584). */
export const TIER_UP_BUDGET = 300_000;

export function delayTierUp(budget = TIER_UP_BUDGET): void {
  if (!givenToNode("--interrupt-budget")) setFlagsFromString(`--interrupt-budget=${budget}`);
}

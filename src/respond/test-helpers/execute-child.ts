/**
 * Child process of the crash test: `node --import tsx execute-child.ts DB DIR PLAN CRASH_HOST`.
 * Executes the plan; right after the action changed CRASH_HOST (before the run is recorded) it prints "MID"
 * and blocks, so the parent can SIGKILL it at that exact point. If nobody kills it, it exits with code 3.
 */
import { writeSync } from "node:fs";
import { openStore } from "../../store/index.js";
import { executePlan } from "../service.js";
import { markRegistry } from "./file-actions.js";
import { testPrices } from "./fake-actions.js";

const [db, dir, planId, crashHost] = process.argv.slice(2);
if (!db || !dir || !planId || !crashHost) {
  process.stderr.write("usage: execute-child.ts DB DIR PLAN CRASH_HOST\n");
  process.exit(2);
}
const store = await openStore(db);
const registry = markRegistry(dir, (host) => {
  if (host !== crashHost) return;
  writeSync(1, "MID\n");
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
});
await executePlan(store, {
  clients: {}, actor: "child", now: () => new Date(), prices: testPrices(), protect: { ids: [], pids: [1] }, registry,
}, planId, { execute: true, yes: true, fourEyes: true });
process.exit(3);

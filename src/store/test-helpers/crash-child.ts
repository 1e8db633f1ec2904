/**
 * Child process of the crash test: `node --import tsx crash-child.ts LOCATION COUNT`.
 * Saves a big scan; halfway through the findings, inside the transaction, it prints "MID" and stops
 * dead so the parent can SIGKILL it at a known point. If nobody kills it, it exits with code 3.
 */
import { writeSync } from "node:fs";
import { openStore } from "../index.js";
import { bigScan } from "./fixtures.js";

const [location, countText] = process.argv.slice(2);
if (!location || !countText) {
  process.stderr.write("usage: crash-child.ts LOCATION COUNT\n");
  process.exit(2);
}
const store = await openStore(location);
let signalled = false;
await store.saveScan({ ...bigScan(Number(countText)), by: "crash-child" }, {
  onProgress: (p) => {
    if (signalled || p.phase !== "findings" || p.done < p.total / 2) return;
    signalled = true;
    writeSync(1, "MID\n");
    // Block the whole process (the transaction stays open) until the parent kills it.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  },
});
process.exit(3);

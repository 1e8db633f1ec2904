/**
 * Child process of the schema-race test: `node --import tsx race-child.ts`. It stays up for many rounds so
 * the test pays Node's start-up once per child, not once per round. Each line on stdin is a store location
 * (a PostgreSQL URL with a brand-new ?schema=); the child opens the store there, saves one small scan and
 * answers "ok <scanId>" or "error <message>" on one line.
 */
import { createInterface } from "node:readline";
import { openStore } from "../index.js";
import { incidentOf, minerProcessFinding } from "./fixtures.js";

let n = 0;
for await (const location of createInterface({ input: process.stdin })) {
  if (location.trim() === "") continue;
  n++;
  try {
    const store = await openStore(location);
    try {
      const f = minerProcessFinding(`race-host-${process.pid}-${n}`, n);
      const saved = await store.saveScan({ findings: [f], incidents: [incidentOf(`inc-race-${process.pid}-${n}`, [f])], by: "race-child" });
      process.stdout.write(`ok ${saved.scanId}\n`);
    } finally {
      await store.close();
    }
  } catch (err) {
    process.stdout.write(`error ${(err instanceof Error ? err.message : String(err)).replace(/\n/g, " ")}\n`);
  }
}

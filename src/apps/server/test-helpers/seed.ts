/** Seed a store with the incidents the shipped examples/ make, through the real scan pipeline. */
import { fileURLToPath } from "node:url";
import { reassessor } from "../../../pipeline/incident.js";
import { runScan } from "../../../pipeline/run.js";
import type { Store } from "../../../store/types.js";

export const EXAMPLES = fileURLToPath(new URL("../../../../examples", import.meta.url));

export async function seedExamples(store: Store, paths: string[] = [EXAMPLES]): Promise<void> {
  const run = await runScan({ paths });
  await store.saveScan({ findings: run.findings, incidents: run.incidents, campaigns: run.campaigns, reassess: reassessor(run.config, run.playbook) });
}

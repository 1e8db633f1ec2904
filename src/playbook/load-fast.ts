/**
 * The playbook a scan starts with, without loading YAML and zod when it can: a shipped playbook's checked
 * value is in the build snapshot (startup/snapshot.ts), and importing the parser and the schema to check it
 * again cost about a tenth of a CPU-second, most of a small scan. Anything the snapshot does not hold (a
 * playbook file given by path, an edited playbook, a run from src/) goes through load.ts and its checks.
 * This module must not import load.ts or schema.ts (only their types), or the saving is gone.
 */
import { readFileSync } from "node:fs";
import { snapshotValue } from "../startup/snapshot.js";
import { isPlaybookPath, playbookFile } from "./files.js";
import type { Playbook } from "./schema.js";

/** What load.ts choosePlaybook returns, from the build snapshot when it holds it. */
export async function choosePlaybookFast(idOrPath = "PB-31"): Promise<Playbook> {
  if (!isPlaybookPath(idOrPath)) {
    let text: string | undefined;
    try {
      text = readFileSync(playbookFile(idOrPath), "utf8");
    } catch {
      // load.ts reads it again and reports what is wrong
    }
    const pb = text === undefined ? undefined : snapshotValue<Playbook>("playbook", text);
    if (pb?.id === idOrPath) return pb;
  }
  const { choosePlaybook } = await import("./load.js");
  return choosePlaybook(idOrPath);
}

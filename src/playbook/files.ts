/** Where playbooks live and how a name is told from a path: shared by the checked loader and the fast one. */
import { join } from "node:path";
import { packageRoot } from "../startup/paths.js";

/** playbooks/ at the package root. */
export const PLAYBOOK_DIR = join(packageRoot(), "playbooks");

/** The file of playbook `id` in `dir`: "PB-31" → pb-31.yaml. */
export function playbookFile(id: string, dir = PLAYBOOK_DIR): string {
  return join(dir, `${id.toLowerCase()}.yaml`);
}

/** Whether choosePlaybook reads `idOrPath` as a file path rather than a playbook id. */
export function isPlaybookPath(idOrPath: string): boolean {
  return /\.ya?ml$/i.test(idOrPath);
}

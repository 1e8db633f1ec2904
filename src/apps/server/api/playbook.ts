/** The playbook the server works with: the detection setup's, else PB-31, loaded once. */
import type { Playbook } from "../../../playbook/index.js";
import { choosePlaybook } from "../../../playbook/index.js";
import type { ServerDeps } from "../contract.js";

let pb31: Playbook | undefined;

export function playbookOf(deps: ServerDeps): Playbook {
  if (deps.detection) return deps.detection.playbook;
  pb31 ??= choosePlaybook("PB-31");
  return pb31;
}

/** Every checklist item id an analyst may tick on this incident: the incident's own and the playbook's. */
export function checklistIds(playbook: Playbook, incidentItems: readonly { id: string }[]): string[] {
  const ids = new Set(incidentItems.map((c) => c.id));
  for (const phase of ["analysis", "containment", "eradication", "recovery"] as const) {
    for (const item of playbook[phase]) ids.add(`${phase}.${item.id}`);
  }
  return [...ids].sort();
}

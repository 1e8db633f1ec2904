/**
 * When does a newly found incident belong to one already stored? The store keeps no domain rule of its
 * own: which entities join is model/entities.ts's join policy (the one correlation uses), and what the
 * merged incident looks like is the playbook's answer, re-run over the union of findings (the caller
 * hands the store a `Reassess` function; pipeline/incident.ts makes it).
 *
 *   - an "identity" entity (host, address, instance, access key, container, pod, image) joins while the
 *     stored incident is open: the same machine still mining is the same incident until someone closes it;
 *   - a "window" entity (a cloud account) joins only when the two time ranges come within the window;
 *   - the rest never join (model/entities.ts says why).
 */
import type { Entities, Incident } from "../model/index.js";
import { ENTITY_JOIN, entityPairs, withinWindow, type EntityPair, type Seen } from "../model/index.js";

export { withinWindow, type Reassess, type Seen } from "../model/index.js";


/** Only the pairs that can ever cause a merge. */
export function mergeablePairs(entities: Entities): EntityPair[] {
  return entityPairs(entities).filter((p) => ENTITY_JOIN[p.kind] !== "never");
}

/** Whether a stored incident shares an entity with the incoming one under the join policy. */
export function sharesMergeEntity(stored: Incident, incoming: Entities, incomingSeen: Seen | undefined, windowHours: number): boolean {
  const storedPairs = new Set(entityPairs(stored.entities).map((p) => `${p.kind}\0${p.value}`));
  for (const pair of mergeablePairs(incoming)) {
    if (!storedPairs.has(`${pair.kind}\0${pair.value}`)) continue;
    if (ENTITY_JOIN[pair.kind] === "identity") return true;
    if (!incomingSeen || withinWindow(stored, incomingSeen, windowHours)) return true;
  }
  return false;
}

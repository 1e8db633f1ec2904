/**
 * What the findings say about each cloud instance: its type and region, for the money at stake when no
 * connector has read the instance itself. A finding tells an instance's type only when it names one type and
 * one region (a GuardDuty finding, one RunInstances call); a burst across types ("g4dn.12xlarge x5, c5.24xlarge
 * x2") tells nothing per instance, and two findings that disagree leave the instance unknown rather than guessed.
 */
import type { Finding } from "../model/index.js";

export interface InstanceFacts {
  type?: string;
  region?: string;
}

export function instanceFacts(findings: readonly Finding[]): Map<string, InstanceFacts> {
  const out = new Map<string, InstanceFacts>();
  const conflicted = new Set<string>();
  for (const f of findings) {
    const instances = f.entities.instances ?? [];
    if (instances.length === 0) continue;
    const types = [...new Set(f.observables.filter((o) => o.type === "instance-type").map((o) => o.value))];
    const regions = f.entities.regions ?? [];
    const type = types.length === 1 ? types[0] : undefined;
    const region = regions.length === 1 ? regions[0] : undefined;
    for (const id of instances) {
      const have = out.get(id) ?? {};
      for (const [key, value] of [["type", type], ["region", region]] as const) {
        if (value === undefined || conflicted.has(`${id}\0${key}`)) continue;
        if (have[key] === undefined) have[key] = value;
        else if (have[key] !== value) { delete have[key]; conflicted.add(`${id}\0${key}`); }
      }
      out.set(id, have);
    }
  }
  return out;
}

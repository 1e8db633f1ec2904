/**
 * The environment of an incident (PB-31's first question: cloud or on-premise?), decided here and
 * nowhere else: correlation, the playbook and the store's re-assessment all call environmentOf.
 *
 * A finding is cloud evidence when it names a provider, account, instance or region, comes from a cloud
 * trigger (provider alert, cloud activity, billing), or names a host by a cloud host name. A machine
 * named without any of that is on-premise. Both in one incident make it hybrid.
 */
import type { Environment, Finding } from "../model/index.js";

/** Host names the clouds give their instances (EKS/GKE/AKS nodes show up in Falco and audit logs so), and whose cloud it is. */
const CLOUD_HOST_SUFFIXES: readonly (readonly [string, string])[] = [
  [".ec2.internal", "aws"], [".compute.internal", "aws"], [".c.internal", "gcp"], [".internal.cloudapp.net", "azure"],
];

export function providerOfHost(host: string): string | undefined {
  return CLOUD_HOST_SUFFIXES.find(([suffix]) => host.endsWith(suffix))?.[1];
}

export function isCloudFinding(f: Finding): boolean {
  const e = f.entities;
  return Boolean(e.providers?.length || e.instances?.length || e.accounts?.length || e.regions?.length) ||
    f.trigger === "cloud-alert" || f.trigger === "cloud-activity" || f.trigger === "billing" ||
    (e.hosts ?? []).some((h) => providerOfHost(h) !== undefined);
}

/**
 * A machine named by a cloud finding (GuardDuty naming the instance's host name, say) is a cloud machine
 * even where a host-only record (a ps listing) names it too: only machines no cloud finding names count
 * as on-premise.
 */
export function environmentOf(findings: readonly Finding[]): Environment {
  const cloudMachines = new Set<string>();
  let cloud = false;
  for (const f of findings) {
    if (!isCloudFinding(f)) continue;
    cloud = true;
    for (const h of f.entities.hosts ?? []) cloudMachines.add(`h:${h.toLowerCase()}`);
    for (const i of f.entities.instances ?? []) cloudMachines.add(`h:${i.toLowerCase()}`);
    for (const ip of f.entities.ips ?? []) cloudMachines.add(`ip:${ip}`);
  }
  let onPrem = false;
  for (const f of findings) {
    if (isCloudFinding(f)) continue;
    const hosts = f.entities.hosts ?? [];
    const names = hosts.length ? hosts.map((h) => `h:${h.toLowerCase()}`) : (f.entities.ips ?? []).map((ip) => `ip:${ip}`);
    if (names.some((n) => !cloudMachines.has(n))) { onPrem = true; break; }
  }
  return cloud && onPrem ? "hybrid" : cloud ? "cloud" : "on-premise";
}

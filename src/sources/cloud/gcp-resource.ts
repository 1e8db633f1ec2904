/**
 * Google Cloud resource names, as Security Command Center and Cloud Logging write them, cut into
 * the parts an event names: project, zone and region, instance, GKE cluster, namespace, pod.
 *
 *   //compute.googleapis.com/projects/my-proj/zones/us-central1-a/instances/715447017152936528
 *   //container.googleapis.com/projects/my-proj/locations/europe-west1/clusters/prod/k8s/namespaces/ns/pods/p
 *   projects/my-proj/logs/cryptomining
 */
import type { Event } from "../../model/index.js";
import { setStr } from "./event.js";

export interface GcpResourceParts {
  project?: string;
  zone?: string;
  region?: string;
  instance?: string;
  cluster?: string;
  namespace?: string;
  pod?: string;
}

// A zone is a region plus "-<letter>": us-central1-a → us-central1.
const ZONE = /^([a-z]+(?:-[a-z]+)*\d+)-[a-z]$/;
const REGION = /^[a-z]+(?:-[a-z]+)*\d+$/;

export function regionOfZone(zone: string): string | undefined {
  return ZONE.exec(zone)?.[1];
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function parseGcpResourceName(name: string): GcpResourceParts {
  const parts = name.replace(/^\/\/[^/]+\//, "").split("/");
  const out: GcpResourceParts = {};
  for (let i = 0; i + 1 < parts.length; i++) {
    const k = parts[i]!;
    const v = safeDecode(parts[i + 1]!);
    switch (k) {
      case "projects": out.project ??= v; break;
      case "zones": out.zone ??= v; break;
      case "regions": out.region ??= v; break;
      case "locations":
        if (ZONE.test(v)) out.zone ??= v;
        else if (REGION.test(v)) out.region ??= v;
        break;
      case "instances": out.instance ??= v; break;
      case "clusters": out.cluster ??= v; break;
      case "namespaces": out.namespace ??= v; break;
      case "pods": out.pod ??= v; break;
      default: continue;
    }
    i++;
  }
  if (out.zone && !out.region) out.region = regionOfZone(out.zone);
  return out;
}

/** Put the cloud and orchestrator fields of resource parts on an event (first value wins). */
export function setGcpResource(e: Event, r: GcpResourceParts): void {
  const setOnce = (field: string, v: string | undefined) => { if (e[field] === undefined) setStr(e, field, v); };
  setOnce("cloud.project.id", r.project);
  // The project is the account-like boundary in GCP; billing events use the same field for it.
  setOnce("cloud.account.id", r.project);
  setOnce("cloud.availability_zone", r.zone);
  setOnce("cloud.region", r.region);
  setOnce("cloud.instance.id", r.instance);
  setOnce("orchestrator.cluster.name", r.cluster);
  setOnce("orchestrator.namespace", r.namespace);
  setOnce("orchestrator.resource.name", r.pod);
  if (r.cluster) e["orchestrator.type"] = "kubernetes";
  if (r.pod && e["orchestrator.resource.type"] === undefined) e["orchestrator.resource.type"] = "pods";
}

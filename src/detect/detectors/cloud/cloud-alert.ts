import type { Entities, Event, Observable, Severity } from "../../../model/index.js";
import { provenance, SEVERITIES, str, strs } from "../../../model/index.js";
import type { CloudFindingType } from "../../../intel/types.js";
import type { Detector } from "../../types.js";
import { clip, entitiesOf, mergeEntities, obs, timeOf } from "../common.js";
import { datasetsFor } from "../../routes.js";

/**
 * Provider alerts (GuardDuty, Defender for Cloud, Security Command Center) whose type intel lists:
 * mining types become findings, related types (mining: false) supporting findings, anything else
 * is ignored. Provider sample alerts are reported as samples, never dropped.
 */

const PROVIDER_BY_DATASET: Record<string, CloudFindingType["provider"]> = {
  "aws.guardduty": "aws",
  "azure.defender": "azure",
  "gcp.scc": "gcp",
};
const PRODUCT: Record<CloudFindingType["provider"], string> = { aws: "GuardDuty", azure: "Defender for Cloud", gcp: "Security Command Center" };

/** Defender's sample alerts carry this prefix on the alert type. */
const SIMULATED_PREFIX = "SIMULATED_";
export const MINING_CONFIDENCE = 0.85;
export const RELATED_CONFIDENCE = 0.35;
/**
 * Alert ids already reported in this run, so one alert exported twice (a GuardDuty finding updated
 * with a new count, overlapping exports) is one finding. Past the cap ids are no longer remembered:
 * a duplicate may then be reported twice, an alert is never lost.
 */
const MAX_SEEN_ALERTS = 100_000;
/**
 * Where the GuardDuty source puts the access key an alert names (resource.accessKeyDetails): the
 * provider-neutral name it shares with CloudTrail, so the alert joins the key's CloudTrail findings.
 */
const ALERT_ACCESS_KEY_FIELD = "minerhunt.aws.access_key_id";

function providerOf(event: Event): CloudFindingType["provider"] | undefined {
  const byDataset = PROVIDER_BY_DATASET[str(event, "event.dataset") ?? ""];
  if (byDataset) return byDataset;
  const p = str(event, "cloud.provider")?.toLowerCase();
  return p === "aws" || p === "azure" || p === "gcp" ? p : undefined;
}

function severityOf(event: Event, type: CloudFindingType): Severity {
  const given = str(event, "minerhunt.alert.severity")?.toLowerCase();
  return (SEVERITIES as readonly string[]).includes(given ?? "") ? (given as Severity) : type.severity;
}

/** The pool a mining alert names: the domain looked up, or the remote ip:port. */
function poolsOf(event: Event): string[] {
  const pools = [...strs(event, "dns.question.name"), ...strs(event, "destination.domain")].map((d) => d.toLowerCase());
  const ip = str(event, "destination.ip");
  const port = str(event, "destination.port");
  if (ip && port) pools.push(`${ip}:${port}`);
  return pools;
}

function observablesOf(event: Event, rawType: string): Observable[] {
  return [
    ...obs("finding-type", rawType),
    ...strs(event, "destination.ip").flatMap((v) => obs("ip", v)),
    ...strs(event, "dns.question.name").flatMap((v) => obs("domain", v.toLowerCase())),
    ...strs(event, "destination.domain").flatMap((v) => obs("domain", v.toLowerCase())),
    ...obs("process", str(event, "process.name")),
    ...obs("command-line", str(event, "process.command_line")),
    ...obs("hash", str(event, "process.hash.sha256")),
    ...strs(event, "cloud.instance.id").flatMap((v) => obs("instance", v)),
    ...obs("instance-type", str(event, "cloud.machine.type")),
    ...strs(event, "container.image.name").flatMap((v) => obs("image", v)),
  ];
}

/** Where the alert happened, for the title: instance, else host, else pod, else account. */
function placeOf(event: Event): string {
  const place = str(event, "cloud.instance.id") ?? str(event, "host.name") ?? str(event, "orchestrator.resource.name")
    ?? str(event, "cloud.account.id") ?? str(event, "cloud.project.id");
  return place ? ` on ${clip(place, 80)}` : "";
}

export const cloudAlert: Detector = {
  id: "cloud-alert",
  title: "Cloud provider mining alerts (GuardDuty, Defender for Cloud, Security Command Center)",
  routes: { datasets: datasetsFor(["aws/guardduty", "azure/defender", "gcp/scc"]) },
  start(ctx) {
    const seen = new Set<string>();

    function onEvent(event: Event): void {
      const provider = providerOf(event);
      const rawType = str(event, "rule.name");
      if (!provider || !rawType) return;
      const simulated = rawType.startsWith(SIMULATED_PREFIX);
      const type = ctx.intel.cloudFindingType(provider, simulated ? rawType.slice(SIMULATED_PREFIX.length) : rawType);
      if (!type) return; // a type intel does not know says nothing about mining

      const alertId = str(event, "event.id");
      if (alertId) {
        const k = `${provider}\0${alertId}`;
        if (seen.has(k)) return;
        if (seen.size < MAX_SEEN_ALERTS) seen.add(k);
      }

      const sample = simulated || event["minerhunt.sample"] === true || str(event, "minerhunt.sample") === "true";
      const message = str(event, "message");
      const extra: Entities = { providers: [provider] };
      if (type.mining) extra.pools = poolsOf(event);
      extra.accessKeys = strs(event, ALERT_ACCESS_KEY_FIELD);
      const entities = mergeEntities(entitiesOf(event), extra);
      const what = type.mining ? type.title : `${type.title} (related to mining)`;

      ctx.emit({
        rule: { id: cloudAlert.id, name: cloudAlert.title, kind: "detector" },
        title: `${PRODUCT[provider]} ${type.type}: ${what}${placeOf(event)}${sample ? " (sample)" : ""}`,
        description: clip(message ?? type.title, 500),
        trigger: "cloud-alert",
        severity: severityOf(event, type),
        confidence: type.mining ? MINING_CONFIDENCE : RELATED_CONFIDENCE,
        firstSeen: timeOf(event),
        lastSeen: str(event, "event.end") ?? timeOf(event),
        entities,
        observables: observablesOf(event, rawType),
        evidence: [provenance(event, clip(`${rawType}: ${message ?? type.title}`, 240))],
        ...(sample ? { sample: true } : {}),
        facts: { "alert.type": type.type, "alert.mining": type.mining, ...(alertId ? { "alert.id": alertId } : {}) },
        tags: ["provider-alert", provider, ...(type.mining ? [] : ["supporting" as const]), ...(sample ? ["sample" as const] : []),
          ...credentialTags(type.type)],
        ...(alertId ? { key: alertId } : {}),
      });
    }

    return { onEvent, finish: () => undefined };
  },
};

/**
 * Provider alerts that say credentials were stolen: GuardDuty's instance-credential exfiltration
 * (used from outside the instance, or outside AWS) and its CredentialAccess family. PB-31 hands these
 * to PB-16 (Cloud IAM).
 */
function credentialTags(type: string): ("credential-theft" | "key-used-externally")[] {
  if (type.includes("InstanceCredentialExfiltration")) return ["credential-theft", "key-used-externally"];
  if (type.startsWith("CredentialAccess:")) return ["credential-theft"];
  return [];
}

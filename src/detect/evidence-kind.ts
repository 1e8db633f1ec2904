import { hasCategory, str, type Event, type EvidenceKind } from "../model/index.js";

/**
 * The kind of evidence a record is, for findings whose rule does not say (Sigma rules): judged from
 * the record's dataset, kind and categories (docs/events.md). A DNS record is "dns" whichever rule
 * reads it, so a built-in detector and a Sigma rule on one lookup count once.
 */
const BY_DATASET: Readonly<Record<string, EvidenceKind>> = {
  "pcap.stratum": "payload", "pcap.http": "payload", "zeek.http": "payload", "suricata.http": "payload",
  "pcap.tls": "payload", "zeek.ssl": "payload", "suricata.tls": "payload",
  "suricata.alert": "sensor-alert",
  "falco.alerts": "container-alert",
  "kubernetes.audit": "workload",
  "aws.cloudtrail": "cloud-activity", "gcp.logging": "cloud-activity",
  "aws.guardduty": "cloud-alert", "azure.defender": "cloud-alert", "gcp.scc": "cloud-alert",
  "linux.crontab": "persistence", "linux.systemd": "persistence", "linux.ld_so_preload": "persistence",
  "miner.config": "file",
};

export function evidenceKindOfEvent(event: Event): EvidenceKind {
  const dataset = str(event, "event.dataset") ?? "";
  const known = BY_DATASET[dataset];
  if (known) return known;
  if (hasCategory(event, "dns")) return "dns";
  if (hasCategory(event, "network")) return "flow";
  if (hasCategory(event, "process")) return "process";
  if (hasCategory(event, "file")) return "file";
  if (str(event, "event.kind") === "metric" || hasCategory(event, "host")) return "metric";
  if (dataset.endsWith(".billing") || hasCategory(event, "billing")) return "billing";
  if (str(event, "event.kind") === "alert") return "sensor-alert";
  return "cloud-activity";
}

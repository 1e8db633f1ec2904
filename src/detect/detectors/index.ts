import type { EvidenceKind } from "../../model/index.js";
import type { Detector } from "../types.js";
import { hostDetectors } from "./host/index.js";
import { networkDetectors } from "./network/index.js";
import { cloudDetectors } from "./cloud/index.js";
import { billingDetectors } from "./billing/index.js";
import { containerDetectors } from "./container/index.js";

/**
 * The kind of evidence each built-in detector's findings are (a draft may say otherwise: the stratum
 * detector marks IDS alerts as sensor alerts). Combined confidence counts kinds, not detectors.
 */
const EVIDENCE_KIND: Readonly<Record<string, EvidenceKind>> = {
  "minerhunt.network.pool-connection": "flow",
  "minerhunt.network.pool-dns": "dns",
  "minerhunt.network.stratum": "payload",
  "minerhunt.host.masquerade": "process",
  "minerhunt.host.miner-process": "process",
  "minerhunt.host.entry-vector": "process",
  "minerhunt.host.rival-miner-kill": "process",
  "minerhunt.host.gpu-unexpected": "metric",
  "minerhunt.host.high-cpu": "metric",
  "minerhunt.host.persistence": "persistence",
  "minerhunt.host.miner-config": "file",
  "billing-anomaly": "billing",
  "quota-errors": "cloud-activity",
  "defense-evasion": "cloud-activity",
  "iam-persistence": "cloud-activity",
  "run-instances-burst": "cloud-activity",
  "cloud-alert": "cloud-alert",
  "k8s-workload": "workload",
  "falco-miner": "container-alert",
};

/** The built-in (stateful) detectors; Sigma rules run beside them as one more detector. */
export const builtinDetectors: readonly Detector[] = [
  ...hostDetectors, ...networkDetectors, ...cloudDetectors, ...billingDetectors, ...containerDetectors,
].map((d): Detector => {
  const evidence = d.evidence ?? EVIDENCE_KIND[d.id];
  return evidence ? { ...d, evidence } : d;
});

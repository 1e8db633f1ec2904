/**
 * Tags: what detectors say about a finding beyond its kind, for the playbook to read (PB-31's checklist
 * items and escalations). A playbook may read only tags that something emits: built-in detectors emit
 * the ones listed here (each with what it means), Sigma rules emit their own namespaced tags
 * (`attack.*`, `cve.*`, `detection.*`, `car.*`, `tlp.*`). Loading a playbook that reads any other tag is
 * an error, so a typo or a tag no code emits cannot leave a checklist item silently unanswerable.
 */
export const DETECTOR_TAGS = {
  "pb-31:1.1": "a known miner binary or command line (PB-31 §1.1)",
  "pb-31:1.2:dns": "a DNS lookup of a pool (PB-31 §1.2)",
  "pb-31:1.2:pool": "a connection to a known pool address or name (PB-31 §1.2)",
  "pb-31:1.2:port": "a connection to a miner port only (PB-31 §1.2)",
  "pb-31:1.2:stratum": "mining protocol in traffic (PB-31 §1.2)",
  "pb-31:1.3": "a miner configuration file (PB-31 §1.3)",
  "pb-31:1.3:persistence": "cron, systemd or ld.so.preload persistence (PB-31 §1.3)",
  "pb-31:indicator:high-cpu": "CPU held over the threshold (PB-31 indicators)",
  "pb-31:indicator:gpu": "unexpected GPU use (PB-31 indicators)",
  hint: "a weak signal that only supports others",
  "expected-workload": "busy on a host expected to run heavy GPU or compute work (an ML job): weak alone",
  "flow-shape": "a flow that looks like mining by its shape (long, low, steady, reconnecting, failing over)",
  policy: "a policy observation (a cryptocurrency node): never part of a mining incident",
  recurring: "a rise that recurs (weekly, month-end): not an anomaly",
  "dns-answer": "found through a DNS answer that resolves to a listed mining address",
  billing: "a billing anomaly",
  gpu: "GPU instance types in the evidence",
  "new-region": "spend in a region the account had not used",
  cloudtrail: "read from CloudTrail",
  "launch-errors": "instance launches refused by quotas or limits",
  "defense-evasion": "logging or detection turned off",
  "iam-persistence": "new IAM users, keys or policies for persistence",
  "iam-credentials": "IAM credentials created or changed",
  "new-access-key": "a new access key was created",
  "new-iam-user": "a new IAM user was created",
  "resource-acquisition": "instances launched in bulk",
  "large-instance-types": "large or GPU instance types launched",
  "org-network": "every call came from the organisation's own networks",
  "console-session": "calls made in a console session",
  "credential-theft": "a provider alert about stolen or exfiltrated credentials",
  "key-used-externally": "credentials used from outside the provider (exfiltrated instance credentials)",
  "provider-alert": "a cloud provider's own alert",
  supporting: "an alert that supports mining without naming it",
  sample: "a provider sample finding",
  aws: "about AWS", azure: "about Azure", gcp: "about Google Cloud",
  kubernetes: "about a Kubernetes workload",
  persistence: "a workload that comes back (CronJob, DaemonSet, restart policy)",
  "node-escape": "a privileged or host-root workload",
  falco: "read from Falco",
  "miner-in-image": "a miner that is the entrypoint of the image itself (supply chain, PB-32)",
  "entry-vector": "how the attacker got in (a service started a download-and-run command)",
  "rival-miner-kill": "a script killing other miners (cryptojacking droppers clear the host for their own)",
} as const;

export type DetectorTag = keyof typeof DETECTOR_TAGS;

/** Sigma's tag namespaces (Sigma specification, "Tags"): rules may carry any tag in them. */
export const SIGMA_TAG_NAMESPACES = ["attack.", "cve.", "detection.", "car.", "tlp.", "stp."] as const;

/** A tag a built-in detector may put on a finding: one of its own, or an ATT&CK tag in Sigma's spelling. */
export type FindingTag = DetectorTag | `attack.${string}`;

/** Whether some code or rule can put this tag on a finding. */
export function isKnownTag(tag: string): boolean {
  return Object.hasOwn(DETECTOR_TAGS, tag) || SIGMA_TAG_NAMESPACES.some((ns) => tag.startsWith(ns) && tag.length > ns.length);
}

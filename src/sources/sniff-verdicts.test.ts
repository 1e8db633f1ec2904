// Every source's sniff verdict on real files and on inputs built to reach the sniffers' shortcuts: the
// values were recorded with the sniffers as they were before sniffing was made cheap (one JSON parse of a
// sample line shared by the JSON-lines sniffers, one search for the keys any verdict needs, loops that stop
// once the verdict is known). Those changes must not change a verdict: a difference here says one did.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, sharedFixture } from "../test-helpers/index.js";
import { allSources, chooseSource } from "./index.js";
import { openBuffer } from "./input.js";
import type { Source } from "./types.js";

/** [file or label, chooseSource's pick as "id score" ("none 0" when nothing claims it), every non-zero score]. */
type Verdict = [string, string, Record<string, number>];

/**
 * Every source's non-zero score on a fresh sample, the sources asked in the given order: the JSON-lines
 * sniffers share what one of them parsed, so the answer must not depend on which asks first.
 */
async function scores(path: string, data: Buffer | string, sources: readonly Source[]): Promise<Record<string, number>> {
  const { sample } = await openBuffer(path, data);
  const out: Record<string, number> = {};
  for (const s of sources) {
    const score = s.sniff(sample);
    if (score !== 0) out[s.id] = score;
  }
  return out;
}

async function assertVerdict(path: string, data: Buffer | string, [label, chosen, expected]: Verdict): Promise<void> {
  const pick = chooseSource((await openBuffer(path, data)).sample, allSources);
  assert.equal(`${pick.source?.id ?? "none"} ${pick.score}`, chosen, `${label}: chosen source`);
  assert.deepEqual(await scores(path, data, allSources), expected, `${label}: scores`);
  assert.deepEqual(await scores(path, data, [...allSources].reverse()), expected, `${label}: scores, sources asked in reverse order`);
}

const EXAMPLES: Verdict[] = [
  ["examples/cloud/aws/billing/cost-explorer-daily-by-account-service.json", "aws.cost_explorer 0.95", {"aws.cost_explorer":0.95}],
  ["examples/cloud/aws/cloudtrail/111122223333_CloudTrail_us-east-1_20261119T0225Z_Xr7bQ2.json", "aws.cloudtrail 0.95", {"aws.cloudtrail":0.95}],
  ["examples/cloud/aws/guardduty/guardduty-findings-eventbridge.ndjson", "aws.guardduty 0.95", {"aws.guardduty":0.95}],
  ["examples/kubernetes/falco-alerts.json", "falco.alerts 0.95", {"falco.alerts":0.95}],
  ["examples/kubernetes/kube-apiserver-audit.log", "kubernetes.audit 0.95", {"kubernetes.audit":0.95}],
  ["examples/network/zeek/conn.log", "zeek.conn 0.99", {"zeek.conn":0.99}],
  ["examples/network/zeek/dns.log", "zeek.dns 0.99", {"zeek.dns":0.99}],
  ["examples/onprem/db-prod-01/etc/cron.d/pg-backup", "linux.crontab 0.9", {"linux.crontab":0.9}],
  ["examples/onprem/db-prod-01/etc/crontab", "linux.crontab 0.9", {"linux.crontab":0.9}],
  ["examples/onprem/db-prod-01/etc/hostname", "linux.hostname 0.95", {"linux.hostname":0.95}],
  ["examples/onprem/db-prod-01/etc/systemd/system/kswapd.service", "linux.systemd 0.9", {"linux.systemd":0.9}],
  ["examples/onprem/db-prod-01/etc/systemd/system/postgresql-exporter.service", "linux.systemd 0.9", {"linux.systemd":0.9}],
  ["examples/onprem/db-prod-01/ps-auxww.txt", "ps 0.9", {"ps":0.9}],
  ["examples/onprem/db-prod-01/tmp/.X11-unix/config.json", "miner.config 0.9", {"miner.config":0.9}],
  ["examples/onprem/db-prod-01/var/spool/cron/crontabs/postgres", "linux.crontab 0.9", {"linux.crontab":0.9}],
  ["examples/onprem/edr/db-prod-01-endpoint-process.ndjson", "ecs.ndjson 0.85", {"ecs.ndjson":0.85}],
  ["examples/onprem/metrics/host-cpu-gpu-5min.csv", "metrics.csv 0.8", {"metrics.csv":0.8}],
];

test("sniff verdicts: the files under examples/", async () => {
  for (const verdict of EXAMPLES) await assertVerdict(verdict[0], readFileSync(join(REPO_ROOT, verdict[0])), verdict);
});

const SHARED: Verdict[] = [
  ["auditd/beats-auditbeat-meta-execve.json", "none 0", {}],
  ["auditd/beats-filebeat-execve-hex-arg-expected.ecs.json", "ecs.json 0.9", {"ecs.json":0.9}],
  ["auditd/beats-filebeat-execve-hex-arg.log", "auditd 0.95", {"auditd":0.95}],
  ["auditd/go-libaudit-audit-rhel7.log", "auditd 0.95", {"auditd":0.95}],
  ["auditd/go-libaudit-audit-rhel7.log.golden.json", "none 0", {}],
  ["auditd/laurel-record-execve.laurel.json", "auditd.laurel 0.95", {"auditd.laurel":0.95}],
  ["auditd/laurel-shell-proc-trace.log", "auditd 0.95", {"auditd":0.95}],
  ["azure-dns/azure-docs-AzureFirewallDnsProxy-failed.as-documented.txt", "azure.dns 0.95", {"azure.dns":0.95}],
  ["azure-dns/azure-docs-AzureFirewallDnsProxy-success.json", "azure.dns 0.95", {"azure.dns":0.95}],
  ["cloud-findings/defender-for-cloud-SIMULATED_VM_DigitalCurrencyMining-sentinel-SecurityAlert.json", "azure.defender 0.95", {"azure.defender":0.95}],
  ["cloud-findings/gcp-logging-custom-cryptomining-detector.json", "gcp.logging 0.9", {"gcp.logging":0.9}],
  ["cloud-findings/guardduty-sample-CryptoCurrency-Runtime-BitcoinTool.B.json", "aws.guardduty 0.95", {"aws.guardduty":0.95}],
  ["evtx/sigmahq-sysmon1-curl-download-direct-ip.evtx", "windows.evtx 1", {"windows.evtx":1}],
  ["evtx/sigmahq-sysmon1-curl-download-direct-ip.evtx_dump.json", "none 0", {}],
  ["evtx/evtx-attack-samples-tunna_sysmon_3.python-evtx.xml", "none 0", {}],
  ["falco-text/falcosecurity-testing-single_rule_with_cat_write.json-output.jsonl", "falco.alerts 0.95", {"falco.alerts":0.95}],
  ["falco-text/falcosecurity-testing-single_rule_with_cat_write.text.log", "falco.text 0.9", {"falco.text":0.9}],
  ["gcp-cloud-dns/otel-gcp-dns_query_no_error.json", "gcp.dns 0.95", {"gcp.logging":0.9,"gcp.dns":0.95}],
  ["gcp-cloud-dns/otel-gcp-dns_query_no_error_expected.yaml", "none 0", {}],
  ["miner-configs/xmrig-default-src-config.json", "miner.config 0.9", {"miner.config":0.9}],
  ["pcap/nesfit-xmr-eu1.nanopool.org.pcapng", "pcap 0.99", {"pcap":0.99}],
  ["pcap/nesfit-xmr-eu1.nanopool.org.tshark-streams.tsv", "none 0", {}],
  ["route53-resolver/awsdocs-route53-resolver-query-log-example-firewall-block.json", "aws.route53_resolver 0.95", {"aws.route53_resolver":0.95}],
  ["suricata-eve/qnsm-eve-alert-et-policy-cryptocurrency-miner-checkin.ndjson", "suricata.eve 0.95", {"suricata.eve":0.95}],
  ["suricata-eve/qnsm-eve-alert-et-policy-cryptocurrency-miner-checkin.pretty.json", "suricata.eve 0.95", {"suricata.eve":0.95}],
  ["top/jc-centos-7.7_top-b-n3.out", "top 0.95", {"top":0.95}],
  ["top/jc-ubuntu-20.10_top-b-n1.json", "none 0", {}],
  ["poollists/maltrail/crypto_mining.txt", "none 0", {}],
];

test("sniff verdicts: shared fixtures of many formats (../shared/fixtures)", async (t) => {
  for (const verdict of SHARED) {
    const path = sharedFixture(t, verdict[0]);
    if (!path) return; // skipped, with the missing path as the reason
    await assertVerdict(`shared/fixtures/${verdict[0]}`, readFileSync(path), verdict);
  }
});

const ZEEK = '{"ts":1763600003.5,"uid":"C7x0","id.orig_h":"10.0.0.7","id.orig_p":40000,"id.resp_h":"10.0.0.2","id.resp_p":53,"proto":"udp","query":"xmr-eu1.nanopool.org","qtype_name":"A"}';
const EVE = '{"timestamp":"2026-11-20T03:14:07.000000+0000","flow_id":1,"event_type":"dns","src_ip":"10.0.0.7","dest_ip":"10.0.0.2","dns":{"type":"query","rrname":"xmr-eu1.nanopool.org"}}';
const ENDPOINT = '{"@timestamp":"2026-11-20T03:14:07Z","agent":{"type":"endpoint"},"event":{"dataset":"endpoint.events.process","category":["process"]},"process":{"name":"xmrig"}}';
const GENERIC_ECS = '{"@timestamp":"2026-11-20T03:14:07Z","ecs":{"version":"8.11"},"event":{"module":"system"},"host":{"name":"web-01"}}';
const WINLOG = '{"@timestamp":"2026-11-20T03:14:07Z","winlog":{"channel":"Microsoft-Windows-Sysmon/Operational","event_id":1},"event":{"code":"1"}}';
const LAUREL = '{"ID":"1700000000.123:456","SYSCALL":{"syscall":"execve","success":"yes","pid":1,"ppid":0},"EXECVE":{"argc":1,"ARGV":["xmrig"]}}';
const AUDIT = 'type=SYSCALL msg=audit(1700000000.123:456): arch=c000003e syscall=59 success=yes exit=0 pid=1 comm="xmrig"';
const lines = (...l: string[]) => l.join("\n") + "\n";

/** [label, path, text]: inputs at the edges of the shortcuts (escaped keys, BOMs, cut lines, line limits). */
const EDGE_INPUTS: [string, string, string][] = [
  ["Zeek JSON keys spelled with escapes", "dns.log", lines(...Array(4).fill(ZEEK.replace('"uid"', '"\\u0075id"').replace('"ts"', '"t\\u0073"')))],
  ["Zeek JSON, the first line led by a BOM", "dns.log", "\ufeff" + lines(ZEEK, ZEEK, ZEEK)],
  ["EVE lines and one other JSON record", "eve.json", lines(EVE, EVE, '{"other":1}', EVE)],
  ["EVE lines, the last one cut", "eve.json", lines(EVE, EVE, EVE.slice(0, 60))],
  ["EVE lines, event_type spelled with an escape", "eve.json", lines(...Array(3).fill(EVE.replace('"event_type"', '"event\\u005ftype"')))],
  ["an EVE line after a JSON line with a backslash", "eve.json", lines('{"path":"C:\\\\x"}', EVE)],
  ["ECS lines, the endpoint one led by a BOM (JSON.parse rejects it)", "edr.ndjson", "\ufeff" + lines(ENDPOINT, GENERIC_ECS, GENERIC_ECS)],
  ["ECS lines, the endpoint one led by a no-break space", "edr.ndjson", lines("\u00a0" + ENDPOINT, GENERIC_ECS)],
  ["ECS lines led by blanks", "edr.ndjson", lines(" \t" + GENERIC_ECS, "  " + ENDPOINT)],
  ["Winlogbeat lines, the first led by a BOM", "winlogbeat.ndjson", "\ufeff" + lines(WINLOG, WINLOG)],
  ["Winlogbeat line led by a BOM alone", "winlogbeat.ndjson", "\ufeff" + lines(WINLOG)],
  ["GuardDuty finding in upper-case keys", "findings.json", '{"TYPE":"CryptoCurrency:EC2/BitcoinTool.B","SEVERITY":8,"RESOURCE":{},"SERVICE":{"SERVICENAME":"guardduty"}}\n'],
  ["GuardDuty finding with a DetectorId in upper case", "findings.json", '{"TYPE":"x","SEVERITY":8,"RESOURCE":{},"SERVICE":{},"DETECTORID":"d"}\n'],
  ["GuardDuty-like keys with a dotted capital I in detectorId", "findings.json", '{"type":"x","severity":8,"resource":{},"service":{},"detector\u0130d":"d"}\n'],
  ["GuardDuty-like keys without GuardDuty", "findings.json", '{"type":"x","severity":8,"resource":{},"service":{"serviceName":"inspector"}}\n'],
  ["Defender alerts as a Log Analytics response", "alerts.json", '{"tables":[{"name":"PrimaryResult","columns":[{"name": "AlertType","type":"string"}],"rows":[["VM_DigitalCurrencyMining"]]}]}\n'],
  ["an SCC finding from gcloud", "findings.json", '{"finding":{"category":"Execution: Cryptocurrency Mining Hash Match","resourceName":"//compute.googleapis.com/x","canonicalName":"organizations/1/sources/2/findings/3"}}\n'],
  ["CloudTrail records escaped in CloudWatch messages", "trail.json", '{"events":[{"logStreamName":"s","message":"{\\"eventSource\\":\\"ec2.amazonaws.com\\",\\"eventName\\":\\"RunInstances\\"}"}]}\n'],
  ["Laurel lines behind the CEE cookie", "audit.log", lines("@cee: " + LAUREL, "@cee: " + LAUREL)],
  ["Laurel lines, one cut", "audit.log", lines(LAUREL, LAUREL, LAUREL.slice(0, 30))],
  ["audit.log after 398 comment lines", "audit.log", lines(...Array(398).fill("# a comment"), AUDIT, AUDIT)],
  ["audit.log after 400 comment lines", "audit.log", lines(...Array(400).fill("# a comment"), AUDIT, AUDIT)],
  ["a top header alone", "top.txt", "    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND\n"],
  ["a ps header in lower case", "ps.txt", "user pid %cpu %mem command\nroot 1 0.0 0.1 /sbin/init\n"],
  ["VPC flow records led by blanks", "flows.log", lines("  2 123456789012 eni-1 10.0.0.1 10.0.0.2 443 49152 6 10 1000 1700000000 1700000060 ACCEPT OK", "2 123456789012 eni-1 10.0.0.1 10.0.0.2 443 49152 6 10 1000 1700000000 1700000060 ACCEPT OK")],
  ["a VPC flow header with ${} fields", "flows.log", lines("${version} ${srcaddr} ${dstaddr} ${srcport}", "2 10.0.0.1 10.0.0.2 443")],
];

const EDGE: Verdict[] = [
  ["Zeek JSON keys spelled with escapes", "zeek.dns 0.99", {"zeek.dns":0.99}],
  ["Zeek JSON, the first line led by a BOM", "zeek.dns 0.99", {"zeek.dns":0.99}],
  ["EVE lines and one other JSON record", "suricata.eve 0.6", {"suricata.eve":0.6}],
  ["EVE lines, the last one cut", "suricata.eve 0.95", {"suricata.eve":0.95}],
  ["EVE lines, event_type spelled with an escape", "suricata.eve 0.95", {"suricata.eve":0.95}],
  ["an EVE line after a JSON line with a backslash", "suricata.eve 0.6", {"suricata.eve":0.6}],
  ["ECS lines, the endpoint one led by a BOM (JSON.parse rejects it)", "ecs.ndjson 0.6", {"ecs.ndjson":0.6}],
  ["ECS lines, the endpoint one led by a no-break space", "ecs.ndjson 0.6", {"ecs.ndjson":0.6}],
  ["ECS lines led by blanks", "ecs.ndjson 0.85", {"ecs.ndjson":0.85}],
  ["Winlogbeat lines, the first led by a BOM", "windows.winlogbeat 0.9", {"windows.winlogbeat":0.9}],
  ["Winlogbeat line led by a BOM alone", "none 0", {}],
  ["GuardDuty finding in upper-case keys", "aws.guardduty 0.95", {"aws.guardduty":0.95}],
  ["GuardDuty finding with a DetectorId in upper case", "aws.guardduty 0.95", {"aws.guardduty":0.95}],
  ["GuardDuty-like keys with a dotted capital I in detectorId", "none 0", {}],
  ["GuardDuty-like keys without GuardDuty", "none 0", {}],
  ["Defender alerts as a Log Analytics response", "azure.defender 0.9", {"azure.defender":0.9}],
  ["an SCC finding from gcloud", "gcp.scc 0.95", {"gcp.scc":0.95}],
  ["CloudTrail records escaped in CloudWatch messages", "aws.cloudtrail 0.9", {"aws.cloudtrail":0.9}],
  ["Laurel lines behind the CEE cookie", "auditd.laurel 0.95", {"auditd.laurel":0.95}],
  ["Laurel lines, one cut", "auditd.laurel 0.8", {"auditd.laurel":0.8}],
  ["audit.log after 398 comment lines", "auditd 0.95", {"auditd":0.95}],
  ["audit.log after 400 comment lines", "none 0", {}],
  ["a top header alone", "top 0.6", {"top":0.6}],
  ["a ps header in lower case", "ps 0.9", {"ps":0.9}],
  ["VPC flow records led by blanks", "aws.vpcflow 0.9", {"aws.vpcflow":0.9}],
  ["a VPC flow header with ${} fields", "aws.vpcflow 0.95", {"aws.vpcflow":0.95}],
];

test("sniff verdicts: inputs at the edges of the sniffers' shortcuts", async () => {
  assert.equal(EDGE_INPUTS.length, EDGE.length);
  for (const [i, [label, path, text]] of EDGE_INPUTS.entries()) {
    assert.equal(EDGE[i]![0], label);
    await assertVerdict(path, text, EDGE[i]!);
  }
});

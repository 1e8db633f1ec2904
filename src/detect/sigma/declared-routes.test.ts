import { test } from "node:test";
import assert from "node:assert/strict";
import { allSources } from "../../sources/index.js";
import type { Source } from "../../sources/types.js";
import { declaredDatasets, withDeclaredDatasets } from "./declared-routes.js";
import { resolveRoute, routeAccepts } from "./routing.js";
import { defaultTables, type RouteTable } from "./tables.js";

test("every source declares what it emits, and sources declaring one dataset agree on it", () => {
  const first = new Map<string, unknown>();
  for (const s of allSources) {
    assert.ok(s.emits.length > 0, `${s.id} declares no dataset`);
    for (const d of s.emits) {
      const seen = first.get(d.dataset);
      if (seen) assert.deepEqual(d, seen, `${s.id} declares ${d.dataset} differently`);
      else first.set(d.dataset, d);
    }
  }
  const datasets = declaredDatasets(allSources).map((d) => d.dataset);
  for (const d of ["zeek.dns", "suricata.flow", "aws.vpcflow", "pcap.stratum", "endpoint.events.network", "aws.cloudtrail", "linux.crontab"]) {
    assert.ok(datasets.includes(d), d);
  }
});

test("a logsource's datasets come from the sources that declare it", () => {
  const routes = defaultTables().routes;
  const flows = resolveRoute(routes, { category: "network_connection" })!;
  for (const d of ["zeek.conn", "suricata.flow", "aws.vpcflow", "pcap.flow", "endpoint.events.network"]) assert.ok(flows.datasets.includes(d), d);
  // Elastic Defend's network events now reach network_connection rules (they reached none before).
  assert.equal(routeAccepts(flows, { "event.dataset": "endpoint.events.network", "event.category": ["network"] }), true);
  assert.deepEqual(resolveRoute(routes, { product: "zeek", service: "dns" })!.datasets, ["zeek.dns"]);
  assert.deepEqual(resolveRoute(routes, { product: "aws", service: "cloudtrail" })!.datasets, ["aws.cloudtrail"]);
  assert.ok(resolveRoute(routes, { category: "host_metrics" })!.datasets.includes("aws.cloudwatch"));
});

test("a source naming a logsource the table lacks is an error that names the source", () => {
  const table: RouteTable = { common_carries: [], products: {}, categories: { dns: { datasets: [], categories: ["dns"], trigger: "network" } }, services: [] };
  const ok: Source = { id: "x.dns", title: "x", emits: [{ dataset: "x.dns", categories: ["dns"], sigma: ["dns"] }], sniff: () => 0, parse: async function* () { /* none */ } };
  assert.deepEqual(withDeclaredDatasets(table, [ok]).categories["dns"]!.datasets, ["x.dns"]);
  assert.deepEqual(table.categories["dns"]!.datasets, [], "the loaded table is not changed in place");
  const bad: Source = { ...ok, id: "x.bad", emits: [{ dataset: "x.bad", categories: [], sigma: ["dns_querry"] }] };
  assert.throws(() => withDeclaredDatasets(table, [bad]), /x\.bad.*dns_querry/);
  const badService: Source = { ...ok, id: "x.svc", emits: [{ dataset: "x.svc", categories: [], sigma: ["zeek/dnss"] }] };
  assert.throws(() => withDeclaredDatasets(table, [badService]), /x\.svc.*zeek\/dnss/);
});

/**
 * Sensor records count (issue 8, item 4): a Suricata alert about mining opens an incident whatever its class,
 * and a TLS handshake whose SNI is on the browser-miner list is a finding of its own kind.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runScan } from "./run.js";

function eve(records: object[]): string {
  const file = join(mkdtempSync(join(tmpdir(), "mh-eve-")), "eve.json");
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return file;
}

test("a Suricata ET POLICY miner check-in alert opens an incident for the host that mined", async () => {
  const file = eve([{
    timestamp: "2026-11-20T03:14:07.120934+0000", flow_id: 1234567890123456, in_iface: "eth0", event_type: "alert",
    src_ip: "10.20.1.15", src_port: 51514, dest_ip: "51.15.69.136", dest_port: 3333, proto: "TCP",
    alert: { action: "allowed", gid: 1, signature_id: 2024792, rev: 4, signature: "ET POLICY Cryptocurrency Miner Checkin",
      category: "Potential Corporate Privacy Violation", severity: 1 },
    app_proto: "failed", flow: { pkts_toserver: 4, pkts_toclient: 3, bytes_toserver: 420, bytes_toclient: 310, start: "2026-11-20T03:14:06.901245+0000" },
  }]);
  const { incidents } = await runScan({ paths: [file] });
  assert.equal(incidents.length, 1);
  assert.deepEqual(incidents[0]!.entities.ips, ["10.20.1.15"]);
});

test("a TLS handshake to a browser-miner domain (SNI) is a finding of its own", async () => {
  const file = eve([{
    timestamp: "2026-11-20T03:15:07.120934+0000", flow_id: 1234567890123457, in_iface: "eth0", event_type: "tls",
    src_ip: "10.20.1.40", src_port: 51515, dest_ip: "104.20.84.105", dest_port: 443, proto: "TCP",
    tls: { subject: "CN=coinhive.com", issuerdn: "C=US, O=Let's Encrypt, CN=R3", serial: "04:AB", fingerprint: "aa:bb", sni: "coinhive.com",
      version: "TLS 1.2", notbefore: "2026-10-01T00:00:00", notafter: "2026-12-30T00:00:00" },
  }]);
  const { findings } = await runScan({ paths: [file] });
  const browser = findings.filter((f) => /browser-miner domain coinhive\.com/.test(f.title));
  assert.equal(browser.length, 1, findings.map((f) => f.title).join("\n"));
  assert.deepEqual(browser[0]!.entities.ips, ["10.20.1.40"]);
});

test("an alert's logged payload speaks for itself: XMRig's JSON-RPC login in payload_printable or base64 payload", async () => {
  const login = '{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"48123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz123456789ABCDEFGHJKLMNPQRSTUVWXYZab","pass":"x","agent":"XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0","algo":["rx/0"]}}\n';
  const base = {
    timestamp: "2026-11-20T03:20:07.120934+0000", flow_id: 1234567890123458, in_iface: "eth0", event_type: "alert",
    src_ip: "10.20.1.77", src_port: 51600, dest_ip: "203.0.113.61", dest_port: 10128, proto: "TCP",
    alert: { action: "allowed", gid: 1, signature_id: 2210045, rev: 2, signature: "SURICATA STREAM Packet with invalid ack", category: "Generic Protocol Command Decode", severity: 3 },
    app_proto: "failed", stream: 0,
  };
  for (const record of [{ ...base, payload_printable: login }, { ...base, payload: Buffer.from(login).toString("base64") }]) {
    const { incidents, findings } = await runScan({ paths: [eve([record])] });
    const f = findings.find((x) => x.rule.id === "minerhunt.network.stratum");
    assert.ok(f, findings.map((x) => x.title).join("\n"));
    assert.equal(f.kind, "payload", JSON.stringify(f));
    assert.ok(f.observables.some((o) => o.type === "wallet"), JSON.stringify(f.observables));
    assert.equal(incidents.length, 1);
  }
  // A payload with an ordinary JSON-RPC "login" (no miner agent, no wallet) is not mining.
  const api = { ...base, payload_printable: '{"jsonrpc":"2.0","method":"login","params":{"user":"alice","password":"x"}}' };
  const { findings } = await runScan({ paths: [eve([api])] });
  assert.equal(findings.filter((x) => x.rule.id === "minerhunt.network.stratum").length, 0);
});

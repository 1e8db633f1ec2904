import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { openStore } from "../../store/index.js";
import { createToken, addUser } from "./auth/accounts.js";
import { startServer } from "./serve.js";

const EVE_ALERT = '{"timestamp":"2026-11-19T03:14:09.000000+0000","flow_id":1,"in_iface":"eth0","event_type":"alert","src_ip":"10.20.0.7","src_port":41234,"dest_ip":"51.15.54.102","dest_port":14444,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":2024792,"rev":4,"signature":"ET POLICY Cryptocurrency Miner Checkin","category":"Potential Corporate Privacy Violation","severity":1}}';

test("serve listens on 127.0.0.1 over real HTTP; closing saves what the ingest engine holds", async () => {
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-serve-"));
  const store = await openStore(join(dir, "m.db"), { auditHead: undefined });
  try {
    await addUser(store, { name: "shipper", role: "analyst" }, { actor: "test", now: () => new Date() });
    const { token } = await createToken(store, { userName: "shipper", label: "test" }, { actor: "test", now: () => new Date() });
    const server = await startServer({ store, host: "127.0.0.1", port: 0, fourEyes: true, bodyLimit: 1 << 20, secureCookies: false, logger: false, ui: null });
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${server.url}/api/v1/health`);
    assert.equal(health.status, 200);
    assert.match(health.headers.get("content-security-policy") ?? "", /default-src 'self'/);
    const res = await fetch(`${server.url}/api/v1/ingest`, {
      method: "POST", body: gzipSync(EVE_ALERT), headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson", "content-encoding": "gzip" },
    });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { accepted: number }).accepted, 1);
    assert.equal((await store.listIncidents()).length, 0, "not flushed yet: batches are saved later");
    await server.close();
    assert.equal((await store.listIncidents()).length, 1, "closing saved the batch");
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

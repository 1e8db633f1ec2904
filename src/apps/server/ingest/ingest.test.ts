import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { bearer, login, testServer, type TestServer } from "../test-helpers/server.js";
import { EXAMPLES } from "../test-helpers/seed.js";
import { loadDetection } from "./detection.js";

let s: TestServer;

before(async () => {
  s = await testServer({ deps: { detection: await loadDetection() }, build: { ingest: { flushMs: 60_000 } } });
});
after(async () => { await s.close(); });

const lines = (file: string): string[] => readFileSync(join(EXAMPLES, file), "utf8").split("\n").filter((l) => l.trim() !== "");
const cloudTrailDir = join(EXAMPLES, "cloud/aws/cloudtrail");

/** CloudTrail as CloudWatch Logs / CloudTrail Lake export it: one record per line. */
function cloudTrailLines(): string[] {
  const file = readdirSync(cloudTrailDir).find((f) => f.endsWith(".json"))!;
  const doc = JSON.parse(readFileSync(join(cloudTrailDir, file), "utf8")) as { Records: unknown[] };
  return doc.Records.map((r) => JSON.stringify(r));
}

// Suricata EVE and Zeek JSON lines as the sensors write them (field names from their documentation).
const EVE_DNS = '{"timestamp":"2026-11-19T03:14:07.123456+0000","flow_id":1846387218447025,"in_iface":"eth0","event_type":"dns","src_ip":"10.20.0.7","src_port":53211,"dest_ip":"10.20.0.2","dest_port":53,"proto":"UDP","dns":{"type":"query","id":40312,"rrname":"xmr-eu1.nanopool.org","rrtype":"A","tx_id":0}}';
const EVE_ALERT = '{"timestamp":"2026-11-19T03:14:09.000000+0000","flow_id":1846387218447026,"in_iface":"eth0","event_type":"alert","src_ip":"10.20.0.7","src_port":41234,"dest_ip":"51.15.54.102","dest_port":14444,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":2024792,"rev":4,"signature":"ET POLICY Cryptocurrency Miner Checkin","category":"Potential Corporate Privacy Violation","severity":1}}';
const ZEEK_DNS = '{"ts":1795576447.123,"uid":"CHhAvVGS1DHFjwGM9","id.orig_h":"10.20.0.8","id.orig_p":53211,"id.resp_h":"10.20.0.2","id.resp_p":53,"proto":"udp","trans_id":40312,"query":"pool.supportxmr.com","qclass":1,"qclass_name":"C_INTERNET","qtype":1,"qtype_name":"A","rcode":0,"rcode_name":"NOERROR","AA":false,"TC":false,"RD":true,"RA":true,"Z":0,"answers":["141.94.96.71"],"TTLs":[60.0],"rejected":false}';

const ingest = (body: string | Buffer, headers: Record<string, string> = {}, token = s.tokens.analyst, query = "?flush=true"): Promise<import("fastify").LightMyRequestResponse> =>
  s.app.inject({ method: "POST", url: `/api/v1/ingest${query}`, headers: { ...bearer(token), "content-type": "application/x-ndjson", ...headers }, payload: body });

interface Result { accepted: number; refused: number; refusedLines: { line: number; reason: string }[]; events: number; formats: Record<string, number>; saved?: { findings: number; created: string[] } }

test("mixed NDJSON from several sensors: each line read by its format, bad lines named, incidents saved with evidence pointing at request lines", async () => {
  const falco = lines("kubernetes/falco-alerts.json");
  const edr = lines("onprem/edr/db-prod-01-endpoint-process.ndjson");
  const trail = cloudTrailLines();
  const body = [
    ...falco, "this is not json", ...edr, "[1,2,3]", EVE_DNS, EVE_ALERT, ZEEK_DNS, '{"hello":"world"}', ...trail, "",
  ].join("\n");
  const res = await ingest(body);
  assert.equal(res.statusCode, 200, res.body);
  const r = res.json<Result>();
  assert.equal(r.refused, 3);
  const notJson = falco.length + 1;
  const array = falco.length + 1 + edr.length + 1;
  assert.deepEqual(r.refusedLines.map((l) => l.line), [notJson, array, array + 4]);
  assert.match(r.refusedLines[0]!.reason, /^not JSON/);
  assert.match(r.refusedLines[1]!.reason, /expected a JSON object per line/);
  assert.match(r.refusedLines[2]!.reason, /no known format/);
  assert.equal(r.accepted, falco.length + edr.length + 3 + trail.length);
  assert.equal(r.formats["aws.cloudtrail"], trail.length);
  assert.equal(r.formats["suricata.eve"], 2);
  assert.ok(Object.keys(r.formats).some((f) => f.startsWith("zeek")), JSON.stringify(r.formats));
  assert.ok(Object.keys(r.formats).some((f) => f.includes("falco")), JSON.stringify(r.formats));
  assert.ok(r.events >= r.accepted - 5);
  assert.ok(r.saved && r.saved.findings > 0 && r.saved.created.length > 0, JSON.stringify(r.saved));

  const queue = (await s.app.inject({ method: "GET", url: "/api/v1/incidents", headers: bearer(s.tokens.viewer) })).json<{ incidents: { id: string; title: string }[] }>();
  assert.ok(queue.incidents.some((i) => /db-prod-01/.test(i.title)), queue.incidents.map((i) => i.title).join("; "));
  const evidence = [];
  for (const i of queue.incidents) {
    evidence.push(...(await s.app.inject({ method: "GET", url: `/api/v1/incidents/${i.id}/evidence`, headers: bearer(s.tokens.viewer) })).json<{ file: string; line?: number }[]>());
  }
  const fromIngest = evidence.filter((e) => e.file.startsWith("ingest/analyst/"));
  assert.ok(fromIngest.length > 0);
  const bodyLines = body.split("\n");
  for (const e of fromIngest) {
    assert.ok(e.line !== undefined && e.line >= 1 && e.line <= bodyLines.length);
    assert.notEqual(e.line, notJson);
  }
  const scans = await s.store.listScans();
  assert.match(scans[0]!.by, /^ingest:analyst$/);
});

test("gzip bodies are accepted; a zip bomb stops at the body limit; other encodings are refused", async () => {
  const gz = await ingest(gzipSync([EVE_DNS, ZEEK_DNS].join("\n")), { "content-encoding": "gzip" });
  assert.equal(gz.statusCode, 200, gz.body);
  assert.equal(gz.json<Result>().accepted, 2);
  // 64 MiB of newlines packs into ~64 KiB; the limit (4 MiB) is enforced on what it unpacks to.
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x0a), { level: 9 });
  assert.ok(bomb.length < 4 * 1024 * 1024);
  const refused = await ingest(bomb, { "content-encoding": "gzip" });
  assert.equal(refused.statusCode, 413);
  assert.match(refused.json<{ message: string }>().message, /unpacks to more than 4194304 bytes/);
  assert.equal((await ingest("x", { "content-encoding": "br" })).statusCode, 415);
  assert.equal((await ingest(Buffer.from("not gzip at all"), { "content-encoding": "gzip" })).statusCode, 400);
  const tooBig = await ingest(Buffer.alloc(5 * 1024 * 1024, 0x0a));
  assert.equal(tooBig.statusCode, 413);
});

test("ingest needs an analyst: a viewer token is 403, no token 401; a session needs its CSRF token", async () => {
  assert.equal((await ingest(EVE_DNS, {}, s.tokens.viewer)).statusCode, 403);
  const anon = await s.app.inject({ method: "POST", url: "/api/v1/ingest", headers: { "content-type": "application/x-ndjson" }, payload: EVE_DNS });
  assert.equal(anon.statusCode, 401);
  const { cookie, csrf } = await login(s.app, "analyst");
  const noCsrf = await s.app.inject({ method: "POST", url: "/api/v1/ingest", headers: { cookie, "content-type": "application/x-ndjson" }, payload: EVE_DNS });
  assert.equal(noCsrf.statusCode, 403);
  const withCsrf = await s.app.inject({ method: "POST", url: "/api/v1/ingest?flush=false", headers: { cookie, "x-csrf-token": csrf, "content-type": "application/x-ndjson" }, payload: EVE_DNS });
  assert.equal(withCsrf.statusCode, 200);
  assert.equal(withCsrf.json<Result>().saved, undefined);
});

test("a single JSON object sent as application/json is one line", async () => {
  const res = await ingest(EVE_ALERT, { "content-type": "application/json" });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json<Result>().accepted, 1);
});

test("a stream of CloudTrail: the launch burst and the new IAM user are saved once event time has passed them, not at shutdown", async () => {
  const own = await testServer({ deps: { detection: await loadDetection() }, build: { ingest: { flushMs: 60_000 } } });
  try {
    const post = async (body: string): Promise<Result> => {
      const res = await own.app.inject({ method: "POST", url: "/api/v1/ingest?flush=true", headers: { ...bearer(own.tokens.analyst), "content-type": "application/x-ndjson" }, payload: body });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<Result>();
    };
    /** The rules behind the stored incidents' findings. */
    const rules = async (): Promise<Set<string>> => {
      const get = (url: string) => own.app.inject({ method: "GET", url, headers: bearer(own.tokens.viewer) });
      const out = new Set<string>();
      for (const i of (await get("/api/v1/incidents")).json<{ incidents: { id: string }[] }>().incidents) {
        for (const f of (await get(`/api/v1/incidents/${i.id}/findings`)).json<{ rule: { id: string } }[]>()) out.add(f.rule.id);
      }
      return out;
    };
    const night = cloudTrailLines();
    await post(night.join("\n"));
    const early = await rules();
    assert.ok(!early.has("run-instances-burst") && !early.has("iam-persistence"), `windows still open (an hour of lateness, bursts that may grow): ${[...early].join(", ")}`);
    // The next day, the account's ordinary admin reads its instances: event time moves on, the windows close.
    const nextDay = JSON.parse(night[0]!) as Record<string, unknown>;
    nextDay["eventTime"] = "2026-11-20T09:00:00Z";
    nextDay["eventID"] = "5b0f2c7e-0d0b-4d5e-9d5e-2f7f3a9c1e01";
    await post(JSON.stringify(nextDay));
    const later = await rules();
    assert.ok(later.has("run-instances-burst") && later.has("iam-persistence"), [...later].join(", "));
  } finally {
    await own.close();
  }
});

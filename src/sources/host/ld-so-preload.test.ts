import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWith, sniffWith } from "../../test-helpers/index.js";
import { ldSoPreloadSource } from "./ld-so-preload.js";

test("each preloaded library is an event with its line; comments and ':' separators are handled", async () => {
  const text = "# added by installer\n/usr/local/lib/libprocesshider.so\n/lib/x86_64-linux-gnu/libsnoopy.so:/usr/lib/libhide.so # two\n\n";
  const { events, issues } = await parseWith(ldSoPreloadSource, text, "case/etc/ld.so.preload");
  assert.deepEqual(issues, []);
  assert.deepEqual(events.map((e) => [e["minerhunt.line"], e["file.target_path"]]), [
    [2, "/usr/local/lib/libprocesshider.so"],
    [3, "/lib/x86_64-linux-gnu/libsnoopy.so"],
    [3, "/usr/lib/libhide.so"],
  ]);
  assert.equal(events[0]!["event.dataset"], "linux.ld_so_preload");
  assert.equal(events[0]!["file.path"], "case/etc/ld.so.preload");
  assert.deepEqual(events[0]!["event.category"], ["configuration"]);
});

test("an empty ld.so.preload yields nothing; sniffing is by file name", async () => {
  assert.equal((await parseWith(ldSoPreloadSource, "", "etc/ld.so.preload")).events.length, 0);
  assert.ok(await sniffWith(ldSoPreloadSource, "/usr/local/lib/libprocesshider.so\n", "etc/ld.so.preload") >= 0.9);
  assert.equal(await sniffWith(ldSoPreloadSource, "/usr/local/lib/libprocesshider.so\n", "etc/ld.so.conf"), 0);
});

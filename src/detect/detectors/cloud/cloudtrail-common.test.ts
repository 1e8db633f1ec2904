import { test } from "node:test";
import assert from "node:assert/strict";
import { BoundedGroups, findBursts, normalisedErrorCode, principalOf } from "./cloudtrail-common.js";
import { trail } from "./test-helpers/cloudtrail-events.js";

test("principal: access key first, then ARN, then user name; empty values do not count", () => {
  const withKey = trail({ time: "2026-11-20T03:14:07Z", action: "RunInstances" });
  assert.equal(principalOf(withKey)?.key, "AKIAIOSFODNN7EXAMPLE");
  const noKey = trail({ time: "2026-11-20T03:14:07Z", action: "RunInstances", key: "", arn: "arn:aws:sts::111122223333:assumed-role/ec2-admin/i-0abc" });
  assert.equal(principalOf(noKey)?.key, "arn:aws:sts::111122223333:assumed-role/ec2-admin/i-0abc");
  const nothing = trail({ time: "2026-11-20T03:14:07Z", action: "RunInstances", key: "", arn: "", userName: "" });
  assert.equal(principalOf(nothing), undefined);
});

test("error codes with and without the Client./Server. prefix are one code", () => {
  assert.equal(normalisedErrorCode(trail({ time: "2026-11-20T03:14:07Z", action: "RunInstances", errorCode: "Client.VcpuLimitExceeded" })), "VcpuLimitExceeded");
  assert.equal(normalisedErrorCode(trail({ time: "2026-11-20T03:14:07Z", action: "RunInstances", errorCode: "Server.InsufficientInstanceCapacity" })), "InsufficientInstanceCapacity");
  assert.equal(normalisedErrorCode(trail({ time: "2026-11-20T03:14:07Z", action: "RunInstances" })), undefined);
});

test("bounded groups drop new principals past the cap and records past a group's cap", () => {
  const groups = new BoundedGroups<number>(2, 3);
  const p = (key: string) => ({ key });
  for (let i = 0; i < 5; i++) groups.add(p("a"), i);
  groups.add(p("b"), 1);
  groups.add(p("c"), 1);
  assert.equal(groups.groups.size, 2);
  assert.deepEqual(groups.groups.get("a")?.items, [0, 1, 2]);
  assert.equal(groups.dropped, 3);

  const total = new BoundedGroups<number>(10, 10, 4);
  for (const k of ["a", "b", "c"]) for (let i = 0; i < 2; i++) total.add(p(k), i);
  assert.equal([...total.groups.values()].reduce((n, g) => n + g.items.length, 0), 4);
  assert.equal(total.dropped, 2);
});

test("bursts: qualifying windows, chained while gaps stay within the window", () => {
  const items = [0, 10, 20, 200, 250, 290, 1000].map((m) => ({ timeMs: m * 60_000, m }));
  const bursts = findBursts(items, 60 * 60_000, (w) => w.length >= 2);
  assert.deepEqual(bursts.map((b) => b.map((x) => x.m)), [[0, 10, 20], [200, 250, 290]]);
  assert.deepEqual(findBursts(items, 60 * 60_000, () => false), []);
});

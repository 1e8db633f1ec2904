import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PLAYBOOK_DIR, PlaybookError, loadPlaybookFile, loadPlaybooks } from "../playbook/index.js";
import { defaultRegistry } from "./actions/index.js";
import { MANUAL_ACTIONS } from "./actions/manual.js";
import { ActionRegistry, kubernetesRule, leastPrivilegePolicy } from "./registry.js";
import { FakeCloud, fakeActions } from "./test-helpers/fake-actions.js";
import type { ActionDefinition } from "./types.js";

test("every playbook loads against the registry: each action name it uses exists", () => {
  const books = loadPlaybooks(PLAYBOOK_DIR, { actions: defaultRegistry().names() });
  assert.ok(books.has("PB-31") && books.has("PB-16") && books.has("PB-32"));
});

test("an unknown action name in a playbook fails to load with file:line", () => {
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-pb-"));
  try {
    const text = readFileSync(join(PLAYBOOK_DIR, "pb-31.yaml"), "utf8").replace("actions: [block-ports]", "actions: [block-portz]");
    const file = join(dir, "pb-31.yaml");
    writeFileSync(file, text);
    const line = text.slice(0, text.indexOf("block-portz")).split("\n").length;
    assert.throws(() => loadPlaybookFile(file, { actions: defaultRegistry().names() }), (err: unknown) => {
      assert.ok(err instanceof PlaybookError);
      assert.equal(err.problems.length, 1);
      assert.equal(err.problems[0]!.line, line);
      assert.match(err.message, new RegExp(`pb-31\\.yaml:${line}: containment\\[4\\]\\.actions\\[0\\]: unknown response action "block-portz": expected one of .*block-ports`));
      return true;
    });
    // Without the registry's names nothing is checked (playbook/ knows nothing of respond/).
    assert.equal(loadPlaybookFile(file).id, "PB-31");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a connector's action replaces the manual stand-in of the same name; a name twice is an error", () => {
  const cloud = new FakeCloud();
  const registry = new ActionRegistry(fakeActions(cloud), MANUAL_ACTIONS);
  assert.equal(registry.get("terminate-instance")?.provider, "aws");
  assert.equal(registry.get("patch-entry-vector")?.provider, "manual");
  assert.equal(registry.list().length, new Set([...MANUAL_ACTIONS.map((a) => a.name), "snapshot-instance"]).size);
  assert.throws(() => new ActionRegistry([...fakeActions(cloud), ...fakeActions(cloud)]), /"snapshot-instance" is registered twice/);
  const bad = { ...fakeActions(cloud)[0]!, name: "Bad_Name" } as ActionDefinition;
  assert.throws(() => new ActionRegistry([bad]), /not kebab-case/);
});

test("the least-privilege policy lists exactly what the actions declare, one IAM statement per action", () => {
  const cloud = new FakeCloud();
  const defs = fakeActions(cloud);
  const k8s = { ...defs[0]!, name: "delete-workload", provider: "kubernetes", permissions: ["batch/cronjobs:delete", "batch/cronjobs:get", "pods:delete", "networking.k8s.io/networkpolicies:create"] } as ActionDefinition;
  const gcp = { ...defs[0]!, name: "stop-vm-gcp", provider: "gcp", permissions: ["compute.instances.stop", "compute.instances.get"] } as ActionDefinition;
  const policy = leastPrivilegePolicy([...defs, k8s, gcp, ...MANUAL_ACTIONS]);
  assert.deepEqual(policy.aws, {
    Version: "2012-10-17",
    Statement: [
      { Sid: "SnapshotInstance", Effect: "Allow", Action: ["ec2:CreateSnapshots", "ec2:DescribeSnapshots"], Resource: "*" },
      { Sid: "IsolateInstance", Effect: "Allow", Action: ["ec2:DescribeInstances", "ec2:ModifyInstanceAttribute"], Resource: "*" },
      { Sid: "TerminateInstance", Effect: "Allow", Action: ["ec2:DescribeInstances", "ec2:TerminateInstances"], Resource: "*" },
    ],
  });
  assert.deepEqual(policy.kubernetes?.rules, [
    { apiGroups: [""], resources: ["pods"], verbs: ["delete"] },
    { apiGroups: ["batch"], resources: ["cronjobs"], verbs: ["delete", "get"] },
    { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["create"] },
  ]);
  assert.deepEqual(policy.gcp?.includedPermissions, ["compute.instances.get", "compute.instances.stop"]);
  assert.deepEqual(policy.local, ["CAP_KILL"]);
  assert.equal(policy.azure, undefined);
  assert.equal(policy.byAction["patch-entry-vector"], undefined, "manual actions need no permission");
  assert.throws(() => kubernetesRule("delete pods"), /expected "<apiGroup>\/<resource>:<verb>"/);
  const wrong = { ...defs[0]!, permissions: ["TerminateInstances"] } as ActionDefinition;
  assert.throws(() => leastPrivilegePolicy([wrong]), /not an IAM action/);
});

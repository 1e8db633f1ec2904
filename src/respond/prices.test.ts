import { test } from "node:test";
import assert from "node:assert/strict";
import { loadPriceTable, parsePriceFile, PriceTableError, YamlPriceTable } from "./prices.js";

test("the shipped price table loads and prices the families miners use, per region", () => {
  const t = loadPriceTable();
  assert.equal(t.instanceUsdPerHour("aws", "c5.xlarge", "us-east-1"), 0.17);
  assert.equal(t.instanceUsdPerHour("aws", "p3.2xlarge", "us-west-2"), 3.06);
  assert.ok((t.instanceUsdPerHour("aws", "g4dn.xlarge", "ap-southeast-1") ?? 0) > (t.instanceUsdPerHour("aws", "g4dn.xlarge", "us-east-1") ?? Infinity));
  for (const type of ["c5.4xlarge", "c6i.4xlarge", "c7i.4xlarge", "m5.xlarge", "m6i.xlarge", "r5.xlarge", "t3.medium", "g4dn.xlarge", "g5.xlarge", "p3.2xlarge", "p4d.24xlarge", "inf1.xlarge", "inf2.xlarge"]) {
    assert.ok(t.instanceUsdPerHour("aws", type, "us-east-1") !== undefined, type);
  }
  // A region not listed: the cheapest listed one, never more.
  assert.equal(t.instanceUsdPerHour("aws", "c5.xlarge", "sa-east-1"), 0.17);
  assert.equal(t.instanceUsdPerHour("aws", "x9.huge", "us-east-1"), undefined);
  assert.ok(t.instanceUsdPerHour("azure", "Standard_NC6s_v3", "eastus") !== undefined);
  assert.ok(t.instanceUsdPerHour("gcp", "a2-highgpu-1g", "us-central1") !== undefined);
  for (const f of t.files) assert.match(f.date, /^\d{4}-\d{2}-\d{2}$/, `${f.file} states its date`);
});

test("a bad price file is refused with file:line and what was expected", () => {
  const text = `provider: aws
source: "test"
date: "2026-12-04"
currency: USD
prices:
  c5.large: { us-east-1: 0.085 }
  c5.xlarge: { us-east-1: -1 }
  "c5 big": { us-east-1: 1 }
`;
  assert.throws(() => parsePriceFile(text, "aws.yaml"), (err: unknown) => {
    assert.ok(err instanceof PriceTableError);
    assert.ok(err.problems.some((p) => /^aws\.yaml:7: prices\.c5\.xlarge\.us-east-1: a price in USD per hour, above 0$/.test(p)), err.message);
    assert.ok(err.problems.some((p) => /^aws\.yaml:8: prices\.c5 big: "c5 big" is not an instance type such as c5\.4xlarge$/.test(p)), err.message);
    return true;
  });
  assert.throws(() => parsePriceFile("provider: aws\nsource: x\ndate: today\ncurrency: USD\nprices: {}\n", "a.yaml"), /a\.yaml:3: date: the date the prices were taken/);
  assert.throws(() => parsePriceFile("provider: aws\nprovider: gcp\n", "dup.yaml"), /dup\.yaml:2: not valid YAML/);
  const one = parsePriceFile("provider: aws\nsource: x\ndate: 2026-01-01\ncurrency: USD\nprices:\n  c5.large: { us-east-1: 0.085 }\n", "one.yaml");
  assert.throws(() => new YamlPriceTable([one, { ...one, file: "two.yaml" }]), /two\.yaml: c5\.large is priced in another aws file too/);
});

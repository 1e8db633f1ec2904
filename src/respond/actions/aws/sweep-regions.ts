/** PB-31 2.2 "check every region", as a read-only step: the sweep runs at execution, and a failed region leaves the step unverified. */
import { z } from "zod";
import { loadIntel, type Intel } from "../../../intel/index.js";
import { sweepAws, type SweepResult } from "../../connectors/aws/sweep.js";
import type { ActionDefinition, ResponseContext } from "../../types.js";
import { bi, needAws, noClientStep } from "./common.js";

let intel: Intel | undefined;
const results = new WeakMap<ResponseContext, Map<string, SweepResult>>();

export const sweepRegions: ActionDefinition<{ regions?: string[] }> = {
  name: "sweep-regions",
  title: bi("Sweep every region for mining instances", "ตรวจทุก region หา instance ที่ขุด"),
  provider: "aws",
  params: z.object({ regions: z.array(z.string()).optional() }),
  permissions: ["ec2:DescribeRegions", "ec2:DescribeInstances", "ec2:DescribeInstanceAttribute", "cloudtrail:LookupEvents", "iam:ListUsers", "iam:ListAccessKeys", "sts:GetCallerIdentity"],
  risk: "read",
  undoable: false,
  async plan(input, ctx) {
    if (!ctx.clients.aws) return [noClientStep("sweep-regions")];
    const account = await ctx.clients.aws.accountId().catch(() => undefined);
    return [{
      key: account ?? "account", target: { kind: "account", id: account ?? "aws", provider: "aws", account }, params: input.params,
      before: {}, after: {}, risk: "read", undoable: false,
      call: `ec2:DescribeRegions; per region: ec2:DescribeInstances (paginated), ec2:DescribeInstanceAttribute userData, cloudtrail:LookupEvents RunInstances${input.params.regions ? ` Regions=${input.params.regions.join(",")}` : ""}`,
      why: bi("Attackers launch in regions nobody watches: every enabled region is checked", "ผู้โจมตีสร้างใน region ที่ไม่มีใครดู: ตรวจทุก region ที่เปิดอยู่"),
    }];
  },
  async precondition() { return undefined; },
  async execute(step, ctx) {
    intel ??= loadIntel();
    const r = await sweepAws(needAws(ctx), intel, ctx.prices, { regions: step.params.regions as string[] | undefined, now: ctx.now(), signal: ctx.signal });
    let byStep = results.get(ctx);
    if (!byStep) results.set(ctx, (byStep = new Map()));
    byStep.set(step.id, r);
    return { detail: { regions: r.regions.length, failures: r.failures, suspects: r.suspects.map((s) => ({ id: s.id, region: s.region, type: s.type })), usdPerHour: r.usdPerHour } };
  },
  async verify(step, ctx) {
    const r = results.get(ctx)?.get(step.id);
    if (!r) return { ok: false, observed: {}, reason: "the sweep has not run in this session" };
    const observed = { regions: r.regions.length, failed: r.failures.map((f) => f.region), suspects: r.suspects.length };
    return r.failures.length
      ? { ok: false, observed, reason: `regions not swept: ${r.failures.map((f) => `${f.region} (${f.error})`).join("; ")}` }
      : { ok: true, observed };
  },
};

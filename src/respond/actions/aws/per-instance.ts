/** Planning one step per instance of the incident, with the checks every instance action makes the same way. */
import type { ResponseContext, PlanInput, PlannedStep } from "../../types.js";
import { bi, instanceTarget, isProtected, live, noClientStep, protectedReason, refusedStep, resolveInstances, unresolvedSteps, type AwsTargetParams, type InstanceFacts } from "./common.js";

export type BuildStep = (i: InstanceFacts, base: Pick<PlannedStep, "key" | "target" | "usdPerHour">) => PlannedStep | undefined;

export async function planPerInstance(action: string, input: PlanInput<AwsTargetParams>, ctx: ResponseContext, build: BuildStep): Promise<PlannedStep[]> {
  if (!ctx.clients.aws) return [noClientStep(action)];
  const resolved = await resolveInstances(input, ctx);
  const steps = unresolvedSteps(action, resolved);
  let account: string | undefined;
  try { account = await ctx.clients.aws.accountId(); } catch { account = undefined; }
  for (const i of resolved.instances) {
    const target = instanceTarget(i, account);
    const usdPerHour = live(i) && i.state !== "stopped" ? ctx.prices.instanceUsdPerHour("aws", i.type, i.region) : 0;
    const hit = isProtected(ctx, i.id, account, i.tags.Name);
    if (hit) {
      steps.push(refusedStep(i.id, target, "-", protectedReason(hit), bi(`${action} on ${i.id}`, `${action} กับ ${i.id}`)));
      continue;
    }
    if (!live(i)) {
      steps.push(refusedStep(i.id, target, "-", bi(`${i.id} is already ${i.state}`, `${i.id} อยู่ในสถานะ ${i.state} แล้ว`), bi(`${action} on ${i.id}`, `${action} กับ ${i.id}`)));
      continue;
    }
    const step = build(i, { key: i.id, target, usdPerHour });
    if (step) steps.push(step);
  }
  return steps;
}

/** The region and id of an instance step (checked: a step's target is stored data). */
export function instanceOf(step: { target: { id: string; region?: string } }): { id: string; region: string } {
  if (!step.target.region) throw new Error(`step target ${step.target.id} has no region`);
  return { id: step.target.id, region: step.target.region };
}

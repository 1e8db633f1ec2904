/**
 * Recovery guardrails: GuardDuty in every region, a cost budget with alerts, and the SCP that denies mining
 * instance types and unused regions. Each is undoable (what minerhunt created is removed; what was there
 * before is left as it was).
 */
import { CreateBudgetCommand, DeleteBudgetCommand, DescribeBudgetCommand } from "@aws-sdk/client-budgets";
import { CreateDetectorCommand, DeleteDetectorCommand, GetDetectorCommand, ListDetectorsCommand, UpdateDetectorCommand } from "@aws-sdk/client-guardduty";
import { AttachPolicyCommand, CreatePolicyCommand, DeletePolicyCommand, DetachPolicyCommand, ListPoliciesCommand, ListPoliciesForTargetCommand, ListRootsCommand } from "@aws-sdk/client-organizations";
import { z } from "zod";
import { awsErrorCode, awsErrorText } from "../../connectors/aws/clients.js";
import { mapLimit } from "../../connectors/aws/limit.js";
import { listRegions } from "../../connectors/aws/sweep.js";
import type { AwsClients } from "../../connectors/aws/types.js";
import type { ActionDefinition, PlannedStep } from "../../types.js";
import { bi, needAws, noClientStep, refusedStep } from "./common.js";
import { defaultDeniedInstanceTypes, guardrailPolicy } from "./scp.js";

async function detectorState(aws: AwsClients, region: string): Promise<{ id?: string; status: string }> {
  const ids = (await aws.guardDuty(region).send(new ListDetectorsCommand({}))).DetectorIds ?? [];
  if (!ids.length) return { status: "none" };
  const d = await aws.guardDuty(region).send(new GetDetectorCommand({ DetectorId: ids[0] }));
  return { id: ids[0], status: d.Status ?? "unknown" };
}

export const enableGuardDuty: ActionDefinition<{ regions?: string[] }> = {
  name: "enable-guardduty",
  title: bi("Turn on GuardDuty in every region", "เปิด GuardDuty ทุก region"),
  provider: "aws",
  params: z.object({ regions: z.array(z.string()).optional() }),
  permissions: ["ec2:DescribeRegions", "guardduty:ListDetectors", "guardduty:GetDetector", "guardduty:CreateDetector", "guardduty:UpdateDetector", "guardduty:DeleteDetector", "iam:CreateServiceLinkedRole"],
  risk: "low",
  undoable: true,
  async plan(input, ctx) {
    if (!ctx.clients.aws) return [noClientStep("enable-guardduty")];
    const aws = ctx.clients.aws;
    const regions = input.params.regions ?? await listRegions(aws);
    const why = bi("GuardDuty reports mining (CryptoCurrency:EC2/BitcoinTool.B and kin) in every region, including the ones nobody watches",
      "GuardDuty แจ้งการขุด (CryptoCurrency:EC2/BitcoinTool.B ฯลฯ) ในทุก region รวมถึงที่ไม่มีใครดู");
    const steps = await mapLimit(regions, 6, async (region): Promise<PlannedStep | undefined> => {
      const target = { kind: "detector" as const, id: `guardduty:${region}`, provider: "aws" as const, region };
      try {
        const s = await detectorState(aws, region);
        if (s.status === "ENABLED") return undefined;
        return { key: region, target, params: {}, before: { detector: s.status, id: s.id }, after: { detector: "ENABLED" }, risk: "low", undoable: true, why,
          call: s.id ? `guardduty:UpdateDetector DetectorId=${s.id} Enable=true Region=${region}` : `guardduty:CreateDetector Enable=true Region=${region}` };
      } catch (err) {
        return refusedStep(region, target, "-", bi(`GuardDuty in ${region} could not be read: ${awsErrorText(err)}`, `อ่าน GuardDuty ใน ${region} ไม่ได้: ${awsErrorText(err)}`), why);
      }
    });
    return steps.filter((s): s is PlannedStep => !!s);
  },
  async precondition() { return undefined; },
  async execute(step, ctx) {
    const aws = needAws(ctx);
    const region = step.target.region!;
    const s = await detectorState(aws, region);
    if (s.status === "ENABLED") return {};
    if (s.id) {
      await aws.guardDuty(region).send(new UpdateDetectorCommand({ DetectorId: s.id, Enable: true }));
      return { undo: { disable: s.id } };
    }
    const made = await aws.guardDuty(region).send(new CreateDetectorCommand({ Enable: true }));
    return { undo: { delete: made.DetectorId } };
  },
  async verify(step, ctx) {
    const s = await detectorState(needAws(ctx), step.target.region!);
    return { ok: s.status === "ENABLED", observed: { detector: s.status, id: s.id }, reason: s.status === "ENABLED" ? undefined : `detector is ${s.status}` };
  },
  async undo(step, undo, ctx) {
    const gd = needAws(ctx).guardDuty(step.target.region!);
    if (typeof undo.delete === "string") await gd.send(new DeleteDetectorCommand({ DetectorId: undo.delete }));
    if (typeof undo.disable === "string") await gd.send(new UpdateDetectorCommand({ DetectorId: undo.disable, Enable: false }));
  },
};

const BudgetParams = z.object({
  name: z.string().regex(/^[^:\\]{1,100}$/).default("minerhunt-cost-guard"),
  limitUsd: z.number().positive().default(1000),
  emails: z.array(z.string().email()).default([]),
});

export const budgetAlert: ActionDefinition<z.infer<typeof BudgetParams>> = {
  name: "budget-alert",
  title: bi("Create a monthly cost budget with alerts", "สร้าง budget รายเดือนพร้อมการแจ้งเตือน"),
  provider: "aws",
  params: BudgetParams,
  permissions: ["sts:GetCallerIdentity", "budgets:ViewBudget", "budgets:ModifyBudget"],
  risk: "low",
  undoable: true,
  async plan(input, ctx) {
    if (!ctx.clients.aws) return [noClientStep("budget-alert")];
    const { name, limitUsd, emails } = input.params;
    const account = await ctx.clients.aws.accountId();
    const target = { kind: "budget" as const, id: name, provider: "aws" as const, account };
    const why = bi(`Alert at 80% actual and 100% forecast of $${limitUsd} a month: the next miner shows up in days, not at the invoice`,
      `แจ้งเตือนที่ 80% ของจริงและ 100% ของที่คาดการณ์จาก $${limitUsd} ต่อเดือน: miner ครั้งต่อไปจะเห็นในไม่กี่วัน ไม่ใช่ตอนได้ใบแจ้งหนี้`);
    if (!emails.length) return [refusedStep(name, target, "-", bi("needs at least one e-mail address to alert (params.emails)", "ต้องมีอีเมลอย่างน้อยหนึ่งที่อยู่ (params.emails)"), why, input.params)];
    return [{ key: name, target, params: input.params, before: {}, after: { budget: name, limitUsd, alerts: ["ACTUAL > 80%", "FORECASTED > 100%"], emails },
      call: `budgets:CreateBudget AccountId=${account} BudgetName=${name} Limit=${limitUsd} USD MONTHLY COST`, risk: "low", undoable: true, why }];
  },
  async precondition() { return undefined; },
  async execute(step, ctx) {
    const aws = needAws(ctx);
    const AccountId = await aws.accountId();
    const { name, limitUsd, emails } = BudgetParams.parse(step.params);
    try {
      await aws.budgets().send(new DescribeBudgetCommand({ AccountId, BudgetName: name }));
      return {};
    } catch (err) {
      if (awsErrorCode(err) !== "NotFoundException") throw err;
    }
    const Subscribers = emails.map((Address) => ({ SubscriptionType: "EMAIL" as const, Address }));
    await aws.budgets().send(new CreateBudgetCommand({
      AccountId,
      Budget: { BudgetName: name, BudgetLimit: { Amount: String(limitUsd), Unit: "USD" }, TimeUnit: "MONTHLY", BudgetType: "COST" },
      NotificationsWithSubscribers: [
        { Notification: { NotificationType: "ACTUAL", ComparisonOperator: "GREATER_THAN", Threshold: 80, ThresholdType: "PERCENTAGE" }, Subscribers },
        { Notification: { NotificationType: "FORECASTED", ComparisonOperator: "GREATER_THAN", Threshold: 100, ThresholdType: "PERCENTAGE" }, Subscribers },
      ],
    }));
    return { undo: { created: name } };
  },
  async verify(step, ctx) {
    const aws = needAws(ctx);
    try {
      const b = await aws.budgets().send(new DescribeBudgetCommand({ AccountId: await aws.accountId(), BudgetName: step.target.id }));
      return { ok: true, observed: { budget: b.Budget?.BudgetName, limit: b.Budget?.BudgetLimit?.Amount } };
    } catch (err) {
      return { ok: false, observed: {}, reason: awsErrorText(err) };
    }
  },
  async undo(_step, undo, ctx) {
    if (typeof undo.created !== "string") return;
    const aws = needAws(ctx);
    await aws.budgets().send(new DeleteBudgetCommand({ AccountId: await aws.accountId(), BudgetName: undo.created }));
  },
};

const ScpParams = z.object({
  name: z.string().regex(/^[\w+=,.@-]{1,128}$/).default("minerhunt-guardrail"),
  allowedRegions: z.array(z.string()).optional(),
  deniedInstanceTypes: z.array(z.string()).optional(),
  exemptPrincipalArns: z.array(z.string()).optional(),
});
const SCP = "SERVICE_CONTROL_POLICY";

export const scpGuardrail: ActionDefinition<z.infer<typeof ScpParams>> = {
  name: "scp-guardrail",
  title: bi("Service control policy: deny GPU/large instance types and unused regions", "SCP: ห้าม instance GPU/ขนาดใหญ่ และ region ที่ไม่ใช้"),
  provider: "aws",
  params: ScpParams,
  permissions: ["organizations:ListRoots", "organizations:ListPolicies", "organizations:CreatePolicy", "organizations:AttachPolicy", "organizations:ListPoliciesForTarget", "organizations:DetachPolicy", "organizations:DeletePolicy"],
  risk: "medium",
  undoable: true,
  async plan(input, ctx) {
    if (!ctx.clients.aws) return [noClientStep("scp-guardrail")];
    const p = input.params;
    const target = { kind: "organization" as const, id: "root", provider: "aws" as const };
    const why = bi("Applies to every account of the organization: mining instance types and regions nobody uses can no longer be launched",
      "ใช้กับทุกบัญชีใน organization: instance ประเภทที่ใช้ขุดและ region ที่ไม่มีใครใช้จะสร้างไม่ได้อีก");
    if (!p.allowedRegions?.length) return [refusedStep(p.name, target, "-", bi("say which regions stay allowed (params.allowedRegions): denying by guess would stop real workloads", "ต้องระบุ region ที่อนุญาต (params.allowedRegions): การเดาอาจหยุดงานจริง"), why, p)];
    let doc: string;
    try {
      doc = guardrailPolicy({ allowedRegions: p.allowedRegions, deniedInstanceTypes: p.deniedInstanceTypes ?? defaultDeniedInstanceTypes(), exemptPrincipalArns: p.exemptPrincipalArns });
    } catch (err) {
      return [refusedStep(p.name, target, "-", bi((err as Error).message, (err as Error).message), why, p)];
    }
    try {
      const roots = (await ctx.clients.aws.organizations().send(new ListRootsCommand({}))).Roots ?? [];
      const root = roots[0]?.Id;
      if (!root) throw new Error("no organization root");
      return [{ key: p.name, target: { ...target, id: root }, params: { ...p, document: doc }, before: {}, after: { policy: p.name, attachedTo: root },
        call: `organizations:CreatePolicy Type=${SCP} Name=${p.name}; organizations:AttachPolicy TargetId=${root}`, risk: "medium", undoable: true, why }];
    } catch (err) {
      return [refusedStep(p.name, target, "-", bi(`Organizations could not be read (a member account, or no permission): ${awsErrorText(err)}`, `อ่าน Organizations ไม่ได้: ${awsErrorText(err)}`), why, p)];
    }
  },
  async precondition() { return undefined; },
  async execute(step, ctx) {
    const org = needAws(ctx).organizations();
    const name = String(step.params.name);
    const existing = ((await org.send(new ListPoliciesCommand({ Filter: SCP }))).Policies ?? []).find((x) => x.Name === name);
    const id = existing?.Id ?? (await org.send(new CreatePolicyCommand({ Name: name, Type: SCP, Description: "minerhunt: deny mining instance types and unused regions", Content: String(step.params.document) }))).Policy?.PolicySummary?.Id;
    if (!id) throw new Error("CreatePolicy returned no id");
    const on = ((await org.send(new ListPoliciesForTargetCommand({ TargetId: step.target.id, Filter: SCP }))).Policies ?? []).some((x) => x.Id === id);
    if (!on) await org.send(new AttachPolicyCommand({ PolicyId: id, TargetId: step.target.id }));
    return { undo: { policyId: id, created: !existing, attached: !on } };
  },
  async verify(step, ctx) {
    const org = needAws(ctx).organizations();
    const on = ((await org.send(new ListPoliciesForTargetCommand({ TargetId: step.target.id, Filter: SCP }))).Policies ?? []).map((x) => x.Name);
    const ok = on.includes(String(step.params.name));
    return { ok, observed: { attached: on }, reason: ok ? undefined : "policy not attached to the root" };
  },
  async undo(step, undo, ctx) {
    const org = needAws(ctx).organizations();
    const id = String(undo.policyId);
    if (undo.attached === true) await org.send(new DetachPolicyCommand({ PolicyId: id, TargetId: step.target.id }));
    if (undo.created === true) await org.send(new DeletePolicyCommand({ PolicyId: id }));
  },
};

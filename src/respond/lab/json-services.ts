/**
 * The lab's JSON services: CloudTrail LookupEvents, Budgets and Organizations (JSON 1.1, X-Amz-Target) and
 * GuardDuty (REST JSON, routed by method and path).
 */
import { LabError } from "./protocol.js";
import { newId, type LabRegion, type LabWorld } from "./world.js";

type Json = Record<string, unknown>;
type Handler = (world: LabWorld, region: LabRegion, body: Json) => Json;

const str = (v: unknown, name: string): string => {
  if (typeof v !== "string" || v === "") throw new LabError("ValidationException", `${name} is required`);
  return v;
};
const seconds = (iso: string) => Date.parse(iso) / 1000;
const toTime = (v: unknown): number | undefined => (typeof v === "number" ? v * 1000 : typeof v === "string" ? Date.parse(v) : undefined);

/** LookupEvents: newest first, at most 50 a page, one lookup attribute (CloudTrail's own limits). */
const lookupEvents: Handler = (_world, region, body) => {
  const attrs = (body.LookupAttributes as { AttributeKey: string; AttributeValue: string }[] | undefined) ?? [];
  if (attrs.length > 1) throw new LabError("InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.");
  const max = typeof body.MaxResults === "number" ? body.MaxResults : 50;
  if (max < 1 || max > 50) throw new LabError("InvalidMaxResultsException", "MaxResults must be between 1 and 50.");
  const from = toTime(body.StartTime), to = toTime(body.EndTime);
  const a = attrs[0];
  const events = region.trail.filter((e) => {
    const t = Date.parse(e.time);
    if ((from !== undefined && t < from) || (to !== undefined && t > to)) return false;
    if (!a) return true;
    switch (a.AttributeKey) {
      case "EventName": return e.name === a.AttributeValue;
      case "Username": return e.username === a.AttributeValue;
      case "AccessKeyId": return e.accessKeyId === a.AttributeValue;
      case "ResourceName": return e.resources.some((r) => r.name === a.AttributeValue);
      case "EventSource": return e.source === a.AttributeValue;
      case "EventId": return e.id === a.AttributeValue;
      case "ReadOnly": return a.AttributeValue === "false";
      default: throw new LabError("InvalidLookupAttributesException", `Unknown lookup attribute ${a.AttributeKey}`);
    }
  }).sort((x, y) => Date.parse(y.time) - Date.parse(x.time));
  const start = typeof body.NextToken === "string" ? Number(Buffer.from(body.NextToken, "base64").toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw new LabError("InvalidNextTokenException", "Invalid NextToken");
  const page = events.slice(start, start + max);
  const out: Json = {
    Events: page.map((e) => ({
      EventId: e.id, EventName: e.name, ReadOnly: "false", AccessKeyId: e.accessKeyId, EventTime: seconds(e.time), EventSource: e.source,
      Username: e.username, Resources: e.resources.map((r) => ({ ResourceType: r.type, ResourceName: r.name })), CloudTrailEvent: JSON.stringify(e.record),
    })),
  };
  if (start + max < events.length) out.NextToken = Buffer.from(String(start + max)).toString("base64");
  return out;
};

export const CLOUDTRAIL: Record<string, Handler> = { LookupEvents: lookupEvents };

const budgetJson = (b: import("./world.js").LabBudget) => ({ BudgetName: b.name, BudgetLimit: { Amount: b.amount, Unit: b.unit }, TimeUnit: b.timeUnit, BudgetType: b.budgetType });

export const BUDGETS: Record<string, Handler> = {
  CreateBudget: (world, _r, body) => {
    if (body.AccountId !== world.account) throw new LabError("AccessDeniedException", `Account ${String(body.AccountId)} is not this account`);
    const b = body.Budget as Json | undefined;
    const name = str(b?.BudgetName, "Budget.BudgetName");
    if (world.budgets.has(name)) throw new LabError("DuplicateRecordException", `Error creating budget: ${name} - the budget already exists.`);
    const limit = b?.BudgetLimit as { Amount?: string; Unit?: string } | undefined;
    world.budgets.set(name, { name, amount: str(limit?.Amount, "BudgetLimit.Amount"), unit: limit?.Unit ?? "USD", timeUnit: str(b?.TimeUnit, "TimeUnit"), budgetType: str(b?.BudgetType, "BudgetType"), notifications: (body.NotificationsWithSubscribers as unknown[]) ?? [] });
    return {};
  },
  DescribeBudget: (world, _r, body) => {
    const b = world.budgets.get(str(body.BudgetName, "BudgetName"));
    if (!b) throw new LabError("NotFoundException", `Unable to get budget: ${String(body.BudgetName)} - the budget doesn't exist.`);
    return { Budget: budgetJson(b) };
  },
  DescribeNotificationsForBudget: (world, _r, body) => {
    const b = world.budgets.get(str(body.BudgetName, "BudgetName"));
    if (!b) throw new LabError("NotFoundException", `Unable to get budget: ${String(body.BudgetName)} - the budget doesn't exist.`);
    return { Notifications: b.notifications.map((n) => (n as Json).Notification) };
  },
  DeleteBudget: (world, _r, body) => {
    const name = str(body.BudgetName, "BudgetName");
    if (!world.budgets.delete(name)) throw new LabError("NotFoundException", `Unable to delete budget: ${name} - the budget doesn't exist.`);
    return {};
  },
};

const policySummary = (world: LabWorld, p: import("./world.js").LabPolicy) => ({
  Id: p.id, Arn: `arn:aws:organizations::${world.account}:policy/o-lab/service_control_policy/${p.id}`, Name: p.name, Description: p.description, Type: p.type, AwsManaged: false,
});

function policy(world: LabWorld, id: unknown) {
  const p = world.policies.get(str(id, "PolicyId"));
  if (!p) throw new LabError("PolicyNotFoundException", `We can't find a policy with the PolicyId that you specified.`);
  return p;
}

export const ORGANIZATIONS: Record<string, Handler> = {
  ListRoots: (world) => ({ Roots: [{ Id: world.rootId, Arn: `arn:aws:organizations::${world.account}:root/o-lab/${world.rootId}`, Name: "Root", PolicyTypes: [{ Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED" }] }] }),
  CreatePolicy: (world, _r, body) => {
    const name = str(body.Name, "Name");
    for (const p of world.policies.values()) if (p.name === name) throw new LabError("DuplicatePolicyException", "A policy with the same name already exists.");
    const content = str(body.Content, "Content");
    try { JSON.parse(content); } catch { throw new LabError("MalformedPolicyDocumentException", "The provided policy document doesn't meet the requirements of the specified policy type."); }
    if (content.length > 5120) throw new LabError("ConstraintViolationException", "POLICY_CONTENT_LIMIT_EXCEEDED");
    const p = { id: `p-${newId(world, "p", 8).slice(2)}`, name, description: String(body.Description ?? ""), content, type: str(body.Type, "Type"), targets: [] };
    world.policies.set(p.id, p);
    return { Policy: { PolicySummary: policySummary(world, p), Content: content } };
  },
  DescribePolicy: (world, _r, body) => {
    const p = policy(world, body.PolicyId);
    return { Policy: { PolicySummary: policySummary(world, p), Content: p.content } };
  },
  ListPolicies: (world, _r, body) => ({ Policies: [...world.policies.values()].filter((p) => p.type === body.Filter).map((p) => policySummary(world, p)) }),
  ListPoliciesForTarget: (world, _r, body) => {
    const target = str(body.TargetId, "TargetId");
    return { Policies: [...world.policies.values()].filter((p) => p.targets.includes(target) && p.type === body.Filter).map((p) => policySummary(world, p)) };
  },
  AttachPolicy: (world, _r, body) => {
    const p = policy(world, body.PolicyId);
    const target = str(body.TargetId, "TargetId");
    if (p.targets.includes(target)) throw new LabError("DuplicatePolicyAttachmentException", "The selected policy is already attached to the specified target.");
    p.targets.push(target);
    return {};
  },
  DetachPolicy: (world, _r, body) => {
    const p = policy(world, body.PolicyId);
    const target = str(body.TargetId, "TargetId");
    if (!p.targets.includes(target)) throw new LabError("PolicyNotAttachedException", "The policy you specified isn't attached to the specified target.");
    p.targets = p.targets.filter((t) => t !== target);
    return {};
  },
  DeletePolicy: (world, _r, body) => {
    const p = policy(world, body.PolicyId);
    if (p.targets.length) throw new LabError("PolicyInUseException", "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.");
    world.policies.delete(p.id);
    return {};
  },
};

/** GuardDuty's REST routes: [method, path pattern] → operation name. */
export function guardDutyOperation(method: string, path: string): { operation: string; detectorId?: string } | undefined {
  if (path === "/detector") return method === "GET" ? { operation: "ListDetectors" } : method === "POST" ? { operation: "CreateDetector" } : undefined;
  const m = /^\/detector\/([A-Za-z0-9]+)$/.exec(path);
  if (!m) return undefined;
  const op = ({ GET: "GetDetector", POST: "UpdateDetector", DELETE: "DeleteDetector" } as Record<string, string>)[method];
  return op ? { operation: op, detectorId: m[1] } : undefined;
}

export function guardDuty(world: LabWorld, region: LabRegion, operation: string, detectorId: string | undefined, body: Json): Json {
  const detector = () => {
    const d = region.detectors.get(detectorId ?? "");
    if (!d) throw new LabError("BadRequestException", "The request is rejected because the input detectorId is not owned by the current account.");
    return d;
  };
  switch (operation) {
    case "ListDetectors": return { detectorIds: [...region.detectors.keys()] };
    case "CreateDetector": {
      if (region.detectors.size) throw new LabError("BadRequestException", "The request is rejected because a detector already exists for the current account.");
      const id = newId(world, "gd", 32).slice(3);
      region.detectors.set(id, { id, status: body.enable === true ? "ENABLED" : "DISABLED", createdAt: world.now().toISOString() });
      return { detectorId: id };
    }
    case "GetDetector": {
      const d = detector();
      return { status: d.status, createdAt: d.createdAt, updatedAt: d.createdAt, serviceRole: `arn:aws:iam::${world.account}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty`, findingPublishingFrequency: "SIX_HOURS" };
    }
    case "UpdateDetector": {
      const d = detector();
      if (typeof body.enable === "boolean") d.status = body.enable ? "ENABLED" : "DISABLED";
      return {};
    }
    case "DeleteDetector": detector(); region.detectors.delete(detectorId!); return {};
    default: throw new LabError("BadRequestException", `unknown operation ${operation}`);
  }
}

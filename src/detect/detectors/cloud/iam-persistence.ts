import type { Event, Observable } from "../../../model/index.js";
import { str } from "../../../model/index.js";
import type { Detector } from "../../types.js";
import { clip, mergeEntities, obs } from "../common.js";
import {
  BoundedGroups, burstEnds, distinct, principalLabel, principalOf, succeeded,
  timeMs, trailRecord, type Principal, type TrailRecord,
} from "./cloudtrail-common.js";
import { datasetsFor } from "../../routes.js";

/**
 * IAM persistence after key theft (miners.md §e step 2): a new user, keys and a console password for
 * it, AdministratorAccess attached — by one principal within the burst window. Any two different
 * steps make a finding; one step alone is everyday administration. PB-31 sends "IAM credentials
 * stolen" to PB-16, so the finding names the principal, the users it created and the new keys.
 */

type Step = "create-user" | "create-access-key" | "create-login-profile" | "admin-policy";

const STEP_TEXT: Record<Step, string> = {
  "create-user": "created user",
  "create-access-key": "created access key",
  "create-login-profile": "gave console password",
  "admin-policy": "attached AdministratorAccess",
};

const ADMIN_POLICY_SUFFIX = ":policy/AdministratorAccess";

interface IamStep extends TrailRecord {
  step: Step;
  targetUser?: string;
  newKey?: string;
}

/**
 * Whether an inline policy grants everything: "Action": "*" (alone or in a list). Checked on the
 * bounded request JSON with whitespace removed and plain indexOf, never a regex on attacker text.
 */
export function grantsEverything(requestParameters: string): boolean {
  const compact = requestParameters.slice(0, 16_384).replace(/\s+/g, "").replace(/\\"/g, "\"");
  return compact.includes("\"Action\":\"*\"") || compact.includes("\"Action\":[\"*\"]");
}

function stepOf(event: Event): Step | undefined {
  switch (str(event, "event.action")) {
    case "CreateUser": return "create-user";
    case "CreateAccessKey": return "create-access-key";
    case "CreateLoginProfile": return "create-login-profile";
    case "AttachUserPolicy": {
      const arn = str(event, "minerhunt.aws.policy_arn") ?? "";
      return arn.endsWith(ADMIN_POLICY_SUFFIX) ? "admin-policy" : undefined;
    }
    case "PutUserPolicy": {
      const params = str(event, "aws.cloudtrail.request_parameters") ?? "";
      return params.includes("AdministratorAccess") || grantsEverything(params) ? "admin-policy" : undefined;
    }
    default: return undefined;
  }
}

export const iamPersistence: Detector = {
  id: "iam-persistence",
  title: "IAM persistence: new users, keys, console passwords or admin policies by one principal",
  routes: { datasets: datasetsFor(["aws/cloudtrail"]) },
  start(ctx) {
    const windowMinutes = ctx.config.cloudtrail.burstWindowMinutes;
    const steps = new BoundedGroups<IamStep>();

    function onEvent(event: Event): void {
      const step = stepOf(event);
      if (!step || !succeeded(event)) return;
      const principal = principalOf(event);
      const ms = timeMs(event);
      if (!principal || ms === undefined) return;
      const targetUser = str(event, "minerhunt.aws.target_user");
      const newKey = str(event, "minerhunt.aws.created_access_key");
      const summary = `${str(event, "event.action")} ${targetUser ? `for ${clip(targetUser, 64)} ` : ""}by ${clip(principalLabel(principal), 100)}`;
      const record: IamStep = { ...trailRecord(event, ms, summary), step };
      if (targetUser) record.targetUser = targetUser;
      if (newKey) record.newKey = newKey;
      steps.add(principal, record);
    }

    const qualifies = (window: readonly IamStep[]): boolean => new Set(window.map((s) => s.step)).size >= 2;

    function report(principal: Principal, burst: IamStep[]): void {
      const kinds = distinct(burst.map((s) => s.step)) as Step[];
      const admin = kinds.includes("admin-policy");
      const newUsers = distinct(burst.map((s) => s.targetUser));
      const newKeys = distinct(burst.map((s) => s.newKey));
      const who = clip(principalLabel(principal), 100);
      const title = `IAM persistence by ${who}: ${kinds.map((k) => STEP_TEXT[k]).join(", ")}` +
        (newUsers.length ? ` (${clip(newUsers.join(", "), 100)})` : "");
      const observables: Observable[] = [
        ...obs("access-key", principal.accessKey),
        ...obs("user", principal.arn ?? principal.user),
        ...newUsers.flatMap((u) => obs("user", u)),
        ...newKeys.flatMap((k) => obs("access-key", k)),
      ];
      const entities = mergeEntities(...burst.map((s) => s.entities), { users: newUsers, accessKeys: newKeys, providers: ["aws"] });
      ctx.emit({
        rule: { id: iamPersistence.id, name: iamPersistence.title, kind: "detector" },
        title,
        description: `Within ${windowMinutes} min one principal ${kinds.map((k) => STEP_TEXT[k]).join(", ")}. ` +
          "If these credentials were stolen, PB-31 hands over to PB-16 (Cloud IAM): revoke the new keys and users too.",
        trigger: "cloud-activity",
        severity: admin ? "high" : "medium",
        // Persistence is not mining; it is how stolen keys are kept. Enough to open an incident, no more.
        confidence: admin ? 0.55 : 0.5,
        firstSeen: burst[0]!.time,
        lastSeen: burst[burst.length - 1]!.time,
        entities,
        observables,
        evidence: burst.map((s) => s.evidence),
        facts: {
          "iam.principal": principalLabel(principal),
          "iam.new_users": clip(newUsers.join(", "), 300),
          "iam.new_access_keys": clip(newKeys.join(", "), 300),
          "iam.admin_policy": admin,
          "iam.steps": kinds.length,
        },
        // new-iam-user / new-access-key are what PB-31's "IAM credentials stolen → PB-16" rule reads.
        tags: ["cloudtrail", "iam-persistence", "iam-credentials",
          ...(newUsers.length ? ["new-iam-user" as const] : []), ...(newKeys.length ? ["new-access-key" as const] : [])],
        mitre: ["T1496", "T1098", "T1136.003"],
        key: `${principal.key}\0${burst[0]!.timeMs}`,
      });
    }

    return { onEvent, ...burstEnds(steps, windowMinutes * 60_000, qualifies, report) };
  },
};

/**
 * Manual actions: a person carries the item out (patch the entry vector, file the billing-credit case...) and
 * the step records their confirmation (`respond execute --confirm STEP`). They stand in for every playbook
 * action no connector automates yet, so PB-31 and PB-16 load and their items can be planned, confirmed,
 * audited and ticked; a connector's action of the same name replaces the stand-in (registry.ts).
 */
import { z } from "zod";
import type { Bilingual, Finding, Incident, Risk, Target, TargetKind } from "../../model/index.js";
import type { ActionDefinition, PlannedStep, PriceTable } from "../types.js";
import { instanceFacts } from "../instance-facts.js";
import { billingCaseDraft } from "./billing-credit.js";

type EntityList = "hosts" | "instances" | "accessKeys" | "users" | "accounts" | "images" | "pools";

interface ManualSpec {
  name: string;
  title: Bilingual;
  /** What the person does, "{target}" filled in. */
  todo: Bilingual;
  /** Entity lists of the incident to act on, tried in order; the first that has values gives the targets. */
  on: { entities: EntityList; kind: TargetKind }[];
  /** One step for all the values (a blocklist of every pool) instead of one per value. */
  together?: boolean;
  risk?: Risk;
  /** Only for incidents on these providers (entities.providers); any incident when absent or when it names none. */
  providers?: string[];
  /** Acting stops what the target burns (terminate), so the step says how much per hour it stops. */
  stops?: boolean;
  /** Evidence actions to plan first in preserve-evidence mode (ActionDefinition.evidence). */
  evidence?: string[];
  /** Extra intended state (the support-case draft). */
  after?: (incident: Incident, findings: readonly Finding[], target: Target) => Record<string, unknown>;
}

const ParamsSchema = z.record(z.string(), z.unknown());

function fill(text: Bilingual, target: string): Bilingual {
  return { en: text.en.replaceAll("{target}", target), th: text.th.replaceAll("{target}", target) };
}

interface Priced { target: Target; usdPerHour?: number }

function targetsOf(spec: ManualSpec, incident: Incident, findings: readonly Finding[], prices: PriceTable): Priced[] {
  const providers = incident.entities.providers ?? [];
  if (spec.providers && providers.length > 0 && !providers.some((p) => spec.providers!.includes(p))) return [];
  for (const { entities, kind } of spec.on) {
    const values = incident.entities[entities] ?? [];
    if (values.length === 0) continue;
    if (spec.together) {
      const shown = values.slice(0, 3).join(", ") + (values.length > 3 ? ` +${values.length - 3}` : "");
      return [{ target: { kind, id: values.join(","), provider: "manual", label: shown } }];
    }
    const account = incident.entities.accounts?.length === 1 ? incident.entities.accounts[0] : undefined;
    const facts = kind === "instance" ? instanceFacts(findings) : undefined;
    const cloud = providers.length === 1 && (providers[0] === "aws" || providers[0] === "azure" || providers[0] === "gcp") ? providers[0] : undefined;
    return values.map((v) => {
      const t: Target = { kind, id: v, provider: "manual" };
      if (account !== undefined && kind !== "account") t.account = account;
      if (kind === "host") t.host = v;
      const f = facts?.get(v);
      if (f?.region) t.region = f.region;
      if (f?.type || f?.region) t.label = `${v} (${[f.type, f.region].filter(Boolean).join(", ")})`;
      const usd = f?.type && cloud ? prices.instanceUsdPerHour(cloud, f.type, f.region) : undefined;
      return usd === undefined ? { target: t } : { target: t, usdPerHour: usd };
    });
  }
  return [];
}

export function manualAction(spec: ManualSpec): ActionDefinition {
  const risk = spec.risk ?? "low";
  return {
    name: spec.name,
    title: spec.title,
    provider: "manual",
    params: ParamsSchema,
    permissions: [],
    risk,
    undoable: false,
    ...(spec.evidence ? { evidence: spec.evidence } : {}),
    plan(input, ctx) {
      const steps: PlannedStep[] = targetsOf(spec, input.incident, input.findings, ctx.prices).map(({ target, usdPerHour }) => {
        const todo = fill(spec.todo, target.label ?? target.id);
        const money = usdPerHour === undefined ? {} : { usdPerHour, stopsUsdPerHour: spec.stops ? usdPerHour : 0 };
        return {
          ...money,
          key: target.id,
          params: input.params,
          target,
          before: {},
          after: { confirmed: true, ...(spec.after?.(input.incident, input.findings, target) ?? {}) },
          call: `manual: ${todo.en}`,
          risk,
          undoable: false,
          why: { en: `${spec.title.en} (${input.checklistItem}): no connector does this; a person does it and confirms`, th: `${spec.title.th} (${input.checklistItem}): ยังไม่มี connector ทำให้ ผู้รับผิดชอบทำเองแล้วยืนยัน` },
        };
      });
      return Promise.resolve(steps);
    },
    precondition: () => Promise.resolve(undefined),
    // Nothing to call: the person did it. The service runs a manual step only when the person confirms it.
    execute: (_step, ctx) => Promise.resolve({ detail: { confirmedBy: ctx.actor } }),
    verify: (_step, ctx) => Promise.resolve({ ok: true, observed: { confirmedBy: ctx.actor, at: ctx.now().toISOString() } }),
  };
}

const HOSTS = { entities: "hosts", kind: "host" } as const;
const INSTANCES = { entities: "instances", kind: "instance" } as const;
const KEYS = { entities: "accessKeys", kind: "access-key" } as const;
const IMAGES = { entities: "images", kind: "image" } as const;

/** Every action PB-31 and PB-16 name, as a manual stand-in. */
export const MANUAL_ACTIONS: readonly ActionDefinition[] = [
  manualAction({ name: "kill-process", title: { en: "Kill the mining process", th: "Kill mining process" }, todo: { en: "kill the miner on {target} (check pid, start time and executable first)", th: "kill miner บน {target} (ตรวจ pid, เวลาเริ่ม และ executable ก่อน)" }, on: [HOSTS], risk: "high" }),
  manualAction({ name: "block-pools", title: { en: "Block the mining pools", th: "Block mining pools" }, todo: { en: "block {target} at the firewall and DNS", th: "block {target} ที่ firewall และ DNS" }, on: [{ entities: "pools", kind: "blocklist" }], together: true, risk: "medium" }),
  manualAction({ name: "block-ports", title: { en: "Block the mining ports", th: "Block mining ports" }, todo: { en: "block the mining ports outbound (NACL / security group) for {target}", th: "block mining ports ขาออก (NACL / SG) สำหรับ {target}" }, on: [{ entities: "accounts", kind: "account" }, HOSTS], together: true, risk: "medium" }),
  manualAction({ name: "isolate-instance", title: { en: "Isolate the instance", th: "Isolate instance" }, todo: { en: "isolate {target} with a quarantine security group", th: "isolate {target} ด้วย quarantine security group" }, on: [INSTANCES], risk: "high" }),
  manualAction({ name: "terminate-instance", title: { en: "Terminate the instance", th: "Terminate instance" }, todo: { en: "terminate {target} (after its snapshot)", th: "terminate {target} (หลัง snapshot)" }, on: [INSTANCES], risk: "destructive", stops: true, evidence: ["capture-evidence"] }),
  manualAction({ name: "capture-evidence", title: { en: "Preserve the evidence", th: "เก็บหลักฐาน" }, todo: { en: "snapshot the volumes of {target}, capture its memory where possible, tag it and turn on termination protection", th: "snapshot volumes ของ {target} เก็บ memory ถ้าทำได้ ติด tag และเปิด termination protection" }, on: [INSTANCES], risk: "read" }),
  manualAction({ name: "disable-access-key", title: { en: "Disable the access key", th: "ปิด access key" }, todo: { en: "deactivate access key {target}", th: "ปิดการใช้งาน access key {target}" }, on: [KEYS], risk: "high" }),
  manualAction({ name: "rotate-access-key", title: { en: "Rotate the access key", th: "หมุนเวียน access key" }, todo: { en: "rotate access key {target} and delete the old one", th: "หมุนเวียน access key {target} และลบ key เดิม" }, on: [KEYS], risk: "high" }),
  manualAction({ name: "revoke-sessions", title: { en: "Revoke the sessions", th: "เพิกถอน sessions" }, todo: { en: "revoke the sessions of {target} (aws:TokenIssueTime)", th: "เพิกถอน sessions ของ {target} (aws:TokenIssueTime)" }, on: [{ entities: "users", kind: "iam-user" }, KEYS], risk: "high" }),
  manualAction({ name: "sweep-regions", title: { en: "Check every region", th: "ตรวจทุก region" }, todo: { en: "list the instances of every region of {target}", th: "ตรวจ instances ทุก region ของ {target}" }, on: [{ entities: "accounts", kind: "account" }], risk: "read" }),
  manualAction({ name: "remove-miner", title: { en: "Remove the miner binary", th: "ลบ miner binary" }, todo: { en: "remove the miner binary on {target}, keeping a copy and its hash", th: "ลบ miner binary บน {target} โดยเก็บสำเนาและ hash" }, on: [HOSTS], risk: "high" }),
  manualAction({ name: "remove-persistence", title: { en: "Remove the persistence", th: "ลบ persistence" }, todo: { en: "remove cron lines, systemd units and ld.so.preload entries on {target}, keeping backups", th: "ลบ cron, systemd units และ ld.so.preload บน {target} โดยเก็บ backup" }, on: [HOSTS], risk: "high" }),
  manualAction({ name: "scan-image", title: { en: "Scan the image", th: "ตรวจ image" }, todo: { en: "scan image {target} for embedded miners", th: "ตรวจ image {target} หา miner ที่ฝังอยู่" }, on: [IMAGES], risk: "read" }),
  manualAction({ name: "image-scan-gate", title: { en: "Scan images before deploy", th: "ตรวจ images ก่อน deploy" }, todo: { en: "add an image scanning gate in front of {target}", th: "เพิ่มการตรวจ image ก่อน deploy สำหรับ {target}" }, on: [IMAGES, { entities: "accounts", kind: "account" }], together: true }),
  manualAction({ name: "patch-entry-vector", title: { en: "Patch the entry vector", th: "Patch entry vector" }, todo: { en: "patch the way the attacker got into {target}", th: "patch ช่องทางที่ผู้โจมตีใช้เข้า {target}" }, on: [HOSTS, INSTANCES, { entities: "accounts", kind: "account" }], risk: "medium" }),
  manualAction({ name: "budget-alert", title: { en: "Set budget alerts", th: "ตั้ง billing alerts" }, todo: { en: "create budget alerts and caps for {target}", th: "ตั้ง budget alerts และ caps สำหรับ {target}" }, on: [{ entities: "accounts", kind: "budget" }] }),
  manualAction({ name: "scp-guardrail", title: { en: "SCP guardrail", th: "SCP guardrail" }, todo: { en: "attach an SCP denying unused regions and GPU/large families to {target}", th: "ใช้ SCP ห้าม region และ instance types ที่ไม่ใช้ กับ {target}" }, on: [{ entities: "accounts", kind: "account" }], risk: "medium" }),
  manualAction({ name: "enable-guardduty", title: { en: "Turn on GuardDuty", th: "เปิด GuardDuty" }, todo: { en: "enable GuardDuty in every region of {target}", th: "เปิด GuardDuty ทุก region ของ {target}" }, on: [{ entities: "accounts", kind: "detector" }], providers: ["aws"] }),
  manualAction({ name: "enable-defender", title: { en: "Turn on Defender for Cloud", th: "เปิด Defender for Cloud" }, todo: { en: "enable Defender for Cloud for {target}", th: "เปิด Defender for Cloud สำหรับ {target}" }, on: [{ entities: "accounts", kind: "detector" }], providers: ["azure"] }),
  manualAction({
    name: "request-billing-credit", title: { en: "Ask for a billing credit", th: "ขอ billing credit" },
    todo: { en: "file a support case asking the provider to credit {target}", th: "เปิด support case ขอ credit สำหรับ {target}" },
    on: [{ entities: "accounts", kind: "support-case" }],
    after: (incident, findings, target) => ({ draft: billingCaseDraft(incident, findings, target.id) }),
  }),
];

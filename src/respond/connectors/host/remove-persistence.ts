/**
 * remove-persistence: take out the cron lines, systemd enablement and ld.so.preload entries that name the
 * miner or its pool, and only those (every other line stays). Each changed file is first copied to
 * STATE/backup/<sha256 prefix>/<path>; undo puts the bytes back exactly, and refuses when someone changed
 * the file since (their change would be lost). A unit is disabled by removing its *.wants/ and *.requires/
 * links; the unit file stays (backed up too). On a real root ("/") the unit is also stopped with systemctl.
 */
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import type { Bilingual } from "../../../model/index.js";
import type { ActionDefinition, PlanStep, PlannedStep, ResourceState } from "../../types.js";
import { cut, hostClient, refusedNoClient, str } from "./common.js";
import { backupOnce, rewriteFile, sha256, sha256File, staysInside } from "./files.js";
import { indicatorsFor } from "./indicators.js";
import { findCronAndPreload, findUnits, isValidUnitName, unitLinks } from "./persistence.js";
import { hostProtected, notIncidentHost, pathProtected } from "./protect.js";
import type { HostClient } from "./types.js";

const Params = z.object({
  /** Extra texts that mark a line as the miner's (a wallet, a dropper name the evidence missed). */
  indicators: z.array(z.string()).optional(),
});
type Params = z.infer<typeof Params>;

const WHY: Bilingual = { en: "PB-31 3: remove the miner's persistence", th: "PB-31 3: ลบกลไกการคงอยู่ของโปรแกรมขุดเหรียญ" };

function backupPath(client: HostClient, hostPath: string, hash: string): string {
  return `${client.stateDir}/backup/${hash.slice(0, 16)}${hostPath}`;
}

function plannedLines(step: PlanStep): { line: number; text: string }[] {
  const v = step.before["lines"];
  return Array.isArray(v) ? v.filter((x): x is { line: number; text: string } => typeof x === "object" && x !== null && typeof (x as { line?: unknown }).line === "number" && typeof (x as { text?: unknown }).text === "string") : [];
}

function plannedLinks(state: ResourceState): { link: string; target: string }[] {
  const v = state["links"];
  return Array.isArray(v) ? v.filter((x): x is { link: string; target: string } => typeof x === "object" && x !== null && typeof (x as { link?: unknown }).link === "string" && typeof (x as { target?: unknown }).target === "string") : [];
}

async function systemctl(client: HostClient, args: string[]): Promise<string | undefined> {
  // Only on the real root: in a temporary root systemd is not the one that reads these files.
  if (client.fsRoot !== "/") return undefined;
  const r = await client.run("systemctl", args);
  return `systemctl ${args.join(" ")}: exit ${r.code}`;
}

async function executeFile(client: HostClient, step: PlanStep): Promise<{ undo: ResourceState; detail: ResourceState }> {
  const hostPath = step.target.id;
  const real = client.real(hostPath);
  const planned = str(step.before, "sha256");
  const backup = backupPath(client, hostPath, planned);
  const lines = plannedLines(step);
  if (!staysInside(client.fsRoot, real) || !staysInside(client.fsRoot, client.real(backup))) throw new Error(`${hostPath} or its backup leads outside the root through a link: not edited`);
  const current = readFileSync(real);
  const currentLines = current.toString("utf8").split("\n");
  if (sha256(current) === planned) {
    backupOnce(real, client.real(backup));
    const drop = new Set(lines.filter((l) => currentLines[l.line - 1] === l.text).map((l) => l.line - 1));
    const kept = currentLines.filter((_, i) => !drop.has(i)).join("\n");
    rewriteFile(real, kept);
    return { undo: { path: hostPath, backup, sha256Before: planned, sha256After: sha256(kept) }, detail: { removedLines: drop.size } };
  }
  const texts = new Set(lines.map((l) => l.text));
  if (!currentLines.some((l) => texts.has(l)) && existsSync(client.real(backup))) {
    return { undo: { path: hostPath, backup, sha256Before: planned, sha256After: sha256(current) }, detail: { alreadyRemoved: true } };
  }
  throw new Error(`${hostPath} changed since the plan: nothing removed`);
}

async function executeUnit(client: HostClient, step: PlanStep): Promise<{ undo: ResourceState; detail: ResourceState }> {
  const unit = str(step.before, "unit");
  const planned = str(step.before, "sha256");
  const backup = backupPath(client, step.target.id, planned);
  if (existsSync(client.real(step.target.id))) backupOnce(client.real(step.target.id), client.real(backup));
  const stopped = isValidUnitName(unit) ? await systemctl(client, ["stop", unit]) : undefined;
  const removed: { link: string; target: string }[] = [];
  for (const l of plannedLinks(step.before)) {
    const real = client.real(l.link);
    if (!staysInside(client.fsRoot, dirname(real))) continue;
    try {
      if (lstatSync(real).isSymbolicLink() && readlinkSync(real) === l.target) { unlinkSync(real); removed.push(l); }
    } catch { /* already gone */ }
  }
  const reloaded = await systemctl(client, ["daemon-reload"]);
  return {
    undo: { unit, links: plannedLinks(step.before), backup },
    detail: { removedLinks: removed.length, ...(stopped ? { stopped } : {}), ...(reloaded ? { reloaded } : {}) },
  };
}

export const removePersistence: ActionDefinition<Params> = {
  name: "remove-persistence",
  title: { en: "Remove the miner's cron lines, systemd units and ld.so.preload entries (with backups)", th: "ลบบรรทัด cron, systemd unit และ ld.so.preload ของโปรแกรมขุดเหรียญ (สำรองไฟล์ไว้)" },
  provider: "local",
  params: Params,
  permissions: ["CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_CHOWN", "systemctl stop/daemon-reload (root, real root only)"],
  risk: "medium",
  undoable: true,

  async plan(input, ctx) {
    const client = ctx.clients.host;
    if (!client) return [refusedNoClient("remove-persistence", WHY)];
    const indicators = indicatorsFor(client, input.incident, input.findings, input.params.indicators ?? []);
    const steps: PlannedStep[] = [];
    for (const f of findCronAndPreload(client, indicators)) {
      const hash = sha256File(client.real(f.hostPath)) ?? "";
      const step: PlannedStep = {
        key: f.hostPath,
        params: {},
        target: { kind: f.kind, id: f.hostPath, provider: "local", host: client.hostName, label: f.hostPath },
        before: { sha256: hash, lines: f.hits.map((h) => ({ line: h.line, text: h.text })), indicators: [...new Set(f.hits.map((h) => h.indicator))] },
        after: { removedLines: f.hits.length, backup: backupPath(client, f.hostPath, hash) },
        call: `remove line(s) ${f.hits.map((h) => h.line).join(", ")} of ${f.hostPath} (backup ${backupPath(client, f.hostPath, hash)})`,
        risk: "medium",
        undoable: true,
        why: { en: `${WHY.en}: ${f.hits.map((h) => cut(h.text, 120)).join(" | ")}`, th: `${WHY.th}: ${f.hits.map((h) => cut(h.text, 120)).join(" | ")}` },
      };
      const refused = pathProtected(client, f.hostPath, ctx) ?? hostProtected(client, ctx) ?? notIncidentHost(client, input.incident);
      if (refused) step.refused = { reason: refused };
      steps.push(step);
    }
    for (const u of findUnits(client, indicators)) {
      const hash = sha256File(client.real(u.hostPath)) ?? "";
      const step: PlannedStep = {
        key: u.unit,
        params: {},
        target: { kind: "systemd-unit", id: u.hostPath, provider: "local", host: client.hostName, label: u.unit },
        before: { unit: u.unit, sha256: hash, enabled: u.links.length > 0, links: u.links, lines: u.hits.map((h) => ({ line: h.line, text: h.text })) },
        after: { enabled: false, links: [], unitFileKept: true, backup: backupPath(client, u.hostPath, hash) },
        call: `systemctl disable ${u.unit} (rm ${u.links.map((l) => l.link).join(" ") || "no links"}); unit file kept, backed up`,
        risk: "medium",
        undoable: true,
        why: { en: `${WHY.en}: ${u.hits.map((h) => cut(h.text.trim(), 120)).join(" | ")}`, th: `${WHY.th}: ${u.hits.map((h) => cut(h.text.trim(), 120)).join(" | ")}` },
      };
      const refused = hostProtected(client, ctx) ?? notIncidentHost(client, input.incident);
      if (refused) step.refused = { reason: refused };
      steps.push(step);
    }
    return steps;
  },

  async precondition(step, ctx) {
    const client = hostClient(ctx, "remove-persistence");
    const refused = hostProtected(client, ctx) ?? (step.target.kind === "systemd-unit" ? undefined : pathProtected(client, step.target.id, ctx));
    if (refused) return refused;
    if (step.target.kind !== "systemd-unit" && !existsSync(client.real(step.target.id))) {
      return { en: `${step.target.id} is gone`, th: `ไม่พบ ${step.target.id} แล้ว` };
    }
    return undefined;
  },

  async execute(step, ctx) {
    const client = hostClient(ctx, "remove-persistence");
    return step.target.kind === "systemd-unit" ? executeUnit(client, step) : executeFile(client, step);
  },

  async verify(step, ctx) {
    const client = hostClient(ctx, "remove-persistence");
    if (step.target.kind === "systemd-unit") {
      const unit = str(step.before, "unit");
      const left = plannedLinks(step.before).filter((l) => { try { return lstatSync(client.real(l.link)).isSymbolicLink(); } catch { return false; } });
      const now = unitLinks(client, unit).map((l) => l.link);
      const observed = { enabled: now.length > 0, links: now, unitFilePresent: existsSync(client.real(step.target.id)) };
      return left.length || now.length ? { ok: false, observed, reason: `${unit} is still enabled (${[...left.map((l) => l.link), ...now].join(", ")})` } : { ok: true, observed };
    }
    const current = readFileSync(client.real(step.target.id), "utf8").split("\n");
    const texts = new Set(plannedLines(step).map((l) => l.text));
    const still = current.filter((l) => texts.has(l)).length;
    const observed = { sha256: sha256(current.join("\n")), linesStillThere: still, lines: current.length };
    return still ? { ok: false, observed, reason: `${still} line(s) still in ${step.target.id}` } : { ok: true, observed };
  },

  async undo(step, undo, ctx) {
    const client = hostClient(ctx, "remove-persistence");
    if (step.target.kind === "systemd-unit") {
      for (const l of plannedLinks(undo)) {
        const real = client.real(l.link);
        if (existsSync(real) || (() => { try { lstatSync(real); return true; } catch { return false; } })()) continue;
        mkdirSync(dirname(real), { recursive: true });
        symlinkSync(l.target, real);
      }
      await systemctl(client, ["daemon-reload"]);
      return;
    }
    const hostPath = str(undo, "path"), backup = client.real(str(undo, "backup"));
    const real = client.real(hostPath);
    const now = sha256File(real);
    if (now !== undefined && now !== str(undo, "sha256After")) throw new Error(`${hostPath} changed since minerhunt edited it: not restored (the backup is ${str(undo, "backup")})`);
    const bytes = readFileSync(backup);
    if (sha256(bytes) !== str(undo, "sha256Before")) throw new Error(`backup ${str(undo, "backup")} does not hold the original bytes`);
    if (now === undefined) { mkdirSync(dirname(real), { recursive: true }); copyFileSync(backup, real); } else rewriteFile(real, bytes);
  },
};

/**
 * remove-miner: move the miner's binary into quarantine (STATE/quarantine/<sha256>, mode 000, with a note
 * of where it was, its mode and owner), so it cannot run again but stays as evidence. Undo moves it back.
 * Candidates: the executables of the live miners and the files the evidence names. Links, devices and
 * folders are not moved; neither are minerhunt's own program and state, nor protected paths.
 */
import { chmodSync, chownSync, existsSync, lstatSync, rmSync, statSync, writeFileSync } from "node:fs";
import { z } from "zod";
import type { Bilingual } from "../../../model/index.js";
import type { ActionDefinition, PlannedStep } from "../../types.js";
import { cut, hostClient, refusedNoClient, str } from "./common.js";
import { isRegularFile, moveFile, sha256File, staysInside } from "./files.js";
import { minerHints, scanMiners } from "./miners.js";
import { hostProtected, notIncidentHost, pathProtected } from "./protect.js";

const Params = z.object({
  /** Host paths a person names on top of the evidence and the live scan. */
  paths: z.array(z.string()).optional(),
});
type Params = z.infer<typeof Params>;

const WHY: Bilingual = { en: "PB-31 3: remove the miner binary (kept in quarantine as evidence)", th: "PB-31 3: ลบไฟล์โปรแกรมขุดเหรียญ (เก็บไว้ในที่กักกันเป็นหลักฐาน)" };

export const removeMiner: ActionDefinition<Params> = {
  name: "remove-miner",
  title: { en: "Quarantine the miner binary", th: "กักกันไฟล์โปรแกรมขุดเหรียญ" },
  provider: "local",
  params: Params,
  permissions: ["CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_CHOWN"],
  risk: "medium",
  undoable: true,

  async plan(input, ctx) {
    const client = ctx.clients.host;
    if (!client) return [refusedNoClient("remove-miner", WHY)];
    const hints = minerHints(input.findings, client.intel);
    const paths = new Map<string, string>();
    for (const m of scanMiners(client, hints)) {
      const hostPath = m.proc.exe ? client.hostPath(m.proc.exe) : undefined;
      if (hostPath) paths.set(hostPath, `the executable of running miner ${m.proc.pid}`);
    }
    for (const p of hints.paths) if (!paths.has(p)) paths.set(p, "named by the evidence");
    for (const p of input.params.paths ?? []) if (!paths.has(p)) paths.set(p, "named for this plan");
    const steps: PlannedStep[] = [];
    for (const [hostPath, source] of [...paths].sort(([a], [b]) => a.localeCompare(b))) {
      const real = client.real(hostPath);
      if (!existsSync(real)) continue;
      const regular = isRegularFile(real);
      const hash = regular ? sha256File(real) : undefined;
      const st = lstatSync(real);
      const quarantine = `${client.stateDir}/quarantine/${hash ?? "unknown"}`;
      const step: PlannedStep = {
        key: hostPath,
        params: {},
        target: { kind: "file", id: hostPath, provider: "local", host: client.hostName, label: cut(hostPath, 200) },
        before: { path: hostPath, sha256: hash ?? "", size: st.size, mode: (st.mode & 0o7777).toString(8), present: true },
        after: { path: hostPath, present: false, quarantine, mode: "0" },
        call: `mv ${hostPath} ${quarantine} && chmod 000 ${quarantine}`,
        risk: "medium",
        undoable: true,
        why: { en: `${WHY.en}: ${source}`, th: `${WHY.th}: ${source}` },
      };
      const refused = !staysInside(client.fsRoot, real)
        ? { en: `${hostPath} leads outside the root through a link`, th: `${hostPath} ชี้ออกนอก root ผ่านลิงก์` }
        : !regular
        ? { en: `${hostPath} is not a regular file (link, device or folder)`, th: `${hostPath} ไม่ใช่ไฟล์ปกติ` }
        : pathProtected(client, hostPath, ctx) ?? hostProtected(client, ctx) ?? notIncidentHost(client, input.incident);
      if (refused) step.refused = { reason: refused };
      steps.push(step);
    }
    return steps;
  },

  async precondition(step, ctx) {
    const client = hostClient(ctx, "remove-miner");
    const hostPath = step.target.id;
    const refused = pathProtected(client, hostPath, ctx) ?? hostProtected(client, ctx);
    if (refused) return refused;
    const real = client.real(hostPath);
    if (!existsSync(real)) return undefined; // already quarantined, or gone: execute says which
    if (!isRegularFile(real)) return { en: `${hostPath} is no longer a regular file`, th: `${hostPath} ไม่ใช่ไฟล์ปกติแล้ว` };
    const now = sha256File(real);
    if (now !== str(step.before, "sha256")) return { en: `${hostPath} changed since the plan (sha256 ${now})`, th: `${hostPath} เปลี่ยนไปหลังจากทำแผน (sha256 ${now})` };
    return undefined;
  },

  async execute(step, ctx) {
    const client = hostClient(ctx, "remove-miner");
    const hostPath = step.target.id;
    const hash = str(step.before, "sha256");
    const quarantineHost = `${client.stateDir}/quarantine/${hash}`;
    const real = client.real(hostPath), quarantine = client.real(quarantineHost);
    const undo = { path: hostPath, quarantine: quarantineHost, sha256: hash, mode: str(step.before, "mode") };
    if (!existsSync(real)) {
      if (sha256File(quarantine) === hash) return { undo, detail: { alreadyQuarantined: true } };
      throw new Error(`${hostPath} is gone and is not in quarantine`);
    }
    if (!staysInside(client.fsRoot, real) || !staysInside(client.fsRoot, quarantine)) throw new Error(`${hostPath} or the quarantine leads outside the root through a link: not moved`);
    if (!isRegularFile(real) || sha256File(real) !== hash) throw new Error(`${hostPath} changed since the plan: not moved`);
    const st = statSync(real);
    moveFile(real, quarantine);
    chmodSync(quarantine, 0o000);
    writeFileSync(`${quarantine}.json`, `${JSON.stringify({ path: hostPath, sha256: hash, mode: (st.mode & 0o7777).toString(8), uid: st.uid, gid: st.gid, at: ctx.now().toISOString() }, null, 2)}\n`, { mode: 0o600 });
    return { undo: { ...undo, uid: st.uid, gid: st.gid }, detail: { quarantine: quarantineHost } };
  },

  async verify(step, ctx) {
    const client = hostClient(ctx, "remove-miner");
    const hash = str(step.before, "sha256");
    const real = client.real(step.target.id), quarantine = client.real(`${client.stateDir}/quarantine/${hash}`);
    const present = existsSync(real);
    const kept = existsSync(quarantine) ? { sha256: sha256File(quarantine), mode: (statSync(quarantine).mode & 0o777).toString(8) } : undefined;
    const observed = { present, quarantined: kept !== undefined, quarantineSha256: kept?.sha256 ?? "", quarantineMode: kept?.mode ?? "" };
    if (present) return { ok: false, observed, reason: `${step.target.id} is still there` };
    if (!kept || kept.sha256 !== hash || kept.mode !== "0") return { ok: false, observed, reason: "the quarantined copy is missing, changed or readable" };
    return { ok: true, observed };
  },

  async undo(_step, undo, ctx) {
    const client = hostClient(ctx, "remove-miner");
    const hostPath = str(undo, "path"), quarantineHost = str(undo, "quarantine");
    const real = client.real(hostPath), quarantine = client.real(quarantineHost);
    if (existsSync(real)) throw new Error(`${hostPath} exists again: not overwritten`);
    if (sha256File(quarantine) === undefined) {
      // Mode 000 keeps even the owner out, but root reads it; a non-root run cannot hash it: give read back first.
      chmodSync(quarantine, 0o400);
    }
    if (sha256File(quarantine) !== str(undo, "sha256")) throw new Error(`${quarantineHost} does not hold the quarantined file`);
    moveFile(quarantine, real);
    chmodSync(real, parseInt(str(undo, "mode") || "755", 8));
    if (typeof undo["uid"] === "number" && typeof undo["gid"] === "number") {
      try { chownSync(real, undo["uid"], undo["gid"]); } catch { /* not root */ }
    }
    rmSync(`${quarantine}.json`, { force: true });
  },
};

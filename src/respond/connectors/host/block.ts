/**
 * block-pools and block-ports: write the incident's blocklist for this host as an nftables table, iptables
 * and ip6tables restore files and /etc/hosts lines, into STATE/blocklists/<incident>/ (or `outDir`). Only
 * with the `apply` parameter is the nftables file loaded (`nft -f`, argv, no shell); the tests never set it.
 * Pools and ports get their own table and chains, so either can be loaded or undone alone.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { z } from "zod";
import type { Bilingual } from "../../../model/index.js";
import { blocklistFromIncident, cleanBlocklist, emitHosts, emitIptables, emitNftables, type CleanBlocklist, type EmittedFile } from "../../emitters/index.js";
import { safeRef } from "../../emitters/validate.js";
import type { ActionDefinition, PlanStep, ResourceState } from "../../types.js";
import { hostClient, refusedNoClient, str } from "./common.js";
import { sha256, staysInside } from "./files.js";
import { hostProtected, pathProtected } from "./protect.js";

const Params = z.object({
  /** Host folder to write into (default STATE/blocklists/<incident>). */
  outDir: z.string().optional(),
  /** Load the nftables file with `nft -f` (default false: files only). */
  apply: z.boolean().optional(),
});
type Params = z.infer<typeof Params>;

type What = "pools" | "ports";

/** nftables table and iptables chains of each list: unique per list, so loading one never flushes the other. */
const NAMES: Record<What, { table: string; chain: string; chainIn: string; file: string }> = {
  pools: { table: "minerhunt_pools", chain: "MINERHUNT-POOLS", chainIn: "MINERHUNT-POOLS-IN", file: "minerhunt-pools" },
  ports: { table: "minerhunt_ports", chain: "MINERHUNT-PORTS", chainIn: "MINERHUNT-PORTS-IN", file: "minerhunt-ports" },
};

function filesFor(what: What, list: CleanBlocklist): EmittedFile[] {
  const n = NAMES[what];
  const files = [...emitNftables(list, { table: n.table }).files, ...emitIptables(list, { chain: n.chain, chainIn: n.chainIn, fileName: n.file }).files];
  if (what === "pools") files.push(...emitHosts(list, { fileName: n.file }).files);
  return files;
}

function recorded(state: ResourceState): { name: string; sha256: string }[] {
  const v = state["files"];
  return Array.isArray(v) ? v.filter((x): x is { name: string; sha256: string } => typeof x === "object" && x !== null && typeof (x as { name?: unknown }).name === "string" && typeof (x as { sha256?: unknown }).sha256 === "string") : [];
}

function blockAction(what: What): ActionDefinition<Params> {
  const name = what === "pools" ? "block-pools" : "block-ports";
  const why: Bilingual = what === "pools"
    ? { en: "PB-31 2.1: block the mining pool domains and addresses", th: "PB-31 2.1: บล็อกโดเมนและที่อยู่ของ mining pool" }
    : { en: "PB-31 2.1: block the mining ports", th: "PB-31 2.1: บล็อกพอร์ตที่ใช้ขุดเหรียญ" };

  const listOf = (step: PlanStep): CleanBlocklist => {
    const s = step.after;
    const list = cleanBlocklist({
      domains: Array.isArray(s["domains"]) ? s["domains"].map(String) : [],
      ips: Array.isArray(s["ips"]) ? s["ips"].map(String) : [],
      ports: Array.isArray(s["ports"]) ? s["ports"].map((p) => ({ port: Number(p), protocol: "tcp" as const })) : [],
      refs: { source: "incident", incidentId: str(step.params, "incident"), findingIds: [] },
    });
    return list;
  };

  return {
    name,
    title: what === "pools"
      ? { en: "Block the pools (nftables, iptables, /etc/hosts files)", th: "บล็อก mining pool (ไฟล์ nftables, iptables, /etc/hosts)" }
      : { en: "Block the mining ports (nftables, iptables files)", th: "บล็อกพอร์ตขุดเหรียญ (ไฟล์ nftables, iptables)" },
    provider: "local",
    params: Params,
    permissions: ["CAP_NET_ADMIN (only with apply: nft -f)"],
    risk: "low",
    undoable: true,

    async plan(input, ctx) {
      const client = ctx.clients.host;
      if (!client) return [refusedNoClient(name, why)];
      const built = cleanBlocklist(blocklistFromIncident(input.incident, input.findings, { intel: client.intel }).list);
      const list: CleanBlocklist = what === "pools" ? { ...built, ports: [] } : { ...built, domains: [], v4: [], v6: [] };
      if (!list.domains.length && !list.v4.length && !list.v6.length && !list.ports.length) return [];
      const outDir = input.params.outDir ?? `${client.stateDir}/blocklists/${safeRef(input.incident.id)}`;
      const apply = input.params.apply === true;
      const files = filesFor(what, list).map((f) => f.name);
      const nft = `${outDir}/${NAMES[what].table}.nft`;
      const step = {
        key: name,
        params: { incident: input.incident.id, outDir, apply },
        target: { kind: "blocklist" as const, id: `${client.hostName}:${name}`, provider: "local" as const, host: client.hostName, label: `${name} on ${client.hostName}` },
        before: { written: false, applied: false },
        after: {
          written: true, applied: apply, outDir, files,
          domains: list.domains, ips: [...list.v4, ...list.v6].map((i) => i.cidr), ports: list.ports.map((p) => p.port),
        },
        call: apply ? `write ${files.join(", ")} to ${outDir}; nft -f ${nft}` : `write ${files.join(", ")} to ${outDir} (not applied)`,
        risk: apply ? "medium" as const : "low" as const,
        undoable: true,
        why: { en: `${why.en}: ${list.domains.length} domain(s), ${list.v4.length + list.v6.length} address(es), ${list.ports.length} port(s)`, th: `${why.th}: โดเมน ${list.domains.length} ที่อยู่ ${list.v4.length + list.v6.length} พอร์ต ${list.ports.length}` },
      };
      // Its own state folder is where minerhunt writes by default; any other protected path is refused.
      const refused = hostProtected(client, ctx) ?? (outDir.startsWith(`${client.stateDir}/`) ? undefined : pathProtected(client, outDir, ctx));
      return [refused ? { ...step, refused: { reason: refused } } : step];
    },

    async precondition(_step, ctx) {
      return hostProtected(hostClient(ctx, name), ctx);
    },

    async execute(step, ctx) {
      const client = hostClient(ctx, name);
      const outDir = str(step.params, "outDir");
      const dir = client.real(outDir);
      if (!staysInside(client.fsRoot, dir)) throw new Error(`${outDir} leads outside the root through a link: nothing written`);
      mkdirSync(dir, { recursive: true, mode: 0o750 });
      const written: { name: string; sha256: string }[] = [];
      for (const f of filesFor(what, listOf(step))) {
        writeFileSync(`${dir}/${f.name}`, f.content, { mode: 0o640 });
        written.push({ name: f.name, sha256: sha256(f.content) });
      }
      let applied = "";
      if (step.params["apply"] === true) {
        const r = await client.run("nft", ["-f", `${dir}/${NAMES[what].table}.nft`]);
        if (r.code !== 0) throw new Error(`nft -f failed (exit ${r.code}): ${r.output.slice(0, 500)}`);
        applied = NAMES[what].table;
      }
      return { undo: { outDir, files: written, appliedTable: applied }, detail: { files: written.map((f) => f.name), applied: applied !== "" } };
    },

    async verify(step, ctx) {
      const client = hostClient(ctx, name);
      const dir = client.real(str(step.params, "outDir"));
      const expected = filesFor(what, listOf(step));
      const bad = expected.filter((f) => !existsSync(`${dir}/${f.name}`) || sha256(readFileSync(`${dir}/${f.name}`)) !== sha256(f.content)).map((f) => f.name);
      const observed: ResourceState = { files: expected.map((f) => f.name), missingOrChanged: bad };
      if (bad.length) return { ok: false, observed, reason: `missing or changed: ${bad.join(", ")}` };
      if (step.params["apply"] === true) {
        const r = await client.run("nft", ["list", "table", "inet", NAMES[what].table]);
        observed["applied"] = r.code === 0;
        if (r.code !== 0) return { ok: false, observed, reason: `nftables table ${NAMES[what].table} is not loaded` };
      }
      return { ok: true, observed };
    },

    async undo(_step, undo, ctx) {
      const client = hostClient(ctx, name);
      const dir = client.real(str(undo, "outDir"));
      const table = str(undo, "appliedTable");
      if (table) {
        const r = await client.run("nft", ["delete", "table", "inet", table]);
        if (r.code !== 0) throw new Error(`nft delete table inet ${table} failed (exit ${r.code}): ${r.output.slice(0, 500)}`);
      }
      // Only files still holding what minerhunt wrote are removed; an edited one is left for a person.
      for (const f of recorded(undo)) {
        const path = `${dir}/${f.name}`;
        if (existsSync(path) && sha256(readFileSync(path)) === f.sha256) rmSync(path);
      }
    },
  };
}

export const blockPools = blockAction("pools");
export const blockPorts = blockAction("ports");

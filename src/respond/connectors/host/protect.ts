/**
 * What the host connector never touches, whatever the plan says: PID 1, minerhunt itself and its parent,
 * the pids and host names the site protects, and minerhunt's own files.
 */
import type { Bilingual, Incident } from "../../../model/index.js";
import type { ResponseContext } from "../../types.js";
import type { HostClient } from "./types.js";

/** The pids always protected, on top of ctx.protect.pids. */
export function alwaysProtectedPids(): number[] {
  return [1, process.pid, process.ppid];
}

/** "*" matches any run of characters; everything else is literal (case-insensitive). */
export function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split("*").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
  return re.test(value);
}

export function hostProtected(client: HostClient, ctx: ResponseContext): Bilingual | undefined {
  const hit = ctx.protect.ids.find((id) => globMatch(id, client.hostName));
  return hit ? { en: `host ${client.hostName} is protected (${hit})`, th: `โฮสต์ ${client.hostName} อยู่ในรายการที่ได้รับการป้องกัน (${hit})` } : undefined;
}

export function pidProtected(pid: number, ctx: ResponseContext): Bilingual | undefined {
  if (pid === 1) return { en: "PID 1 (init) is never killed", th: "ไม่ยุติ PID 1 (init) ในทุกกรณี" };
  if (pid === process.pid) return { en: `pid ${pid} is minerhunt itself`, th: `pid ${pid} คือ minerhunt เอง` };
  if (pid === process.ppid) return { en: `pid ${pid} is minerhunt's parent`, th: `pid ${pid} คือโปรเซสแม่ของ minerhunt` };
  if (ctx.protect.pids.includes(pid)) return { en: `pid ${pid} is protected`, th: `pid ${pid} อยู่ในรายการที่ได้รับการป้องกัน` };
  return undefined;
}

/** A file minerhunt must not move or edit: its own program, its own state, a protected path. */
export function pathProtected(client: HostClient, hostPath: string, ctx: ResponseContext): Bilingual | undefined {
  const own = [process.execPath, process.argv[1] ?? ""].filter(Boolean).map((p) => client.hostPath(p));
  if (own.includes(hostPath)) return { en: `${hostPath} is minerhunt's own program`, th: `${hostPath} คือโปรแกรมของ minerhunt เอง` };
  if (hostPath === client.stateDir || hostPath.startsWith(`${client.stateDir}/`)) return { en: `${hostPath} is minerhunt's own state`, th: `${hostPath} คือข้อมูลของ minerhunt เอง` };
  const hit = ctx.protect.ids.find((id) => id.startsWith("/") && globMatch(id, hostPath));
  if (hit) return { en: `${hostPath} is protected (${hit})`, th: `${hostPath} อยู่ในรายการที่ได้รับการป้องกัน (${hit})` };
  return undefined;
}

/**
 * Whether this machine is one the incident is about. An incident that names hosts (db-prod-01) is not
 * acted on from another machine: its indicators are that host's, and so should be the processes and files.
 * Names match in full or by their first label ("db-prod-01" and "db-prod-01.corp.example.com").
 */
export function notIncidentHost(client: HostClient, incident: Incident): Bilingual | undefined {
  const hosts = incident.entities.hosts ?? [];
  if (hosts.length === 0) return undefined;
  const short = (n: string): string => n.toLowerCase().split(".", 1)[0] ?? "";
  const me = client.hostName.toLowerCase();
  if (hosts.some((h) => h.toLowerCase() === me || short(h) === short(me))) return undefined;
  const list = hosts.slice(0, 5).join(", ");
  return {
    en: `this machine (${client.hostName}) is not a host of the incident (${list}): run minerhunt there, or on its mounted root`,
    th: `เครื่องนี้ (${client.hostName}) ไม่ใช่โฮสต์ของเหตุการณ์ (${list}): ให้รัน minerhunt บนเครื่องนั้น หรือบน root ที่ mount ไว้`,
  };
}

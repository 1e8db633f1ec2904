/** Small pieces the host actions share. */
import type { Bilingual } from "../../../model/index.js";
import type { PlannedStep, ResponseContext } from "../../types.js";
import type { HostClient } from "./types.js";

/** The client, or an error naming the action (execute/verify/undo cannot go on without it). */
export function hostClient(ctx: ResponseContext, action: string): HostClient {
  const client = ctx.clients.host;
  if (!client) throw new Error(`${action}: no local host client (minerhunt respond runs it with --host-root)`);
  return client;
}

/** When there is no host client, the plan still shows the step, refused with the reason. */
export function refusedNoClient(action: string, why: Bilingual): PlannedStep {
  return {
    key: "no-host-client", params: {}, target: { kind: "host", id: "local", provider: "local" }, before: {}, after: {},
    call: `${action}: (no local host client)`, risk: "read", undoable: false, why,
    refused: { reason: { en: "no local host client is configured", th: "ยังไม่ได้ตั้งค่าการเชื่อมต่อกับโฮสต์ภายในเครื่อง" } },
  };
}

/** Cut long attacker text kept in a plan (command lines, cron lines). */
export function cut(text: string, max = 512): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function str(state: Record<string, unknown>, key: string): string {
  const v = state[key];
  return typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
}

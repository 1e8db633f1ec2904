/**
 * Protected targets: refused at plan time and again just before a step runs, whatever the plan says.
 * Always PID 1, minerhunt's own process and its parent; then the site's globs: `respond.protect` in the
 * config and the allowlisted hosts (a host the site says is never a finding is never acted on either).
 */
import type { Bilingual, Target } from "../model/index.js";
import { globMatch } from "../detect/detectors/host/glob.js";
import type { ProtectedTargets } from "./types.js";

export interface ProtectConfig {
  allowlist: { hosts: readonly string[] };
  respond?: { protect: readonly string[] };
}

export function protectedTargets(config: ProtectConfig, self: { pid: number; ppid: number } = process): ProtectedTargets {
  const ids = [...(config.respond?.protect ?? []), ...config.allowlist.hosts].filter((p) => p.trim() !== "");
  return { ids: [...new Set(ids)], pids: [...new Set([1, self.pid, self.ppid])] };
}

/** The pid a process target names: its id is "4242" or "4242@<start time>" (the host connector's form). */
function pidOf(target: Target): number | undefined {
  const m = /^(\d+)(?:$|@)/.exec(target.id);
  return m ? Number(m[1]) : undefined;
}

/** Why the target must not be touched, in both languages; undefined when it may be. */
export function protectionReason(target: Target, protect: ProtectedTargets): Bilingual | undefined {
  if (target.kind === "process" && target.provider === "local") {
    const pid = pidOf(target);
    if (pid !== undefined && protect.pids.includes(pid)) {
      const who = pid === 1 ? "PID 1 (init)" : "minerhunt itself or its parent";
      const whoTh = pid === 1 ? "PID 1 (init)" : "minerhunt เองหรือ process แม่ของมัน";
      return { en: `process ${pid} is protected: ${who}`, th: `process ${pid} ได้รับการป้องกัน: ${whoTh}` };
    }
  }
  const names: [string, string | undefined][] = [
    ["id", target.id], ["host", target.host], ["account", target.account], ["namespace", target.namespace],
  ];
  for (const [field, value] of names) {
    if (!value) continue;
    const pattern = protect.ids.find((p) => globMatch(p, value));
    if (pattern !== undefined) {
      return {
        en: `${field} ${value} is protected (matches "${pattern}" in respond.protect or allowlist.hosts)`,
        th: `${field} ${value} ได้รับการป้องกัน (ตรงกับ "${pattern}" ใน respond.protect หรือ allowlist.hosts)`,
      };
    }
  }
  return undefined;
}

/**
 * Whether a target is on the protected list (ResponseContext.protect.ids), checked against every name a
 * connector knows it by (a VM's resource id and its short name, a workload's namespace...). The globs are
 * the site's, matched as everywhere else (detect/detectors/host/glob.ts: "*", "?", case-insensitive), and
 * the planner's own check (respond/protect.ts) still runs on the target's id, host, account and namespace.
 */
import { globMatch } from "../../detect/detectors/host/glob.js";

/** The first pattern that matches one of the candidates, or undefined. */
export function protectedBy(patterns: readonly string[], candidates: readonly string[]): string | undefined {
  return patterns.find((p) => candidates.some((c) => c !== "" && globMatch(p, c)));
}

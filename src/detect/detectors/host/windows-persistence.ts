import type { Event } from "../../../model/index.js";
import { str, strs } from "../../../model/index.js";
import type { Intel } from "../../../intel/index.js";
import type { PersistenceReading } from "./persistence.js";

/**
 * Windows persistence records for the persistence detector (PB-31 §1.3): a service installed (System
 * 7045, ImagePath), a scheduled task created (Security 4698, the task's Exec command) and an autostart
 * registry value set (Sysmon 13 under a Run key). The command each one runs is read like a cron line;
 * a task or service name a miner campaign is known to use (intel windows.yaml) is a signal of its own.
 */
export const WINDOWS_PERSISTENCE_DATASETS: readonly string[] = ["windows.system.service", "windows.security.scheduled_task", "windows.sysmon.registry"];

export const WINDOWS_KINDS: Record<string, { source: string; kind: string; technique: string }> = {
  "windows.system.service": { source: "Windows service", kind: "windows-service", technique: "T1543.003" },
  "windows.security.scheduled_task": { source: "Scheduled task", kind: "scheduled-task", technique: "T1053.005" },
  "windows.sysmon.registry": { source: "Registry autostart value", kind: "registry-run-key", technique: "T1547.001" },
};

/**
 * Registry keys whose values Windows runs at logon or boot (Microsoft's documentation of Run and RunOnce
 * keys; Winlogon Shell/Userinit). Windows grammar, not indicators: what the value runs is judged by intel.
 */
const AUTOSTART_KEYS = ["\\currentversion\\run\\", "\\currentversion\\runonce\\", "\\currentversion\\policies\\explorer\\run\\",
  "\\currentversion\\winlogon\\shell", "\\currentversion\\winlogon\\userinit"];

const CAMPAIGN_NAME = 0.75;
const WEAK_NAME_SUPPORT = 0.05;
const WEAK_NAME_ALONE = 0.3;
const CAP = 0.95;

export type ReadCommand = (cmd: string, intel: Intel) => PersistenceReading | undefined;

/** Where the persistence lives, for the evidence line. */
export function windowsPlace(event: Event, dataset: string): string | undefined {
  if (dataset === "windows.system.service") return str(event, "service.name");
  if (dataset === "windows.security.scheduled_task") return str(event, "minerhunt.windows.task_name");
  if (dataset === "windows.sysmon.registry") return str(event, "registry.path");
  return undefined;
}

/** Read one Windows persistence record; undefined when it says nothing about mining. */
export function readWindowsPersistence(event: Event, dataset: string, intel: Intel, readCommand: ReadCommand): { reading: PersistenceReading; what: string; cmd: string } | undefined {
  let cmd: string;
  let named: ReturnType<Intel["windowsPersistenceName"]>;
  if (dataset === "windows.sysmon.registry") {
    const path = (str(event, "registry.path") ?? "").toLowerCase();
    if (!AUTOSTART_KEYS.some((k) => path.includes(k))) return undefined;
    cmd = strs(event, "registry.data.strings").join(" ");
  } else {
    cmd = str(event, "process.command_line") ?? "";
    const name = dataset === "windows.system.service" ? str(event, "service.name") : str(event, "minerhunt.windows.task_name");
    named = name ? intel.windowsPersistenceName(dataset === "windows.system.service" ? "service" : "task", name) : undefined;
  }
  let reading = cmd ? readCommand(cmd, intel) : undefined;
  if (named) {
    const reason = `${named.campaign} ${dataset === "windows.system.service" ? "service" : "task"} name ${named.name}${named.weak ? " (also used by legitimate tools)" : ""}`;
    if (reading) {
      reading = { ...reading, confidence: Math.min(CAP, reading.confidence + (named.weak ? WEAK_NAME_SUPPORT : 0.1)), reasons: [...reading.reasons, reason] };
    } else {
      reading = { confidence: named.weak ? WEAK_NAME_ALONE : CAMPAIGN_NAME, reasons: [reason], kind: "disguise" };
    }
  }
  if (!reading) return undefined;
  return { reading, what: cmd || windowsPlace(event, dataset) || "", cmd };
}

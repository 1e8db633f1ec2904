/**
 * What the Windows sources emit (the DatasetDeclaration contract of sources/types.ts): one dataset per
 * kind of record, so each Sigma taxonomy category sees only its own records. emits.test.ts checks this
 * list against data/sources/windows-events.yaml.
 */
import type { DatasetDeclaration } from "../types.js";

const SYSMON = "windows/sysmon";
const SECURITY = "windows/security";
const SYSTEM = "windows/system";

export const WINDOWS_EMITS: readonly DatasetDeclaration[] = [
  { dataset: "windows.sysmon.process", categories: ["process"], sigma: ["process_creation", SYSMON] },
  { dataset: "windows.sysmon.network", categories: ["network"], sigma: ["network_connection", SYSMON] },
  { dataset: "windows.sysmon.dns", categories: ["network", "dns"], sigma: ["dns_query", SYSMON] },
  { dataset: "windows.sysmon.file", categories: ["file"], sigma: ["file_event", SYSMON] },
  { dataset: "windows.sysmon.library", categories: ["library"], sigma: ["image_load", SYSMON] },
  { dataset: "windows.sysmon.driver", categories: ["driver"], sigma: ["driver_load", SYSMON] },
  { dataset: "windows.sysmon.registry", categories: ["registry"], sigma: ["registry_set", "registry_event", "registry_add", "registry_delete", SYSMON] },
  { dataset: "windows.sysmon.remote_thread", categories: [], sigma: ["create_remote_thread", SYSMON] },
  { dataset: "windows.sysmon.raw_access", categories: [], sigma: ["raw_access_thread", SYSMON] },
  { dataset: "windows.sysmon.process_access", categories: [], sigma: ["process_access", SYSMON] },
  { dataset: "windows.sysmon.stream_hash", categories: [], sigma: ["create_stream_hash", SYSMON] },
  { dataset: "windows.sysmon.pipe", categories: [], sigma: ["pipe_created", SYSMON] },
  { dataset: "windows.sysmon.wmi", categories: [], sigma: ["wmi_event", SYSMON] },
  { dataset: "windows.sysmon.tampering", categories: [], sigma: ["process_tampering", SYSMON] },
  { dataset: "windows.sysmon", categories: [], sigma: [SYSMON] },
  { dataset: "windows.security.process", categories: ["process"], sigma: ["process_creation", SECURITY] },
  { dataset: "windows.security.scheduled_task", categories: ["configuration"], sigma: [SECURITY] },
  { dataset: "windows.security", categories: [], sigma: [SECURITY] },
  { dataset: "windows.system.service", categories: ["configuration"], sigma: [SYSTEM] },
  { dataset: "windows.system", categories: [], sigma: [SYSTEM] },
  { dataset: "windows.powershell.script", categories: [], sigma: ["ps_script", "windows/powershell"] },
  { dataset: "windows.powershell.module", categories: [], sigma: ["ps_module", "windows/powershell"] },
  { dataset: "windows.powershell", categories: [], sigma: ["windows/powershell"] },
  { dataset: "windows.eventlog", categories: [] },
];

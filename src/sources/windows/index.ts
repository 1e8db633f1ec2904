/**
 * Windows sources: event log files (.evtx) and Winlogbeat / Elastic Agent JSON, both mapped to the same
 * ECS events through data/sources/windows-events.yaml.
 */
import type { Source } from "../types.js";
import { evtxSource } from "./evtx-source.js";
import { winlogbeatSource } from "./winlogbeat-source.js";

export const windowsSources: Source[] = [evtxSource, winlogbeatSource];

export { evtxSource, winlogbeatSource };
export { WINDOWS_EMITS } from "./emits.js";

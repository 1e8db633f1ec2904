/**
 * Windows sources: event log files (.evtx) and Winlogbeat / Elastic Agent JSON, both mapped to the same
 * ECS events through data/events.yaml.
 */
import type { Source } from "../types.js";
import { evtxSource } from "./evtx-source.js";

export const windowsSources: Source[] = [evtxSource];

export { evtxSource };
export { WINDOWS_EMITS } from "./emits.js";

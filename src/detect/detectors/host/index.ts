import type { Detector } from "../../types.js";
import { gpuUnexpectedDetector } from "./gpu-unexpected.js";
import { highCpuDetector } from "./high-cpu.js";
import { masqueradeDetector } from "./masquerade.js";
import { minerConfigDetector } from "./miner-config.js";
import { minerProcessDetector } from "./miner-process.js";
import { persistenceDetector } from "./persistence.js";
import { entryVectorDetector } from "./entry-vector.js";
import { rivalMinerKillDetector } from "./rival-miner-kill.js";

/** Host detectors: processes, metrics, collected files. Each is stateless until start() is called. */
export const hostDetectors: Detector[] = [
  minerProcessDetector,
  masqueradeDetector,
  highCpuDetector,
  gpuUnexpectedDetector,
  minerConfigDetector,
  persistenceDetector,
  entryVectorDetector,
  rivalMinerKillDetector,
];

export { createMinerProcessDetector, MINER_PROCESS_ID } from "./miner-process.js";
export { createMasqueradeDetector, MASQUERADE_ID } from "./masquerade.js";
export { createHighCpuDetector, HIGH_CPU_ID } from "./high-cpu.js";
export { createGpuUnexpectedDetector, GPU_UNEXPECTED_ID } from "./gpu-unexpected.js";
export { createMinerConfigDetector, MINER_CONFIG_ID } from "./miner-config.js";
export { createPersistenceDetector, PERSISTENCE_ID } from "./persistence.js";
export { entryVectorDetector, ENTRY_VECTOR_ID } from "./entry-vector.js";
export { rivalMinerKillDetector, RIVAL_MINER_KILL_ID } from "./rival-miner-kill.js";

/** The local Linux host's response actions, under the names PB-31's checklist items use. */
import type { ActionDefinition } from "../../types.js";
import { blockPools, blockPorts } from "./block.js";
import { killProcess } from "./kill-process.js";
import { removeMiner } from "./remove-miner.js";
import { removePersistence } from "./remove-persistence.js";

export const hostActions: readonly ActionDefinition[] = [
  killProcess, removeMiner, removePersistence, blockPools, blockPorts,
] as unknown as readonly ActionDefinition[];

export { killProcess, removeMiner, removePersistence, blockPools, blockPorts };
export { createHostClient, type HostClientOptions } from "./client.js";

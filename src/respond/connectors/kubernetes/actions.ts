/** The Kubernetes connector's actions, for respond/actions/index.ts. */
import type { ActionDefinition } from "../../types.js";
import { blockPoolsKubernetes } from "./block-pools.js";
import { deleteWorkload } from "./delete-workload.js";

export const KUBERNETES_ACTIONS: readonly ActionDefinition[] = [deleteWorkload, blockPoolsKubernetes];

/** stop-vm-gcp (stop, undo: start) and delete-vm-gcp (destructive), over the GCP backend. */
import type { ActionDefinition } from "../../types.js";
import { makeVmActions } from "../vm-actions.js";
import { gcpBackend } from "./vms.js";

const actions = makeVmActions("gcp", (ctx) => (ctx.clients.gcp ? gcpBackend(ctx.clients.gcp) : undefined));
export const stopVmGcp = actions.stop;
export const deleteVmGcp = actions.remove;
export const GCP_ACTIONS: readonly ActionDefinition[] = [stopVmGcp, deleteVmGcp];

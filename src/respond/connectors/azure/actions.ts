/** stop-vm-azure (deallocate, undo: start) and delete-vm-azure (destructive), over the Azure backend. */
import type { ActionDefinition } from "../../types.js";
import { makeVmActions } from "../vm-actions.js";
import { azureBackend } from "./vms.js";

const actions = makeVmActions("azure", (ctx) => (ctx.clients.azure ? azureBackend(ctx.clients.azure) : undefined));
export const stopVmAzure = actions.stop;
export const deleteVmAzure = actions.remove;
export const AZURE_ACTIONS: readonly ActionDefinition[] = [stopVmAzure, deleteVmAzure];

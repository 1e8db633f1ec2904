/**
 * What the Azure and GCP connectors share: a swept VM, the sweep's result, and the backend each provider
 * implements (read state, stop, start, delete). The stop-vm and delete-vm actions (vm-actions.ts) are
 * written once over this interface.
 */
import type { Intel } from "../../intel/index.js";
import type { MinerSign } from "./miner-signs.js";

export type VmProvider = "azure" | "gcp";

/** Where a VM is, enough to find it again. */
export interface VmRef {
  /** Azure: the resource id; GCP: "projects/<p>/zones/<z>/instances/<name>". */
  id: string;
  name: string;
  /** Subscription id or project id. */
  account: string;
  /** Azure location or GCP zone. */
  location: string;
}

export interface SweptVm extends VmRef {
  provider: VmProvider;
  /** vmSize or machine type ("Standard_NC6s_v3", "a2-highgpu-1g"). */
  size: string;
  /** The provider's power state, lower case ("running", "deallocated", "stopped", "terminated"). */
  power: string;
  /** The provider's unique id (Azure vmId, GCP numeric id): a VM re-created under the same name differs. */
  uid: string;
  created?: string;
  tags: Record<string, string>;
  signs: MinerSign[];
  /** GPUs attached (GCP guestAccelerators) or implied by the size family. */
  gpu: boolean;
}

export interface VmSweep {
  provider: VmProvider;
  /** Subscriptions or projects swept. */
  accounts: string[];
  vms: SweptVm[];
  suspicious: SweptVm[];
  /** Subscriptions, projects or zones that could not be read, and why (never fatal). */
  unreachable: { scope: string; reason: string }[];
  /** API calls made (for the sweep's own accounting). */
  calls: number;
}

export interface VmState {
  exists: boolean;
  power?: string;
  uid?: string;
}

export interface VmBackend {
  provider: VmProvider;
  sweep(intel: Intel, signal?: AbortSignal): Promise<VmSweep>;
  state(vm: VmRef): Promise<VmState>;
  /** Azure: deallocate (a stopped-but-allocated Azure VM is still billed); GCP: stop. */
  stop(vm: VmRef): Promise<void>;
  start(vm: VmRef): Promise<void>;
  remove(vm: VmRef): Promise<void>;
  /** Power states in which the VM no longer burns compute. */
  stopped: readonly string[];
  /** The exact call, as a plan shows it. */
  call(op: "stop" | "start" | "delete", vm: VmRef): string;
}

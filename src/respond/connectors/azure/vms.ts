/**
 * Azure VMs through the SDK: sweep every subscription (each in parallel; a failing one is reported, not
 * fatal) with virtualMachines.listAll(statusOnly) — every location at once — then read each VM's userData
 * (get with $expand=userData) and scan it, its tags and its size against intel. customData cannot be read
 * back (Azure never returns it), so only userData is scanned; say so when a VM has none.
 * Stop is a deallocate: a VM that is only "stopped" keeps its hardware and is still billed.
 */
import type { VirtualMachine } from "@azure/arm-compute";
import { looksLikeMiner, vmSigns } from "../miner-signs.js";
import type { SweptVm, VmBackend, VmRef, VmState, VmSweep } from "../vm.js";
import type { AzureClients } from "./types.js";

const API_VERSION = "2026-03-01";
/** Per-VM reads run this many at a time per subscription (ARM read limits are per subscription). */
const CONCURRENCY = 8;

/** "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/N" -> parts. */
export function parseVmId(id: string): { subscription: string; resourceGroup: string; name: string } | undefined {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)$/i.exec(id);
  return m ? { subscription: m[1]!, resourceGroup: m[2]!, name: m[3]! } : undefined;
}

function powerOf(vm: { instanceView?: { statuses?: { code?: string }[] } }): string {
  const code = vm.instanceView?.statuses?.find((s) => s.code?.startsWith("PowerState/"))?.code;
  return code ? code.slice("PowerState/".length).toLowerCase() : "unknown";
}

function status(err: unknown): number | undefined {
  const s = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof s === "number" ? s : undefined;
}

function message(err: unknown): string {
  const e = err as { statusCode?: number; code?: string; message?: string };
  return `${e.statusCode !== undefined ? `HTTP ${e.statusCode} ` : ""}${e.code ? `${e.code}: ` : ""}${e.message ?? String(err)}`.slice(0, 300);
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => { while (next < items.length) { const i = next++; out[i] = await fn(items[i]!); } };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function decodeBase64(text: string | undefined): string | undefined {
  if (!text) return undefined;
  return Buffer.from(text, "base64").toString("utf8");
}

export function azureBackend(clients: AzureClients): VmBackend {
  const poll = clients.pollIntervalMs === undefined ? {} : { updateIntervalInMs: clients.pollIntervalMs };
  const parts = (vm: VmRef) => {
    const p = parseVmId(vm.id);
    if (!p) throw new Error(`azure: not a VM resource id: ${vm.id}`);
    return p;
  };

  async function subscriptionsToSweep(unreachable: VmSweep["unreachable"], count: () => void): Promise<string[]> {
    if (clients.subscriptionIds.length) return [...clients.subscriptionIds];
    const ids: string[] = [];
    try {
      count();
      for await (const s of clients.subscriptions().subscriptions.list()) if (s.subscriptionId && (s.state ?? "Enabled") === "Enabled") ids.push(s.subscriptionId);
    } catch (err) {
      unreachable.push({ scope: "subscriptions", reason: message(err) });
    }
    return ids;
  }

  return {
    provider: "azure",
    stopped: ["deallocated", "deallocating"],

    async sweep(intel, signal) {
      let calls = 0;
      const unreachable: VmSweep["unreachable"] = [];
      const accounts = await subscriptionsToSweep(unreachable, () => { calls++; });
      const perSub = await Promise.all(accounts.map(async (sub) => {
        const compute = clients.compute(sub);
        const listed: VirtualMachine[] = [];
        try {
          calls++;
          for await (const vm of compute.virtualMachines.listAll({ statusOnly: "true", abortSignal: signal })) listed.push(vm);
        } catch (err) {
          unreachable.push({ scope: `subscription ${sub}`, reason: message(err) });
          return [];
        }
        return mapLimit(listed, CONCURRENCY, async (vm): Promise<SweptVm | undefined> => {
          const p = vm.id ? parseVmId(vm.id) : undefined;
          if (!p || !vm.name) return undefined;
          let userData: string | undefined;
          try {
            calls++;
            userData = decodeBase64((await compute.virtualMachines.get(p.resourceGroup, vm.name, { expand: "userData", abortSignal: signal })).userData);
          } catch (err) {
            unreachable.push({ scope: `vm ${vm.id}`, reason: `userData: ${message(err)}` });
          }
          const size = vm.hardwareProfile?.vmSize ?? "unknown";
          const tags = { ...(vm.tags ?? {}) };
          const { signs, gpu } = vmSigns(intel, { size, tags, script: userData, scriptWhere: "userData" });
          return {
            provider: "azure", id: vm.id!, name: vm.name, account: sub, location: vm.location ?? "", size, power: powerOf(vm),
            uid: vm.vmId ?? "", created: vm.timeCreated?.toISOString(), tags, signs, gpu,
          };
        });
      }));
      const vms = perSub.flat().filter((v): v is SweptVm => v !== undefined);
      return { provider: "azure", accounts, vms, suspicious: vms.filter((v) => looksLikeMiner(v.signs)), unreachable, calls };
    },

    async state(vm): Promise<VmState> {
      const p = parts(vm);
      try {
        const got = await clients.compute(p.subscription).virtualMachines.get(p.resourceGroup, p.name, { expand: "instanceView" });
        return { exists: true, power: powerOf(got), uid: got.vmId };
      } catch (err) {
        if (status(err) === 404) return { exists: false };
        throw err;
      }
    },
    async stop(vm) {
      const p = parts(vm);
      await clients.compute(p.subscription).virtualMachines.deallocate(p.resourceGroup, p.name, poll);
    },
    async start(vm) {
      const p = parts(vm);
      await clients.compute(p.subscription).virtualMachines.start(p.resourceGroup, p.name, poll);
    },
    async remove(vm) {
      const p = parts(vm);
      await clients.compute(p.subscription).virtualMachines.delete(p.resourceGroup, p.name, poll);
    },
    call(op, vm) {
      const verb = op === "delete" ? "DELETE" : "POST";
      const suffix = op === "stop" ? "/deallocate" : op === "start" ? "/start" : "";
      return `azure ${verb} ${clients.endpoint}${vm.id}${suffix}?api-version=${API_VERSION} (Microsoft.Compute/virtualMachines/${op === "stop" ? "deallocate/action" : op === "start" ? "start/action" : "delete"})`;
    },
  };
}

/**
 * GCP Compute Engine instances through the SDK: sweep every zone of each project at once with
 * instances.aggregatedList (pages followed; a zone answering with a warning other than "no results" and a
 * project that fails are reported, not fatal), scan metadata startup scripts, labels and machine type
 * (and attached GPUs) against intel. Stop, start and delete wait for the zone operation to be DONE.
 */
import { looksLikeMiner, vmSigns } from "../miner-signs.js";
import type { SweptVm, VmBackend, VmRef, VmState, VmSweep } from "../vm.js";
import type { GcpClients, GcpInstance as Instance, GcpOperation as Operation } from "./types.js";

/** Metadata keys whose values run at boot. */
const SCRIPT_KEYS = ["startup-script", "user-data", "startup-script-url", "windows-startup-script-ps1", "windows-startup-script-cmd"];

const last = (url: string | null | undefined) => (url ?? "").slice((url ?? "").lastIndexOf("/") + 1);

export function parseInstanceId(id: string): { project: string; zone: string; instance: string } | undefined {
  const m = /^projects\/([^/]+)\/zones\/([^/]+)\/instances\/([^/]+)$/.exec(id);
  return m ? { project: m[1]!, zone: m[2]!, instance: m[3]! } : undefined;
}

function message(err: unknown): string {
  const e = err as { code?: number | string; message?: string };
  return `${e.code !== undefined ? `${e.code} ` : ""}${e.message ?? String(err)}`.slice(0, 300);
}

/** NOT_FOUND as the REST transport reports it (HTTP 404, or gRPC code 5). */
function notFound(err: unknown): boolean {
  const e = err as { code?: unknown; message?: string };
  return e.code === 404 || e.code === 5 || /\b404\b|not found/i.test(e.message ?? "");
}

export function gcpBackend(clients: GcpClients): VmBackend {
  const parts = (vm: VmRef) => {
    const p = parseInstanceId(vm.id);
    if (!p) throw new Error(`gcp: not an instance id (projects/P/zones/Z/instances/N): ${vm.id}`);
    return p;
  };

  async function waitFor(first: Operation | null | undefined, project: string, zone: string): Promise<void> {
    let op = first;
    for (let i = 0; op && String(op.status) !== "DONE"; i++) {
      if (i > 120) throw new Error(`gcp: operation ${op.name ?? "?"} not done after ${i} waits`);
      [op] = await clients.zoneOperations.wait({ project, zone, operation: op.name ?? "" });
    }
    if (op?.error?.errors?.length) throw new Error(`gcp: operation ${op.name ?? "?"} failed: ${op.error.errors.map((e) => `${e.code}: ${e.message}`).join("; ")}`);
  }

  function toSwept(intel: Parameters<VmBackend["sweep"]>[0], project: string, inst: Instance): SweptVm | undefined {
    if (!inst.name) return undefined;
    const zone = last(inst.zone);
    const size = last(inst.machineType);
    const items = inst.metadata?.items ?? [];
    const script = items.filter((i) => i.key && SCRIPT_KEYS.includes(i.key)).map((i) => i.value ?? "").join("\n");
    const tags: Record<string, string> = { ...(inst.labels ?? {}) };
    const { signs, gpu } = vmSigns(intel, { size, tags, script: script || undefined, scriptWhere: "metadata startup-script" });
    const accelerators = inst.guestAccelerators ?? [];
    if (accelerators.length && !signs.some((s) => s.kind === "size")) {
      signs.push({ kind: "size", value: `${size} + ${accelerators.map((a) => `${a.acceleratorCount ?? 1}× ${last(a.acceleratorType)}`).join(", ")}`, where: "guestAccelerators", strong: false });
    }
    return {
      provider: "gcp", id: `projects/${project}/zones/${zone}/instances/${inst.name}`, name: inst.name, account: project, location: zone,
      size, power: String(inst.status ?? "unknown").toLowerCase(), uid: String(inst.id ?? ""), created: inst.creationTimestamp ?? undefined,
      tags, signs, gpu: gpu || accelerators.length > 0,
    };
  }

  return {
    provider: "gcp",
    stopped: ["terminated", "stopping"],

    async sweep(intel, signal) {
      let calls = 0;
      const unreachable: VmSweep["unreachable"] = [];
      const perProject = await Promise.all(clients.projects.map(async (project) => {
        const out: SweptVm[] = [];
        try {
          calls++;
          for await (const [scope, list] of clients.instances.aggregatedListAsync({ project, returnPartialSuccess: true, maxResults: 500 })) {
            if (signal?.aborted) throw new Error("aborted");
            const warning = list.warning;
            if (warning && String(warning.code) !== "NO_RESULTS_ON_PAGE") unreachable.push({ scope: `${project} ${scope}`, reason: `${String(warning.code)}: ${warning.message ?? ""}` });
            for (const inst of list.instances ?? []) { const v = toSwept(intel, project, inst); if (v) out.push(v); }
          }
        } catch (err) {
          unreachable.push({ scope: `project ${project}`, reason: message(err) });
        }
        return out;
      }));
      const vms = perProject.flat();
      return { provider: "gcp", accounts: [...clients.projects], vms, suspicious: vms.filter((v) => looksLikeMiner(v.signs)), unreachable, calls };
    },

    async state(vm): Promise<VmState> {
      const p = parts(vm);
      try {
        const [inst] = await clients.instances.get(p);
        return { exists: true, power: String(inst.status ?? "unknown").toLowerCase(), uid: String(inst.id ?? "") };
      } catch (err) {
        if (notFound(err)) return { exists: false };
        throw err;
      }
    },
    async stop(vm) {
      const p = parts(vm);
      const [lro] = await clients.instances.stop(p);
      await waitFor(lro.latestResponse as Operation, p.project, p.zone);
    },
    async start(vm) {
      const p = parts(vm);
      const [lro] = await clients.instances.start(p);
      await waitFor(lro.latestResponse as Operation, p.project, p.zone);
    },
    async remove(vm) {
      const p = parts(vm);
      const [lro] = await clients.instances.delete(p);
      await waitFor(lro.latestResponse as Operation, p.project, p.zone);
    },
    call(op, vm) {
      const verb = op === "delete" ? "DELETE" : "POST";
      const suffix = op === "delete" ? "" : `/${op}`;
      return `gcp ${verb} ${clients.endpoint}/compute/v1/${vm.id}${suffix} (compute.instances.${op})`;
    },
  };
}

/**
 * stop-vm-<provider> and delete-vm-<provider>, written once over a VmBackend (vm.ts). Targets: every VM
 * the sweep calls a miner (scope "account", the default) and always the VMs the incident names; a VM
 * re-created under the same name (another uid) is not acted on with an old plan.
 * Stop is undoable (start again); delete is destructive and is not.
 */
import { z } from "zod";
import type { Incident, Provider } from "../../model/index.js";
import type { ActionDefinition, PlannedStep, PlanStep, ResponseContext } from "../types.js";
import { both } from "./bilingual.js";
import { defaultIntel } from "./miner-signs.js";
import { protectedBy } from "./protect.js";
import type { SweptVm, VmBackend, VmProvider, VmRef } from "./vm.js";

export const VmActionParams = z.object({
  scope: z.enum(["account", "incident"]).optional(),
});
export type VmActionParams = z.infer<typeof VmActionParams>;

function linked(vm: SweptVm, incident: Incident): boolean {
  const names = new Set((incident.entities.instances ?? []).map((i) => i.toLowerCase()));
  return [vm.id, vm.name, vm.uid].some((v) => names.has(v.toLowerCase()));
}

function refOf(step: PlanStep): VmRef {
  return { id: step.target.id, name: String(step.before["name"] ?? step.target.id), account: step.target.account ?? "", location: step.target.region ?? "" };
}

/** GCP prices are per region: "us-central1-a" -> "us-central1". Azure locations are regions already. */
function regionOf(provider: VmProvider, location: string): string {
  return provider === "gcp" ? location.replace(/-[a-z]$/, "") : location;
}

export function makeVmActions(provider: VmProvider, backendOf: (ctx: ResponseContext) => VmBackend | undefined): { stop: ActionDefinition<VmActionParams>; remove: ActionDefinition<VmActionParams> } {
  const providerName = provider === "azure" ? "Azure" : "GCP";

  function need(ctx: ResponseContext): VmBackend {
    const b = backendOf(ctx);
    if (!b) throw new Error(both("respond.cloud.noClient", { provider: providerName }).en);
    return b;
  }

  async function planFor(op: "stop" | "delete", input: { incident: Incident; params: VmActionParams; unreachable?: (scope: string, reason: string) => void }, ctx: ResponseContext): Promise<PlannedStep[]> {
    const backend = backendOf(ctx);
    const risk = op === "stop" ? "medium" : "destructive";
    if (!backend) {
      // Say so only when the incident is on this provider; other incidents simply have nothing here.
      if (!(input.incident.entities.providers ?? []).includes(provider)) return [];
      const reason = both("respond.cloud.noClient", { provider: providerName });
      return [{ key: "no-client", target: { kind: "vm", id: "*", provider: provider as Provider }, params: { ...input.params }, before: {}, after: {}, call: "-", risk, undoable: op === "stop", refused: { reason }, why: reason }];
    }
    const sweep = await backend.sweep(defaultIntel(), ctx.signal);
    const scope = input.params.scope ?? "account";
    const steps: PlannedStep[] = [];
    for (const vm of sweep.vms) {
      const isLinked = linked(vm, input.incident);
      if (!isLinked && !(scope === "account" && sweep.suspicious.includes(vm))) continue;
      const running = !backend.stopped.includes(vm.power);
      if (op === "stop" && !running) continue; // nothing to stop
      const usd = ctx.prices.instanceUsdPerHour(provider, vm.size, regionOf(provider, vm.location));
      const listed = vm.signs.filter((s) => s.strong).concat(vm.signs.filter((s) => !s.strong)).map((s) => s.value).slice(0, 4).join(", ");
      const signs = sweep.suspicious.includes(vm) ? listed : `named in the incident${listed ? `; ${listed}` : ""}`;
      const label = `${vm.name} (${vm.size}, ${vm.location}, ${vm.account})`;
      const step: PlannedStep = {
        key: vm.id,
        target: { kind: "vm", id: vm.id, provider: provider as Provider, account: vm.account, region: vm.location, label },
        params: { ...input.params },
        before: { name: vm.name, power: vm.power, size: vm.size, uid: vm.uid, gpu: vm.gpu, signs: vm.signs.map((s) => `${s.kind}: ${s.value} (${s.where})`) },
        after: op === "stop" ? { power: backend.stopped[0] } : { exists: false },
        call: backend.call(op, vm),
        risk, undoable: op === "stop", requires: [],
        ...(usd !== undefined ? { usdPerHour: usd, stopsUsdPerHour: running ? usd : 0 } : {}),
        why: both(op === "stop" ? "respond.cloud.stopWhy" : "respond.cloud.deleteWhy", { vm: label, signs }),
      };
      const pattern = protectedBy(ctx.protect.ids, [vm.id, vm.name, vm.account, vm.uid]);
      if (pattern) step.refused = { reason: both("respond.cloud.protected", { target: label, pattern }) };
      steps.push(step);
    }
    for (const u of sweep.unreachable) input.unreachable?.(u.scope, u.reason);
    return steps;
  }

  async function precondition(op: "stop" | "delete", step: PlanStep, ctx: ResponseContext) {
    const backend = backendOf(ctx);
    if (!backend) return both("respond.cloud.noClient", { provider: providerName });
    const ref = refOf(step);
    const pattern = protectedBy(ctx.protect.ids, [ref.id, ref.name, ref.account, String(step.before["uid"] ?? "")]);
    if (pattern) return both("respond.cloud.protected", { target: step.target.label ?? ref.id, pattern });
    const now = await backend.state(ref);
    if (!now.exists) return op === "stop" ? both("respond.cloud.gone", { vm: ref.name }) : undefined;
    if (now.uid !== undefined && now.uid !== step.before["uid"]) return both("respond.cloud.changed", { vm: ref.name, what: `id ${String(step.before["uid"])} is now ${now.uid}` });
    return undefined;
  }

  const stop: ActionDefinition<VmActionParams> = {
    name: `stop-vm-${provider}`,
    title: both("respond.cloud.stopTitle", { provider: providerName }),
    provider: provider as Provider,
    params: VmActionParams,
    permissions: backendPermissions(provider, "stop"),
    risk: "medium",
    undoable: true,
    plan: (input, ctx) => planFor("stop", input, ctx),
    precondition: (step, ctx) => precondition("stop", step, ctx),
    async execute(step, ctx) {
      const backend = need(ctx);
      const ref = refOf(step);
      const now = await backend.state(ref);
      if (!now.exists) throw new Error(both("respond.cloud.gone", { vm: ref.name }).en);
      if (now.power !== undefined && backend.stopped.includes(now.power)) return { detail: { alreadyStopped: now.power } };
      await backend.stop(ref);
      return { undo: { previousPower: now.power ?? "running" } };
    },
    async verify(step, ctx) {
      const now = await need(ctx).state(refOf(step));
      const observed = { exists: now.exists, power: now.power ?? null };
      if (!now.exists) return { ok: false, observed, reason: "the VM is gone" };
      return now.power !== undefined && need(ctx).stopped.includes(now.power) ? { ok: true, observed } : { ok: false, observed, reason: `power state is ${now.power ?? "unknown"}` };
    },
    async undo(step, undo, ctx) {
      const backend = need(ctx);
      const ref = refOf(step);
      const now = await backend.state(ref);
      if (!now.exists) throw new Error(both("respond.cloud.gone", { vm: ref.name }).en);
      if (undo["previousPower"] && now.power !== undefined && backend.stopped.includes(now.power)) await backend.start(ref);
    },
  };

  const remove: ActionDefinition<VmActionParams> = {
    name: `delete-vm-${provider}`,
    title: both("respond.cloud.deleteTitle", { provider: providerName }),
    provider: provider as Provider,
    params: VmActionParams,
    permissions: backendPermissions(provider, "delete"),
    risk: "destructive",
    undoable: false,
    plan: (input, ctx) => planFor("delete", input, ctx),
    precondition: (step, ctx) => precondition("delete", step, ctx),
    async execute(step, ctx) {
      const backend = need(ctx);
      const ref = refOf(step);
      const now = await backend.state(ref);
      if (!now.exists) return { detail: { alreadyAbsent: true } };
      await backend.remove(ref);
      return { detail: { deletedUid: now.uid ?? null } };
    },
    async verify(step, ctx) {
      const now = await need(ctx).state(refOf(step));
      if (!now.exists) return { ok: true, observed: { exists: false } };
      const observed = { exists: true, power: now.power ?? null, uid: now.uid ?? null };
      return { ok: false, observed, reason: now.uid !== step.before["uid"] ? "a VM of that name exists again (re-created)" : "the VM still exists" };
    },
  };
  return { stop, remove };
}

/** Declared permissions, so the least-privilege policy can be printed without a client. */
function backendPermissions(provider: VmProvider, op: "stop" | "delete"): string[] {
  if (provider === "azure") {
    const read = ["Microsoft.Resources/subscriptions/read", "Microsoft.Compute/virtualMachines/read", "Microsoft.Compute/virtualMachines/instanceView/read"];
    return op === "stop"
      ? [...read, "Microsoft.Compute/virtualMachines/deallocate/action", "Microsoft.Compute/virtualMachines/start/action"]
      : [...read, "Microsoft.Compute/virtualMachines/delete"];
  }
  const read = ["compute.instances.list", "compute.instances.get", "compute.zoneOperations.get"];
  return op === "stop" ? [...read, "compute.instances.stop", "compute.instances.start"] : [...read, "compute.instances.delete"];
}

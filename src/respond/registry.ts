/**
 * The action registry: name → ActionDefinition (respond/types.ts). Connectors' actions come first; the
 * manual stand-ins (actions/manual.ts) fill every playbook name no connector automates yet, so PB-31 always
 * loads and a person can still carry an item out and record it.
 *
 * It also turns the permissions the actions declare into the least-privilege policy minerhunt needs
 * (`minerhunt respond policy`): an IAM policy for AWS, a custom role for Azure and GCP, a ClusterRole for
 * Kubernetes.
 */
import type { Provider } from "../model/index.js";
import type { ActionDefinition, ResponseClients } from "./types.js";

/** The client a provider's actions need (providers absent here need none: manual, network emitters). */
const CLIENT_OF: Partial<Record<Provider, keyof ResponseClients>> = {
  local: "host", aws: "aws", kubernetes: "kubernetes", azure: "azure", gcp: "gcp",
};

/** Registry names as the playbook schema writes them (kebab-case). */
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export class ActionRegistry {
  private readonly byName = new Map<string, ActionDefinition>();
  private readonly fallbackByName = new Map<string, ActionDefinition>();

  /** `automated`: connectors' actions (a name twice is an error); `fallbacks`: used only for names none of them has. */
  constructor(automated: readonly ActionDefinition[], fallbacks: readonly ActionDefinition[] = []) {
    for (const def of automated) {
      if (!NAME.test(def.name)) throw new Error(`respond: action name "${def.name}" is not kebab-case`);
      if (this.byName.has(def.name)) throw new Error(`respond: action "${def.name}" is registered twice`);
      this.byName.set(def.name, def);
    }
    for (const def of fallbacks) {
      this.fallbackByName.set(def.name, def);
      if (!this.byName.has(def.name)) this.byName.set(def.name, def);
    }
  }

  /**
   * The registry as it can act with these clients: an automated action whose provider's client was not given
   * (no --aws, no --host-root...) gives way to its manual stand-in, so a plan made without credentials still
   * lists the step, for a person to carry out or to re-plan with the client. Without a stand-in it plans no
   * step and says so in the plan's `unreachable` list (which client is missing), so the rest of the plan can run.
   */
  withClients(clients: ResponseClients): ActionRegistry {
    const view = new ActionRegistry([]);
    for (const [name, def] of this.byName) {
      const needs = CLIENT_OF[def.provider];
      const missing = needs !== undefined && clients[needs] === undefined;
      const fallback = this.fallbackByName.get(name);
      view.byName.set(name, !missing ? def : fallback ?? notConfigured(def, needs));
    }
    for (const [name, def] of this.fallbackByName) view.fallbackByName.set(name, def);
    return view;
  }

  get(name: string): ActionDefinition | undefined {
    return this.byName.get(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  names(): ReadonlySet<string> {
    return new Set(this.byName.keys());
  }

  /** Sorted by name. */
  list(): ActionDefinition[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/** An action whose client was not given: it plans nothing and names what is missing. */
function notConfigured(def: ActionDefinition, client: keyof ResponseClients): ActionDefinition {
  return {
    ...def,
    plan: (input) => {
      input.unreachable?.(`${def.provider}: ${def.name}`, `not planned: no ${client} client was given (see minerhunt respond --help for the connector options)`);
      return Promise.resolve([]);
    },
  };
}

export interface IamPolicy {
  Version: "2012-10-17";
  Statement: { Sid: string; Effect: "Allow"; Action: string[]; Resource: "*" }[];
}

export interface KubernetesRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export interface LeastPrivilegePolicy {
  /** One statement per action, so a team can drop what it will never run. */
  aws?: IamPolicy;
  azure?: { Name: string; IsCustom: true; Description: string; Actions: string[]; NotActions: []; AssignableScopes: string[] };
  gcp?: { title: string; description: string; stage: "GA"; includedPermissions: string[] };
  kubernetes?: { apiVersion: "rbac.authorization.k8s.io/v1"; kind: "ClusterRole"; metadata: { name: string }; rules: KubernetesRule[] };
  /** What the local host actions need (Linux capabilities, files). */
  local?: string[];
  /** Permission → actions, for the person reading it. */
  byAction: Record<string, string[]>;
}

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

/** "DisableAccessKey" from "disable-access-key": IAM Sids are letters and digits only. */
function sid(name: string): string {
  return name.split("-").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
}

/**
 * Kubernetes permissions are written "<apiGroup>/<resource>:<verb>" ("batch/cronjobs:delete",
 * "networking.k8s.io/networkpolicies:create") or "<resource>:<verb>" for the core group ("pods:delete").
 */
export function kubernetesRule(permission: string): KubernetesRule {
  const m = /^(?:([a-z0-9.-]+)\/)?([a-z]+(?:\/[a-z]+)?):([a-z]+)$/.exec(permission);
  if (!m) throw new Error(`respond: Kubernetes permission "${permission}": expected "<apiGroup>/<resource>:<verb>" or "<resource>:<verb>"`);
  return { apiGroups: [m[1] ?? ""], resources: [m[2]!], verbs: [m[3]!] };
}

function mergeRules(rules: KubernetesRule[]): KubernetesRule[] {
  const byKey = new Map<string, KubernetesRule>();
  for (const r of rules) {
    const key = `${r.apiGroups[0]}\0${r.resources[0]}`;
    const have = byKey.get(key);
    if (have) have.verbs = sorted([...have.verbs, ...r.verbs]);
    else byKey.set(key, { apiGroups: r.apiGroups, resources: r.resources, verbs: [...r.verbs] });
  }
  return [...byKey.values()].sort((a, b) => `${a.apiGroups[0]}/${a.resources[0]}`.localeCompare(`${b.apiGroups[0]}/${b.resources[0]}`));
}

/** The least privilege for these actions (all registered ones by default). */
export function leastPrivilegePolicy(actions: readonly ActionDefinition[]): LeastPrivilegePolicy {
  const out: LeastPrivilegePolicy = { byAction: {} };
  const statements: IamPolicy["Statement"] = [];
  const azure: string[] = [];
  const gcp: string[] = [];
  const k8s: KubernetesRule[] = [];
  const local: string[] = [];
  for (const def of actions) {
    if (def.permissions.length === 0) continue;
    out.byAction[def.name] = sorted(def.permissions);
    switch (def.provider) {
      case "aws":
        for (const p of def.permissions) {
          if (!/^[a-z0-9-]+:[A-Za-z0-9*]+$/.test(p)) throw new Error(`respond: action ${def.name}: "${p}" is not an IAM action ("service:Action")`);
        }
        statements.push({ Sid: sid(def.name), Effect: "Allow", Action: sorted(def.permissions), Resource: "*" });
        break;
      case "azure": azure.push(...def.permissions); break;
      case "gcp": gcp.push(...def.permissions); break;
      case "kubernetes": k8s.push(...def.permissions.map(kubernetesRule)); break;
      default: local.push(...def.permissions);
    }
  }
  if (statements.length) out.aws = { Version: "2012-10-17", Statement: statements };
  if (azure.length) {
    out.azure = {
      Name: "minerhunt responder", IsCustom: true, Description: "What minerhunt's response actions call (minerhunt respond policy)",
      Actions: sorted(azure), NotActions: [], AssignableScopes: ["/subscriptions/<subscription-id>"],
    };
  }
  if (gcp.length) out.gcp = { title: "minerhunt responder", description: "What minerhunt's response actions call", stage: "GA", includedPermissions: sorted(gcp) };
  if (k8s.length) {
    out.kubernetes = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "minerhunt-responder" }, rules: mergeRules(k8s) };
  }
  if (local.length) out.local = sorted(local);
  return out;
}

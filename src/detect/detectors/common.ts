import type { Entities, Event, Observable } from "../../model/index.js";
import { str, strs } from "../../model/index.js";

/**
 * Helpers every detector uses to describe what a finding is about, so entities are named the same
 * way everywhere and correlation can join them.
 */

function add(out: Entities, kind: keyof Entities, values: (string | undefined)[], lower = false): void {
  for (const v of values) {
    if (v === undefined || v === "" || v === "-") continue;
    const value = lower ? v.toLowerCase() : v;
    const list = out[kind];
    // A new list as a literal: it holds exactly its one value (a push onto [] reserves room for 17), and
    // entity lists live as long as their finding.
    if (!list) out[kind] = [value];
    else if (!list.includes(value)) list.push(value);
  }
}

/** The entities an event names: host, IPs (source side: the machine that mined), cloud, container, user. */
export function entitiesOf(event: Event): Entities {
  const e: Entities = {};
  add(e, "hosts", [str(event, "host.name")], true);
  add(e, "ips", [...strs(event, "host.ip")]);
  add(e, "instances", strs(event, "cloud.instance.id"));
  add(e, "accounts", [str(event, "cloud.account.id") ?? str(event, "cloud.project.id")]);
  add(e, "regions", [str(event, "cloud.region")]);
  add(e, "providers", [str(event, "cloud.provider")], true);
  add(e, "users", [str(event, "user.name")]);
  add(e, "accessKeys", [str(event, "aws.cloudtrail.user_identity.access_key_id")]);
  add(e, "clusters", [str(event, "orchestrator.cluster.name")]);
  add(e, "namespaces", [str(event, "orchestrator.namespace")]);
  const resType = str(event, "orchestrator.resource.type");
  if (resType === undefined || resType === "pods" || resType === "pod") add(e, "pods", [str(event, "orchestrator.resource.name")]);
  add(e, "containers", [str(event, "container.id")]);
  add(e, "images", strs(event, "container.image.name"));
  return e;
}

/** Merge entity sets (for findings built from several events). */
export function mergeEntities(...sets: Entities[]): Entities {
  const out: Entities = {};
  for (const s of sets) addEntitiesInto(out, s);
  return out;
}

/** Add the values of `from` to `out` in place, deduplicated (what mergeEntities does, without a new object). */
export function addEntitiesInto(out: Entities, from: Entities): void {
  for (const [k, vs] of Object.entries(from) as [keyof Entities, string[] | undefined][]) add(out, k, vs ?? []);
}

/** The local side of a flow is the machine that mines: source.ip for outbound flows. */
export function flowEntities(event: Event): Entities {
  const e = entitiesOf(event);
  add(e, "ips", [str(event, "source.ip")]);
  return e;
}

export function obs(type: Observable["type"], value: string | number | undefined): Observable[] {
  if (value === undefined || value === "") return [];
  const v = String(value);
  return [{ type, value: v.length > 1024 ? v.slice(0, 1024) : v }];
}

/** Trim attacker text for one-line summaries (it is escaped where rendered; this only bounds it). */
/**
 * `list` with `value` added (distinct, up to `max`). A new array of exactly the needed length when it grows:
 * these lists live as long as their state or finding (thousands of them) and hold a few values, and a push
 * onto [] or a spread reserves room for 17.
 */
export function withDistinct(list: readonly string[], value: string, max: number): string[] {
  return list.length >= max || list.includes(value) ? (list as string[]) : list.concat(value);
}

export function clip(text: string | undefined, max = 160): string {
  if (!text) return "";
  const oneLine = text.replace(/[\r\n\t]+/g, " ");
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

export function timeOf(event: Event): string {
  return str(event, "@timestamp") ?? "";
}

/**
 * Logsource routing (data/logsources.yaml): which events a rule sees, and which trigger its hits are.
 * A rule whose logsource has no entry gets no route and never runs.
 */
import type { Event } from "../../model/index.js";
import type { RouteTable } from "./tables.js";
import type { Logsource, Route } from "./types.js";

export function resolveRoute(table: RouteTable, ls: Logsource): Route | undefined {
  if (ls.service !== undefined) {
    const entry = table.services.find((s) => s.service === ls.service && (s.product === undefined || s.product === ls.product));
    if (!entry) return undefined;
    const route: Route = {
      label: `${ls.product ? `product ${ls.product}, ` : ""}service ${ls.service}`,
      datasets: entry.datasets,
      categories: entry.categories,
      trigger: entry.trigger,
    };
    if (entry.carries) route.carries = [...table.common_carries, ...entry.carries];
    return route;
  }
  if (ls.category !== undefined) {
    const entry = table.categories[ls.category];
    if (!entry) return undefined;
    const route: Route = {
      label: `${ls.product ? `product ${ls.product}, ` : ""}category ${ls.category}`,
      datasets: entry.datasets,
      categories: entry.categories,
      trigger: entry.trigger,
    };
    if (entry.carries) route.carries = [...table.common_carries, ...entry.carries];
    if (ls.product !== undefined) {
      const q = table.products[ls.product];
      if (!q) return undefined;
      route.qualifier = { field: q.field, values: q.values, missing: q.missing };
    }
    return route;
  }
  return undefined;
}

/** Whether events of a route can hold a field (by the route's `carries` list). */
export function routeCarries(route: Route, field: string): boolean {
  if (!route.carries) return true;
  for (const pattern of route.carries) {
    if (pattern.endsWith("*") ? field.startsWith(pattern.slice(0, -1)) : field === pattern) return true;
  }
  return false;
}

/** What an event offers to routing: its dataset, its categories and the qualifier fields. */
export function eventCategories(event: Event): readonly string[] {
  const v = event["event.category"];
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return [];
}

export function routeAccepts(route: Route, event: Event): boolean {
  const dataset = event["event.dataset"];
  let inRoute = typeof dataset === "string" && route.datasets.includes(dataset);
  if (!inRoute && route.categories.length > 0) {
    for (const c of eventCategories(event)) if (route.categories.includes(c)) { inRoute = true; break; }
  }
  if (!inRoute) return false;
  const q = route.qualifier;
  if (!q) return true;
  const v = event[q.field];
  if (v === undefined || v === null || v === "") return q.missing;
  return typeof v === "string" && q.values.includes(v.toLowerCase());
}

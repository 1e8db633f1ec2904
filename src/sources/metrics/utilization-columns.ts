/**
 * Which CSV column holds host CPU or GPU utilisation, and in which scale.
 *
 * Names are matched flexibly: lower case, a trailing unit in brackets ("[%]", "(%)") dropped, and
 * punctuation ignored, so "CPUUtilization", "cpu_pct", "%CPU", "cpu.util" and "utilization.gpu [%]"
 * all match.
 *
 * Scale rule: a column whose name says `norm`, `ratio` or `fraction` (Metricbeat's
 * `system.cpu.total.norm.pct`, `cpu_ratio`), and ECS `host.cpu.usage`, holds fractions 0..1 and is
 * multiplied by 100. Every other column holds percentages 0..100 as written ("95.2" or "95.2 %").
 * The scale is never guessed from the values: 0.9 in a percent column is 0.9 %, a quiet host.
 */

export type Scale = "percent" | "fraction";

export interface UtilizationColumn {
  metric: "cpu" | "gpu";
  scale: Scale;
}

/** What may follow "cpu"/"gpu" in a utilisation column name (punctuation removed). */
const SUFFIXES = new Set([
  "", "pct", "percent", "percentage", "util", "utilization", "utilisation", "usage", "norm", "ratio", "fraction",
  "pctnorm", "utilnorm", "utilpct", "usagepct", "usagepercent", "utilizationpct", "utilizationpercent",
  "usageratio", "utilratio", "utilizationratio", "totalnormpct", "totalpct", "used",
  "utilpercent", "utilisationpct", "utilisationpercent", "utilizationpercentage", "usagepercentage",
]);

/** Full names from well-known tools that do not follow the cpu<suffix> shape. */
const WELL_KNOWN: Record<string, UtilizationColumn> = {
  "system.cpu.total.norm.pct": { metric: "cpu", scale: "fraction" },
  "host.cpu.usage": { metric: "cpu", scale: "fraction" },
  "utilization.gpu": { metric: "gpu", scale: "percent" },
  "dcgm_fi_dev_gpu_util": { metric: "gpu", scale: "percent" },
};

export function utilizationColumn(header: string): UtilizationColumn | undefined {
  const name = stripUnit(header.replace(/^\uFEFF/, "").trim().toLowerCase());
  const known = WELL_KNOWN[name];
  if (known) return known;
  if (name === "system.cpu.total.pct") return undefined; // Metricbeat: a fraction times the core count, not 0..100
  const compact = name.replace(/[^a-z0-9%]/g, "");
  for (const metric of ["cpu", "gpu"] as const) {
    for (const prefix of [metric, `%${metric}`]) {
      if (compact.startsWith(prefix) && SUFFIXES.has(compact.slice(prefix.length))) {
        const scale: Scale = /norm|ratio|fraction/.test(name) ? "fraction" : "percent";
        return { metric, scale };
      }
    }
  }
  return undefined;
}

/** Drop a trailing "[unit]" or "(unit)" of up to 12 characters. */
export function stripUnit(name: string): string {
  const last = name.charAt(name.length - 1);
  if (last !== "]" && last !== ")") return name;
  const open = name.lastIndexOf(last === "]" ? "[" : "(");
  if (open <= 0 || name.length - open > 14) return name;
  return name.slice(0, open).trimEnd();
}

/** Convert a reading to 0..100, or undefined when it is out of range for its scale. */
export function toPercent(value: number, scale: Scale): number | undefined {
  if (scale === "fraction") {
    if (value < 0 || value > 1) return undefined;
    return Math.round(value * 100 * 1e6) / 1e6;
  }
  if (value < 0 || value > 100) return undefined;
  return value;
}

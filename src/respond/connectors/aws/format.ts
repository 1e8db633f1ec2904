/** The sweep as a terminal table (text from the account is escaped: tags, user names and errors are not ours). */
import { formatUsd, t, type Lang } from "../../../i18n/index.js";
import { terminal } from "../../../present/escape.js";
import { principalName } from "./trail.js";
import type { SweepOptions, SweepResult, SweptInstance } from "./sweep.js";

/** Cells are escaped first (tags, names and errors come from the account), so widths measure what is shown. */
function table(raw: string[][]): string {
  const rows = raw.map((r) => r.map(terminal));
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  ")).join("\n");
}

function row(i: SweptInstance): string[] {
  return [i.region, i.id, i.type, i.state, i.launchTime?.slice(0, 16).replace("T", " ") ?? "-", i.launchedBy ? principalName(i.launchedBy) : "-",
    i.usdPerHour === undefined ? "?" : formatUsd(i.usdPerHour), i.reasons.join("; ") || "-"];
}

export function formatSweep(r: SweepResult, lang: Lang, opts: { all?: boolean; recentDays?: SweepOptions["recentDays"] } = {}): string {
  const out: string[] = [];
  // Every line is escaped as it is added; table cells are escaped inside table().
  const push = (...lines: string[]) => { for (const l of lines) out.push(terminal(l)); };
  push(t(lang, "aws.sweep.summary", {
    account: r.account ?? "?", regions: r.regions.length, failed: r.failures.length, instances: r.instances.length,
    suspects: r.suspects.length, usd: formatUsd(r.usdPerHour),
  }));
  if (r.unpricedSuspects) push(t(lang, "aws.sweep.unpriced", { count: r.unpricedSuspects }));
  const shown = opts.all ? r.instances : r.suspects;
  if (shown.length) out.push("", ...table([["REGION", "INSTANCE", "TYPE", "STATE", "LAUNCHED", "BY", "USD/H", "WHY"], ...shown.map(row)]).split("\n"));
  else push("", t(lang, "aws.sweep.none"));
  if (r.failures.length) {
    push("", t(lang, "aws.sweep.failed"));
    for (const f of r.failures) push(`  ${f.region}: ${f.error}`);
  }
  if (r.principals.length) {
    push("", t(lang, "aws.sweep.principals"));
    for (const p of r.principals) push(`  ${p.name} ${p.accessKeyIds.join(", ")} (${p.instances})`);
  }
  const days = opts.recentDays ?? 7;
  if (r.recentUsers.length) {
    push("", t(lang, "aws.sweep.recentUsers", { days }));
    for (const u of r.recentUsers) push(`  ${u.userName}  ${u.created}`);
  }
  if (r.recentKeys.length) {
    push("", t(lang, "aws.sweep.recentKeys", { days }));
    for (const k of r.recentKeys) push(`  ${k.accessKeyId}  ${k.userName}  ${k.status}  ${k.created}`);
  }
  if (r.iamError) push("", t(lang, "aws.sweep.iamError", { error: r.iamError }));
  return out.join("\n") + "\n";
}

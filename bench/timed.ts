/**
 * One way to time a whole process for every bench: GNU time -v gives user + system CPU seconds and the peak
 * RSS, so rows compare per CPU-second (these machines are shared; wall time is noise).
 */
import { closeSync, openSync } from "node:fs";
import { spawnSync } from "node:child_process";

export interface Timed { cpuSeconds: number; peakRssMb: number; status: number | null; stdout: string; stderr: string }

export function timed(cmd: string, args: string[], stdoutFile?: string): Timed {
  const fd = stdoutFile ? openSync(stdoutFile, "w") : undefined;
  const r = spawnSync("/usr/bin/time", ["-v", cmd, ...args], {
    encoding: "utf8", maxBuffer: 1 << 26, env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", fd ?? "pipe", "pipe"],
  });
  if (fd !== undefined) closeSync(fd);
  const field = (name: string) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(r.stderr ?? "")?.[1] ?? NaN);
  return {
    cpuSeconds: field("User time \\(seconds\\)") + field("System time \\(seconds\\)"),
    peakRssMb: field("Maximum resident set size \\(kbytes\\)") / 1024,
    status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "",
  };
}

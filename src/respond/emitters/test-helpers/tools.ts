/**
 * Run the real checkers (nft, iptables-restore, named-checkzone, dnsmasq, unbound-checkconf) on emitted
 * files. Debian packages: nftables, iptables, bind9-utils, dnsmasq-base, unbound. A missing tool skips the
 * test, and fails it under CI (test-helpers skipOrFailInCi).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import type { TestContext } from "node:test";
import { skipOrFailInCi } from "../../../test-helpers/index.js";

const DIRS = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"];

export const TOOL_PACKAGES: Record<string, string> = {
  nft: "nftables",
  "iptables-restore": "iptables",
  "ip6tables-restore": "iptables",
  "named-checkzone": "bind9-utils",
  dnsmasq: "dnsmasq-base",
  "unbound-checkconf": "unbound",
};

/** The tool's path, or undefined after skipping the test (failing it under CI). */
export function needTool(t: TestContext, name: string): string | undefined {
  const found = DIRS.map((d) => `${d}/${name}`).find((p) => existsSync(p));
  if (!found) skipOrFailInCi(t, `${name} is not installed: apt-get install -y ${TOOL_PACKAGES[name] ?? name}`);
  return found;
}

export interface ToolResult { code: number; output: string }

/** Run a checker with an argv array (never a shell); its exit code and its stdout+stderr. */
export function runTool(path: string, args: readonly string[]): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(path, args, { timeout: 20_000, env: { PATH: DIRS.join(":"), LANG: "C" } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

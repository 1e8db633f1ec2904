/**
 * Syscall numbers the auditd source acts on, per audit arch (the `arch=` field: AUDIT_ARCH_* constants).
 * ENRICHED logs name the syscall themselves (SYSCALL=execve); RAW logs only number it. Only the calls that
 * start a program or name a remote address are listed: other numbers need no name here.
 * Numbers from the kernel's syscall tables (arch/x86/entry/syscalls, include/uapi/asm-generic/unistd.h).
 */
const BY_ARCH: Record<string, Record<number, string>> = {
  // x86_64
  c000003e: { 59: "execve", 322: "execveat", 42: "connect", 44: "sendto", 46: "sendmsg" },
  // aarch64 (asm-generic numbers)
  c00000b7: { 221: "execve", 281: "execveat", 203: "connect", 206: "sendto", 211: "sendmsg" },
  // riscv64 (asm-generic numbers)
  c00000f3: { 221: "execve", 281: "execveat", 203: "connect", 206: "sendto", 211: "sendmsg" },
  // i386: network calls go through socketcall(102), whose SOCKADDR still names the peer
  "40000003": { 11: "execve", 358: "execveat", 362: "connect", 369: "sendto", 370: "sendmsg" },
};

export function syscallName(arch: string | undefined, number: string | undefined): string | undefined {
  if (arch === undefined || number === undefined) return undefined;
  return BY_ARCH[arch.toLowerCase()]?.[Number(number)];
}

/** Calls whose SOCKADDR is the remote end (the pool, for a miner); bind/accept name the local or client side. */
export const OUTBOUND_CALLS: ReadonlySet<string> = new Set(["connect", "sendto", "sendmsg"]);
export const EXEC_CALLS: ReadonlySet<string> = new Set(["execve", "execveat"]);

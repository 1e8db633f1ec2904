/**
 * A big incident made from a packet capture the test writes (the pcap builders of
 * sources/network/test-helpers): one infected host that resolves a pool name and then logs in with
 * CryptoNote Stratum to hundreds of pool addresses (a miner rotating through a pool's address list),
 * the shape of the capture that once gave a 78-page report. Addresses are documentation ranges.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pcapFile, tcpConversation, udpFrame } from "../../sources/network/test-helpers/packets.js";
import type { FrameRecord } from "../../sources/network/test-helpers/packets.js";

export const VICTIM = "192.168.1.50";
export const BIG_WALLET = "48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD";

/** The capture's bytes: `pools` Stratum sessions, one per pool address, each with its DNS lookup first. */
export function bigCapture(pools = 600): Buffer {
  const records: FrameRecord[] = [];
  const start = 1_763_600_000; // 2025-11-20
  for (let i = 0; i < pools; i++) {
    const ip = poolAddress(i);
    const t = start + i * 30;
    records.push({ frame: udpFrame({ src: VICTIM, dst: "192.168.1.1", sport: 40000 + (i % 20000), dport: 53, payload: dnsQuery(i, `xmr-${i % 7}.nanopool.org`) }), time: t });
    const login = JSON.stringify({ id: 1, jsonrpc: "2.0", method: "login", params: { login: BIG_WALLET, pass: "x", agent: "XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0", algo: ["rx/0"] } });
    const job = JSON.stringify({ id: 1, jsonrpc: "2.0", error: null, result: { id: `w${i}`, job: { blob: "0a0a", job_id: `j${i}`, target: "b88d0600", algo: "rx/0" }, status: "OK" } });
    records.push(...tcpConversation({ ip: VICTIM, port: 50000 + (i % 15000) }, { ip, port: i % 3 === 0 ? 14444 : 3333 },
      [{ from: "client", data: `${login}\n` }, { from: "server", data: `${job}\n` }], t + 1));
  }
  return pcapFile(records);
}

/** Writes the capture into a fresh temporary folder and returns its path. */
export function writeBigCapture(pools = 600): string {
  const dir = mkdtempSync(join(tmpdir(), "minerhunt-big-"));
  const file = join(dir, "miner-rotation.pcap");
  writeFileSync(file, bigCapture(pools));
  return file;
}

/** Public documentation and benchmark addresses, never private: 203.0.113.0/24, 198.51.100.0/24, 192.0.2.0/24. */
function poolAddress(i: number): string {
  const nets = ["203.0.113", "198.51.100", "192.0.2"];
  return `${nets[Math.floor(i / 250) % 3]}.${(i % 250) + 1}`;
}

/** A DNS query (RFC 1035): header, one question, type A class IN. */
function dnsQuery(id: number, name: string): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(id & 0xffff, 0);
  head.writeUInt16BE(0x0100, 2);
  head.writeUInt16BE(1, 4);
  const labels = name.split(".").map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, "ascii")]));
  return Buffer.concat([head, ...labels, Buffer.from([0, 0, 1, 0, 1])]);
}

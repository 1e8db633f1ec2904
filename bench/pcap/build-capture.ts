/**
 * The pcap bench's input: one big classic pcap (little-endian, microseconds, Ethernet) made of
 * time-shifted copies of the public miner captures in ../shared/fixtures/pcap.
 *
 * To look like a network with several miner hosts, each copy is given a host number: the
 * fixture's local addresses are rewritten into 10.<host>.x.y, and the local side's ephemeral ports
 * (1024 and up) are moved by the round number, as a host's next connections would be (IPv4 header
 * and TCP/UDP checksums fixed up incrementally, RFC 1624, so checksum-checking tools read it as
 * valid). Copies are laid
 * out in rounds: in each round every host replays each fixture once, starting at a random
 * moment of the round, and the round's packets are merged by time, so flows of many hosts are
 * open at once (as on a real sensor) and the file's timestamps only go forward.
 *
 * Generated once and reused: the file's parameters are written beside it, and a file whose
 * parameters match is not written again.
 */
import { closeSync, existsSync, openSync, readFileSync, readdirSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { openFile } from "../../src/sources/input.js";
import { readCapture } from "../../src/sources/network/pcap/capture-reader.js";

export interface CaptureSpec {
  /** Stop once the file holds at least this many bytes (whole rounds). */
  targetBytes: number;
  /** Miner hosts replayed in every round. */
  hosts: number;
  /** Length of a round, seconds; the fixtures last at most ~220 s. */
  roundSeconds: number;
  seed: number;
}

export const DEFAULT_SPEC: CaptureSpec = { targetBytes: 200 * 1024 * 1024, hosts: 40, roundSeconds: 300, seed: 7 };

interface Packet { timeMs: number; data: Buffer }

/**
 * Which addresses of a fixture belong to the capturing site (and so to the host a copy stands
 * for): the miner in the nesfit Monero/Zcash captures, the whole LAN in the cgminer capture.
 */
interface Fixture { name: string; packets: Packet[]; local: (a: number, b: number, c: number, d: number) => boolean; subnet: number }

const FIXTURES: Omit<Fixture, "packets">[] = [
  { name: "nesfit-cgminer.s0.pcapng", local: (a, b, c) => a === 192 && b === 168 && c === 1, subnet: 1 },
  { name: "nesfit-xmr-eu1.nanopool.org.pcapng", local: (a, b, c, d) => a === 147 && b === 229 && c === 13 && d === 222, subnet: 2 },
  { name: "nesfit-zec-eu1.nanopool.org.pcapng", local: (a, b, c, d) => a === 147 && b === 229 && c === 13 && d === 222, subnet: 2 },
];

/** Deterministic PRNG (mulberry32): the same spec gives the same file. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** RFC 1624 eqn. 3: the checksum after one 16-bit word changed from `old` to `now`. */
function adjustChecksum(sum: number, old: number, now: number): number {
  let x = (~sum & 0xffff) + (~old & 0xffff) + now;
  x = (x & 0xffff) + (x >>> 16);
  x = (x & 0xffff) + (x >>> 16);
  return ~x & 0xffff;
}

/** A local ephemeral port as the same host would pick it in another round. */
function shiftPort(port: number, round: number): number {
  return port < 1024 ? port : 1024 + ((port - 1024 + round * 7919) % 64512);
}

/**
 * Rewrite local IPv4 addresses of an Ethernet frame (in place) to 10.<host>.<subnet>.<last octet>,
 * and their ephemeral ports for the round.
 */
function rewriteAddresses(frame: Buffer, fixture: Fixture, host: number, round: number): void {
  if (frame.length < 34 || frame.readUInt16BE(12) !== 0x0800) return;
  const ip = 14;
  const ihl = (frame[ip]! & 0x0f) * 4;
  const protocol = frame[ip + 9]!;
  const firstFragment = (frame.readUInt16BE(ip + 6) & 0x1fff) === 0;
  const l4 = ip + ihl;
  const l4Sum = protocol === 6 ? l4 + 16 : protocol === 17 ? l4 + 6 : -1;
  const fixL4 = firstFragment && l4Sum > 0 && l4Sum + 2 <= frame.length && !(protocol === 17 && frame.readUInt16BE(l4Sum) === 0);
  for (const [at, portAt] of [[ip + 12, l4], [ip + 16, l4 + 2]] as const) {
    if (!fixture.local(frame[at]!, frame[at + 1]!, frame[at + 2]!, frame[at + 3]!)) continue;
    if (firstFragment && (protocol === 6 || protocol === 17) && portAt + 2 <= frame.length) {
      const oldPort = frame.readUInt16BE(portAt);
      const newPort = shiftPort(oldPort, round);
      frame.writeUInt16BE(newPort, portAt);
      if (fixL4) {
        const sum = adjustChecksum(frame.readUInt16BE(l4Sum), oldPort, newPort);
        frame.writeUInt16BE(protocol === 17 && sum === 0 ? 0xffff : sum, l4Sum); // UDP: 0 means "no checksum"
      }
    }
    const oldHi = frame.readUInt16BE(at);
    const oldLo = frame.readUInt16BE(at + 2);
    frame[at] = 10;
    frame[at + 1] = host & 0xff;
    frame[at + 2] = fixture.subnet;
    const newHi = frame.readUInt16BE(at);
    const newLo = frame.readUInt16BE(at + 2);
    frame.writeUInt16BE(adjustChecksum(adjustChecksum(frame.readUInt16BE(ip + 10), oldHi, newHi), oldLo, newLo), ip + 10);
    if (fixL4) {
      let sum = adjustChecksum(adjustChecksum(frame.readUInt16BE(l4Sum), oldHi, newHi), oldLo, newLo);
      if (protocol === 17 && sum === 0) sum = 0xffff; // UDP: 0 means "no checksum"
      frame.writeUInt16BE(sum, l4Sum);
    }
  }
}

async function loadFixture(dir: string, f: Omit<Fixture, "packets">): Promise<Fixture> {
  const { input } = await openFile(join(dir, f.name), () => {});
  const packets: Packet[] = [];
  for await (const p of readCapture(input, (m) => { throw new Error(`${f.name}: ${m}`); })) {
    packets.push({ timeMs: p.timeMs, data: Buffer.from(p.data) });
  }
  const t0 = packets[0]!.timeMs;
  for (const p of packets) p.timeMs -= t0;
  return { ...f, packets };
}

/** Buffered writer of pcap records. */
class PcapWriter {
  private readonly buf = Buffer.alloc(1 << 20);
  private used = 0;
  written = 0;
  packets = 0;
  constructor(private readonly fd: number) {
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(262144, 16);
    h.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
    this.raw(h);
  }
  record(timeMs: number, data: Buffer): void {
    const micros = Math.round(timeMs * 1000);
    const h = Buffer.alloc(16);
    h.writeUInt32LE(Math.floor(micros / 1e6), 0);
    h.writeUInt32LE(micros % 1e6, 4);
    h.writeUInt32LE(data.length, 8);
    h.writeUInt32LE(data.length, 12);
    this.raw(h);
    this.raw(data);
    this.packets++;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
  private raw(b: Buffer): void {
    if (this.used + b.length > this.buf.length) this.flush();
    if (b.length > this.buf.length) { writeSync(this.fd, b); this.written += b.length; return; }
    b.copy(this.buf, this.used);
    this.used += b.length;
  }
  private flush(): void {
    writeSync(this.fd, this.buf, 0, this.used);
    this.written += this.used;
    this.used = 0;
  }
}

export interface BuiltCapture { path: string; bytes: number; packets: number; copies: number; hosts: number; rounds: number; reused: boolean }

/** Build (or reuse) the bench capture in `outDir` from the fixtures in `fixtureDir`. */
export async function buildCapture(fixtureDir: string, outDir: string, spec: CaptureSpec = DEFAULT_SPEC): Promise<BuiltCapture> {
  const path = join(outDir, `pcap-bench-${Math.round(spec.targetBytes / 1048576)}MB.pcap`);
  const metaPath = `${path}.json`;
  const fixtureNames = readdirSync(fixtureDir).filter((n) => n.endsWith(".pcapng")).sort();
  const wanted = JSON.stringify({ spec, fixtureNames, version: 2 });
  if (existsSync(path) && existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, "utf8")) as { key: string; built: BuiltCapture };
    if (meta.key === wanted && statSync(path).size === meta.built.bytes) return { ...meta.built, reused: true };
  }
  const fixtures = await Promise.all(FIXTURES.map((f) => loadFixture(fixtureDir, f)));
  const random = prng(spec.seed);
  const writer = new PcapWriter(openSync(path, "w"));
  // 2024-03-01T00:00:00Z: the copies are set in a recent week, not in 2017.
  const start = Date.UTC(2024, 2, 1);
  let rounds = 0;
  let copies = 0;
  while (writer.written < spec.targetBytes) {
    const round: Packet[] = [];
    const roundStart = start + rounds * spec.roundSeconds * 1000;
    for (let host = 0; host < spec.hosts; host++) {
      for (const f of fixtures) {
        // Start early enough that the whole copy ends inside its round: time only goes forward.
        const span = f.packets[f.packets.length - 1]!.timeMs;
        const shift = roundStart + random() * Math.max(0, spec.roundSeconds * 1000 - span - 1000);
        for (const p of f.packets) {
          const data = Buffer.from(p.data);
          rewriteAddresses(data, f, host, rounds);
          round.push({ timeMs: shift + p.timeMs, data });
        }
        copies++;
      }
    }
    round.sort((a, b) => a.timeMs - b.timeMs);
    for (const p of round) writer.record(p.timeMs, p.data);
    rounds++;
  }
  writer.close();
  const built: BuiltCapture = { path, bytes: writer.written, packets: writer.packets, copies, hosts: spec.hosts, rounds, reused: false };
  writeFileSync(metaPath, JSON.stringify({ key: wanted, built }, null, 2));
  return built;
}

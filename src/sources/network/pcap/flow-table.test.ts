import { test } from "node:test";
import assert from "node:assert/strict";
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type DecodedPacket } from "./decode.js";
import { DEFAULT_FLOW_LIMITS, FlowTable, type Flow } from "./flow-table.js";

function packet(src: string, sport: number, dst: string, dport: number, flags: number, seq = 1, payload = ""): DecodedPacket {
  return { ipVersion: 4, src, dst, protocol: 6, srcPort: sport, dstPort: dport, ipLength: 40 + payload.length, seq, flags, payload: Buffer.from(payload) };
}
const ref = (n: number) => ({ packet: n, offset: n * 10, timeMs: n });

test("the client is the SYN sender, the SYN-ACK receiver, or (mid-connection) the side on the higher port", () => {
  const done: Flow[] = [];
  const t = new FlowTable((f) => done.push(f));
  t.add(packet("10.0.0.5", 50000, "185.71.66.20", 14444, TCP_SYN), ref(1));
  t.add(packet("185.71.66.20", 14444, "10.0.0.6", 50001, TCP_SYN | TCP_ACK), ref(2));
  t.add(packet("185.71.66.20", 14444, "10.0.0.7", 50002, TCP_ACK, 9, '{"method":"job"}\n'), ref(3));
  t.finishAll();
  assert.deepEqual(done.map((f) => `${f.client.ip}:${f.client.port}>${f.server.port}`), ["10.0.0.5:50000>14444", "10.0.0.6:50001>14444", "10.0.0.7:50002>14444"]);
  assert.deepEqual(done[2]!.packets, [0, 1]);
});

test("a new SYN on a closed connection (port reuse) starts a new flow", () => {
  const done: Flow[] = [];
  const t = new FlowTable((f) => done.push(f));
  t.add(packet("10.0.0.5", 50000, "10.0.0.9", 3333, TCP_SYN, 100), ref(1));
  t.add(packet("10.0.0.5", 50000, "10.0.0.9", 3333, TCP_FIN | TCP_ACK, 101), ref(2));
  t.add(packet("10.0.0.5", 50000, "10.0.0.9", 3333, TCP_SYN, 100), ref(3)); // retransmitted SYN after close
  t.add(packet("10.0.0.5", 50000, "10.0.0.9", 3333, TCP_SYN, 7000), ref(4));
  t.finishAll();
  assert.deepEqual(done.map((f) => f.first.packet), [1, 3, 4]);
});

test("limits: never more than maxFlows open, the least recently active flow goes first", () => {
  const done: Flow[] = [];
  const t = new FlowTable((f) => done.push(f), { maxFlows: 3, maxBufferedBytes: 1 << 20 });
  for (let i = 0; i < 10; i++) {
    t.add(packet(`10.0.0.${i}`, 50000, "10.0.0.100", 3333, TCP_SYN), ref(i + 1));
    assert.ok(t.size <= 3);
  }
  assert.deepEqual(done.map((f) => f.first.packet), [1, 2, 3, 4, 5, 6, 7]);
  const big = "x".repeat(1000);
  const small = new FlowTable((f) => done.push(f), { maxFlows: 100, maxBufferedBytes: 2500 });
  for (let i = 0; i < 5; i++) small.add(packet(`10.0.1.${i}`, 50000, "10.0.0.100", 3333, TCP_ACK, 1, big), ref(i + 1));
  assert.ok(small.size <= 3, `buffered bytes bound the table: ${small.size} flows open`);
});

const at = (n: number, timeMs: number) => ({ packet: n, offset: n * 10, timeMs });
function udp(src: string, sport: number, dst: string, dport: number): DecodedPacket {
  return { ipVersion: 4, src, dst, protocol: 17, srcPort: sport, dstPort: dport, ipLength: 60, seq: 0, flags: 0, payload: Buffer.alloc(32) };
}

test("idle flows end by capture time: UDP after a minute, TCP after five; activity keeps a flow open", () => {
  const done: Flow[] = [];
  const t = new FlowTable((f) => done.push(f));
  t.add(udp("10.0.0.5", 40000, "10.0.0.1", 123), at(1, 0));
  t.add(packet("10.0.0.5", 50000, "185.71.66.20", 14444, TCP_ACK, 1, '{"id":1}\n'), at(2, 0));
  for (let s = 1; s <= 290; s++) t.add(packet("10.0.0.5", 50000, "185.71.66.20", 14444, TCP_ACK, 1 + s * 9, '{"id":1}\n'), at(2 + s, s * 1000));
  assert.deepEqual(done.map((f) => f.transport), ["udp"], "UDP idle for over 60 s is finished; the busy TCP flow is not");
  assert.equal(done[0]!.lastTimeMs, 0);
  t.add(udp("10.0.0.9", 40001, "10.0.0.1", 53), at(400, 290_000 + 300_001));
  assert.deepEqual(done.map((f) => f.transport), ["udp", "tcp"], "TCP idle for over 5 min is finished");
  assert.equal(done[1]!.packets[0], 291, "one flow for the whole connection");
  assert.equal(t.size, 1);
});

test("closed connections end after a short linger: RST, or FIN both ways; stragglers still count", () => {
  const done: Flow[] = [];
  const t = new FlowTable((f) => done.push(f));
  t.add(packet("10.0.0.5", 50000, "10.0.0.9", 3333, TCP_SYN, 100), at(1, 0));
  t.add(packet("10.0.0.9", 3333, "10.0.0.5", 50000, TCP_RST | TCP_ACK, 0), at(2, 10));
  t.add(packet("10.0.0.6", 50001, "10.0.0.9", 3333, TCP_SYN, 100), at(3, 20));
  t.add(packet("10.0.0.6", 50001, "10.0.0.9", 3333, TCP_FIN | TCP_ACK, 101), at(4, 30));
  t.add(packet("10.0.0.9", 3333, "10.0.0.6", 50001, TCP_FIN | TCP_ACK, 500), at(5, 40));
  t.add(packet("10.0.0.6", 50001, "10.0.0.9", 3333, TCP_ACK, 102), at(6, 50)); // the last ACK
  t.add(packet("10.0.0.7", 50002, "10.0.0.9", 3333, TCP_SYN, 100), at(7, 60)); // half-closed below: stays open
  t.add(packet("10.0.0.7", 50002, "10.0.0.9", 3333, TCP_FIN | TCP_ACK, 101), at(8, 70));
  assert.equal(done.length, 0);
  t.add(udp("10.0.0.1", 40000, "10.0.0.2", 53), at(9, 10_100));
  assert.deepEqual(done.map((f) => `${f.client.ip} ${f.packets[0]}/${f.packets[1]}`), ["10.0.0.5 1/1", "10.0.0.6 3/1"]);
  assert.equal(t.size, 2);
});

test("no more than maxFlows at once: the least recently active flow of any kind goes first", () => {
  const done: Flow[] = [];
  const t = new FlowTable((f) => done.push(f), { maxFlows: 2, maxBufferedBytes: 1 << 20 });
  t.add(udp("10.0.0.1", 40000, "10.0.0.2", 53), at(1, 0));
  t.add(packet("10.0.0.1", 50000, "10.0.0.2", 3333, TCP_SYN), at(2, 0));
  t.add(udp("10.0.0.1", 40000, "10.0.0.2", 53), at(3, 0)); // the UDP flow is now the most recent
  t.add(packet("10.0.0.1", 50001, "10.0.0.2", 3333, TCP_SYN), at(4, 0));
  assert.deepEqual(done.map((f) => f.first.packet), [2]);
});

test("with an inspector, streams are read once a direction is full and at the byte budget; flows go on counting", () => {
  const done: Flow[] = [];
  const inspected: string[] = [];
  const t = new FlowTable((f) => done.push(f), { maxFlows: 100, maxBufferedBytes: 40_000 }, (f) => {
    inspected.push(`${f.client.ip} ${f.streams![0].bytes().length}`);
  });
  // One flow sends 20 KiB: its client direction reaches the 16 KiB keep limit and is read then.
  let seq = 1;
  for (let i = 0; i < 20; i++) { t.add(packet("10.0.1.1", 50000, "10.0.0.100", 3333, TCP_ACK, seq, "x".repeat(1024)), at(i + 1, i)); seq += 1024; }
  assert.deepEqual(inspected, [`10.0.1.1 ${16 * 1024}`]);
  // Many small flows: over 40,000 bytes held, the least recently active are read and dropped.
  for (let i = 0; i < 30; i++) t.add(packet(`10.0.2.${i}`, 50000, "10.0.0.100", 3333, TCP_ACK, 1, "y".repeat(1500)), at(100 + i, 100 + i));
  assert.ok(inspected.length > 1 && inspected[1]!.startsWith("10.0.2.0 "), inspected.join(", "));
  assert.ok(t.bufferedBytes <= 40_000, `${t.bufferedBytes} bytes held`);
  assert.equal(t.size, 31, "no flow was finished early");
  t.add(packet("10.0.1.1", 50000, "10.0.0.100", 3333, TCP_ACK, seq, "z"), at(200, 200));
  t.finishAll();
  const big = done.find((f) => f.client.ip === "10.0.1.1")!;
  assert.equal(big.packets[0], 21);
  assert.equal(big.streams![0].delivered, 20 * 1024 + 1);
  assert.equal(inspected.filter((s) => s.startsWith("10.0.1.1 ")).length, 1, "a flow is read once");
});

test("many flows that differ in one address word or port each stay a flow of their own", () => {
  const done: Flow[] = [];
  const t = new FlowTable((f) => done.push(f), { maxFlows: 100_000, maxBufferedBytes: 1 << 20 });
  let n = 0;
  for (let a = 0; a < 50; a++) for (let port = 1000; port < 1200; port++) t.add(udp(`10.1.${a}.7`, port, "10.0.0.1", 53), at(++n, 0));
  for (let a = 0; a < 50; a++) for (let port = 1000; port < 1200; port++) t.add(udp("10.0.0.1", 53, `10.1.${a}.7`, port), at(++n, 1));
  assert.equal(t.size, 10_000);
  t.finishAll();
  assert.ok(done.every((f) => f.packets[0] === 1 && f.packets[1] === 1 && f.server.port === 53));
});

test("with reuse, finished flows and their stream stores serve later flows; what onFinish saw is the same", () => {
  const seen = (f: Flow) => `${f.client.ip}:${f.client.port}>${f.server.ip}:${f.server.port} ${f.transport} first=${f.first.packet}@${f.first.timeMs}`
    + ` last=${f.lastTimeMs} packets=${f.packets} bytes=${f.bytes} closed=${f.closed} data=${f.streams?.map((s) => s.bytes().toString()).join("|") ?? "-"}`;
  const feed = (t: FlowTable) => {
    let n = 0;
    for (let round = 0; round < 3; round++) {
      const base = round * 400_000; // past the TCP idle timeout: the previous round's flows end
      for (let i = 0; i < 20; i++) {
        t.add(packet(`10.0.${round}.${i}`, 50000 + i, "185.71.66.20", 14444, TCP_SYN, 100), at(++n, base + i));
        t.add(packet(`10.0.${round}.${i}`, 50000 + i, "185.71.66.20", 14444, TCP_ACK, 101, `{"id":${i},"method":"login"}\n`), at(++n, base + i + 1));
        if (i % 3 === 0) t.add(udp(`10.0.${round}.${i}`, 40000, "10.0.0.1", 53), at(++n, base + i + 2));
      }
    }
    t.finishAll();
  };
  const plain: string[] = [];
  feed(new FlowTable((f) => plain.push(seen(f))));
  const reused: string[] = [];
  const objects = new Set<Flow>();
  const stores = new Set<ArrayBufferLike>();
  feed(new FlowTable((f) => {
    reused.push(seen(f));
    objects.add(f);
    if (f.streams) stores.add(f.streams[0].bytes().buffer);
  }, DEFAULT_FLOW_LIMITS, undefined, true));
  assert.deepEqual(reused, plain);
  assert.equal(plain.length, 3 * 27);
  assert.ok(objects.size < 3 * 27 / 2, `${objects.size} flow objects for ${plain.length} flows`);
  assert.ok(stores.size >= 20 && stores.size <= 21, `${stores.size} stores for 60 streams`);
});

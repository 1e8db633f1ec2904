import { test } from "node:test";
import assert from "node:assert/strict";
import { TCP_ACK, TCP_FIN, TCP_SYN, type DecodedPacket } from "./decode.js";
import { FlowTable, type Flow } from "./flow-table.js";

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

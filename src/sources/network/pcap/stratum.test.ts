import { test } from "node:test";
import assert from "node:assert/strict";
import { jsonLines, miningDialect, summariseStratum, type JsonMessage } from "./stratum.js";
import { DirectionStream } from "./tcp-stream.js";

function stream(text: string, packet = 1): DirectionStream {
  const s = new DirectionStream();
  s.onData(1, Buffer.from(text), { packet, offset: 0, timeMs: 0 });
  return s;
}

function messages(client: string, server: string): JsonMessage[] {
  return [...jsonLines(stream(client, 1), 0), ...jsonLines(stream(server, 2), 1)];
}

test("XMRig-style CryptoNote login, its job reply and a share", () => {
  const client = [
    '{"id":1,"jsonrpc":"2.0","method":"login","params":{"login":"48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD","pass":"x","agent":"XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0","algo":["rx/0"]}}',
    '{"id":2,"jsonrpc":"2.0","method":"submit","params":{"id":"1be0b7b6","job_id":"7qVLa","nonce":"c3010000","result":"00"}}',
    "",
  ].join("\n");
  const server = '{"id":1,"jsonrpc":"2.0","error":null,"result":{"id":"1be0b7b6","job":{"blob":"0707","job_id":"7qVLa","target":"b88d0600","algo":"rx/0"},"extensions":["algo","keepalive"],"status":"OK"}}\n';
  const s = summariseStratum(messages(client, server));
  assert.ok(s);
  assert.equal(s.dialect, "cryptonote");
  assert.deepEqual(s.methods, ["login", "submit"]);
  assert.equal(s.login, "48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD");
  assert.match(s.agent!, /^XMRig\/6\.21\.0/);
  assert.equal(s.messages, 3);
  assert.equal(s.first?.packet, 1);
});

test("Stratum v1 subscribe/authorize with pool notifications", () => {
  const client = '{"id": 1, "method": "mining.subscribe", "params": ["cgminer/3.7.2"]}\n{"id": 2, "method": "mining.authorize", "params": ["worker1.rig", "x"]}\n';
  const server = '{"id":1,"result":[[["mining.set_difficulty","1"],["mining.notify","1"]],"08000002",4],"error":null}\n{"id":null,"method":"mining.set_difficulty","params":[16]}\n{"id":null,"method":"client.show_message","params":["hi"]}\n';
  const s = summariseStratum(messages(client, server));
  assert.ok(s);
  assert.equal(s.dialect, "v1");
  assert.deepEqual(s.methods, ["mining.subscribe", "mining.authorize", "mining.set_difficulty", "client.show_message"]);
  assert.equal(s.login, "worker1.rig");
  assert.equal(s.agent, "cgminer/3.7.2");
});

test("Ethereum pool dialect and getwork are recognised", () => {
  assert.equal(miningDialect({ id: 1, jsonrpc: "2.0", method: "eth_submitLogin", params: ["0xb85150eb365e7df0941f0cf08235f987ba91506a"] }), "ethereum");
  assert.equal(miningDialect({ method: "getwork", params: [], id: 0 }), "getwork");
  assert.equal(miningDialect({ method: "getblocktemplate", params: [{ capabilities: ["coinbasetxn"] }], id: 0 }), "getwork");
  assert.equal(miningDialect({ id: 0, jsonrpc: "2.0", method: "job", params: { blob: "07", job_id: "a", target: "ff" } }), "cryptonote");
  assert.equal(miningDialect({ id: 3, jsonrpc: "2.0", method: "keepalived", params: { id: "x" } }), "cryptonote");
});

test("traps: generic JSON-RPC, an app's own login, and replies alone are not mining", () => {
  const client = '{"jsonrpc":"2.0","method":"eth_blockNumber","params":[],"id":1}\n{"jsonrpc":"2.0","method":"login","params":{"login":"alice","password":"hunter2"},"id":2}\n{"jsonrpc":"2.0","method":"submit","params":{"form":"contact"},"id":3}\n';
  const server = '{"id":1,"result":true,"error":null}\n{"jsonrpc":"2.0","result":{"status":"OK"},"id":2}\n';
  assert.equal(summariseStratum(messages(client, server)), undefined);
  assert.equal(summariseStratum(messages("GET / HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\n{}")), undefined);
});

test("a line cut by the 64 KiB bound or broken JSON is passed over", () => {
  const client = '{"id": 1, "method": "mining.subscribe", "params": []}\n{"id": 2, "method": "mining.auth';
  const ms = jsonLines(stream(client), 0);
  assert.equal(ms.length, 1);
  assert.equal(summariseStratum(ms)?.methods.length, 1);
});

test("a CryptoNote login reply with its job counts even when the login line was not captured", () => {
  const server = '{"id":1,"jsonrpc":"2.0","error":null,"result":{"id":"s1","job":{"blob":"0606","job_id":"j1","target":"ffff"},"status":"OK"}}\n{"jsonrpc":"2.0","method":"job","params":{"blob":"0707","job_id":"j2","target":"ffff"}}\n';
  const s = summariseStratum(jsonLines(stream(server, 9), 1));
  assert.equal(s?.dialect, "cryptonote");
  assert.deepEqual(s?.methods, ["job"]);
  assert.equal(s?.first?.packet, 9);
  assert.equal(miningDialect({ id: 7, result: { id: "abc", status: "OK" } }), undefined);
});

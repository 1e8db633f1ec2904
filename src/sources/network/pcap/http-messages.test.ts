import { test } from "node:test";
import assert from "node:assert/strict";
import { header, looksLikeHttpRequest, parseHttpMessages } from "./http-messages.js";

const getworkBody = '{"method": "getwork", "params": [], "id": 0}';
const requests = Buffer.from(
  "POST / HTTP/1.1\r\nAuthorization: Basic d29ya2VyOng=\r\nHost: pool.example.net:8332\r\n" +
  "User-Agent: cgminer 3.7.2\r\nContent-Type: application/json\r\nContent-Length: " + getworkBody.length + "\r\n" +
  "X-Mining-Extensions: longpoll midstate rollntime submitold\r\nX-Mining-Hashrate: 1000000\r\n\r\n" + getworkBody +
  "HEAD /status HTTP/1.1\r\nHost: pool.example.net\r\n\r\n" +
  "GET /next HTTP/1.1\r\nHost: pool.example.net\r\n\r\n",
);

test("requests with bodies framed by Content-Length, one after another", () => {
  assert.ok(looksLikeHttpRequest(requests));
  const msgs = parseHttpMessages(requests, "request");
  assert.deepEqual(msgs.map((m) => [m.method, m.target, m.version]), [["POST", "/", "1.1"], ["HEAD", "/status", "1.1"], ["GET", "/next", "1.1"]]);
  assert.equal(msgs[0]!.body.toString(), getworkBody);
  assert.equal(msgs[0]!.contentLength, getworkBody.length);
  assert.equal(header(msgs[0]!, "x-mining-extensions"), "longpoll midstate rollntime submitold");
  assert.equal(header(msgs[0]!, "user-agent"), "cgminer 3.7.2");
});

test("responses: chunked bodies decoded, HEAD answers have none, X-Stratum kept", () => {
  const result = '{"result":{"data":"00000001","target":"ffff"},"error":null,"id":0}';
  const half = Math.floor(result.length / 2);
  const responses = Buffer.from(
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Stratum: stratum+tcp://pool.example.net:3333\r\nTransfer-Encoding: chunked\r\n\r\n" +
    half.toString(16) + "\r\n" + result.slice(0, half) + "\r\n" + (result.length - half).toString(16) + "\r\n" + result.slice(half) + "\r\n0\r\n\r\n" +
    "HTTP/1.1 200 OK\r\nContent-Length: 999\r\n\r\n" + // HEAD: no body follows despite the length
    "HTTP/1.1 204 No Content\r\n\r\n",
  );
  const msgs = parseHttpMessages(responses, "response", ["POST", "HEAD", "GET"]);
  assert.deepEqual(msgs.map((m) => m.status), [200, 200, 204]);
  assert.equal(msgs[0]!.body.toString(), result);
  assert.equal(header(msgs[0]!, "X-Stratum"), "stratum+tcp://pool.example.net:3333");
});

test("not HTTP, or a header block that never ends, gives no messages", () => {
  assert.equal(looksLikeHttpRequest(Buffer.from('{"id": 0, "method": "mining.subscribe"}')), false);
  assert.equal(looksLikeHttpRequest(Buffer.from("SSH-2.0-OpenSSH_9.6\r\n")), false);
  assert.deepEqual(parseHttpMessages(Buffer.from("GET / HTTP/1.1\r\nHost: x"), "request"), []);
  assert.deepEqual(parseHttpMessages(Buffer.from("GET /only-two-words\r\n\r\n"), "request"), []);
});

test("a body longer than 4 KiB is kept to its first 4 KiB", () => {
  const big = "x".repeat(10000);
  const msgs = parseHttpMessages(Buffer.from(`POST /u HTTP/1.1\r\nContent-Length: ${big.length}\r\n\r\n${big}`), "request");
  assert.equal(msgs[0]!.body.length, 4096);
  assert.equal(msgs[0]!.contentLength, 10000);
});

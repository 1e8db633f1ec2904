import { test } from "node:test";
import assert from "node:assert/strict";
import { parseFileWith, parseWith, sharedFixture, sniffWith } from "../../test-helpers/index.js";
import { minerConfigSource, poolEndpoint } from "./miner-config.js";
import { relaxedJsonToStrict } from "./relaxed-json.js";

test("XMRig's real default config.json: family, pool, wallet placeholder, donate level, keys", async (t) => {
  const path = sharedFixture(t, "miner-configs/xmrig-default-src-config.json");
  if (!path) return;
  const { events, issues } = await parseFileWith(minerConfigSource, path);
  assert.deepEqual(issues, []);
  assert.equal(events.length, 1);
  const e = events[0]!;
  assert.equal(e["event.dataset"], "miner.config");
  assert.deepEqual(e["event.category"], ["configuration"]);
  assert.equal(e["event.kind"], "state");
  assert.equal(e["file.path"], path);
  assert.equal(e["minerhunt.miner.family"], "xmrig");
  assert.deepEqual(e["url.original"], ["donate.v2.xmrig.com:3333"]);
  assert.deepEqual(e["minerhunt.miner.pools"], ["donate.v2.xmrig.com:3333"]);
  assert.deepEqual(e["minerhunt.miner.wallets"], ["YOUR_WALLET_ADDRESS"]);
  assert.equal(e["minerhunt.miner.donate_level"], 1);
  const keys = e["minerhunt.miner.config_keys"] as string[];
  for (const k of ["donate-level", "randomx", "pools", "cpu", "huge-pages", "rig-id"]) assert.ok(keys.includes(k), `${k} in ${keys.join(",")}`);
  assert.equal(e["minerhunt.line"], 65, "the line of the first pool url");
});

test("an attacker's XMRig config with comments and trailing commas (XMRig accepts both)", async () => {
  const text = `{
    // written by the dropper
    "autosave": false,
    "background": true,
    "donate-level": 0,
    "cpu": { "enabled": true, "huge-pages": true, "priority": 0, },
    /* two pools, first over TLS */
    "pools": [
        { "url": "stratum+ssl://gulf.moneroocean.stream:20128", "user": "4AbCdWallet", "pass": "web01", "tls": true, },
        { "url": "xmr.kryptex.network:7029", "user": "4AbCdWallet", "keepalive": true },
    ],
}
`;
  const { events, issues } = await parseWith(minerConfigSource, text, "home/www-data/.cache/.x/config.json");
  assert.deepEqual(issues, []);
  const e = events[0]!;
  assert.equal(e["minerhunt.miner.family"], "xmrig");
  assert.deepEqual(e["url.original"], ["stratum+ssl://gulf.moneroocean.stream:20128", "xmr.kryptex.network:7029"]);
  assert.deepEqual(e["minerhunt.miner.pools"], ["gulf.moneroocean.stream:20128", "xmr.kryptex.network:7029"]);
  assert.deepEqual(e["minerhunt.miner.wallets"], ["4AbCdWallet"]);
  assert.equal(e["minerhunt.miner.donate_level"], 0);
  assert.equal(e["minerhunt.line"], 9);
});

// xmr-stak 2.x pools.txt: members without braces, C comments, a trailing comma.
const XMR_STAK_POOLS = `/*
 * pool_address    - Pool address should be entered as "pool_address:port" (e.g "pool.example.com:4444"). Only stratum pools are supported.
 * wallet_address  - Your wallet, or pool login.
 */

"pool_list" :
[
	{"pool_address" : "pool.supportxmr.com:5555", "wallet_address" : "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A", "rig_id" : "", "pool_password" : "x", "use_nicehash" : false, "use_tls" : false, "tls_fingerprint" : "", "pool_weight" : 1 },
],

/*
 * Currency to mine.
 */

"currency" : "monero",
`;

test("xmr-stak pools.txt", async () => {
  const { events, issues } = await parseWith(minerConfigSource, XMR_STAK_POOLS, "opt/.cache/pools.txt");
  assert.deepEqual(issues, []);
  const e = events[0]!;
  assert.equal(e["minerhunt.miner.family"], "xmr-stak");
  assert.deepEqual(e["minerhunt.miner.pools"], ["pool.supportxmr.com:5555"]);
  assert.deepEqual(e["minerhunt.miner.wallets"], ["44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"]);
  assert.equal(e["minerhunt.miner.donate_level"], undefined, "xmr-stak sets donation at build time");
  assert.equal(e["minerhunt.line"], 8);
});

test("xmr-stak config.txt (settings, no pools) is still a miner config", async () => {
  const text = '/*\n * Network timeouts.\n */\n"call_timeout" : 10,\n"retry_time" : 30,\n"giveup_limit" : 0,\n"verbose_level" : 3,\n"print_motd" : true,\n"h_print_time" : 60,\n"daemon_mode" : false,\n"httpd_port" : 0,\n"prefer_ipv4" : true,\n';
  const { events, issues } = await parseWith(minerConfigSource, text, "config.txt");
  assert.deepEqual(issues, []);
  assert.equal(events[0]!["minerhunt.miner.family"], "xmr-stak");
  assert.deepEqual(events[0]!["url.original"], []);
  assert.ok(await sniffWith(minerConfigSource, text, "config.txt") >= 0.85);
});

test("cgminer.conf JSON", async () => {
  const text = `{
"pools" : [
	{
		"url" : "stratum+tcp://stratum.antpool.com:3333",
		"user" : "miner1.001",
		"pass" : "x"
	},
	{
		"url" : "stratum+tcp://btc.viabtc.com:3333",
		"user" : "miner1.001",
		"pass" : "x"
	}
]
,
"api-listen" : true,
"api-network" : true,
"api-allow" : "W:127.0.0.1",
"failover-only" : true,
"queue" : "0"
}
`;
  const { events } = await parseWith(minerConfigSource, text, "root/.cgminer/cgminer.conf");
  const e = events[0]!;
  assert.equal(e["minerhunt.miner.family"], "cgminer");
  assert.deepEqual(e["minerhunt.miner.pools"], ["stratum.antpool.com:3333", "btc.viabtc.com:3333"]);
  assert.deepEqual(e["minerhunt.miner.wallets"], ["miner1.001"]);
});

test("trap: an ordinary JSON config is not a miner config; broken JSON is an issue with its line", async () => {
  const pkg = '{\n  "name": "web",\n  "version": "1.0.0",\n  "dependencies": { "express": "^4.19.2" }\n}\n';
  assert.equal(await sniffWith(minerConfigSource, pkg, "package.json"), 0);
  const notMiner = await parseWith(minerConfigSource, pkg, "package.json");
  assert.equal(notMiner.events.length, 0);
  assert.match(notMiner.issues[0]!.message, /no miner settings/);
  const broken = await parseWith(minerConfigSource, '{\n  "pools": [\n    { "url": "a:1" \n  ]\n}\n', "config.json");
  assert.equal(broken.events.length, 0);
  assert.equal(broken.issues[0]!.line, 4);
});

test("relaxed JSON keeps line positions and leaves strings alone", () => {
  const strict = relaxedJsonToStrict('{ "a": "http://x//y /* no */", // c\n "b": [1, 2,], }');
  assert.deepEqual(JSON.parse(strict), { a: "http://x//y /* no */", b: [1, 2] });
  assert.equal(strict.split("\n").length, 2);
});

test("poolEndpoint strips scheme, credentials and path", () => {
  assert.equal(poolEndpoint("stratum+tcp://user:pw@Pool.Example.com:3333/x"), "pool.example.com:3333");
  assert.equal(poolEndpoint("donate.v2.xmrig.com:3333"), "donate.v2.xmrig.com:3333");
  assert.equal(poolEndpoint(""), undefined);
});

test("sniff: XMRig, xmr-stak and cgminer configs by their keys", async (t) => {
  assert.ok(await sniffWith(minerConfigSource, XMR_STAK_POOLS, "pools.txt") >= 0.9);
  const path = sharedFixture(t, "miner-configs/xmrig-default-src-config.json");
  if (!path) return;
  const { readFileSync } = await import("node:fs");
  assert.ok(await sniffWith(minerConfigSource, readFileSync(path, "utf8"), "config.json") >= 0.9);
});

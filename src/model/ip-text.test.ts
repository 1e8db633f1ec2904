import { test } from "node:test";
import assert from "node:assert/strict";
import { isIP } from "node:net";
import { ipFamily, isIpAddress } from "./ip-text.js";

test("ipFamily answers as net.isIP does, names and odd texts included", () => {
  const texts = [
    "1.2.3.4", "255.255.255.255", "0.0.0.0", "256.1.1.1", "01.2.3.4", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.4 ",
    " 1.2.3.4", "1.2.3.4:3333", "[2001:db8::1]:3333", "2001:db8::1", "::", "::1", "::ffff:1.2.3.4", "fe80::1%eth0",
    "2001:db8:::1", "xmr-eu1.nanopool.org", "pool.supportxmr.com:443", "", ".", "1.2.3.-4", "１.2.3.4", "1.2.3.4\n",
  ];
  for (const t of texts) {
    assert.equal(ipFamily(t), isIP(t), JSON.stringify(t));
    assert.equal(isIpAddress(t), isIP(t) !== 0, JSON.stringify(t));
  }
});

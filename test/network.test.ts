// What the device list stores of a client's address: its network, never the address.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { networkOf } from "../lib/session/testing";

describe("networkOf", () => {
  it("cuts IPv4 to /24 and IPv6 to /48, IPv4-mapped IPv6 as IPv4", () => {
    const cases: [string | undefined, string | undefined][] = [
      ["203.0.113.7", "203.0.113.0/24"],
      ["::ffff:203.0.113.7", "203.0.113.0/24"],
      ["2001:db8:85a3::8a2e:370:7334", "2001:db8:85a3::/48"],
      ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::/48"],
      ["2001:db8::1.2.3.4", "2001:db8::/48"],
      ["fe80::1%eth0", "fe80::/48"],
      ["::1", "::/48"],
      ["127.0.0.1", "127.0.0.0/24"],
    ];
    for (const [address, network] of cases) assert.equal(networkOf(address), network, address);
  });

  it("anything that is not an address is no network", () => {
    for (const junk of [undefined, "", "unknown", "1.2.3", "1.2.3.4.5", "256.1.1.1", "::1::2", "1:2:3:4:5:6:7:8:9", "<script>", "203.0.113.7, 10.0.0.1"]) {
      assert.equal(networkOf(junk), undefined, String(junk));
    }
  });
});

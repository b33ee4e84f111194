// The client address (issue 21, item 5): the TCP peer's unless the operator trusts proxies in front,
// on a real HTTP server; SESSION_TRUSTED_PROXIES read like every setting.
import assert from "node:assert/strict";
import { createServer, request, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { clientAddressOf, SOCKET_ADDRESS_HEADER } from "../lib/forwarded-for";
import { ImproperlyConfigured, readSettings } from "../lib/session";
import { networkOf } from "../lib/session/testing";
import { recordSocketAddresses } from "../lib/socket-address";

const headersOf = (entries: Record<string, string>) => new Headers(entries);

describe("clientAddressOf", () => {
  it("no trusted proxy: the peer's address, whatever X-Forwarded-For says", () => {
    const h = headersOf({ [SOCKET_ADDRESS_HEADER]: "198.51.100.7", "x-forwarded-for": "203.0.113.1, 203.0.113.2" });
    assert.equal(clientAddressOf(h, 0), "198.51.100.7");
    assert.equal(clientAddressOf(headersOf({ "x-forwarded-for": "203.0.113.1" }), 0), undefined, "no peer recorded: unknown, never the header");
  });

  it("n trusted proxies: the n-th entry from the right; fewer entries than proxies: the peer", () => {
    const h = headersOf({ [SOCKET_ADDRESS_HEADER]: "10.0.0.2", "x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.0.0.1" });
    assert.equal(clientAddressOf(h, 1), "10.0.0.1");
    assert.equal(clientAddressOf(h, 2), "203.0.113.9", "the forged first entry is never used");
    assert.equal(clientAddressOf(h, 4), "10.0.0.2");
    assert.equal(clientAddressOf(headersOf({ [SOCKET_ADDRESS_HEADER]: "10.0.0.2" }), 1), "10.0.0.2");
  });

  it("an entry with a port (as some proxies append it) is the address alone, so the device list has its network", () => {
    const peer = { [SOCKET_ADDRESS_HEADER]: "10.0.0.2" };
    assert.equal(clientAddressOf(headersOf({ ...peer, "x-forwarded-for": "6.6.6.6:1234" }), 1), "6.6.6.6");
    assert.equal(clientAddressOf(headersOf({ ...peer, "x-forwarded-for": "[2001:db8::1]:443" }), 1), "2001:db8::1");
    assert.equal(clientAddressOf(headersOf({ ...peer, "x-forwarded-for": "[2001:db8::1]" }), 1), "2001:db8::1");
    assert.equal(networkOf(clientAddressOf(headersOf({ ...peer, "x-forwarded-for": "6.6.6.6:1234" }), 1)), "6.6.6.0/24");
  });
});

describe("recordSocketAddresses on a real server", () => {
  it("stamps each request with its socket's address, over a value the client forged", async () => {
    recordSocketAddresses();
    recordSocketAddresses(); // once per process, however often called
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => (seen.push(req.headers), res.end("ok")));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const get = (headers: Record<string, string>) =>
      new Promise<void>((resolve, reject) => request({ port, host: "127.0.0.1", headers }, (res) => res.resume().on("end", resolve)).on("error", reject).end());
    try {
      await get({ [SOCKET_ADDRESS_HEADER]: "6.6.6.6", "x-forwarded-for": "6.6.6.6" });
      await get({});
    } finally {
      server.close();
    }
    assert.deepEqual(seen.map((h) => h[SOCKET_ADDRESS_HEADER]), ["127.0.0.1", "127.0.0.1"]);
    assert.equal(clientAddressOf(new Headers(seen[0] as Record<string, string>), 0), "127.0.0.1");
  });
});

describe("SESSION_TRUSTED_PROXIES", () => {
  it("defaults to 0; a whole number from 0 to 10; anything else names the variable", () => {
    assert.equal(readSettings({}).trustedProxies, 0);
    assert.equal(readSettings({ SESSION_TRUSTED_PROXIES: "2" }).trustedProxies, 2);
    for (const bad of ["-1", "1.5", "yes", "11"]) {
      assert.throws(() => readSettings({ SESSION_TRUSTED_PROXIES: bad }), (e: unknown) => e instanceof ImproperlyConfigured && /SESSION_TRUSTED_PROXIES/.test(e.message));
    }
  });
});

// An instance's Archive Access: the end users' addresses from
// GetClientAccessServers (withServiceStatus: the CAS's own webAccess
// {hostName, port}, else its registered name), and the one-time URL's shape
// (CreateClientOneTimeUrlForArchiveAdmin: <base>/#archiveadmin=<hex>).
import { test } from "node:test";
import assert from "node:assert/strict";
import { endUserUrls, isOneTimeUrl, webAccessOrigin } from "../src/instance_access.js";

test("the origin: port 443 left out, other ports kept, IPv6 in brackets", () => {
  assert.equal(webAccessOrigin("archive.example.com"), "https://archive.example.com");
  assert.equal(webAccessOrigin("archive.example.com", 443), "https://archive.example.com");
  assert.equal(webAccessOrigin("127.0.0.1", 8443), "https://127.0.0.1:8443");
  assert.equal(webAccessOrigin("::1", 8443), "https://[::1]:8443");
  assert.equal(webAccessOrigin("[::1]", 443), "https://[::1]");
});

test("one address per CAS: its Web Access when it says, else its name; by ID and by alias", () => {
  const servers = [
    { serverName: "cas1.internal", port: 8474, serverCertificate: { thumbprint: "ab" },
      serviceStatus: { active: true, systemProperties: {}, message: null, webAccess: { hostName: "archive.example.com", port: 443 } } },
    { serverName: "cas2.internal", port: 8474,
      serviceStatus: { active: false, systemProperties: null, message: "not reachable", webAccess: null } },
    { serverName: "127.0.0.1", port: 1234, serviceStatus: { active: true, webAccess: { hostName: "127.0.0.1", port: 40123 } } },
    { serverName: "cas-old", port: 1 },  // an answer without service status
  ];
  const urls = endUserUrls(servers, { instanceID: "acme", alias: "acme-corp" });
  assert.deepEqual(urls[0], { server: "cas1.internal", url: "https://archive.example.com/acme",
                              aliasUrl: "https://archive.example.com/acme-corp", confirmed: true, active: true });
  assert.deepEqual(urls[1], { server: "cas2.internal", url: "https://cas2.internal/acme",
                              aliasUrl: "https://cas2.internal/acme-corp", confirmed: false, active: false });
  assert.equal(urls[2].url, "https://127.0.0.1:40123/acme");
  assert.equal(urls[3].active, null);
  assert.equal(endUserUrls(servers, { instanceID: "acme", alias: "" })[0].aliasUrl, null);
  assert.deepEqual(endUserUrls([], { instanceID: "acme" }), []);
  assert.deepEqual(endUserUrls(null, { instanceID: "acme" }), []);
  assert.deepEqual(endUserUrls([{ serverName: "" }, null], { instanceID: "acme" }), []);
});

test("a one-time URL: https, the base, then /#archiveadmin=<hex>", () => {
  const base = "https://127.0.0.1:40123/acme";
  assert.equal(isOneTimeUrl(base + "/#archiveadmin=0a1b2c", base), true);
  assert.equal(isOneTimeUrl(base + "/#archiveadmin=0a1b2c", base + "/"), true);
  assert.equal(isOneTimeUrl(base + "/#archiveadmin=0a1b2c"), true);
  assert.equal(isOneTimeUrl("https://elsewhere/acme/#archiveadmin=0a", base), false);
  assert.equal(isOneTimeUrl(base + "/#archiveadmin=", base), false);
  assert.equal(isOneTimeUrl("http://127.0.0.1/acme/#archiveadmin=0a"), false);
  assert.equal(isOneTimeUrl(null), false);
});

// The smaller pieces: the address (router), the Dashboard's reading of
// GetServiceStatus, and the checks made as the user types (validate.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatHash, parseHash } from "../src/router.js";
import { groupMessages, healthTree, summary } from "../src/status.js";
import { adminNameProblem, emailProblem, normalizeThumbprint, passwordProblem, portProblem, serverNameProblem,
         thumbprintProblem } from "../src/validate.js";

test("the address: page, parameter, query; unknown pages are the dashboard", () => {
  assert.deepEqual(parseHash(""), { page: "dashboard", param: "", query: {} });
  assert.deepEqual(parseHash("#/instances?q=acme&status=running"), { page: "instances", param: "", query: { q: "acme", status: "running" } });
  assert.deepEqual(parseHash("#/developer/GetUsers"), { page: "developer", param: "GetUsers", query: {} });
  assert.deepEqual(parseHash("#/nowhere"), { page: "dashboard", param: "", query: {} });
  assert.deepEqual(parseHash("#/developer/%E0%A4%A"), { page: "developer", param: "", query: {} });
  assert.equal(formatHash("instances", "", { q: "a b", host: "", page: 2 }), "#/instances?q=a+b&page=2");
  assert.equal(formatHash("developer", "GetUsers"), "#/developer/GetUsers");
  const round = parseHash(formatHash("instances", "", { q: "x&y=z" }));
  assert.equal(round.query.q, "x&y=z");
});

const status = {
  serverInfos: [
    { serverName: "mgmt", serverType: "managementServer", active: true },
    { serverName: "ih1", serverType: "instanceHost", active: true, numberOfInstances: 5, numberOfRunningInstances: 3 },
    { serverName: "ih2", serverType: "instanceHost", active: false, numberOfInstances: null, numberOfRunningInstances: null },
    { serverName: "cas1", serverType: "clientAccessServer", active: true },
  ],
  messages: [
    { type: "information", text: "new version", isSubItem: false },
    { type: "warning", text: "acme: rebuild", isSubItem: false },
    { type: "warning", text: "store 1", isSubItem: true },
    { type: "error", text: "ih2 unreachable", isSubItem: false },
    { type: "warning", text: "smtp unencrypted", isSubItem: false },
  ],
};

test("the health tree: the Management Server, its hosts and CASes", () => {
  const t = healthTree(status.serverInfos);
  assert.equal(t.root.serverName, "mgmt");
  assert.deepEqual(t.hosts.map((h) => h.serverName), ["ih1", "ih2"]);
  assert.deepEqual(t.accessServers.map((h) => h.serverName), ["cas1"]);
  assert.deepEqual(healthTree(undefined), { root: null, hosts: [], accessServers: [] });
});

test("messages: errors first, then warnings, then information; sub-items stay with their message", () => {
  const g = groupMessages(status.messages);
  assert.deepEqual(g.map((x) => x.head.text), ["ih2 unreachable", "acme: rebuild", "smtp unencrypted", "new version"]);
  assert.deepEqual(g[1].items.map((x) => x.text), ["store 1"]);
  assert.deepEqual(groupMessages([{ type: "warning", text: "orphan", isSubItem: true }]).map((x) => x.head.text), ["orphan"]);
  assert.deepEqual(groupMessages(null), []);
});

test("summary counts", () => {
  assert.deepEqual(summary(status), { instances: 5, runningInstances: 3, hosts: 2, activeHosts: 1, accessServers: 1,
                                      activeAccessServers: 1, errors: 1, warnings: 2 });
});

test("thumbprints: 64 hex digits, ':' and spaces allowed, any case", () => {
  const hex = "AB".repeat(32);
  assert.equal(normalizeThumbprint(hex), "ab".repeat(32));
  assert.equal(normalizeThumbprint(hex.match(/../g).join(":")), "ab".repeat(32));
  assert.equal(normalizeThumbprint(" " + hex.match(/.{8}/g).join(" ") + " "), "ab".repeat(32));
  assert.equal(normalizeThumbprint("ab".repeat(31)), "");
  assert.equal(thumbprintProblem(""), "thumbprintEmpty");
  assert.equal(thumbprintProblem("xyz"), "thumbprintInvalid");
  assert.equal(thumbprintProblem(hex), null);
});

test("server names, ports", () => {
  assert.equal(serverNameProblem("ih1.example.com"), null);
  assert.equal(serverNameProblem("10.0.0.5"), null);
  assert.equal(serverNameProblem("fe80::1"), null);
  assert.equal(serverNameProblem(""), "serverNameEmpty");
  assert.equal(serverNameProblem("a b"), "serverNameInvalid");
  assert.equal(serverNameProblem("a".repeat(254)), "serverNameTooLong");
  assert.equal(portProblem("8472"), null);
  assert.equal(portProblem(" 1 "), null);
  for (const bad of ["0", "65536", "80a", "", "-1", "1.5"]) assert.equal(portProblem(bad), "portInvalid", bad);
});

test("administrator names and passwords: the server's rules", () => {
  assert.equal(adminNameProblem("ops.team-1_x@corp"), null);
  assert.equal(adminNameProblem(""), "adminNameEmpty");
  assert.equal(adminNameProblem("a b"), "adminNameInvalid");
  assert.equal(adminNameProblem("ä"), "adminNameInvalid");
  assert.equal(adminNameProblem("a".repeat(129)), "adminNameTooLong");
  assert.equal(passwordProblem("Short1!"), "passwordTooShort");
  assert.equal(passwordProblem("alllowercaseletters"), "passwordWeak");
  assert.equal(passwordProblem("lowerUPPERonly"), "passwordWeak");
  assert.equal(passwordProblem("lower-and-digits-123"), null);
  assert.equal(passwordProblem("Admin-User1", "Admin-User1"), "passwordIsName");
  assert.equal(passwordProblem("Aa1" + "x".repeat(300)), "passwordTooLong");
  assert.equal(emailProblem(""), null);
  assert.equal(emailProblem("a@b"), null);
  assert.equal(emailProblem("nope"), "emailInvalid");
});

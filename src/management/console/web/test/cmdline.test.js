// The spe-cli and curl command lines of the Developer page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { curlCommand, hostPort, shellQuote, speCliCommand } from "../src/cmdline.js";

test("shellQuote leaves safe words alone and single-quotes the rest", () => {
  assert.equal(shellQuote("GetInstances"), "GetInstances");
  assert.equal(shellQuote("a b"), "'a b'");
  assert.equal(shellQuote("*"), "'*'");
  assert.equal(shellQuote(""), "''");
  assert.equal(shellQuote("it's"), "'it'\\''s'");
  assert.equal(shellQuote('{"a":1}'), `'{"a":1}'`);
  assert.equal(shellQuote("$HOME"), "'$HOME'");
});

test("shellQuote survives a real shell", () => {
  for (const word of ["a b", "it's", '{"x":"y z"}', "$HOME `id`", "tab\there", "new\nline", "ü €", "*", "a\\b", ""]) {
    const echoed = execFileSync("/bin/sh", ["-c", `printf '%s' ${shellQuote(word)}`], { encoding: "utf8" });
    assert.equal(echoed, word);
  }
});

test("hostPort brackets IPv6 addresses", () => {
  assert.equal(hostPort("mgmt.example.com", 8474), "mgmt.example.com:8474");
  assert.equal(hostPort("::1", 8474), "[::1]:8474");
  assert.equal(hostPort("[::1]", 8474), "[::1]:8474");
});

test("spe-cli: server, user, placeholder password, any certificate, function and arguments", () => {
  assert.equal(speCliCommand({ host: "mgmt.example.com", user: "admin", fn: "GetEnvironmentInfo" }),
               "spe-cli -s mgmt.example.com:8474 -u admin -p PASSWORD -t '*' -c GetEnvironmentInfo");
  assert.equal(speCliCommand({ host: "m", port: 9000, user: "ops", fn: "CreateInstance",
                               args: { config: '{"instanceID":"acme","displayName":"A & B"}' } }),
               `spe-cli -s m:9000 -u ops -p PASSWORD -t '*' -c CreateInstance --config='{"instanceID":"acme","displayName":"A & B"}'`);
  assert.equal(speCliCommand({ host: "m", user: "a", fn: "GetInstances", args: { instanceFilter: "*" } }),
               "spe-cli -s m:8474 -u a -p PASSWORD -t '*' -c GetInstances --instanceFilter='*'");
});

test("secret arguments are never written out", () => {
  const cli = speCliCommand({ host: "m", user: "a", fn: "SetSystemAdministratorPassword",
                              args: { userName: "bob", password: "Tr0ub4dor&3" }, secretNames: ["password"] });
  assert.equal(cli, "spe-cli -s m:8474 -u a -p PASSWORD -t '*' -c SetSystemAdministratorPassword --userName=bob --password=SECRET");
  const curl = curlCommand({ host: "m", user: "a", fn: "SetSystemAdministratorPassword",
                             args: { userName: "bob", password: "Tr0ub4dor&3" }, secretNames: ["password"] });
  assert.ok(!curl.includes("Tr0ub4dor"));
  assert.ok(curl.includes("--data-urlencode password=SECRET"));
});

test("curl: a POST with Basic auth placeholder, form fields url-encoded by curl", () => {
  assert.equal(curlCommand({ host: "mgmt.example.com", user: "admin", fn: "GetEnvironmentInfo" }),
               "curl -k -u admin:PASSWORD https://mgmt.example.com:8474/api/invoke/GetEnvironmentInfo -d ''");
  assert.equal(curlCommand({ host: "::1", user: "admin", fn: "StartInstances", args: { instanceFilter: "a b", safeMode: "true" } }),
               "curl -k -u admin:PASSWORD 'https://[::1]:8474/api/invoke/StartInstances' --data-urlencode 'instanceFilter=a b' --data-urlencode safeMode=true");
});

test("a user name needing quotes is quoted in both", () => {
  assert.ok(speCliCommand({ host: "m", user: "o'neil", fn: "Ping" }).includes("-u 'o'\\''neil'"));
  assert.ok(curlCommand({ host: "m", user: "a b", fn: "Ping" }).includes("-u 'a b:PASSWORD'"));
});

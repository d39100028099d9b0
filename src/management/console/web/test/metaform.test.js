// The Developer page's form from get-metadata: field kinds, required and
// optional arguments, and the arguments sent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildArgs, fieldKind, formFields, initialValues, isSecretArg, prettyJson, searchFunctions } from "../src/metaform.js";

const fn = {
  name: "VerifyStore",
  args: [
    { name: "instanceID", type: "string", nullable: false },
    { name: "id", type: "number", nullable: false },
    { name: "includeIndexes", type: "bool", nullable: true },
    { name: "force", type: "bool", nullable: false },
    { name: "config", type: "json", nullable: true },
    { name: "passphrase", type: "string", nullable: true },
    { name: "odd", type: "datetime", nullable: true },
  ],
};

test("each type gets its kind of field; secrets are recognised by name", () => {
  assert.deepEqual(formFields(fn).map((f) => [f.name, f.kind, f.required]), [
    ["instanceID", "string", true], ["id", "number", true], ["includeIndexes", "bool", false], ["force", "bool", true],
    ["config", "json", false], ["passphrase", "secret", false], ["odd", "string", false],
  ]);
  assert.equal(fieldKind({ name: "password", type: "string" }), "secret");
  assert.equal(fieldKind({ name: "newPassword", type: "string" }), "secret");
  assert.equal(fieldKind({ name: "encryptionKey", type: "string" }), "secret");
  assert.equal(fieldKind({ name: "userName", type: "string" }), "string");
  assert.equal(fieldKind({ name: "passwordLength", type: "number" }), "number");
  assert.equal(isSecretArg({ name: "passphrase", type: "string" }), true);
});

test("initial values: empty text, a required bool false, an optional bool unset", () => {
  assert.deepEqual(initialValues(fn), { instanceID: "", id: "", includeIndexes: "", force: false, config: "", passphrase: "", odd: "" });
  assert.deepEqual(initialValues({ name: "Ping", args: [] }), {});
  assert.deepEqual(formFields(null), []);
});

test("required arguments must be given; optional empty ones are left out", () => {
  const { args, errors } = buildArgs(fn, initialValues(fn));
  assert.deepEqual(errors, { instanceID: { key: "argRequired" }, id: { key: "argRequired" } });
  assert.deepEqual(args, { force: "false" });
});

test("a full form becomes form-ready text", () => {
  const { args, errors } = buildArgs(fn, {
    instanceID: "acme", id: " +07 ", includeIndexes: "true", force: true, config: '{ "a" : [1, 2] }', passphrase: "s3cret ", odd: "x",
  });
  assert.deepEqual(errors, {});
  assert.deepEqual(args, { instanceID: "acme", id: "7", includeIndexes: "true", force: "true", config: '{"a":[1,2]}',
                           passphrase: "s3cret ", odd: "x" });
});

test("numbers: whole decimal numbers only (the server refuses 1.5, 1e3, 0x10)", () => {
  for (const bad of ["1.5", "1e3", "0x10", "abc", "1 2", "--1"]) {
    assert.deepEqual(buildArgs(fn, { instanceID: "a", id: bad }).errors, { id: { key: "argNumber" } }, bad);
  }
  assert.equal(buildArgs(fn, { instanceID: "a", id: "-3" }).args.id, "-3");
  assert.equal(buildArgs(fn, { instanceID: "a", id: "99999999999999999999" }).args.id, "99999999999999999999");
});

test("JSON must parse; the reason is given", () => {
  const { errors } = buildArgs(fn, { instanceID: "a", id: "1", config: "{bad" });
  assert.equal(errors.config.key, "argJson");
  assert.ok(errors.config.vars.reason.length > 0);
  assert.equal(buildArgs(fn, { instanceID: "a", id: "1", config: "null" }).args.config, "null");
});

test("an optional bool can be set false explicitly", () => {
  assert.equal(buildArgs(fn, { instanceID: "a", id: "1", includeIndexes: "false" }).args.includeIndexes, "false");
  assert.equal(buildArgs(fn, { instanceID: "a", id: "1", includeIndexes: false }).args.includeIndexes, "false");
});

test("strings are sent as typed (spaces kept), numbers and JSON trimmed", () => {
  const f = { name: "F", args: [{ name: "s", type: "string", nullable: false }] };
  assert.equal(buildArgs(f, { s: "  x " }).args.s, "  x ");
});

test("prettyJson", () => {
  assert.equal(prettyJson('{"a":1}'), '{\n  "a": 1\n}');
  assert.equal(prettyJson("{"), null);
});

test("searchFunctions: every word, in the name or an argument's name, any case", () => {
  const list = [{ name: "GetUsers", args: [{ name: "instanceID" }] }, { name: "GetInstances", args: [{ name: "instanceFilter" }] },
                { name: "Ping", args: [] }];
  assert.deepEqual(searchFunctions(list, "get").map((f) => f.name), ["GetUsers", "GetInstances"]);
  assert.deepEqual(searchFunctions(list, "get filter").map((f) => f.name), ["GetInstances"]);
  assert.deepEqual(searchFunctions(list, "  ").length, 3);
  assert.deepEqual(searchFunctions(list, "PING").map((f) => f.name), ["Ping"]);
});

// The folder browser's logic (src/folders.js): relative paths against the
// Instance Host's base directory, the breadcrumb, going up, filtering and
// the rules for a new folder's name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { absoluteOf, baseFromListing, crumbsOf, filterEntries, folderNameProblem, joinRel, parentOf, relativeTo,
         upOf } from "../src/folders.js";

test("parent folders and joining", () => {
  assert.equal(parentOf("/srv/spe/acme"), "/srv/spe");
  assert.equal(parentOf("/srv/spe/acme/"), "/srv/spe");
  assert.equal(parentOf("/srv"), "/");
  assert.equal(parentOf("/"), "/");
  assert.equal(joinRel("", "acme"), "acme");
  assert.equal(joinRel("a/b", "c"), "a/b/c");
});

test("the base directory is learnt from a listing, else the fallback", () => {
  assert.equal(baseFromListing([{ name: "a", path: "/data/ih/a" }]), "/data/ih");
  assert.equal(baseFromListing([], "/configured"), "/configured");
  assert.equal(baseFromListing(null), null);
  assert.equal(baseFromListing([{ name: "a", path: "relative/a" }], "/x"), "/x");
});

test("relative paths inside the base; elsewhere is null", () => {
  assert.equal(relativeTo("/data/ih", "/data/ih"), "");
  assert.equal(relativeTo("/data/ih", "/data/ih/"), "");
  assert.equal(relativeTo("/data/ih", "/data/ih/acme/stores"), "acme/stores");
  assert.equal(relativeTo("/data/ih", "/data/ih//acme/"), "acme");
  assert.equal(relativeTo("/data/ih", "/data/ihx/acme"), null);
  assert.equal(relativeTo("/data/ih", "/etc"), null);
  assert.equal(relativeTo("/data/ih", "/data/ih/../etc"), null);
  assert.equal(relativeTo(null, "/data/ih/acme"), null);
  assert.equal(relativeTo(null, "acme/stores/"), "acme/stores");
  assert.equal(relativeTo(null, "acme/../x"), null);
  assert.equal(relativeTo("/", "/srv/a"), "srv/a");
  assert.equal(relativeTo("/data/ih", ""), "");
  assert.equal(absoluteOf("/data/ih", "acme"), "/data/ih/acme");
  assert.equal(absoluteOf("/data/ih", ""), "/data/ih");
  assert.equal(absoluteOf("/", "srv"), "/srv");
  assert.equal(absoluteOf(null, "acme"), null);
});

test("the breadcrumb and going up", () => {
  assert.deepEqual(crumbsOf(""), [{ name: "", rel: "" }]);
  assert.deepEqual(crumbsOf("a/b"), [{ name: "", rel: "" }, { name: "a", rel: "a" }, { name: "b", rel: "a/b" }]);
  assert.equal(upOf("a/b"), "a");
  assert.equal(upOf("a"), "");
  assert.equal(upOf(""), null);
});

test("filtering by every word, any case", () => {
  const list = [{ name: "Acme-Stores" }, { name: "globex" }, { name: "acme-index" }];
  assert.deepEqual(filterEntries(list, "acme").map((e) => e.name), ["Acme-Stores", "acme-index"]);
  assert.deepEqual(filterEntries(list, "ACME store").map((e) => e.name), ["Acme-Stores"]);
  assert.deepEqual(filterEntries(list, "  "), list);
});

test("a new folder's name: plain, visible, not taken", () => {
  const existing = [{ name: "acme" }];
  assert.equal(folderNameProblem("stores", existing), null);
  assert.equal(folderNameProblem("Ärchiv 2024", existing), null);
  assert.deepEqual(folderNameProblem("", existing), { key: "fpNameEmpty" });
  assert.deepEqual(folderNameProblem("   ", existing), { key: "fpNameEmpty" });
  assert.deepEqual(folderNameProblem(" x", existing), { key: "fpNameSpaces" });
  assert.deepEqual(folderNameProblem("a/b", existing), { key: "fpNameCharacters" });
  assert.deepEqual(folderNameProblem("a\\b", existing), { key: "fpNameCharacters" });
  assert.deepEqual(folderNameProblem("a\nb", existing), { key: "fpNameCharacters" });
  assert.deepEqual(folderNameProblem(".lock", existing), { key: "fpNameHidden" });
  assert.deepEqual(folderNameProblem("..", existing), { key: "fpNameHidden" });
  assert.deepEqual(folderNameProblem("ä".repeat(128), existing), { key: "fpNameTooLong" });
  assert.deepEqual(folderNameProblem("acme", existing), { key: "fpNameTaken" });
});

// The Folders tab's logic (src/archive_folders.js): paths as the instance
// normalises them (store ArchiveStore::normaliseFolder), MoveFolder's
// checks (api/folder_functions.cpp), GetFolderStatistics' totals, what
// DeleteEmptyFolders would find, and the tree's order, filter and open
// folders after a move.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_FOLDER_BYTES, ancestorsOf, archiveOf, deleteScope, emptyFolders, filterFolders, hasOwner, isBelow, isTopLevel,
         knownFolder, moveCheck, nameOf, normaliseFolder, parentOf, renamePaths, sortFolders, statsIndex } from "../src/archive_folders.js";

const USERS = ["$archiveadmin", "alice", "Bob"];

test("paths: normalised as the instance does (spaces around parts, empty parts), limits", () => {
  assert.deepEqual(normaliseFolder("alice/Inbox"), { path: "alice/Inbox" });
  assert.deepEqual(normaliseFolder(" alice // Old Mail /"), { path: "alice/Old Mail" });
  assert.deepEqual(normaliseFolder("/alice/\tx"), { problem: "folderCharacters" });   // a tab is not trimmed: a control character
  assert.deepEqual(normaliseFolder("alice/a\u007fb"), { problem: "folderCharacters" });
  assert.deepEqual(normaliseFolder("alice/\ud800"), { problem: "folderCharacters" });
  assert.deepEqual(normaliseFolder("alice/\ud83d\udce7 Post"), { path: "alice/\ud83d\udce7 Post" });
  assert.deepEqual(normaliseFolder(" / / "), { problem: "folderEmpty" });
  assert.deepEqual(normaliseFolder(""), { problem: "folderEmpty" });
  assert.deepEqual(normaliseFolder(null), { problem: "folderEmpty" });
  const long = "alice/" + "x".repeat(MAX_FOLDER_BYTES - 6);
  assert.deepEqual(normaliseFolder(long), { path: long });
  assert.deepEqual(normaliseFolder(long + "x"), { problem: "folderTooLong" });
  assert.deepEqual(normaliseFolder("alice/" + "ä".repeat(498)), { problem: "folderTooLong" });  // 1,002 bytes in 504 characters
});

test("paths: names, parents, archives, ancestors", () => {
  assert.equal(nameOf("alice/Archive/2024"), "2024");
  assert.equal(nameOf("alice"), "alice");
  assert.equal(parentOf("alice/Archive/2024"), "alice/Archive");
  assert.equal(parentOf("alice"), "");
  assert.equal(archiveOf("alice/Archive/2024"), "alice");
  assert.equal(isTopLevel("alice"), true);
  assert.equal(isTopLevel("alice/x"), false);
  assert.equal(isBelow("alice/Inbox", "alice"), true);
  assert.equal(isBelow("alice2/Inbox", "alice"), false);
  assert.equal(isBelow("alice", ""), true);
  assert.deepEqual(ancestorsOf("a/b/c"), ["a", "a/b"]);
  assert.deepEqual(ancestorsOf("a"), []);
});

test("MoveFolder's checks: not an archive, inside a user's archive, not into itself; the owner's spelling", () => {
  assert.deepEqual(moveCheck("alice/Inbox", "alice/Archive/2024", USERS), { target: "alice/Archive/2024" });
  assert.deepEqual(moveCheck("alice/Inbox", " ALICE / Old ", USERS), { target: "alice/Old" });
  assert.deepEqual(moveCheck("alice/Inbox", "bob/Inbox", USERS), { target: "Bob/Inbox" });       // another user's archive
  assert.deepEqual(moveCheck("alice", "alice/x", USERS), { problem: "moveFromArchive" });
  assert.deepEqual(moveCheck("alice/Inbox", "alice", USERS), { problem: "moveTopLevel" });
  assert.deepEqual(moveCheck("alice/Inbox", "alice/Inbox", USERS), { problem: "moveSame" });
  assert.deepEqual(moveCheck("alice/Inbox", " alice/Inbox/ ", USERS), { problem: "moveSame" });
  assert.deepEqual(moveCheck("alice/Inbox", "ALICE/Inbox", USERS), { problem: "moveSame" });    // the same folder once spelt as stored
  assert.deepEqual(moveCheck("alice/Inbox", "alice/Inbox/Sub", USERS), { problem: "moveInside" });
  assert.deepEqual(moveCheck("alice/Inbox", "alice/Inbox2", USERS), { target: "alice/Inbox2" });
  assert.deepEqual(moveCheck("alice/Inbox", "nobody/Inbox", USERS), { problem: "moveNoUser", archive: "nobody" });
  assert.deepEqual(moveCheck("alice/Inbox", "$archiveadmin/x", USERS), { problem: "moveNoUser", archive: "$archiveadmin" });
  assert.deepEqual(moveCheck("alice/Inbox", "", USERS), { problem: "folderEmpty" });
  assert.deepEqual(moveCheck("alice/Inbox", "alice/\u0001", USERS), { problem: "folderCharacters" });
  // Users unknown: the server checks the owner.
  assert.deepEqual(moveCheck("alice/Inbox", "nobody/Inbox", null), { target: "nobody/Inbox" });
  // An archive whose user was deleted can still be moved out of.
  assert.deepEqual(moveCheck("robert/Inbox", "alice/From robert", USERS), { target: "alice/From robert" });
});

test("a target the tree has listed (the folders are then merged)", () => {
  const children = { alice: [{ folder: "alice/Inbox" }, { folder: "alice/Old" }] };
  assert.equal(knownFolder(children, "alice/Old"), true);
  assert.equal(knownFolder(children, "alice/old"), false);   // paths are case-sensitive
  assert.equal(knownFolder(children, "alice/Old/x"), null);  // alice/Old's children not read
});

test("statistics: each folder's own messages and the totals below it", () => {
  const stats = statsIndex([
    { folder: "$archiveadmin", count: 0, size: 0 },
    { folder: "alice", count: 0, size: 0 },
    { folder: "alice/Inbox", count: 12, size: 1200 },
    { folder: "alice/Inbox/Sub", count: 3, size: 300 },
    { folder: "alice/Old", count: 0, size: 0 },
    { folder: "alice/Old/Empty", count: 0, size: 0 },
    { folder: "bob", count: 1, size: 10 },
    { folder: "bob/x", count: -5, size: "a" },   // nonsense counts as nothing
    null, { folder: "" }, { count: 3 },
  ]);
  assert.deepEqual(stats.get("alice"), { count: 0, size: 0, totalCount: 15, totalSize: 1500 });
  assert.deepEqual(stats.get("alice/Inbox"), { count: 12, size: 1200, totalCount: 15, totalSize: 1500 });
  assert.deepEqual(stats.get("alice/Inbox/Sub"), { count: 3, size: 300, totalCount: 3, totalSize: 300 });
  assert.deepEqual(stats.get("bob"), { count: 1, size: 10, totalCount: 1, totalSize: 10 });
  assert.equal(stats.size, 8);
  // What DeleteEmptyFolders would find: never a user archive, never a folder with mail below it.
  assert.deepEqual(emptyFolders(stats, ""), ["alice/Old", "alice/Old/Empty", "bob/x"]);
  assert.deepEqual(emptyFolders(stats, "alice"), ["alice/Old", "alice/Old/Empty"]);
  assert.deepEqual(emptyFolders(stats, "alice/Old"), ["alice/Old", "alice/Old/Empty"]);   // the folder itself too
  assert.deepEqual(emptyFolders(stats, "alice/Inbox"), []);
  assert.deepEqual(emptyFolders(stats, "$archiveadmin"), []);
  assert.deepEqual(statsIndex(null).size, 0);
});

test("statistics of 20,000 folders are indexed quickly", () => {
  const list = [];
  for (let u = 0; u < 1000; u++) {
    list.push({ folder: `user${u}`, count: 0, size: 0 });
    for (let f = 0; f < 19; f++) list.push({ folder: `user${u}/F${f}/G`, count: 2, size: 100 });
  }
  const t0 = Date.now();
  const stats = statsIndex(list);
  assert.ok(Date.now() - t0 < 500);
  assert.deepEqual(stats.get("user999"), { count: 0, size: 0, totalCount: 38, totalSize: 1900 });
});

test("DeleteEmptyFolders' scope", () => {
  assert.equal(deleteScope(""), "all");
  assert.equal(deleteScope(null), "all");
  assert.equal(deleteScope("alice"), "archive");
  assert.equal(deleteScope("alice/Old"), "folder");
});

test("the tree's order and filter", () => {
  const list = sortFolders([
    { folder: "alice/F10", name: "F10", hasChildren: false },
    { folder: "alice/f2", name: "f2", hasChildren: true },
    { folder: "alice/F1", name: "F1" },
    { folder: "alice/Zed" },
    null, { name: "no path" },
  ]);
  assert.deepEqual(list.map((f) => f.name), ["F1", "f2", "F10", "Zed"]);
  assert.deepEqual(list.map((f) => f.hasChildren), [false, true, false, false]);
  assert.deepEqual(filterFolders(list, "f1").map((f) => f.name), ["F1", "F10"]);
  assert.deepEqual(filterFolders(list, "").length, 4);
  assert.deepEqual(filterFolders(list, "z E").map((f) => f.name), ["Zed"]);
});

test("open folders follow a move", () => {
  assert.deepEqual(renamePaths(new Set(["alice", "alice/Inbox", "alice/Inbox/Sub", "alice/Inbox2", "bob"]), "alice/Inbox", "alice/Old/In"),
                   ["alice", "alice/Old/In", "alice/Old/In/Sub", "alice/Inbox2", "bob"]);
});

test("an archive's user", () => {
  assert.equal(hasOwner("ALICE", USERS), true);
  assert.equal(hasOwner("robert", USERS), false);
  assert.equal(hasOwner("robert", null), true);
});

// The Users tab's logic (src/users.js): the privilege lists the instance's
// functions take, the instance's checks on names, passwords and e-mail
// addresses (model/users.cpp, api/user_functions.cpp), search, sorting and
// paging of 1,000 users, and the archives a user can be given privileges on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { catalogues } from "../src/catalogue.js";
import { ARCHIVE_ADMIN, FOLDER_PRIVILEGES, LOGIN_PRIVILEGES, PRIVILEGES, chosenOf, distinguishedNameProblem, emailAddressProblem,
         emailArg, emailListProblem, emailProblems, folderChoices, fullNameProblem, grantsOf, pageOf, passwordProblem,
         pop3Arg, pop3ListProblem, pop3Problems,
         privilegeArg, repeatProblem, sameChoice, sameName, shownUsers, userNameProblem, utf8Length } from "../src/users.js";

const user = (userName, fullName = null, distinguishedName = null) => ({ userName, fullName, distinguishedName, mfaStatus: "Disabled" });
const names = (l) => l.map((u) => u.userName);

test("the privilege names are the instance's (model/users.cpp), without 'none'", () => {
  assert.deepEqual(PRIVILEGES, ["admin", "login", "changePassword", "archive", "modifyArchiveProfiles", "export",
                                "modifyExportProfiles", "delete"]);
  assert.deepEqual(LOGIN_PRIVILEGES, ["windows", "web", "outlook", "windowsCmd", "imap", "api"]);
  assert.deepEqual(FOLDER_PRIVILEGES, ["read", "write", "delete"]);
});

test("privilegeArg: in the server's order, 'admin' alone, 'none' for nothing", () => {
  assert.equal(privilegeArg(["imap", "web"], LOGIN_PRIVILEGES), "web,imap");
  assert.equal(privilegeArg([], LOGIN_PRIVILEGES), "none");
  assert.equal(privilegeArg(["export", "admin", "login"], PRIVILEGES), "admin");
  assert.equal(privilegeArg(["delete", "login", "bogus"], PRIVILEGES), "login,delete");
  assert.equal(privilegeArg([], PRIVILEGES), "none");
  assert.equal(privilegeArg(["delete", "read"], FOLDER_PRIVILEGES), "read,delete");
  assert.equal(privilegeArg(["web", "web"], LOGIN_PRIVILEGES), "web");
});

test("chosenOf reads GetUserInfo's lists in any case, drops 'none' and unknown values", () => {
  assert.deepEqual(chosenOf(["IMAP", "web"], LOGIN_PRIVILEGES), ["web", "imap"]);
  assert.deepEqual(chosenOf(["none"], LOGIN_PRIVILEGES), []);
  assert.deepEqual(chosenOf(null, PRIVILEGES), []);
  assert.deepEqual(chosenOf(["admin", "x"], PRIVILEGES), ["admin"]);
  assert.equal(sameChoice(["a", "b"], ["b", "a"]), true);
  assert.equal(sameChoice(["a"], ["a", "b"]), false);
});

test("user names: the instance's checkUserName, as typed", () => {
  const users = [user(ARCHIVE_ADMIN), user("Alice"), user("bob")];
  assert.equal(userNameProblem("", users), "nameEmpty");
  assert.equal(userNameProblem("$x", users), "nameReserved");
  assert.equal(userNameProblem("$archiveadmin", users), "nameReserved");
  assert.equal(userNameProblem(" carol", users), "nameSpace");
  assert.equal(userNameProblem("carol ", users), "nameSpace");
  assert.equal(userNameProblem("a/b", users), "nameCharacters");
  assert.equal(userNameProblem("a\\b", users), "nameCharacters");
  assert.equal(userNameProblem("a\tb", users), "nameCharacters");
  assert.equal(userNameProblem("a\u007fb", users), "nameCharacters");
  assert.equal(userNameProblem("a\ud800b", users), "nameCharacters");  // not UTF-8
  assert.equal(userNameProblem("alice", users), "nameTaken");
  assert.equal(userNameProblem("BOB", users), "nameTaken");
  assert.equal(userNameProblem("carol smith", users), null);
  assert.equal(userNameProblem("jörg@example.com", users), null);
  assert.equal(userNameProblem("😀", users), null);
  // 255 bytes of UTF-8 at most: 'ä' takes two.
  assert.equal(userNameProblem("ä".repeat(127) + "a", users), null);
  assert.equal(userNameProblem("ä".repeat(128), users), "nameTooLong");
  assert.equal(userNameProblem("a".repeat(256), users), "nameTooLong");
  // Renaming: the user's own name in another case is no clash; another user's is.
  assert.equal(userNameProblem("ALICE", users, "Alice"), null);
  assert.equal(userNameProblem("bob", users, "Alice"), "nameTaken");
  // Only ASCII letters are folded, as the server's asciiLower.
  assert.equal(sameName("ÄB", "äb"), false);
  assert.equal(sameName("AB", "ab"), true);
});

test("full name, distinguished name, password: the instance's byte limits", () => {
  assert.equal(fullNameProblem(""), null);
  assert.equal(fullNameProblem("x".repeat(255)), null);
  assert.equal(fullNameProblem("é".repeat(128)), "fullNameTooLong");
  assert.equal(distinguishedNameProblem("CN=x," + "a".repeat(995)), null);
  assert.equal(distinguishedNameProblem("a".repeat(1001)), "dnTooLong");
  assert.equal(passwordProblem(""), "passwordEmpty");
  assert.equal(passwordProblem("x"), null);
  assert.equal(passwordProblem("x".repeat(256)), null);
  assert.equal(passwordProblem("x".repeat(257)), "passwordTooLong");
  assert.equal(passwordProblem("€".repeat(86)), "passwordTooLong");  // 258 bytes
  assert.equal(repeatProblem("abc", "abc"), null);
  assert.equal(repeatProblem("abc", "abd"), "passwordsDiffer");
  assert.equal(utf8Length("€"), 3);
});

test("e-mail addresses: the instance's emailList rules, duplicates, the argument", () => {
  assert.equal(emailAddressProblem("alice@example.com"), null);
  assert.equal(emailAddressProblem("  alice@example.com "), null);
  assert.equal(emailAddressProblem(""), null);
  for (const bad of ["alice", "@example.com", "alice@", "a b@example.com", "<a@b>", "\"a\"@b", "a@b,c@d"]) {
    assert.equal(emailAddressProblem(bad), "emailInvalid", bad);
  }
  assert.equal(emailAddressProblem("a@" + "b".repeat(253)), "emailTooLong");
  assert.equal(emailAddressProblem("a@" + "b".repeat(252)), null);
  assert.deepEqual(emailProblems(["a@x.org", "", "A@X.org", "bad"]), [null, null, "emailDuplicate", "emailInvalid"]);
  assert.equal(emailArg([" a@x.org ", "", "b@y.org"]), "a@x.org,b@y.org");
  assert.equal(emailArg([""]), "");
  assert.equal(emailListProblem(["a@x.org"]), null);
  const many = Array.from({ length: 400 }, (_, i) => `user${String(i).padStart(4, "0")}@example.com`);
  assert.equal(emailListProblem(many), "emailsTooLong");
});

test("POP3 user names: SetUserPop3UserNames' splitList (commas, spaces and tabs trimmed), duplicates, the argument", () => {
  assert.deepEqual(pop3Problems(["alice", " alice.pop\t", "", "a,b", "x\u0001y", "alice"]),
                   [null, null, null, "pop3Comma", "pop3Characters", "pop3Duplicate"]);
  assert.deepEqual(pop3Problems(["Alice", "alice"]), [null, null]);   // POP3 servers may tell case apart
  assert.equal(pop3Arg([" alice ", "", "\tjd\t", "   "]), "alice,jd");
  assert.equal(pop3Arg([""]), "");                                      // none: the list is emptied
  assert.equal(pop3ListProblem(["x".repeat(4000)]), null);
  assert.equal(pop3ListProblem(["x".repeat(2000), "y".repeat(2000)]), "pop3sTooLong");  // with the comma: 4,001
});

test("the list: search every word in name, full name and DN; $archiveadmin first; sorting", () => {
  const list = [user(ARCHIVE_ADMIN, "Service Provider Archive Access"), user("carol", "Carol Jones"),
                user("alice", "Alice Example", "CN=Alice,OU=Sales,DC=example,DC=com"), user("bob"), user("user10"), user("user9")];
  assert.deepEqual(names(shownUsers(list)), [ARCHIVE_ADMIN, "alice", "bob", "carol", "user9", "user10"]);
  assert.deepEqual(names(shownUsers(list, { dir: "desc" })), [ARCHIVE_ADMIN, "user10", "user9", "carol", "bob", "alice"]);
  assert.deepEqual(names(shownUsers(list, { sort: "fullName" })), [ARCHIVE_ADMIN, "alice", "carol", "bob", "user9", "user10"]);
  assert.deepEqual(names(shownUsers(list, { sort: "fullName", dir: "desc" })), [ARCHIVE_ADMIN, "carol", "alice", "user10", "user9", "bob"]);
  assert.deepEqual(names(shownUsers(list, { q: "sales" })), ["alice"]);
  assert.deepEqual(names(shownUsers(list, { q: "ALICE example" })), ["alice"]);
  assert.deepEqual(names(shownUsers(list, { q: "user" })), ["user9", "user10"]);
  assert.deepEqual(names(shownUsers(list, { q: "archive" })), [ARCHIVE_ADMIN]);
  assert.deepEqual(names(shownUsers(list, { q: "nobody" })), []);
  assert.deepEqual(names(shownUsers([null, { fullName: "x" }, user("a")])), ["a"]);
});

test("1,000 users: searched, sorted and one page drawn", () => {
  const many = Array.from({ length: 1000 }, (_, i) => user("user" + i, i % 2 ? "Odd " + i : null));
  const all = shownUsers(many);
  assert.equal(all.length, 1000);
  assert.deepEqual(names(all.slice(0, 3)), ["user0", "user1", "user2"]);
  const p = pageOf(all, 3, 50);
  assert.deepEqual([p.items.length, p.page, p.pages, p.from, p.to, p.total], [50, 3, 20, 101, 150, 1000]);
  assert.equal(p.items[0].userName, "user100");
  const odd = shownUsers(many, { q: "odd 99" });
  assert.deepEqual(names(odd), ["user99", "user199", "user299", "user399", "user499", "user599", "user699", "user799",
                                "user899", "user991", "user993", "user995", "user997", "user999"].sort((a, b) => a.localeCompare(b, "en", { numeric: true })));
  assert.equal(pageOf(odd, 9, 50).page, 1);
});

test("folder privileges: GetUserInfo's grants; the user archives GetChildFolders offers", () => {
  const info = { privilegesOnFolders: [{ folder: "zed", privileges: ["read", "delete"] }, { folder: "bob", privileges: ["READ"] },
                                       { folder: 7 }] };
  assert.deepEqual(grantsOf(info), [{ folder: "bob", privileges: ["read"] }, { folder: "zed", privileges: ["read", "delete"] }]);
  assert.deepEqual(grantsOf({}), []);
  const users = [user(ARCHIVE_ADMIN), user("alice"), user("Bob"), user("carol"), user("zed")];
  const folders = [{ folder: "alice" }, { folder: "alice/Inbox" }, { folder: "bob" }, { folder: "carol" },
                   { folder: "imported" }, { folder: ARCHIVE_ADMIN }, { folder: "zed" }];
  // Only user archives (spelled as their user), not sub-folders, not folders without a user, not those granted.
  assert.deepEqual(folderChoices(folders, users, grantsOf(info)), ["alice", "carol"]);
  assert.deepEqual(folderChoices(folders, users, []), ["alice", "Bob", "carol", "zed"]);
  assert.deepEqual(folderChoices(null, users, []), []);
});

test("every problem code of the checks has its text in both languages", () => {
  const codes = new Set();
  const samples = ["", " x", "$a", "a/b", "a".repeat(300), "x".repeat(1001), "alice", "a b@c", "a@" + "b".repeat(260)];
  for (const s of samples) {
    for (const r of [userNameProblem(s, [user("alice")]), fullNameProblem(s), distinguishedNameProblem(s), passwordProblem(s),
                     repeatProblem(s, "other"), emailAddressProblem(s)]) {
      if (r) codes.add(r);
    }
  }
  for (const r of emailProblems(["a@b.c", "A@b.c"])) if (r) codes.add(r);
  codes.add(emailListProblem([("x".repeat(90) + "@example.com,").repeat(90)]));
  for (const r of pop3Problems(["a", "a", "b,c", "d\u0000"])) if (r) codes.add(r);
  codes.add(pop3ListProblem(["x".repeat(4001)]));
  assert.ok(codes.size >= 18, [...codes].join(" "));
  for (const c of codes) {
    assert.ok(("usrProblem_" + c) in catalogues.en, c);
    assert.ok(("usrProblem_" + c) in catalogues.de, c);
  }
});

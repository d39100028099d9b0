// The Users tab's own logic, free of the DOM (pages/instance/users.jsx):
// the privilege names the instance knows (model/users.cpp kUserPrivileges,
// kLoginPrivileges, kFolderPrivileges) and the comma lists its functions
// take, the checks the instance makes on user names, full and
// distinguished names, passwords and e-mail addresses
// (model/users.cpp checkUserName, api/user_functions.cpp), the search,
// sorting and paging of GetUsers' list, and the folders a user can be
// given privileges on (SetUserPrivilegesOnFolder takes user archives only).
//
// The checks return a problem code; the page shows t("usrProblem_" + code).

import { pageOf } from "./instances.js";

export { pageOf };

/** The built-in user of the service provider: always listed, never changed. */
export const ARCHIVE_ADMIN = "$archiveadmin";

/** Privileges in the archive ('none' is sent when none is chosen; 'admin' stands alone). */
export const PRIVILEGES = ["admin", "login", "changePassword", "archive", "modifyArchiveProfiles", "export",
                           "modifyExportProfiles", "delete"];
/** The ways a user may log in ('none' when none is chosen). */
export const LOGIN_PRIVILEGES = ["windows", "web", "outlook", "windowsCmd", "imap", "api"];
/** What a user may do in another user's archive ('none' removes the grant). */
export const FOLDER_PRIVILEGES = ["read", "write", "delete"];
export const AUTHENTICATIONS = ["integrated", "directoryServices"];
/** CreateUser without loginPrivileges gives every way; the form starts there too. */
export const DEFAULT_LOGIN_PRIVILEGES = [...LOGIN_PRIVILEGES];
export const DEFAULT_PRIVILEGES = ["login", "changePassword"];

/** The instance's limits, in bytes of UTF-8 (the Management Server's argument limits are characters and larger). */
export const LIMITS = {
  userName: 255,            // USERS.USER_NAME VARCHAR(255), checkUserName
  fullName: 255,            // SetUserFullName
  distinguishedName: 1000,  // SetUserDistinguishedName, CreateUser's argument
  password: 256,            // hashUserPassword
  emailAddress: 254,        // emailList
  emailAddresses: 8000,     // SetUserEmailAddresses' argument (the whole comma list)
  pop3UserNames: 4000,      // SetUserPop3UserNames' argument, characters (USERS.POP3_USER_NAMES VARCHAR(4000))
};

const encoder = new TextEncoder();
export const utf8Length = (s) => encoder.encode(String(s ?? "")).length;

// The instance compares names with ASCII case folding only (asciiLower).
const asciiLower = (s) => String(s ?? "").replace(/[A-Z]/g, (c) => c.toLowerCase());
export const sameName = (a, b) => asciiLower(a) === asciiLower(b);

/**
 * The comma list a function takes from the chosen values: in the order of
 * `order`; 'admin' alone when chosen; 'none' when nothing is.
 */
export function privilegeArg(chosen, order) {
  const set = new Set(chosen);
  if (order.includes("admin") && set.has("admin")) return "admin";
  const list = order.filter((p) => p !== "admin" && set.has(p));
  return list.length ? list.join(",") : "none";
}

/** The values of a list GetUserInfo answered that are in `order` (any case), without 'none'. */
export function chosenOf(list, order) {
  const given = new Set((Array.isArray(list) ? list : []).map((p) => String(p).toLowerCase()));
  return order.filter((p) => given.has(p.toLowerCase()));
}

/** Whether two lists of chosen values are the same set. */
export function sameChoice(a, b) {
  const x = new Set(a), y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
}

// ---- the checks ------------------------------------------------------------

/**
 * A user name to create or rename to (checkUserName): 1 to 255 bytes, not
 * starting with '$', no leading or trailing space, no '/', '\' or control
 * character, and no other user's name (any case). `self`: the user being
 * renamed (a change of case only is allowed).
 */
export function userNameProblem(name, users = [], self = null) {
  const n = String(name ?? "");
  if (!n) return "nameEmpty";
  if (utf8Length(n) > LIMITS.userName) return "nameTooLong";
  if (n[0] === "$") return "nameReserved";
  if (n[0] === " " || n[n.length - 1] === " ") return "nameSpace";
  if (/[\u0000-\u001f\u007f\/\\]/.test(n)) return "nameCharacters";
  if (/[\ud800-\udfff]/.test(n.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ""))) return "nameCharacters";
  if (users.some((u) => sameName(u.userName, n) && !(self !== null && sameName(self, n)))) return "nameTaken";
  return null;
}

export function fullNameProblem(value) {
  return utf8Length(value) > LIMITS.fullName ? "fullNameTooLong" : null;
}

export function distinguishedNameProblem(value) {
  return utf8Length(value) > LIMITS.distinguishedName ? "dnTooLong" : null;
}

/** A new password (hashUserPassword): 1 to 256 bytes; `repeat` must be the same. */
export function passwordProblem(password) {
  const p = String(password ?? "");
  if (!p) return "passwordEmpty";
  if (utf8Length(p) > LIMITS.password) return "passwordTooLong";
  return null;
}

export function repeatProblem(password, repeat) {
  return String(password ?? "") === String(repeat ?? "") ? null : "passwordsDiffer";
}

/**
 * One e-mail address (emailList): something before and after an '@', no
 * space, '<', '>' or '"', at most 254 bytes; no ',' (it separates the list).
 */
export function emailAddressProblem(address) {
  const a = String(address ?? "").trim();
  if (!a) return null;
  if (utf8Length(a) > LIMITS.emailAddress) return "emailTooLong";
  const at = a.indexOf("@");
  if (at <= 0 || at === a.length - 1 || /[\s<>",]/.test(a)) return "emailInvalid";
  return null;
}

/** The problem of each address of a list (null for a good one), duplicates (any case) marked. */
export function emailProblems(addresses) {
  const seen = new Set();
  return addresses.map((raw) => {
    const p = emailAddressProblem(raw);
    if (p) return p;
    const key = String(raw ?? "").trim().toLowerCase();
    if (!key) return null;
    if (seen.has(key)) return "emailDuplicate";
    seen.add(key);
    return null;
  });
}

/** SetUserEmailAddresses' argument: the addresses trimmed, empty ones left out, comma-separated. */
export function emailArg(addresses) {
  return addresses.map((a) => String(a ?? "").trim()).filter(Boolean).join(",");
}

/** Whether the whole list is too long for the argument. */
export function emailListProblem(addresses) {
  return emailArg(addresses).length > LIMITS.emailAddresses ? "emailsTooLong" : null;
}

// ---- POP3 user names ------------------------------------------------------------

/**
 * The problem of each POP3 user name of a list (null for a good one or an
 * empty field). SetUserPop3UserNames splits its argument at commas and
 * trims spaces and tabs (splitList), so a name cannot hold a comma; control
 * characters are refused here; the same name twice is marked.
 */
export function pop3Problems(names) {
  const seen = new Set();
  return names.map((raw) => {
    const n = String(raw ?? "").replace(/^[ \t]+|[ \t]+$/g, "");
    if (!n) return null;
    if (n.includes(",")) return "pop3Comma";
    if (/[\u0000-\u001f\u007f]/.test(n)) return "pop3Characters";
    if (seen.has(n)) return "pop3Duplicate";
    seen.add(n);
    return null;
  });
}

/** SetUserPop3UserNames' argument: the names trimmed, empty ones left out, comma-separated. */
export function pop3Arg(names) {
  return names.map((n) => String(n ?? "").replace(/^[ \t]+|[ \t]+$/g, "")).filter(Boolean).join(",");
}

/** Whether the whole list is too long for the argument. */
export function pop3ListProblem(names) {
  return pop3Arg(names).length > LIMITS.pop3UserNames ? "pop3sTooLong" : null;
}

// ---- the list ----------------------------------------------------------------

/** Whether a user matches every word of the search (user name, full name, distinguished name). */
export function matchesUser(user, query) {
  const words = String(query || "").toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const hay = [user.userName, user.fullName, user.distinguishedName]
    .filter((x) => typeof x === "string").join("\n").toLowerCase();
  return words.every((w) => hay.includes(w));
}

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/**
 * GetUsers' list searched and sorted ("userName" or "fullName", "asc" or
 * "desc"; stable); the built-in $archiveadmin stays first when it matches.
 */
export function shownUsers(users, { q = "", sort = "userName", dir = "asc" } = {}) {
  const key = sort === "fullName" ? "fullName" : "userName";
  const sign = dir === "desc" ? -1 : 1;
  const matching = (Array.isArray(users) ? users : []).filter((u) => u && typeof u.userName === "string" && matchesUser(u, q));
  const builtIn = matching.filter((u) => u.userName === ARCHIVE_ADMIN);
  const others = matching
    .filter((u) => u.userName !== ARCHIVE_ADMIN)
    .map((u, i) => [u, i])
    .sort(([a, ia], [b, ib]) => {
      const x = String(a[key] ?? ""), y = String(b[key] ?? "");
      if (!x !== !y) return x ? -1 : 1;  // users without a full name last, either way
      return sign * collator.compare(x, y) || sign * collator.compare(a.userName, b.userName) || ia - ib;
    })
    .map(([u]) => u);
  return [...builtIn, ...others];
}

// ---- folder privileges ---------------------------------------------------------

/** GetUserInfo's privilegesOnFolders as [{folder, privileges: [...]}] sorted by folder. */
export function grantsOf(info) {
  const list = info && Array.isArray(info.privilegesOnFolders) ? info.privilegesOnFolders : [];
  return list
    .filter((g) => g && typeof g.folder === "string")
    .map((g) => ({ folder: g.folder, privileges: chosenOf(g.privileges, FOLDER_PRIVILEGES) }))
    .sort((a, b) => collator.compare(a.folder, b.folder));
}

/**
 * The folders a user can be given privileges on: the top-level folders
 * GetChildFolders lists that are user archives (a user of that name, not
 * $archiveadmin), without those already granted; by their user's spelling.
 */
export function folderChoices(folders, users, grants = []) {
  const byName = new Map((users || []).filter((u) => u.userName !== ARCHIVE_ADMIN)
    .map((u) => [asciiLower(u.userName), u.userName]));
  const granted = new Set(grants.map((g) => asciiLower(g.folder)));
  const out = [];
  for (const f of folders || []) {
    const path = f && typeof f.folder === "string" ? f.folder : "";
    if (!path || path.includes("/")) continue;
    const owner = byName.get(asciiLower(path));
    if (owner && !granted.has(asciiLower(owner)) && !out.includes(owner)) out.push(owner);
  }
  return out.sort(collator.compare);
}

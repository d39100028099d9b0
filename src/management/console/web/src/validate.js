// Checks the console makes as the user types, the same rules the server
// applies (it checks again): thumbprints (normalizeThumbprint: 64 hex
// digits, ':' and spaces allowed), server names (server_functions.cpp
// checkServerName), administrator names (administrator_functions.cpp) and
// password strength (common/base/password.cpp checkPasswordStrength).
// Each returns a catalogue key, or null when the value is fine.

/** 64 lower-case hex digits from what was typed, or "" when it is not a SHA-256 thumbprint. */
export function normalizeThumbprint(text) {
  const hex = String(text || "").replace(/[\s:]/g, "").toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : "";
}

export function thumbprintProblem(text) {
  if (!String(text || "").trim()) return "thumbprintEmpty";
  return normalizeThumbprint(text) ? null : "thumbprintInvalid";
}

export function serverNameProblem(name) {
  if (!name) return "serverNameEmpty";
  if (name.length > 253) return "serverNameTooLong";
  if (!/^[A-Za-z0-9.:_-]+$/.test(name)) return "serverNameInvalid";
  return null;
}

export function portProblem(text) {
  const s = String(text ?? "").trim();
  if (!/^\d+$/.test(s)) return "portInvalid";
  const n = Number(s);
  return n >= 1 && n <= 65535 ? null : "portInvalid";
}

export function adminNameProblem(name) {
  if (!name) return "adminNameEmpty";
  if (name.length > 128) return "adminNameTooLong";
  if (!/^[A-Za-z0-9._@-]+$/.test(name)) return "adminNameInvalid";
  return null;
}

/** The server's password rule: 10-256 characters of at least three kinds, not the user name. */
export function passwordProblem(password, userName = "") {
  const p = String(password || "");
  if (p.length < 10) return "passwordTooShort";
  if (p.length > 256) return "passwordTooLong";
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((r) => r.test(p)).length;
  if (kinds < 3) return "passwordWeak";
  if (userName && p === userName) return "passwordIsName";
  return null;
}

export function emailProblem(email) {
  if (!email) return null;
  if (email.length > 256) return "emailTooLong";
  return email.includes("@") ? null : "emailInvalid";
}

// Multi-factor login in the console, free of the DOM (login.jsx,
// pages/settings.jsx, pages/administrators.jsx): the one-time code as typed,
// the secret as shown for typing it in, the MFA status as a badge, and an
// administrator's API password date from GetSystemAdministratorLoginInfo.
// The server's rules (docs/security.md): codes are 6 digits (apps show them
// as "123 456"), secrets base32; mfaStatus is "Disabled", "Pending" or "Active".

/** The code as typed without spaces (and the narrow spaces some apps copy). */
export function normalizeCode(text) {
  return String(text ?? "").replace(/[\s\u00a0\u202f]/g, "");
}

/** null, or {key} of the catalogue: what is wrong with a typed code. */
export function codeProblem(text) {
  const code = normalizeCode(text);
  if (!code) return { key: "mfaCodeEmpty" };
  return /^[0-9]{6}$/.test(code) ? null : { key: "mfaCodeInvalid" };
}

/** "ABCDEFGH..." as "ABCD EFGH ..." (groups of 4), easier to type from. */
export function groupSecret(secret) {
  return String(secret ?? "").replace(/(.{4})(?=.)/g, "$1 ");
}

/** {kind, key}: the Badge kind and the catalogue key of an mfaStatus. */
export function mfaBadge(status) {
  if (status === "Active") return { kind: "active", key: "mfaActive" };
  if (status === "Pending") return { kind: "safeMode", key: "mfaPending" };
  return { kind: "stopped", key: "mfaDisabled" };
}

/**
 * The caller's entry of GetSystemAdministratorLoginInfo (names without
 * case) as {mfaStatus, hasApiPassword, created: Date|null}, or null.
 */
export function loginInfoOf(list, user) {
  const me = String(user || "").toLowerCase();
  const entry = (list || []).find((a) => a && String(a.userName).toLowerCase() === me);
  if (!entry) return null;
  const created = entry.apiPasswordCreated ? new Date(entry.apiPasswordCreated) : null;
  return {
    mfaStatus: entry.mfaStatus,
    hasApiPassword: Boolean(entry.hasApiPassword),
    created: created && !Number.isNaN(created.getTime()) ? created : null,
  };
}

// The command lines the Developer page shows for a call: spe-cli (docs/api.md
// "spe-cli": -s host[:port] -u user -p password -t thumbprint -c Function
// --name=value ...) and curl (a form-encoded POST with HTTP Basic). They go
// to the Management API's own port (8474 unless the session says another),
// never carry the real password (the placeholder PASSWORD stands for it) nor
// the value of a secret argument, and are quoted for a POSIX shell.

/** Quotes a word for sh/bash: as is when it is safe, else in single quotes. */
export function shellQuote(word) {
  const s = String(word);
  if (s !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return "'" + s.replace(/'/g, "'\\''") + "'";
}

/** host:port for a command line; an IPv6 address in brackets. */
export function hostPort(host, port) {
  let h = String(host || "127.0.0.1");
  if (h.includes(":") && !h.startsWith("[")) h = `[${h}]`;
  return port ? `${h}:${port}` : h;
}

export const PASSWORD_PLACEHOLDER = "PASSWORD";
export const SECRET_PLACEHOLDER = "SECRET";

function shownArgs(args, secretNames) {
  const secrets = new Set(secretNames || []);
  return Object.entries(args || {}).map(([name, value]) => [name, secrets.has(name) ? SECRET_PLACEHOLDER : String(value)]);
}

/**
 * spe-cli for a call. opts: {host, port, user, fn, args: {name: text}, secretNames: [name]}.
 * `-t '*'` accepts any certificate, like curl's -k; the page says so beside it.
 */
export function speCliCommand({ host, port = 8474, user, fn, args = {}, secretNames = [] }) {
  const words = ["spe-cli", "-s", shellQuote(hostPort(host, port)), "-u", shellQuote(user || "admin"),
                 "-p", PASSWORD_PLACEHOLDER, "-t", shellQuote("*"), "-c", shellQuote(fn)];
  for (const [name, value] of shownArgs(args, secretNames)) words.push(`--${name}=${shellQuote(value)}`);
  return words.join(" ");
}

/** curl for the same call: POST /api/invoke/<fn>, each argument a --data-urlencode field. */
export function curlCommand({ host, port = 8474, user, fn, args = {}, secretNames = [] }) {
  const url = `https://${hostPort(host, port)}/api/invoke/${encodeURIComponent(fn)}`;
  const words = ["curl", "-k", "-u", shellQuote(`${user || "admin"}:${PASSWORD_PLACEHOLDER}`), shellQuote(url)];
  const shown = shownArgs(args, secretNames);
  if (!shown.length) words.push("-d", "''");  // a POST with Content-Length: 0 (the API requires it)
  for (const [name, value] of shown) words.push("--data-urlencode", shellQuote(`${name}=${value}`));
  return words.join(" ");
}

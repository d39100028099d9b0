// The connectors an archiving profile may use and the values of their
// `details` as the server reads them (src/instancehost/instance/archiving/
// profile_sources.cpp, profile_properties.cpp, clients/imap_source.cpp,
// clients/pop3_source.cpp, model/profiles.cpp): the protocols and delete
// modes of the mail server connectors, the server's limits, and how a
// flag, a folder list and a whole number are read.

export const ARCHIVE_ADMIN = "$archiveadmin";

/** The connectors (profile_sources.cpp kConnectors), in the order the form offers them. */
export const CONNECTORS = [
  { id: "emlDirectory", source: "files", multidrop: false, key: "arcConnEmlDirectory",
    help: { key: "arcConnEmlDirectoryHelp" }, path: { key: "arcConnEmlDirectoryPath" } },
  { id: "mbox", source: "files", multidrop: false, key: "arcConnMbox",
    help: { key: "arcConnMboxHelp" }, path: { key: "arcConnMboxPath" } },
  { id: "maildir", source: "files", multidrop: false, key: "arcConnMaildir",
    help: { key: "arcConnMaildirHelp" }, path: { key: "arcConnMaildirPath" } },
  { id: "pstFile", source: "files", multidrop: false, key: "arcConnPstFile",
    help: { key: "arcConnPstFileHelp" }, path: { key: "arcConnPstFilePath" } },
  { id: "msgDirectory", source: "files", multidrop: false, key: "arcConnMsgDirectory",
    help: { key: "arcConnMsgDirectoryHelp" }, path: { key: "arcConnMsgDirectoryPath" } },
  { id: "imap", source: "imap", multidrop: false, key: "arcConnImap", help: { key: "arcConnImapHelp" } },
  { id: "pop3", source: "pop3", multidrop: false, key: "arcConnPop3", help: { key: "arcConnPop3Help" } },
  { id: "imapMultidrop", source: "imap", multidrop: true, key: "arcConnImapMultidrop",
    help: { key: "arcConnImapMultidropHelp" } },
  { id: "pop3Multidrop", source: "pop3", multidrop: true, key: "arcConnPop3Multidrop",
    help: { key: "arcConnPop3MultidropHelp" } },
];

export function connectorOf(id) {
  return CONNECTORS.find((c) => c.id === id) || null;
}

/** The protocols of a mail server connector (model/profiles.cpp serverDetails): implicit TLS is the default. */
export const PROTOCOLS = {
  imap: [{ id: "IMAP-SSL", port: 993, key: "arcSecImplicit" }, { id: "IMAP-TLS", port: 143, key: "arcSecStartTls" },
         { id: "IMAP", port: 143, key: "arcSecPlain" }],
  pop3: [{ id: "POP3-SSL", port: 995, key: "arcSecImplicit" }, { id: "POP3-TLS", port: 110, key: "arcSecStartTls" },
         { id: "POP3", port: 110, key: "arcSecPlain" }],
};

/** What becomes of a message at the source once it is archived (imap: also after some days; pop3: never or at once). */
export const DELETE_MODES = {
  imap: [{ id: "false", key: "arcDeleteNever" }, { id: "true", key: "arcDeleteAfterArchive" },
         { id: "afterDays", key: "arcDeleteAfterDays" }],
  pop3: [{ id: "false", key: "arcDeleteNever" }, { id: "true", key: "arcDeleteAfterArchive" }],
};

/** The default port of a protocol (for the port field's placeholder). */
export function defaultPort(source, protocol) {
  const p = (PROTOCOLS[source] || []).find((x) => x.id === protocol);
  return p ? p.port : null;
}

// Server limits.
export const MAX_NAME_BYTES = 255;          // 'properties.name': 1 to 255 characters (bytes of UTF-8)
export const MAX_FOLDER_BYTES = 1000;       // ArchiveStore::normaliseFolder
export const MAX_TIMEOUT = 3600;            // details.timeout, seconds (0 = 60)
export const MAX_DELETE_DAYS = 36500;       // details.deleteAfterDays
export const MAX_PAUSE = 2147483647;        // automaticPauseBetweenExecutions, seconds
export const DEFAULT_PAUSE = 300;           // CreateProfile's default
export const MAX_WINDOWS_CHARS = 255;       // automaticMaintenanceWindows is a string argument (255 characters)

/** A detail as the server reads a flag (detailFlag): booleans, "1"/"0", "true"/"false", numbers. */
export function flagOf(value, fallback) {
  if (value === undefined || value === null) return fallback;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") {
    if (["1", "true", "True"].includes(value)) return true;
    if (["0", "false", "False", ""].includes(value)) return false;
  }
  return fallback;
}

/** A value as text ("" for none). */
export const textOf = (v) => (v === undefined || v === null ? "" : String(v));

/** Folder names as the server reads them (imap_source.cpp folderList): a list, or text split at , ; and new lines. */
export function folderList(value) {
  const items = Array.isArray(value) ? value.map(textOf) : textOf(value).split(/[,;\n]/);
  return items.map((s) => s.replace(/[ /]+$/, "").replace(/^ +/, "")).filter(Boolean);
}

/** A whole number typed (up to 12 digits, spaces around allowed), or null. */
export const wholeNumber = (s) => (/^\d{1,12}$/.test(String(s).trim()) ? Number(String(s).trim()) : null);

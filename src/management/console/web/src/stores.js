// The logic of an instance's Archive Stores and Search Indexes tabs, free of
// the DOM: which store command applies to which store (the server's rules,
// from src/instancehost/instance/model/store_manager.cpp and
// api/store_functions.cpp), the checks made as the operator types, the
// auto-create configuration form to and from its JSON, and the outcome
// line of each command's result. The index configuration form is in
// index_config.js (re-exported here for the Search Indexes tab).
// Each check returns a catalogue key (or null when the value is fine).
import { OTHER_INVALID } from "./index_config.js";

export { ATTACHMENT_TYPES, KNOWN_TYPES, indexConfig, indexForm, normalizeExtension, otherExtensionsProblem,
         parseExtensions } from "./index_config.js";

// The catalogue keys the checks below return, declared as {key} so the
// catalogue's test sees them used: why a command does not apply, and what
// is wrong with a value typed.
const keyed = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.key]));
export const WHY = keyed({
  currentDetach: { key: "stoWhyCurrentDetach" },
  currentState: { key: "stoWhyCurrentState" },
  noMergeSource: { key: "stoWhyNoMergeSource" },
  noUpgrade: { key: "stoWhyNoUpgrade" },
  notOpen: { key: "stoWhyNotOpen" },
  pathNeedsDisabled: { key: "stoWhyPathNeedsDisabled" },
  recoverOpen: { key: "stoWhyRecoverOpen" },
  writeProtected: { key: "stoWhyWriteProtected" },
});
export const PROBLEM = keyed({
  otherInvalid: OTHER_INVALID,
  keyEmpty: { key: "stoKeyEmpty" },
  keyInvalid: { key: "stoKeyInvalid" },
  nameEmpty: { key: "stoNameEmpty" },
  nameTooLong: { key: "stoNameTooLong" },
  pathAbsolute: { key: "stoPathAbsolute" },
  pathControl: { key: "stoPathControl" },
  pathEmpty: { key: "stoPathEmpty" },
  pathTooLong: { key: "stoPathTooLong" },
  thresholdEmpty: { key: "stoThresholdEmpty" },
  thresholdInvalid: { key: "stoThresholdInvalid" },
});

/** Requested states as SetStoreRequestedState takes them (StoreManager::checkState). */
export const STATES = ["current", "normal", "writeProtected", "disabled"];

/** A store is open (loaded) when it is not disabled and did not fail to open. */
export function isOpen(store) {
  return !!store && store.requestedState !== "disabled" && !store.error;
}

/**
 * The state flags of a GetStores row beside its requested state, each
 * {flag, key, kind}: kind is a Badge kind ("error", "warning").
 */
export function storeFlags(store) {
  const out = [];
  if (store.error) out.push({ flag: "error", key: "stoFlagError", kind: "error" });
  if (store.needsUpgrade) out.push({ flag: "needsUpgrade", key: "stoFlagNeedsUpgrade", kind: "warning" });
  if (store.searchIndexesNeedRebuild) out.push({ flag: "searchIndexesNeedRebuild", key: "stoFlagIndexRebuild", kind: "warning" });
  return out;
}

/** The Badge kind of a requested state. */
export function stateKind(state) {
  return { current: "active", normal: "information", writeProtected: "warning", disabled: "stopped" }[state] || "stopped";
}

// Compacting, repairing, recreating records, upgrading and merging into a
// store change it: the store must be open and not write-protected
// (ArchiveStore::refuseIfProtected).
function writable(s) {
  if (!isOpen(s)) return WHY.notOpen;
  return s.requestedState === "writeProtected" ? WHY.writeProtected : null;
}

/**
 * The commands on one store: its function, whether it is long-running
 * (progress in the task window), whether it asks first, whether it can run
 * on a selection of stores, and when it applies (`when(store, stores)`
 * returns null, or the catalogue key saying why not).
 */
export const STORE_COMMANDS = {
  rename: { fn: "RenameStore", long: false, confirm: false, multi: false, when: () => null },
  state: { fn: "SetStoreRequestedState", long: false, confirm: false, multi: true,
           when: (s) => (s.requestedState === "current" ? WHY.currentState : null) },
  path: { fn: "SetStorePath", long: false, confirm: false, multi: false,
          when: (s) => (s.requestedState === "disabled" ? null : WHY.pathNeedsDisabled) },
  verify: { fn: "VerifyStore", long: true, confirm: false, multi: true, when: (s) => (isOpen(s) ? null : WHY.notOpen) },
  compact: { fn: "CompactStore", long: true, confirm: true, multi: true, when: writable },
  repair: { fn: "RepairStoreDatabase", long: true, confirm: true, multi: true, when: writable },
  recreate: { fn: "RecreateRecoveryRecords", long: true, confirm: true, multi: true, when: writable },
  upgrade: { fn: "UpgradeStore", long: true, confirm: true, multi: true,
             when: (s) => writable(s) || (s.needsUpgrade ? null : WHY.noUpgrade) },
  unlock: { fn: "UnlockStore", long: false, confirm: false, multi: false, when: () => null },
  recover: { fn: "RecoverStore", long: true, confirm: true, multi: false,
             when: (s) => (isOpen(s) ? WHY.recoverOpen : null) },
  merge: { fn: "MergeStore", long: true, confirm: true, multi: false,
           when: (s, stores = []) => writable(s) || (mergeSources(s, stores).length ? null : WHY.noMergeSource) },
  detach: { fn: "DetachStore", long: false, confirm: true, multi: true,
            when: (s) => (s.requestedState === "current" ? WHY.currentDetach : null) },
};

/** Commands of the whole instance (no store id). */
export const INSTANCE_COMMANDS = {
  verifyAll: { fn: "VerifyStores", long: true, confirm: false },
  upgradeAll: { fn: "UpgradeStores", long: true, confirm: true },
  refreshStatistics: { fn: "RefreshAllStoreStatistics", long: true, confirm: false },
  retryOpen: { fn: "RetryOpenStores", long: false, confirm: false },
  maintainDatabases: { fn: "MaintainFileSystemDatabases", long: true, confirm: true },
};

/** Why `command` does not apply to `store` (a catalogue key), or null. */
export function whyNot(command, store, stores = []) {
  const c = STORE_COMMANDS[command];
  if (!c) throw new Error(`unknown store command ${command}`);
  return c.when(store, stores);
}

/** The stores of a selection a command applies to. */
export function targetsOf(command, selection, stores = selection) {
  return selection.filter((s) => !whyNot(command, s, stores));
}

/** The stores MergeStore may copy into `target`: open, not current, not the target itself. */
export function mergeSources(target, stores) {
  return stores.filter((s) => s.id !== target.id && isOpen(s) && s.requestedState !== "current");
}

/** The states a store may be set to (the current one changes only by making another current). */
export function statesFor(store) {
  if (!store || store.requestedState === "current") return [];
  return STATES;
}

// ---- checks as typed ------------------------------------------------------

/** A store's name: 1 to 255 characters (StoreManager::rename). */
export function storeNameProblem(name) {
  const s = String(name ?? "");
  if (!s.trim()) return PROBLEM.nameEmpty;
  if (s.length > 255) return PROBLEM.nameTooLong;
  return null;
}

/** A store's directory: absolute or "~/..." (the instance's base directory), at most 1000 characters, no control characters. */
export function storePathProblem(path) {
  const s = String(path ?? "");
  if (!s.trim()) return PROBLEM.pathEmpty;
  if (s[0] !== "/" && s[0] !== "~") return PROBLEM.pathAbsolute;
  if ([...s].some((c) => c.charCodeAt(0) < 32)) return PROBLEM.pathControl;
  if (s.length > 1000) return PROBLEM.pathTooLong;
  return null;
}

/** A recovery key: 64 hex digits, dashes and spaces allowed. `optional`: empty is fine. */
export function recoveryKeyProblem(key, optional = false) {
  const s = String(key ?? "").replace(/[\s-]/g, "");
  if (!s) return optional ? null : PROBLEM.keyEmpty;
  return /^[0-9a-fA-F]{64}$/.test(s) ? null : PROBLEM.keyInvalid;
}

/** A directory name from a store name for the suggested path: letters, digits, '-', '_' and '.'. */
export function directoryNameOf(name) {
  const s = String(name ?? "").trim().replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+|-+$/g, "");
  return s.slice(0, 100) || "Store";
}

/** The path a new store gets unless the operator types another: <base>/<name as a directory>. */
export function suggestedPath(base, name) {
  const b = String(base || "~/Data").replace(/\/+$/, "");
  return `${b}/${directoryNameOf(name)}`;
}

// ---- automatic creation of stores ----------------------------------------

/**
 * The form of GetStoreAutoCreateConfiguration's answer
 * {sizeThreshold: "<MB>" | null, baseDirectory, ...}:
 * {automatic, thresholdMB (text), baseDirectory}.
 */
export function autoCreateForm(config) {
  const c = config || {};
  const t = c.sizeThreshold;
  const has = t !== null && t !== undefined && String(t).trim() !== "";
  return { automatic: !has, thresholdMB: has ? String(t).trim() : "", baseDirectory: c.baseDirectory || "" };
}

/** SetStoreAutoCreateConfiguration's config from the form. */
export function autoCreateConfig(form) {
  const config = { sizeThreshold: form.automatic ? null : String(form.thresholdMB).trim() };
  const dir = String(form.baseDirectory || "").trim();
  if (dir) config.baseDirectory = dir;
  return config;
}

/** The threshold in MB: a whole number from 1 (StoreManager::setAutoCreateConfig). */
export function thresholdProblem(form) {
  if (form.automatic) return null;
  const s = String(form.thresholdMB ?? "").trim();
  if (!s) return PROBLEM.thresholdEmpty;
  if (!/^\d+$/.test(s) || Number(s) < 1) return PROBLEM.thresholdInvalid;
  if (Number(s) > 1e12) return PROBLEM.thresholdInvalid;
  return null;
}

/** The base directory of automatically created stores: empty (the default) or a store path. */
export function baseDirectoryProblem(dir) {
  return String(dir ?? "").trim() ? storePathProblem(String(dir).trim()) : null;
}

// ---- outcomes -------------------------------------------------------------

/**
 * What a succeeded command says: {key, vars, lines}. `store`: the store it
 * ran on ({id, name}) or null for the instance's commands.
 */
export function outcomeOf(fn, result, store = null) {
  const name = store ? store.name : "";
  const r = result && typeof result === "object" ? result : {};
  switch (fn) {
    case "VerifyStore": {
      const problems = Array.isArray(r.problems) ? r.problems : [];
      const vars = { name, n: problems.length, messages: r.messagesChecked ?? 0, records: r.recoveryRecords ?? 0 };
      if (!problems.length) return { key: "stoDoneVerify", vars, lines: [], problems: 0 };
      return { key: "stoDoneVerifyProblems", vars, lines: problems.slice(0, 20), problems: problems.length };
    }
    case "VerifyStores": {
      const list = Array.isArray(result) ? result : [];
      const problems = list.flatMap((x) => (Array.isArray(x.problems) ? x.problems : []));
      const vars = { n: problems.length, stores: list.length, messages: list.reduce((a, x) => a + (x.messagesChecked || 0), 0) };
      if (!problems.length) return { key: "stoDoneVerifyAll", vars, lines: [], problems: 0 };
      return { key: "stoDoneVerifyAllProblems", vars, lines: problems.slice(0, 20), problems: problems.length };
    }
    case "CompactStore": return { key: "stoDoneCompact", vars: { name, bytes: r.reclaimedBytes ?? 0 }, lines: [] };
    case "RepairStoreDatabase": return { key: "stoDoneRepair", vars: { name }, lines: [] };
    case "RecreateRecoveryRecords": return { key: "stoDoneRecreate", vars: { name }, lines: [] };
    case "UpgradeStore": return { key: "stoDoneUpgrade", vars: { name }, lines: [] };
    case "UpgradeStores": return { key: "stoDoneUpgradeAll", vars: { n: r.upgradedStores ?? 0 }, lines: [] };
    case "RecoverStore": return { key: "stoDoneRecover", vars: { name }, lines: [] };
    case "MergeStore":
      return { key: "stoDoneMerge", vars: { name, n: r.mergedMessages ?? 0, duplicates: r.duplicates ?? 0,
                                            directory: r.sourceDirectory || "" }, lines: [] };
    case "DetachStore": return { key: "stoDoneDetach", vars: { name }, lines: [] };
    case "SetStoreRequestedState": return { key: "stoDoneState", vars: { name }, lines: [] };
    case "RenameStore": return { key: "stoDoneRename", vars: { name }, lines: [] };
    case "SetStorePath": return { key: "stoDonePath", vars: { name }, lines: [] };
    case "UnlockStore": return { key: "stoDoneUnlock", vars: { name, text: typeof result === "string" ? result : "" }, lines: [] };
    case "CreateStore": return { key: "stoDoneCreate", vars: { name, id: r.id ?? "" }, lines: [] };
    case "AttachStore": return { key: "stoDoneAttach", vars: { name, id: r.id ?? "" }, lines: [] };
    case "RefreshAllStoreStatistics": return { key: "stoDoneRefresh", vars: {}, lines: [] };
    case "RetryOpenStores": return { key: "stoDoneRetry", vars: { n: r.storesInError ?? 0 }, lines: [] };
    case "MaintainFileSystemDatabases": return { key: "stoDoneMaintain", vars: { n: r.databases ?? 0 }, lines: [] };
    case "RebuildSelectedStoreIndexes": {
      const ids = Array.isArray(r.rebuiltStores) ? r.rebuiltStores : [];
      return { key: "idxDoneRebuild", vars: { n: ids.length, ids: ids.join(", ") }, lines: [] };
    }
    default: return { key: "stoDoneOther", vars: { fn }, lines: [] };
  }
}

/** The totals of a GetStores list: {stores, messages, bytes, open, attention}. */
export function totals(stores) {
  const list = stores || [];
  return {
    stores: list.length,
    messages: list.reduce((a, s) => a + (Number(s.statisticsCount) || 0), 0),
    bytes: list.reduce((a, s) => a + (Number(s.statisticsSize) || 0), 0),
    open: list.filter(isOpen).length,
    attention: list.filter((s) => storeFlags(s).length > 0).length,
  };
}

/** The stores whose search indexes need a rebuild (broken or selected). */
export function needingRebuild(stores) {
  return (stores || []).filter((s) => s.searchIndexesNeedRebuild);
}

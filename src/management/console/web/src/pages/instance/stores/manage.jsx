// The Manage dialog of one store: its facts and every command of the API
// on it, in groups, each with why it does not apply now.
import { STORE_COMMANDS, whyNot } from "../../../stores.js";
import { Dialog, useApp } from "../../../ui.jsx";
import { CommandList } from "./commands.jsx";
import { StoreState } from "./state.jsx";

export function ManageDialog({ store: s, stores, texts, onClose, onOpen }) {
  const { t, fmt, hasFn } = useApp();
  const item = (name, danger = false) => ({
    name, label: texts[name][0], help: texts[name][1], why: whyNot(name, s, stores), danger,
    onClick: () => onOpen(name, [s]),
  });
  const groups = [
    ["stoGroupProperties", ["rename", "state", "path"]],
    ["stoGroupMaintain", ["verify", "compact", "repair", "recreate", "upgrade"]],
    ["stoGroupRecovery", ["unlock", "recover", "merge"]],
    ["stoGroupRemove", ["detach"]],
  ];
  const groupTitle = { stoGroupProperties: t("stoGroupProperties"), stoGroupMaintain: t("stoGroupMaintain"),
                       stoGroupRecovery: t("stoGroupRecovery"), stoGroupRemove: t("stoGroupRemove") };
  return (
    <Dialog title={t("stoManageTitle", { name: s.name })} onClose={onClose} wide className="sto-manage-dialog">
      <dl class="facts compact">
        <div><dt>{t("stoId")}</dt><dd>{s.id}</dd></div>
        <div><dt>{t("stoState")}</dt><dd><StoreState store={s} /></dd></div>
        <div><dt>{t("stoMessages")}</dt><dd>{fmt.number(s.statisticsCount ?? 0)}</dd></div>
        <div><dt>{t("stoSize")}</dt><dd>{fmt.bytes(s.statisticsSize ?? 0)}</dd></div>
        <div><dt>{t("stoPath")}</dt><dd><code>{s.databasePath}</code></dd></div>
        <div><dt>{t("stoContentPath")}</dt><dd><code>{s.contentPath}</code></dd></div>
        <div><dt>{t("stoIndexPath")}</dt><dd><code>{s.indexPath}</code></dd></div>
      </dl>
      {groups.map(([key, names]) => {
        const items = names.filter((n) => hasFn(STORE_COMMANDS[n].fn)).map((n) => item(n, n === "detach"));
        if (!items.length) return null;
        return (
          <section key={key} class="sto-group" aria-labelledby={"sto-g-" + key}>
            <h3 id={"sto-g-" + key}>{groupTitle[key]}</h3>
            <CommandList items={items} />
          </section>
        );
      })}
    </Dialog>
  );
}

// Commands as a list of buttons, each with what it does and why it does
// not apply now; the panel of the commands on all the instance's stores.
import { INSTANCE_COMMANDS } from "../../../stores.js";
import { useApp } from "../../../ui.jsx";

/** A list of commands, each a button with what it does (and why it does not apply now). */
export function CommandList({ items }) {
  const { t } = useApp();
  return (
    <ul class="sto-commands">
      {items.map((c) => (
        <li key={c.name}>
          <button type="button" class={c.danger ? "ghost danger-text" : "ghost"} data-command={c.name} disabled={!!c.why}
                  aria-describedby={"sto-help-" + c.name} onClick={c.onClick}>{c.label}</button>
          <span class="sto-command-help" id={"sto-help-" + c.name}>
            {c.help}{c.why && <span class="sto-why"> {t("stoNotNow", { reason: t(c.why) })}</span>}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function InstanceCommands({ onOpen, texts }) {
  const { t, hasFn } = useApp();
  const items = Object.entries(INSTANCE_COMMANDS).filter(([, c]) => hasFn(c.fn))
    .map(([name]) => ({ name, label: texts[name][0], help: texts[name][1], onClick: () => onOpen(name) }));
  if (!items.length) return null;
  return (
    <section class="panel sto-all" aria-labelledby="sto-all-title">
      <h2 id="sto-all-title">{t("stoAllTitle")}</h2>
      <CommandList items={items} />
    </section>
  );
}

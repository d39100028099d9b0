// Every string of the console, English and German, one file per page under
// catalogue/ (a new page brings its own file and is listed here). {name} is
// replaced by a value; {one, other} is a plural chosen by {n}.
// test/i18n.test.js checks that both languages have the same keys, that no
// key is defined by two files and that every key the code uses is here.
import * as shell from "./catalogue/shell.js";
import * as dashboard from "./catalogue/dashboard.js";
import * as instances from "./catalogue/instances.js";
import * as wizard from "./catalogue/wizard.js";
import * as developer from "./catalogue/developer.js";
import * as tasks from "./catalogue/tasks.js";
import * as servers from "./catalogue/servers.js";
import * as administrators from "./catalogue/administrators.js";
import * as smtp from "./catalogue/smtp.js";

export const parts = { shell, dashboard, instances, wizard, developer, tasks, servers, administrators, smtp };

function merge(lang) {
  const out = {};
  for (const part of Object.values(parts)) Object.assign(out, part[lang]);
  return out;
}

export const catalogues = { en: merge("en"), de: merge("de") };

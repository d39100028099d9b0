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
import * as instance from "./catalogue/instance.js";
import * as instance_overview from "./catalogue/instance_overview.js";
import * as instance_users from "./catalogue/instance_users.js";
import * as instance_folders from "./catalogue/instance_folders.js";
import * as instance_stores from "./catalogue/instance_stores.js";
import * as instance_indexes from "./catalogue/instance_indexes.js";
import * as instance_archiving from "./catalogue/instance_archiving.js";
import * as instance_access from "./catalogue/instance_access.js";
import * as instance_live from "./catalogue/instance_live.js";
import * as branding from "./catalogue/branding.js";
import * as settings from "./catalogue/settings.js";
import * as folderpicker from "./catalogue/folderpicker.js";
import * as mfa from "./catalogue/mfa.js";
import * as identity from "./catalogue/identity.js";
import * as jobs from "./catalogue/jobs.js";
import * as instance_email from "./catalogue/instance_email.js";
import * as instance_compliance from "./catalogue/instance_compliance.js";
import * as instance_export from "./catalogue/instance_export.js";
import * as license from "./catalogue/license.js";

export const parts = { shell, dashboard, instances, wizard, developer, tasks, servers, administrators, smtp,
  instance, instance_overview, instance_users, instance_folders, instance_stores, instance_indexes, instance_archiving, instance_access, instance_live, branding, settings, folderpicker, mfa, identity, jobs, instance_email, instance_compliance, instance_export, license };

function merge(lang) {
  const out = {};
  for (const part of Object.values(parts)) Object.assign(out, part[lang]);
  return out;
}

export const catalogues = { en: merge("en"), de: merge("de") };

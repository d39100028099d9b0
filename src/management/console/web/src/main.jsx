// The Management Console: login, then the shell (header with the
// administrator's name, Tasks, language and Log out; the navigation; the
// page of the address's hash). A 401 on any call shows the login form over
// the page and sends the call again afterwards, so nothing typed is lost.
import { render } from "preact";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import "./app.css";
import { Api, ApiError } from "./api.js";
import { TaskStore } from "./tasks.js";
import { LANGUAGES, STORAGE_KEY, formats, pickLanguage, translator } from "./i18n.js";
import { formatHash, parseHash } from "./router.js";
import { AppContext, Dialog, ErrorNote, Loading, useApp } from "./ui.jsx";
import { LoginForm } from "./login.jsx";
import { TaskWindow, TasksButton } from "./taskwindow.jsx";
import { Dashboard } from "./pages/dashboard.jsx";
import { Instances } from "./pages/instances.jsx";
import { InstanceDetail } from "./pages/instance/detail.jsx";
import { Developer } from "./pages/developer.jsx";
import { Servers } from "./pages/servers.jsx";
import { Administrators } from "./pages/administrators.jsx";
import { SmtpSettings } from "./pages/smtp.jsx";
import { Branding } from "./pages/branding.jsx";
import { YourSettings } from "./pages/settings.jsx";
import { LicenseInformation } from "./pages/license.jsx";

const NAV = [
  { group: "navGeneral", items: [["dashboard", "navDashboard"], ["instances", "navInstances"], ["license", "navLicense"]] },
  { group: "navInfrastructure", items: [["instance-hosts", "navInstanceHosts"],
                                        ["client-access-servers", "navClientAccessServers"],
                                        ["branding", "navBranding"]] },
  { group: "navSystem", items: [["administrators", "navAdministrators"], ["smtp", "navSmtp"],
                                ["settings", "navSettings"]] },
  { group: "navDeveloperGroup", items: [["developer", "navDeveloper"]] },
];

function storedLanguage() {
  try { return localStorage.getItem(STORAGE_KEY); } catch { return null; }
}

function useHashRoute() {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => {
      document.body.dataset.navigated = "1";  // from now on a new page takes the focus
      setRoute(parseHash(location.hash));
    };
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

function App() {
  const [lang, setLangState] = useState(() => pickLanguage(storedLanguage(), navigator.languages));
  const t = useMemo(() => translator(lang), [lang]);
  const fmt = useMemo(() => formats(lang), [lang]);
  const setLang = (l) => {
    try { localStorage.setItem(STORAGE_KEY, l); } catch { /* private mode: not remembered */ }
    setLangState(l);
  };
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t("productName");
  }, [lang, t]);

  const [phase, setPhase] = useState("checking");  // checking | login | ready | unreachable
  const [user, setUser] = useState(null);
  const [session, setSession] = useState(null);     // /console/session's or /console/login's answer
  const [relogin, setRelogin] = useState(null);     // {resolve, reject} while the session is renewed
  const reloginRef = useRef(null);
  const api = useMemo(() => new Api({
    fetchFn: (...a) => fetch(...a),
    onUnauthorized: () => new Promise((resolve, reject) => {
      reloginRef.current = { resolve, reject };
      setRelogin(reloginRef.current);
    }),
  }), []);
  const tasks = useMemo(() => new TaskStore(api), [api]);
  const [unreachable, setUnreachable] = useState(null);

  const checkSession = useCallback(async () => {
    setPhase("checking");
    try {
      const s = await api.session();
      if (s) { setSession(s); setUser(s.userName); setPhase("ready"); } else setPhase("login");
    } catch (e) {
      setUnreachable(e);
      setPhase("unreachable");
    }
  }, [api]);
  useEffect(() => { checkSession(); }, [checkSession]);

  const logout = async () => {
    try { await api.logout(); } catch { /* the session ends on the server at the latest when idle */ }
    tasks.clear();
    setUser(null);
    setPhase("login");
  };

  const base = { t, lang, setLang, fmt, api, tasks, user, session };
  if (phase === "checking") {
    return <AppContext.Provider value={base}><main class="center"><Loading /></main></AppContext.Provider>;
  }
  if (phase === "unreachable") {
    return (
      <AppContext.Provider value={base}>
        <main class="center">
          <div class="card">
            <h1>{t("productName")}</h1>
            <ErrorNote error={unreachable} />
            <button type="button" class="primary" onClick={checkSession}>{t("tryAgain")}</button>
          </div>
        </main>
      </AppContext.Provider>
    );
  }
  if (phase === "login" || !user) {
    return (
      <AppContext.Provider value={base}>
        <LoginPage onLoggedIn={(name, s) => { setSession(s); setUser(name); setPhase("ready"); }} />
      </AppContext.Provider>
    );
  }
  const endRelogin = (ok, name) => {
    const r = reloginRef.current;
    reloginRef.current = null;
    setRelogin(null);
    if (!r) return;
    if (ok) { if (name) setUser(name); r.resolve(); } else r.reject(new ApiError(t("notLoggedIn"), { status: 401 }));
  };
  return (
    <Shell base={base} onLogout={logout}>
      {relogin && (
        <Dialog title={t("sessionEndedTitle")} onClose={() => { endRelogin(false); logout(); }}>
          <p class="dialog-text">{t("sessionEndedText")}</p>
          <LoginForm presetUser={user} onLoggedIn={(name) => endRelogin(true, name)} embedded />
        </Dialog>
      )}
    </Shell>
  );
}

function LanguageSelect({ className = "" }) {
  const { t, lang, setLang } = useApp();
  return (
    <select class={"lang " + className} value={lang} aria-label={t("language")}
            onChange={(e) => setLang(e.currentTarget.value)}>
      {LANGUAGES.map((l) => <option key={l} value={l} lang={l}>{l === "de" ? "Deutsch" : "English"}</option>)}
    </select>
  );
}

function LoginPage({ onLoggedIn }) {
  const { t } = useApp();
  return (
    <>
      <header class="bar">
        <span class="brand"><Logo /><span>{t("productName")}</span></span>
        <span class="spacer"></span>
        <LanguageSelect />
      </header>
      <main class="center login-page">
        <div class="card">
          <h1>{t("loginTitle")}</h1>
          <p class="muted">{t("loginIntro")}</p>
          <LoginForm onLoggedIn={onLoggedIn} />
        </div>
      </main>
    </>
  );
}

function Logo() {
  return (
    <svg class="logo" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <rect x="3" y="4" width="18" height="5" rx="1.5" />
      <rect x="3" y="10.5" width="18" height="5" rx="1.5" />
      <rect x="3" y="17" width="18" height="4" rx="1.5" />
    </svg>
  );
}

function Shell({ base, onLogout, children }) {
  const { t } = base;
  const route = useHashRoute();
  const [navOpen, setNavOpen] = useState(false);
  const [taskWindowOpen, setTaskWindowOpen] = useState(false);
  const [metadata, setMetadata] = useState({ list: null, error: null });
  const [announcement, setAnnouncement] = useState("");
  const mainRef = useRef(null);
  const toggleRef = useRef(null);

  const loadMetadata = useCallback(() => {
    base.api.metadata().then((list) => setMetadata({ list, error: null }),
                               (error) => setMetadata({ list: null, error }));
  }, [base.api]);
  useEffect(loadMetadata, [loadMetadata]);
  useEffect(() => setNavOpen(false), [route.page]);

  // Long-running calls open the task window; their end is announced.
  // run(fn, args, {label, listed, taskArgs}): a call; one still running after the server's first
  // answer goes to the task window and is followed to its end. `listed`: every call goes there,
  // also one that ended at once (so each run's log and end are found in one place); `taskArgs`:
  // the arguments the task keeps instead of `args` (e.g. without a password).
  const run = useCallback(async (fn, args = {}, { label, listed = false, taskArgs } = {}) => {
    const env = await base.api.invoke(fn, args);
    if (env.statusCode !== "running" && !listed) return env;
    const { promise } = base.tasks.follow(env, { fn, label: label || fn, args: taskArgs || args });
    setTaskWindowOpen(true);
    const final = await promise;
    setAnnouncement(t(final.statusCode === "succeeded" ? "taskDoneAnnounce" : "taskFailedAnnounce",
                      { label: label || fn }));
    return final;
  }, [base.api, base.tasks, t]);

  // Until get-metadata answers, functions count as missing; if it fails, as there (the call says otherwise).
  const hasFn = useCallback((name) => (metadata.list ? metadata.list.some((f) => f.name === name) : !!metadata.error),
                            [metadata]);
  const navigate = useCallback((page, param, query) => { location.hash = formatHash(page, param, query); }, []);
  const value = { ...base, route, run, metadata, reloadMetadata: loadMetadata, hasFn, navigate,
                  openTasks: () => setTaskWindowOpen(true) };

  const skip = () => mainRef.current && mainRef.current.focus();
  let page;
  switch (route.page) {
    case "instances": page = route.param ? <InstanceDetail key={route.param} id={route.param} /> : <Instances />; break;
    case "instance-hosts": page = <Servers key="ih" kind="instanceHost" />; break;
    case "client-access-servers": page = <Servers key="cas" kind="clientAccessServer" />; break;
    case "license": page = <LicenseInformation />; break;
    case "administrators": page = <Administrators />; break;
    case "smtp": page = <SmtpSettings />; break;
    case "branding": page = <Branding />; break;
    case "settings": page = <YourSettings />; break;
    case "developer": page = <Developer />; break;
    default: page = <Dashboard />;
  }

  return (
    <AppContext.Provider value={value}>
      <button type="button" class="skip" onClick={skip}>{t("skipToContent")}</button>
      <header class="bar">
        <button type="button" ref={toggleRef} class="icon menu-toggle" aria-controls="nav" aria-expanded={navOpen ? "true" : "false"}
                aria-label={t("menu")} onClick={() => setNavOpen(!navOpen)}>
          <span aria-hidden="true">☰</span>
        </button>
        <span class="brand"><Logo /><span class="brand-long">{t("productName")}</span>
          <span class="brand-short">{t("productShort")}</span></span>
        <span class="spacer"></span>
        <TasksButton open={taskWindowOpen} onToggle={() => setTaskWindowOpen(!taskWindowOpen)} />
        <LanguageSelect className="wide-only" />
        <span class="user" title={t("loggedInAs", { user: base.user })}>
          <span class="sr-only">{t("loggedInAsLabel")} </span>{base.user}
        </span>
        <button type="button" class="link logout" onClick={onLogout}>{t("logout")}</button>
      </header>
      <div class="shell">
        <nav id="nav" class={"nav" + (navOpen ? " shown" : "")} aria-label={t("mainNavigation")}
             onKeyDown={(e) => { if (e.key === "Escape" && navOpen) { setNavOpen(false); toggleRef.current?.focus(); } }}>
          {NAV.map((g) => (
            <div class="nav-group" key={g.group}>
              <p class="nav-title" id={"nav-" + g.group}>{t(g.group)}</p>
              <ul aria-labelledby={"nav-" + g.group}>
                {g.items.map(([p, key]) => (
                  <li key={p}>
                    <a href={formatHash(p)} class="nav-link" aria-current={route.page === p ? "page" : undefined}
                       onClick={() => setNavOpen(false)}>{t(key)}</a>
                  </li>
                ))}
              </ul>
            </div>
          ))}
          <div class="nav-foot narrow-only"><LanguageSelect /></div>
        </nav>
        {navOpen && <div class="scrim" onClick={() => setNavOpen(false)} aria-hidden="true"></div>}
        <main id="main" ref={mainRef} tabIndex={-1} class="content" data-page={route.page}>
          {metadata.error && <ErrorNote error={metadata.error} />}
          {page}
        </main>
      </div>
      <TaskWindow open={taskWindowOpen} onClose={() => setTaskWindowOpen(false)} />
      <div class="sr-only" role="status" aria-live="polite">{announcement}</div>
      {children}
    </AppContext.Provider>
  );
}

render(<App />, document.getElementById("app"));

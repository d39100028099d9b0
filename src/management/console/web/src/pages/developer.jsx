// Developer → Management API: any function of /api/get-metadata (a
// searchable list; the chosen one is in the address), a form built from its
// argument types, Invoke, the envelope pretty-printed (a long-running call
// is followed here and in the task window), and the same call as a spe-cli
// and a curl command line, with placeholders instead of passwords.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { curlCommand, speCliCommand } from "../cmdline.js";
import { buildArgs, formFields, initialValues, isSecretArg, prettyJson, searchFunctions } from "../metaform.js";
import { formatHash } from "../router.js";
import { Badge, CopyButton, ErrorNote, Loading, PageHeader, useApp } from "../ui.jsx";

export function Developer() {
  const { t, route, metadata } = useApp();
  const [query, setQuery] = useState("");
  const list = metadata.list || [];
  const found = useMemo(() => searchFunctions(list, query), [list, query]);
  const fn = list.find((f) => f.name === route.param) || null;

  return (
    <div class="page developer">
      <PageHeader title={t("navDeveloper")}
                  subtitle={metadata.list ? t("functionsOffered", { n: list.length }) : null} />
      {!metadata.list && !metadata.error && <Loading />}
      {metadata.list && (
        <div class="dev-grid">
          <section class="panel fn-list" aria-labelledby="fn-list-title">
            <h2 id="fn-list-title" class="sr-only">{t("functions")}</h2>
            <div class="field">
              <label for="fn-search">{t("findFunction")}</label>
              <input id="fn-search" type="search" value={query} autocomplete="off"
                     placeholder={t("findFunctionPlaceholder")} onInput={(e) => setQuery(e.currentTarget.value)}
                     aria-controls="fn-links" />
            </div>
            <p class="muted small" aria-live="polite">{t("functionsShown", { n: found.length })}</p>
            <ul id="fn-links" class="fn-links">
              {found.map((f) => (
                <li key={f.name}>
                  <a href={formatHash("developer", f.name)} aria-current={fn && fn.name === f.name ? "page" : undefined}>
                    {f.name}
                  </a>
                </li>
              ))}
            </ul>
          </section>
          {fn ? <FunctionPanel key={fn.name} fn={fn} /> : (
            <section class="panel intro" aria-labelledby="dev-intro-title">
              <h2 id="dev-intro-title">{t("devIntroTitle")}</h2>
              <p>{t("devIntro1")}</p>
              <p>{t("devIntro2")}</p>
              {route.param && <ErrorNote error={{ message: t("unknownFunction", { name: route.param }) }} />}
            </section>
          )}
        </div>
      )}
    </div>
  );
}

function FunctionPanel({ fn }) {
  const { t, api, tasks, user, openTasks, session } = useApp();
  const fields = formFields(fn);
  const [values, setValues] = useState(() => initialValues(fn));
  const [showErrors, setShowErrors] = useState(false);
  const [answer, setAnswer] = useState(null);   // {env, ms, taskId}
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const answerRef = useRef(null);
  const { args, errors } = buildArgs(fn, values);
  const secretNames = fn.args.filter(isSecretArg).map((a) => a.name);
  const host = location.hostname;
  const port = (session && session.apiPort) || 8474;
  const cli = speCliCommand({ host, port, user, fn: fn.name, args, secretNames });
  const curl = curlCommand({ host, port, user, fn: fn.name, args, secretNames });

  // A followed task's newest envelope is shown as it arrives.
  useEffect(() => {
    if (!answer || answer.taskId === undefined) return undefined;
    return tasks.subscribe((_, task) => {
      if (task && task.id === answer.taskId) setAnswer((a) => (a && a.taskId === task.id ? { ...a, env: task.env } : a));
    });
  }, [answer && answer.taskId]);

  const invoke = async (e) => {
    e.preventDefault();
    if (Object.keys(errors).length) {
      setShowErrors(true);
      const first = e.currentTarget.querySelector("[aria-invalid=true]");
      if (first) first.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const started = performance.now();
    try {
      const env = await api.invoke(fn.name, args);
      if (env.statusCode === "running") {
        const { id, promise } = tasks.follow(env, { fn: fn.name, label: fn.name, args });
        openTasks();
        setAnswer({ env, ms: null, taskId: id });
        const final = await promise;
        setAnswer({ env: final, ms: Math.round(performance.now() - started), taskId: id });
      } else {
        setAnswer({ env, ms: Math.round(performance.now() - started) });
      }
      requestAnimationFrame(() => answerRef.current && answerRef.current.focus());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel fn-panel" aria-labelledby="fn-title">
      <h2 id="fn-title" class="fn-title">{fn.name}</h2>
      {typeof fn.description === "string" && fn.description && <p class="fn-description" id="fn-description">{fn.description}</p>}
      <p class="muted small">
        {fields.length ? t("argumentsCount", { n: fields.length }) : t("noArguments")}
        {fn.longRunning === true && " · " + t("fnLongRunning")}
      </p>
      <form class="fn-form" onSubmit={invoke} noValidate>
        {fields.map((f) => (
          <ArgField key={f.name} field={f} value={values[f.name]}
                    problem={showErrors && errors[f.name] ? t(errors[f.name].key, errors[f.name].vars) : null}
                    onChange={(v) => setValues((x) => ({ ...x, [f.name]: v }))} />
        ))}
        <div class="form-actions">
          <button type="submit" class="primary" id="invoke" disabled={busy}>{busy ? t("invoking") : t("invoke")}</button>
          <button type="button" class="ghost" onClick={() => { setValues(initialValues(fn)); setShowErrors(false); }}
                  disabled={busy}>{t("reset")}</button>
        </div>
      </form>
      <ErrorNote error={error} />

      {answer && (
        <div class="answer">
          <div class="answer-head">
            <h3 id="answer-title" ref={answerRef} tabIndex={-1}>{t("answer")}</h3>
            <Badge kind={answer.env.statusCode}>{answer.env.statusCode}</Badge>
            {answer.ms !== null && <span class="muted small">{t("tookMs", { n: answer.ms })}</span>}
            <span class="spacer"></span>
            <CopyButton text={JSON.stringify(answer.env, null, 2)} label={t("copyAnswer")} />
          </div>
          {answer.env.statusCode === "failed" && answer.env.error && <ErrorNote error={answer.env.error} />}
          <pre class="code envelope" tabIndex={0} aria-labelledby="answer-title" id="envelope">{JSON.stringify(answer.env, null, 2)}</pre>
        </div>
      )}

      <div class="cmdlines">
        <h3>{t("sameOnCommandLine")}</h3>
        <CmdLine title="spe-cli" text={cli} id="cmd-cli" />
        <CmdLine title="curl" text={curl} id="cmd-curl" />
        <p class="muted small">{t("cmdNote", { port })}</p>
      </div>
    </section>
  );
}

function CmdLine({ title, text, id }) {
  const { t } = useApp();
  return (
    <div class="cmdline">
      <div class="cmdline-head">
        <span id={id + "-title"} class="cmdline-title">{title}</span>
        <CopyButton text={text} label={t("copyCommand", { what: title })} />
      </div>
      <pre class="code" id={id} tabIndex={0} aria-labelledby={id + "-title"}>{text}</pre>
    </div>
  );
}

function ArgField({ field, value, onChange, problem }) {
  const { t } = useApp();
  const id = "arg-" + field.name;
  const typeLabel = t("type_" + field.kind);
  const label = (
    <label for={id}>
      <span class="arg-name">{field.name}</span>
      <span class="arg-type">{typeLabel}{field.required ? "" : " · " + t("optional")}</span>
    </label>
  );
  const describedBy = problem ? id + "-problem" : undefined;
  const common = { id, "aria-invalid": problem ? "true" : undefined, "aria-describedby": describedBy,
                   "aria-required": field.required ? "true" : undefined };
  let control;
  if (field.kind === "bool" && field.required) {
    return (
      <div class="field check-field">
        <input type="checkbox" {...common} checked={value === true || value === "true"}
               onChange={(e) => onChange(e.currentTarget.checked)} />
        {label}
      </div>
    );
  } else if (field.kind === "bool") {
    control = (
      <select {...common} value={value === true ? "true" : value === false ? "false" : value}
              onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{t("notSet")}</option>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    );
  } else if (field.kind === "json") {
    const pretty = value ? prettyJson(value) : null;
    control = (
      <>
        <textarea {...common} class="mono" rows={value && value.split("\n").length > 4 ? 10 : 4} value={value}
                  spellcheck={false} onInput={(e) => onChange(e.currentTarget.value)} placeholder="{ }" />
        {pretty && pretty !== value && (
          <button type="button" class="link small" onClick={() => onChange(pretty)}>{t("formatJson")}</button>
        )}
      </>
    );
  } else {
    control = (
      <input {...common} type={field.kind === "secret" ? "password" : "text"} value={value}
             inputMode={field.kind === "number" ? "numeric" : undefined} class={field.kind === "number" ? "num" : ""}
             autocomplete={field.kind === "secret" ? "new-password" : "off"} spellcheck={false}
             onInput={(e) => onChange(e.currentTarget.value)} />
    );
  }
  return (
    <div class="field">
      {label}
      {control}
      {problem && <p id={id + "-problem"} class="problem">{problem}</p>}
    </div>
  );
}

// The progress window of long-running calls: one card per task with its
// percent, status text, log output and Cancel (cancel-async); finished tasks
// stay until removed. Closing the window leaves the tasks running: the
// "Tasks" button in the header shows how many run and opens it again.
import { useEffect, useRef, useState } from "preact/hooks";
import { envelopeError } from "./api.js";
import { taskPercent } from "./tasks.js";
import { Badge, CloseButton, messageOf, useApp } from "./ui.jsx";

export function useTasks() {
  const { tasks } = useApp();
  const [list, setList] = useState(tasks.tasks);
  useEffect(() => tasks.subscribe((l) => setList(l)), [tasks]);
  return list;
}

export function TasksButton({ open, onToggle }) {
  const { t } = useApp();
  const list = useTasks();
  if (!list.length) return null;
  const running = list.filter((x) => !x.done).length;
  return (
    <button type="button" class={"tasks-button" + (running ? " busy" : "")} aria-expanded={open ? "true" : "false"}
            aria-controls="task-window" onClick={onToggle}>
      <span class="tasks-dot" aria-hidden="true"></span>
      <span class="tasks-word">{t("tasks")}</span>
      <span class="count">{running || list.length}</span>
      <span class="sr-only">{running ? t("tasksRunningSuffix") : t("tasksDoneSuffix")}</span>
    </button>
  );
}

export function TaskWindow({ open, onClose }) {
  const { t } = useApp();
  const list = useTasks();
  if (!open || !list.length) return null;
  const running = list.filter((x) => !x.done).length;
  return (
    <section id="task-window" class="task-window" aria-labelledby="task-window-title">
      <div class="task-window-head">
        <h2 id="task-window-title">{t("tasks")}
          <span class="muted"> · {running ? t("tasksRunning", { n: running }) : t("tasksAllDone")}</span></h2>
        <CloseButton onClick={onClose} label={t("closeTasks")} />
      </div>
      <ul class="task-list">
        {list.map((task) => <TaskCard key={task.id} task={task} />)}
      </ul>
    </section>
  );
}

function TaskCard({ task }) {
  const { t, tasks, fmt } = useApp();
  const percent = taskPercent(task);
  const env = task.env || {};
  const failed = task.done && env.statusCode === "failed";
  const error = envelopeError(env);
  const logRef = useRef(null);
  useEffect(() => {  // the newest log line stays in view
    if (logRef.current) logRef.current.scrollTop = logRef.current.scrollHeight;
  }, [env.logOutput]);
  const state = !task.done ? (task.cancelRequested ? "cancelling" : "running") : failed ? "failed" : "succeeded";
  const labelId = `task-${task.id}-label`;
  return (
    <li class={"task " + state}>
      <div class="task-head">
        <span id={labelId} class="task-label">{task.label}</span>
        <Badge kind={state === "cancelling" ? "starting" : state}>{t("taskState_" + state)}</Badge>
      </div>
      <div class="task-progress">
        <progress max="100" value={percent ?? undefined} aria-labelledby={labelId}
                  aria-valuetext={percent === null ? t("taskNoPercent") : `${percent} %`}></progress>
        <span class="percent" aria-hidden="true">{percent === null ? "…" : `${percent} %`}</span>
      </div>
      {env.statusText && <p class="task-status">{env.statusText}</p>}
      {error && <p class="task-error" role="alert">{error}</p>}
      {task.connectionProblem && <p class="task-warning">{t("taskReconnecting", { reason: messageOf(task.connectionProblem, t) })}</p>}
      {env.logOutput && (
        <details class="task-log" open={!task.done || failed}>
          <summary>{t("taskLog")}</summary>
          <pre ref={logRef} tabIndex={0} aria-label={t("taskLogOf", { label: task.label })}>{env.logOutput}</pre>
        </details>
      )}
      <div class="task-actions">
        <span class="muted small">{t("taskStarted", { time: fmt.time(new Date(task.startedAt)) })}</span>
        <span class="spacer"></span>
        {!task.done && (
          <button type="button" class="ghost small" disabled={task.cancelRequested}
                  onClick={() => tasks.cancel(task.id)} aria-describedby={labelId}>
            {task.cancelRequested ? t("cancelling") : t("cancel")}
          </button>
        )}
        {task.done && (
          <button type="button" class="ghost small" onClick={() => tasks.remove(task.id)} aria-describedby={labelId}>
            {t("remove")}
          </button>
        )}
      </div>
    </li>
  );
}

// Long-running calls the console follows (docs/api.md "Long-running calls").
// A call whose envelope says statusCode "running" becomes a task: the store
// long-polls /api/get-status with the last statusVersion it saw until the
// status is no longer "running", keeps the newest envelope (percent, status
// text, the whole log so far) and tells its listeners after every change.
// Several tasks run at once; a finished one stays listed until removed.
// Cancelling sends /api/cancel-async; the task ends later as "failed" with
// the server's "The operation was cancelled." (cancellation is cooperative).
//
// Not tied to the DOM: `node --test` drives it with a fake Api.

let nextId = 1;

export class TaskStore {
  /** api: an Api (getStatus, cancel). pollTimeoutMs: the long-poll's wait. sleep(ms): for retries. */
  constructor(api, { pollTimeoutMs = 10000, sleep = (ms) => new Promise((r) => setTimeout(r, ms)) } = {}) {
    this.api = api;
    this.pollTimeoutMs = pollTimeoutMs;
    this.sleep = sleep;
    this.tasks = [];          // newest first; replaced (not mutated) on every change
    this.listeners = new Set();  // (tasks, changedTask | null); connectionProblem is the last error met
    this.generation = 0;      // bumped by clear(): loops of an earlier session stop
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(task) {
    for (const l of this.listeners) l(this.tasks, task);
  }

  update(id, change) {
    let changed = null;
    this.tasks = this.tasks.map((t) => (t.id === id ? (changed = { ...t, ...change }) : t));
    if (changed) this.emit(changed);
    return changed;
  }

  get(id) {
    return this.tasks.find((t) => t.id === id) || null;
  }

  running() {
    return this.tasks.filter((t) => !t.done);
  }

  /**
   * Follows a long-running call from its first envelope. Returns the final
   * envelope (statusCode "succeeded" or "failed"). meta: {fn, label, args}.
   */
  follow(envelope, meta = {}) {
    const id = nextId++;
    const task = {
      id, fn: meta.fn || "", label: meta.label || meta.fn || "", args: meta.args || {},
      token: envelope.token, env: envelope, done: envelope.statusCode !== "running",
      cancelRequested: false, startedAt: Date.now(), endedAt: null, connectionProblem: null,
    };
    this.tasks = [task, ...this.tasks];
    this.emit(task);
    const promise = task.done ? Promise.resolve(envelope) : this.poll(id, this.generation);
    return { id, promise };
  }

  async poll(id, generation) {
    let failures = 0;
    for (;;) {
      if (generation !== this.generation) return this.lostEnvelope(id, "The session ended.");
      const t = this.get(id);
      if (!t) return this.lostEnvelope(id, "The task was removed.");
      let env;
      try {
        env = await this.api.getStatus(t.token, t.env.statusVersion, this.pollTimeoutMs);
      } catch (e) {
        if (generation !== this.generation) return this.lostEnvelope(id, "The session ended.");
        if (e && e.status === 404) {
          // Unknown or expired token: the task ended more than 10 minutes ago or the server restarted.
          const lost = this.lostEnvelope(id, e.message || "Session expired or wrong token.", t.env);
          this.update(id, { env: lost, done: true, endedAt: Date.now(), connectionProblem: null });
          return lost;
        }
        failures += 1;
        this.update(id, { connectionProblem: e });
        await this.sleep(Math.min(10000, 500 * 2 ** Math.min(failures, 5)));
        continue;
      }
      failures = 0;
      if (generation !== this.generation) return env;
      const done = env.statusCode !== "running";
      this.update(id, { env, done, endedAt: done ? Date.now() : null, connectionProblem: null });
      if (done) return env;
    }
  }

  lostEnvelope(id, message, last = null) {
    return {
      error: { message, details: null }, token: last ? last.token : null,
      statusVersion: last ? last.statusVersion : 0, statusCode: "failed",
      percentProgress: last ? last.percentProgress : null, statusText: last ? last.statusText : null,
      result: null, logOutput: last ? last.logOutput : null,
    };
  }

  /** Asks the server to cancel; the task goes on until the server reports its end. */
  async cancel(id) {
    const t = this.get(id);
    if (!t || t.done) return;
    this.update(id, { cancelRequested: true });
    try {
      const env = await this.api.cancel(t.token);
      const now = this.get(id);
      if (now && !now.done && env && env.statusVersion >= now.env.statusVersion) {
        const done = env.statusCode !== "running";
        this.update(id, { env, done, endedAt: done ? Date.now() : null });
      }
    } catch (e) {
      this.update(id, { cancelRequested: false, connectionProblem: e });
    }
  }

  /** Forgets a finished task. */
  remove(id) {
    const t = this.get(id);
    if (!t || !t.done) return;
    this.tasks = this.tasks.filter((x) => x.id !== id);
    this.emit(null);
  }

  /** Forgets every task and stops following them (logout). */
  clear() {
    this.generation += 1;
    this.tasks = [];
    this.emit(null);
  }
}

/** The percent a task shows: the server's percentProgress clamped to 0..100, or null. */
export function taskPercent(task) {
  const p = task && task.env ? task.env.percentProgress : null;
  if (typeof p !== "number" || !Number.isFinite(p)) return task && task.done ? 100 : null;
  return Math.max(0, Math.min(100, Math.round(p)));
}

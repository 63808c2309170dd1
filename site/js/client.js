// The page's handle on the sandbox worker (js/worker.js): starts it,
// sends requests and matches replies, and terminates it when a command
// must be stopped (nothing else can stop a guest that never calls out).

export class Killed extends Error {
  constructor() {
    super("the sandbox worker was terminated");
  }
}

export class SandboxClient {
  // pyodide: the page's ?pyodide= choice (or null), passed to the worker.
  // on: {output(fd, text), state(Uint8Array), progress(text), crash(error)}
  // early: a worker index.html already started, taken as the spare.
  constructor(pyodide, on, early = null) {
    this.pyodide = pyodide;
    this.on = on;
    this.worker = null;
    this.nextId = 1;
    this.replies = new Map();
    this.generation = 0;
    this.spare = early;
  }

  // Starts a new worker (or takes the spare one, see warmSpare); `state`
  // (a promise of an export, or null) is restored into it. Resolves with
  // the worker's "ready" message.
  start(state) {
    this.kill();
    const generation = ++this.generation;
    let worker;
    let early = [];
    if (this.spare && !this.spare.failed) {
      ({ worker, early } = this.spare);
    } else {
      if (this.spare) this.spare.worker.terminate();
      worker = this.spawn();
    }
    this.spare = null;
    this.worker = worker;
    const ready = new Promise((resolve, reject) => {
      this.readyCallbacks = { resolve, reject };
    });
    worker.onmessage = (event) => {
      if (generation === this.generation) this.message(event.data);
    };
    worker.onerror = (event) => {
      if (generation !== this.generation) return;
      event.preventDefault();
      const error = new Error(event.message || "the sandbox worker failed");
      this.fail(error);
      if (this.on.crash) this.on.crash(error);
    };
    for (const msg of early) this.message(msg);
    Promise.resolve(state)
      .catch(() => null)
      .then((data) => {
        if (generation === this.generation) worker.postMessage({ type: "restore", state: data || null });
      });
    return ready;
  }

  // A new worker; it boots by itself.
  spawn() {
    const url = new URL("./worker.js", import.meta.url);
    if (this.pyodide) url.searchParams.set("pyodide", this.pyodide);
    return new Worker(url, { type: "module" });
  }

  // Boots a second worker in the background, up to where it waits for a
  // state, so that a restart (Ctrl-C on a long command) takes it over at
  // once instead of loading Pyodide again. At most one is kept.
  warmSpare() {
    if (this.spare) return;
    const spare = { worker: this.spawn(), early: [], failed: false };
    spare.worker.onmessage = (event) => {
      if (event.data.type === "fatal") spare.failed = true;
      spare.early.push(event.data);
    };
    spare.worker.onerror = (event) => {
      event.preventDefault();
      spare.failed = true;
    };
    this.spare = spare;
  }

  message(msg) {
    switch (msg.type) {
      case "out":
        this.on.output(msg.fd, msg.text);
        break;
      case "state":
        this.on.state(msg.data);
        break;
      case "progress":
        if (this.on.progress) this.on.progress(msg.text);
        break;
      case "ready":
        this.readyCallbacks.resolve(msg);
        break;
      case "fatal":
        this.fail(new Error(msg.error));
        break;
      case "reply": {
        const waiting = this.replies.get(msg.id);
        this.replies.delete(msg.id);
        if (waiting) {
          if (msg.ok) waiting.resolve(msg.value);
          else waiting.reject(new Error(msg.error));
        }
        break;
      }
      default:
    }
  }

  fail(error) {
    if (this.readyCallbacks) this.readyCallbacks.reject(error);
    for (const waiting of this.replies.values()) waiting.reject(error);
    this.replies.clear();
  }

  request(type, fields = {}, transfer = []) {
    if (!this.worker) return Promise.reject(new Killed());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.replies.set(id, { resolve, reject });
      this.worker.postMessage({ id, type, ...fields }, transfer);
    });
  }

  // Terminates the worker at once; pending requests reject with Killed.
  kill() {
    if (!this.worker) return;
    this.worker.terminate();
    this.worker = null;
    this.generation++;
    this.fail(new Killed());
  }
}

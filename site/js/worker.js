// The sandbox's own thread: Pyodide, the wasmsand wheel and the playground
// module (py/playground.py) in a module Web Worker, so the page never
// freezes and a runaway command can be stopped by terminating this worker.
//
// The worker boots as soon as it starts (index.html starts the first one
// before the page's own modules load): Pyodide from the CDN, or from
// ?pyodide=local|URL on the worker's URL, else config.js's default.
//
// Page -> worker: {type: "restore", state} (the saved export or null),
// then requests {id, type, ...}.
// Worker -> page: {type: "progress"}, {type: "ready"}, {type: "out", fd,
// text} while a command runs, {type: "reply", id, ok, value|error}, and
// {type: "state", data} (a fresh export) after anything that may have
// changed the files.

import config from "../config.js";

let api = null; // the Python Playground object
let ready = false;
let pyodide = null;
let resolveRestore;
const restored = new Promise((resolve) => (resolveRestore = resolve));
const marks = {};
const pending = []; // requests that arrived before the sandbox was ready

const post = (message, transfer) => self.postMessage(message, transfer || []);
const mark = (name) => (marks[name] = performance.now());
const progress = (text) => post({ type: "progress", text });

// The message of a Python ValueError (meant for the user), or the whole error.
function errorText(err) {
  if (err && err.type === "ValueError") {
    const lines = String(err.message).trimEnd().split("\n");
    return lines[lines.length - 1].replace(/^ValueError: /, "");
  }
  return String((err && err.message) || err);
}

// A Python object converted to plain JS (dicts become objects), then freed.
function plain(proxy) {
  if (proxy === null || typeof proxy !== "object" || !proxy.toJs) return proxy;
  try {
    return proxy.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
  } finally {
    proxy.destroy();
  }
}

function snapshot() {
  const data = plain(api.export_state());
  post({ type: "state", data }, [data.buffer]);
}

async function fetchOk(url, as) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response[as]();
}

const site = new URL("../", import.meta.url);

// Where Pyodide comes from: "cdn", "local" (the copy `make site --pyodide`
// puts in pyodide/) or a URL.
function pyodideURL() {
  const choice = new URL(import.meta.url).searchParams.get("pyodide") || config.pyodide.default;
  const url = choice === "local" ? config.pyodide.local : choice === "cdn" ? config.pyodide.cdn : choice;
  const resolved = new URL(url, site).href;
  return resolved.endsWith("/") ? resolved : resolved + "/";
}

async function boot() {
  mark("start");
  // Everything the worker needs is fetched while Pyodide loads.
  const wheel = fetchOk(new URL(config.wheel, site), "arrayBuffer");
  const source = fetchOk(new URL("py/playground.py", site), "text");
  const samples = Promise.all(
    config.samples.map(async (name) => [name, await fetchOk(new URL(`samples/${name}`, site), "text")]),
  );
  progress("loading Pyodide");
  const indexURL = pyodideURL();
  const { loadPyodide } = await import(indexURL + "pyodide.mjs");
  pyodide = await loadPyodide({ indexURL });
  mark("pyodide");
  progress("installing wasmsand");
  pyodide.unpackArchive(await wheel, "wheel");
  const sitePackages = pyodide.runPython("import site; site.getsitepackages()[0]");
  pyodide.FS.writeFile(`${sitePackages}/playground.py`, await source);
  const module = pyodide.pyimport("playground");
  api = module.Playground((fd, text) => post({ type: "out", fd, text }));
  module.destroy();
  mark("wasmsand");
  progress("compiling coreutils");
  api.warm_up();
  mark("compiled");
  const state = await restored;
  let restoreError = null;
  let fresh = true;
  if (state) {
    try {
      api.import_state(state);
      fresh = false;
    } catch (err) {
      restoreError = errorText(err);
    }
  }
  if (fresh) api.seed(Object.fromEntries(await samples));
  mark("ready");
  post({
    type: "ready",
    info: plain(api.info()),
    fresh,
    restoreError,
    marks,
    pyodideVersion: pyodide.version,
  });
  snapshot();
  ready = true;
  for (const request of pending.splice(0)) handle(request);
}

function handle(msg) {
  const { id, type } = msg;
  let value = null;
  let transfer = [];
  let changed = false;
  try {
    switch (type) {
      case "run":
        if (!api.complete(msg.source)) {
          value = { incomplete: true };
        } else {
          value = plain(api.run(msg.source, msg.timeout));
          changed = true;
        }
        break;
      case "complete":
        value = plain(api.completions(msg.before));
        break;
      case "list":
        value = plain(api.list_dirs(msg.paths));
        break;
      case "read":
        value = plain(api.read(msg.path));
        transfer = [value.buffer];
        break;
      case "write":
        api.write(msg.path, msg.data);
        changed = true;
        break;
      case "export":
        value = plain(api.export_state());
        transfer = [value.buffer];
        break;
      case "import":
        api.import_state(msg.data);
        value = plain(api.info());
        changed = true;
        break;
      case "info":
        value = plain(api.info());
        break;
      default:
        throw new Error(`unknown request ${type}`);
    }
  } catch (err) {
    post({ type: "reply", id, ok: false, error: errorText(err) });
    return;
  }
  post({ type: "reply", id, ok: true, value }, transfer);
  if (changed) snapshot();
}

self.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === "restore") {
    resolveRestore(msg.state || null);
  } else if (!ready) {
    pending.push(msg);
  } else {
    handle(msg);
  }
};

boot().catch((err) => post({ type: "fatal", error: String((err && err.stack) || err) }));

// The playground page: a terminal (xterm.js + js/lineeditor.js) talking to
// the sandbox in a module worker (js/client.js, js/worker.js), a file panel,
// export/import, and automatic saving in IndexedDB (js/store.js).
//
// Pyodide comes from the public CDN unless the page is opened with
// ?pyodide=local (the copy `make site` puts in pyodide/) or ?pyodide=URL,
// or the build chose another default (config.js); see js/worker.js.

import config from "../config.js";
import { Terminal } from "../vendor/xterm/xterm.mjs";
import { FitAddon } from "../vendor/xterm/addon-fit.mjs";
import { SandboxClient, Killed } from "./client.js";
import { EXAMPLES } from "./examples.js";
import { LineEditor } from "./lineeditor.js";
import * as store from "./store.js";

const params = new URLSearchParams(location.search);

// Seconds a command may run. The shell stops commands that make system
// calls at this limit; a guest that never calls out is stopped by
// terminating the worker a little later (the watchdog).
const limits = {
  timeout: Number(params.get("timeout")) || config.timeout,
  graceMs: 3000,
  watchdogMs: null, // when set (tests), replaces timeout + grace
};

const $ = (id) => document.getElementById(id);
const statusEl = $("status");

function setStatus(text, kind) {
  statusEl.textContent = text;
  statusEl.className = `status ${kind}`;
}

// ---------------------------------------------------------------------------
// The sandbox worker: index.html started it before this module loaded.

let lastState = null; // the newest export (Uint8Array), in memory
const saved = store.load();
const client = new SandboxClient(
  params.get("pyodide"),
  {
    output: (fd, text) => writeOutput(fd, text),
    state: (data) => {
      lastState = data;
      store.save(data);
    },
    progress: (text) => setStatus(text + "…", "loading"),
    // A crash while booting rejects the boot (fatal() reports it); a crash
    // later is handled like a runaway command.
    crash: () => session.ready && restart("The sandbox worker crashed."),
  },
  window.__wasmsandEarlyWorker,
);
let booting = client.start(saved.then((record) => record && record.data));

// ---------------------------------------------------------------------------
// The terminal.

const term = new Terminal({
  convertEol: true,
  cursorBlink: true,
  fontFamily: '"DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, monospace',
  fontSize: 14,
  scrollback: 5000,
  theme: {
    background: "#0f1419",
    foreground: "#d8dee9",
    cursor: "#f0c674",
    selectionBackground: "#33415580",
    red: "#ff6b6b",
    green: "#8fd694",
    blue: "#6cb6ff",
    yellow: "#f0c674",
  },
});
const fit = new FitAddon();
term.loadAddon(fit);
term.open($("terminal"));
fit.fit();

const RED = "\x1b[31m";
const DIM = "\x1b[2m";
const YELLOW = "\x1b[33m";
const RESET = "\x1b[0m";

const session = {
  ready: false,
  running: false, // a command (or the boot) owns the terminal
  pending: [], // lines of an incomplete command (PS2 prompts)
  cwd: "/home/user",
  home: "/home/user",
  user: "user",
  watchdog: null,
  spareTimer: null,
  restarts: 0,
};

const editor = new LineEditor(term, {
  onSubmit: (line) => submit(line),
  onInterrupt: () => interrupt(),
  onCancel: () => {
    session.pending = [];
    showPrompt();
  },
  onComplete: (before) => client.request("complete", { before }),
});
term.onData((data) => editor.feed(data));

function writeOutput(fd, text) {
  term.write(fd === 2 ? RED + text + RESET : text);
}

function message(text, colour = YELLOW) {
  editor.interject(`${colour}${text}${RESET}\r\n`);
}

function promptText() {
  let path = session.cwd;
  if (path === session.home) path = "~";
  else if (path.startsWith(session.home + "/")) path = "~" + path.slice(session.home.length);
  return `\x1b[1;32m${session.user}@wasmsand${RESET}:\x1b[1;34m${path}${RESET}$ `;
}

// Runs `then` once everything written so far is on the screen, with the
// cursor at the start of a line (output may end without a newline).
function atLineStart(then) {
  term.write("", () => {
    if (term.buffer.active.cursorX > 0) term.write("\r\n");
    then();
  });
}

// The next prompt, on a line of its own.
function showPrompt() {
  session.running = false;
  atLineStart(() => {
    editor.prompt(session.pending.length ? "> " : promptText());
    hooks.prompts++;
    for (const waiter of hooks.promptWaiters.splice(0)) waiter();
  });
}

// ---------------------------------------------------------------------------
// Running commands.

async function submit(line) {
  const lines = [...session.pending, line];
  const source = lines.join("\n");
  if (!session.pending.length && line.trim() === "clear") {
    term.write("\x1b[H\x1b[2J\x1b[3J");
    showPrompt();
    return;
  }
  if (!source.trim()) {
    session.pending = [];
    showPrompt();
    return;
  }
  session.running = true;
  setStatus("running…", "busy");
  const started = performance.now();
  armWatchdog();
  let result;
  try {
    result = await client.request("run", { source, timeout: limits.timeout });
  } catch (err) {
    if (err instanceof Killed) return; // interrupt() or the watchdog took over
    disarmWatchdog();
    term.write(`${RED}wasmsand: ${err.message}${RESET}\r\n`);
    session.pending = [];
    setStatus("ready", "ready");
    showPrompt();
    return;
  }
  disarmWatchdog();
  if (result.incomplete) {
    session.pending = lines;
    showPrompt();
    return;
  }
  session.pending = [];
  session.cwd = result.cwd;
  hooks.lastResult = { ...result, roundTripMs: performance.now() - started };
  if (result.dropped) {
    writeOutput(2, `\n[wasmsand: ${result.dropped} more bytes of output not shown]\n`);
  }
  setStatus("ready", "ready");
  if (result.error_class === "TIMEOUT") {
    const note = `${YELLOW}[wasmsand] stopped after ${limits.timeout} s, the playground's time limit${RESET}`;
    atLineStart(() => term.write(note + "\r\n"));
  }
  showPrompt();
  refreshSoon();
}

// A command that runs for a while may need Ctrl-C: have a spare worker
// ready by then (js/client.js).
const SPARE_AFTER_MS = 500;

function armWatchdog() {
  disarmWatchdog();
  session.spareTimer = setTimeout(() => client.warmSpare(), SPARE_AFTER_MS);
  session.watchdog = setTimeout(
    () =>
      restart(
        `The command ran past the ${limits.timeout} s limit without the shell being able to stop it.`,
      ),
    limits.watchdogMs ?? limits.timeout * 1000 + limits.graceMs,
  );
}

function disarmWatchdog() {
  clearTimeout(session.spareTimer);
  clearTimeout(session.watchdog);
  session.watchdog = null;
}

// Ctrl-C while a command runs: the worker is terminated (it may be deep in
// a guest that never returns) and a new one restores the last saved state.
function interrupt() {
  if (!session.ready || !session.running) return;
  term.write("^C");
  restart("Interrupted.");
}

async function restart(reason) {
  disarmWatchdog();
  client.kill();
  session.ready = false;
  session.running = true;
  session.pending = [];
  session.restarts++;
  const note = `${YELLOW}[wasmsand] ${reason} Restarting the sandbox from its last saved state…${RESET}\r\n`;
  atLineStart(() => term.write(note));
  setStatus("restarting…", "loading");
  const t0 = performance.now();
  booting = client.start(lastState || store.load().then((record) => record && record.data));
  try {
    await ready(await booting);
  } catch (err) {
    if (!(err instanceof Killed)) fatal(err);
    return;
  }
  term.write(`${DIM}[wasmsand] back in ${((performance.now() - t0) / 1000).toFixed(1)} s${RESET}\r\n`);
  showPrompt();
}

// ---------------------------------------------------------------------------
// Boot.

async function ready(msg) {
  session.ready = true;
  session.cwd = msg.info.cwd;
  session.home = msg.info.home;
  session.user = msg.info.user;
  editor.setHistory(msg.info.history.flatMap((entry) => entry.split("\n")));
  hooks.marks = msg.marks;
  $("versions").textContent = ` · Pyodide ${msg.pyodideVersion} · wasmsand ${config.version}`;
  if (msg.restoreError) {
    term.write(`${YELLOW}[wasmsand] The saved state could not be restored (${msg.restoreError}); starting fresh.${RESET}\r\n`);
  }
  setStatus("ready", "ready");
  refreshFiles();
  return msg;
}

function fatal(err) {
  session.running = true;
  setStatus("failed", "error");
  term.write(`\r\n${RED}[wasmsand] could not start: ${err.message}${RESET}\r\n`);
  console.error(err);
}

term.write(
  `\x1b[1mwasmsand playground\x1b[0m — a bash-like shell and coreutils compiled to WebAssembly,\r\n` +
    `running in this tab. Try the examples; Tab completes, ↑/↓ recall, Ctrl-C stops a command.\r\n`,
);
session.running = true;
term.write(`${DIM}Loading Pyodide and wasmsand…${RESET}`);
booting
  .then(async (msg) => {
    await ready(msg);
    const seconds = (performance.now() / 1000).toFixed(1);
    hooks.readyMs = performance.now();
    const record = await saved;
    let note = `ready in ${seconds} s`;
    if (!msg.fresh && record) note += `; restored your files from ${new Date(record.savedAt).toLocaleString()}`;
    term.write(`\r\x1b[K${DIM}[wasmsand] ${note}${RESET}\r\n`);
    showPrompt();
  })
  .catch((err) => {
    if (!(err instanceof Killed)) fatal(err);
  });

// ---------------------------------------------------------------------------
// Examples.

for (const example of EXAMPLES) {
  const li = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "example";
  button.dataset.command = example.command;
  const title = document.createElement("span");
  title.className = "title";
  title.textContent = example.title;
  if (example.note) {
    const note = document.createElement("span");
    note.className = "note";
    note.textContent = `— ${example.note}`;
    title.append(note);
  }
  const code = document.createElement("code");
  code.textContent = example.command.replace(/\n/g, " ⏎ ");
  button.title = example.command;
  button.append(title, code);
  button.addEventListener("click", () => {
    // Typed as if by hand: each line is entered (here-documents get their
    // "> " prompts); while a command runs it waits as typeahead.
    editor.feed(example.command.replace(/\n/g, "\r") + "\r");
    term.focus();
  });
  li.append(button);
  $("examples").append(li);
}

// ---------------------------------------------------------------------------
// The file panel.

const expanded = new Set(["/", "/home", "/home/user"]);
let refreshing = null;
let refreshAgain = false;

function refreshFiles() {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      refreshAgain = false;
      try {
        const listing = await client.request("list", { paths: [...expanded] });
        renderTree(listing);
      } catch (err) {
        if (!(err instanceof Killed)) console.warn("wasmsand: cannot list files", err);
      }
    } while (refreshAgain);
    refreshing = null;
    hooks.treeVersion++;
  })();
  return refreshing;
}

// After a command: a little later, so that commands typed ahead (a paste,
// an example) run first and the tree is listed once they are done.
let refreshTimer = null;
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => refreshFiles(), 50);
}

function formatSize(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

let drawnTree = null;
function renderTree(listing) {
  const key = JSON.stringify([session.cwd, listing]);
  if (key === drawnTree) return; // unchanged: keep the elements (and focus)
  drawnTree = key;
  $("tree").replaceChildren(node({ name: "/", path: "/", type: "dir" }, listing, 0));
}

function node(entry, listing, depth) {
  const li = document.createElement("li");
  const row = document.createElement("div");
  row.className = `entry ${entry.type}`;
  row.dataset.path = entry.path;
  row.style.paddingLeft = `${depth * 14 + 6}px`;
  row.tabIndex = 0;
  const open = entry.type === "dir" && expanded.has(entry.path) && listing[entry.path];
  const icon = document.createElement("span");
  icon.className = "icon";
  icon.textContent = entry.type === "dir" ? (open ? "▾" : "▸") : entry.type === "symlink" ? "↪" : "·";
  const name = document.createElement("span");
  name.className = "name";
  name.textContent = entry.type === "dir" && entry.path !== "/" ? entry.name + "/" : entry.name;
  row.append(icon, name);
  if (entry.path === session.cwd) row.classList.add("cwd");
  if (entry.type === "file") {
    const size = document.createElement("span");
    size.className = "size";
    size.textContent = formatSize(entry.size);
    row.append(size);
    row.title = `Download ${entry.path}`;
    row.addEventListener("click", () => download(entry.path));
  } else if (entry.type === "dir") {
    row.title = entry.path;
    row.addEventListener("click", () => {
      if (expanded.has(entry.path)) expanded.delete(entry.path);
      else expanded.add(entry.path);
      refreshFiles();
    });
  }
  row.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      row.click();
    }
  });
  li.append(row);
  if (open) {
    const ul = document.createElement("ul");
    for (const child of listing[entry.path]) ul.append(node(child, listing, depth + 1));
    li.append(ul);
  }
  return li;
}

// Hands bytes to the user as a file download.
function saveBytes(name, data, type = "application/octet-stream") {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  hooks.downloads.push({ name, url, size: data.byteLength });
  // Keep the last few URLs alive (tests read them back), free older ones.
  while (hooks.downloads.length > 10) URL.revokeObjectURL(hooks.downloads.shift().url);
}

async function download(path) {
  try {
    const data = await client.request("read", { path });
    saveBytes(path.split("/").pop(), data);
  } catch (err) {
    if (!(err instanceof Killed)) message(`[wasmsand] cannot download ${path}: ${err.message}`, RED);
  }
}

$("refresh").addEventListener("click", () => refreshFiles());

$("upload-input").addEventListener("change", async (event) => {
  const input = event.target;
  const files = [...input.files];
  input.value = "";
  for (const file of files) {
    const path = `${session.cwd === "/" ? "" : session.cwd}/${file.name}`;
    try {
      const data = new Uint8Array(await file.arrayBuffer());
      await client.request("write", { path, data }, [data.buffer]);
      message(`[wasmsand] uploaded ${path} (${formatSize(file.size)})`, DIM);
    } catch (err) {
      if (!(err instanceof Killed)) message(`[wasmsand] cannot upload ${file.name}: ${err.message}`, RED);
    }
  }
  hooks.uploads += files.length;
  refreshFiles();
});

$("export").addEventListener("click", async () => {
  try {
    const data = await client.request("export");
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
    saveBytes(`wasmsand-${stamp}.wsbx`, data);
    message(`[wasmsand] exported the sandbox (${formatSize(data.byteLength)})`, DIM);
  } catch (err) {
    if (!(err instanceof Killed)) message(`[wasmsand] export failed: ${err.message}`, RED);
  }
});

$("import-input").addEventListener("change", async (event) => {
  const input = event.target;
  const file = input.files[0];
  input.value = "";
  if (!file) return;
  try {
    const data = new Uint8Array(await file.arrayBuffer());
    const info = await client.request("import", { data }, [data.buffer]);
    session.cwd = info.cwd;
    editor.setHistory(info.history.flatMap((entry) => entry.split("\n")));
    message(`[wasmsand] imported ${file.name}`, DIM);
    if (editor.active && !session.pending.length) editor.setPrompt(promptText());
  } catch (err) {
    if (!(err instanceof Killed)) message(`[wasmsand] cannot import ${file.name}: ${err.message}`, RED);
  }
  hooks.imports++;
  refreshFiles();
});

let resetArmed = null;
$("reset").addEventListener("click", async () => {
  const button = $("reset");
  if (!resetArmed) {
    button.textContent = "Sure? Click again";
    button.classList.add("armed");
    resetArmed = setTimeout(() => {
      resetArmed = null;
      button.textContent = "Reset";
      button.classList.remove("armed");
    }, 4000);
    return;
  }
  clearTimeout(resetArmed);
  resetArmed = null;
  button.textContent = "Reset";
  button.classList.remove("armed");
  disarmWatchdog();
  client.kill();
  lastState = null;
  session.ready = false;
  session.running = true;
  session.pending = [];
  editor.active = false;
  editor.queue = "";
  term.reset();
  term.write(`${YELLOW}[wasmsand] reset: a fresh sandbox with the sample files${RESET}\r\n`);
  setStatus("restarting…", "loading");
  await store.clear();
  booting = client.start(null);
  try {
    await ready(await booting);
  } catch (err) {
    if (!(err instanceof Killed)) fatal(err);
    return;
  }
  showPrompt();
});

// ---------------------------------------------------------------------------
// Layout.

const resize = () => {
  const cols = term.cols;
  fit.fit();
  if (term.cols !== cols) editor.resized();
};
new ResizeObserver(resize).observe($("terminal-pane"));
term.focus();

// ---------------------------------------------------------------------------
// Test and benchmark hooks (tests/browser/test_playground.py,
// bench/bench_playground.py).

const hooks = {
  term, // the xterm.js Terminal
  readyMs: null,
  marks: null,
  prompts: 0,
  promptWaiters: [],
  downloads: [],
  uploads: 0,
  imports: 0,
  treeVersion: 0,
  lastResult: null,
  limits,
  get ready() {
    return session.ready;
  },
  get restarts() {
    return session.restarts;
  },
  // Idle: ready, at a prompt, nothing typed ahead.
  idle() {
    return session.ready && !session.running && editor.active && !editor.queue && !editor.waiting;
  },
  // The terminal's text, wrapped rows joined back into lines.
  screenText() {
    const buffer = term.buffer.active;
    const lines = [];
    for (let i = 0; i < buffer.length; i++) {
      const line = buffer.getLine(i);
      const text = line.translateToString(true);
      if (line.isWrapped && lines.length) lines[lines.length - 1] += text;
      else lines.push(text);
    }
    while (lines.length && !lines[lines.length - 1]) lines.pop();
    return lines.join("\n");
  },
  // The foreground colour (ANSI index, -1 for the default) of the first
  // cell of the last line containing `text`.
  colourOf(text) {
    const buffer = term.buffer.active;
    for (let i = buffer.length - 1; i >= 0; i--) {
      const line = buffer.getLine(i);
      const at = line.translateToString(true).indexOf(text);
      if (at >= 0) {
        const cell = line.getCell(at);
        return cell.isFgDefault() ? -1 : cell.getFgColor();
      }
    }
    return null;
  },
  // Types `command` + Enter and resolves when the next prompt is shown,
  // with the round trip in ms (for the benchmark).
  type(command) {
    const t0 = performance.now();
    return new Promise((resolve) => {
      hooks.promptWaiters.push(() => resolve({ ms: performance.now() - t0, result: hooks.lastResult }));
      editor.feed(command.replace(/\n/g, "\r") + "\r");
    });
  },
  // The saved state, once the worker's last export is written (a request
  // is answered after the exports the worker posted before it).
  savedState: () =>
    client
      .request("info")
      .then(() => store.settled())
      .then(() => store.load()),
  get cols() {
    return term.cols;
  },
};
window.__wasmsand = hooks;

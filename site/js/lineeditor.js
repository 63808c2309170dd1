// A readline-like line editor over an xterm.js Terminal: prompt, cursor
// movement, editing keys, history (up/down), Ctrl-C, and typeahead while a
// command runs. xterm.js does the terminal emulation; this only decides
// what to draw.
//
// Drawing: the whole input (prompt + text) is redrawn on each change. The
// editor remembers on which row, counted from the prompt's first row, it
// left the cursor; it moves back there, clears to the end of the screen,
// writes prompt and text, then puts the cursor where it belongs.

const ANSI = /\x1b\[[0-9;?]*[ -\/]*[@-~]/g;

// Columns a character takes: 2 for the wide East Asian ranges and emoji,
// 0 for combining marks, 1 otherwise (a small wcwidth).
function charWidth(ch) {
  const c = ch.codePointAt(0);
  if (c < 0x300) return 1;
  if ((c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f) || (c >= 0xfe00 && c <= 0xfe0f)) return 0;
  if (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0xa4cf && c !== 0x303f) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x1f300 && c <= 0x1faff) ||
    (c >= 0x20000 && c <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

const width = (chars) => chars.reduce((n, ch) => n + charWidth(ch), 0);
export const visibleWidth = (text) => width([...text.replace(ANSI, "")]);

const WORD = /[\p{L}\p{N}_]/u;

export class LineEditor {
  // handlers: onSubmit(line), onInterrupt() (Ctrl-C while no line is read),
  // onCancel() (Ctrl-C at a prompt), onClear() (Ctrl-L).
  constructor(term, handlers) {
    this.term = term;
    this.handlers = handlers;
    this.active = false;
    this.buf = [];
    this.pos = 0;
    this.promptText = "";
    this.promptWidth = 0;
    this.row = 0; // the cursor's row, counted from the prompt's first row
    this.history = [];
    this.hIndex = 0;
    this.saved = null;
    this.queue = "";
    this.waiting = false; // a completion is being computed: keys wait
  }

  get line() {
    return this.buf.join("");
  }

  setHistory(lines) {
    this.history = lines.slice(-1000);
    this.hIndex = this.history.length;
  }

  addHistory(line) {
    if (line.trim() && this.history[this.history.length - 1] !== line) this.history.push(line);
    if (this.history.length > 1000) this.history.shift();
  }

  // Shows a prompt and reads a line; typeahead is handled first.
  prompt(promptText) {
    this.promptText = promptText;
    this.promptWidth = visibleWidth(promptText);
    this.buf = [];
    this.pos = 0;
    this.row = 0;
    this.hIndex = this.history.length;
    this.saved = null;
    this.active = true;
    this.term.write(promptText);
    if (this.queue) {
      const queued = this.queue;
      this.queue = "";
      this.feed(queued);
    }
  }

  // Changes the prompt of the line being edited (the directory changed).
  setPrompt(promptText) {
    this.promptText = promptText;
    this.promptWidth = visibleWidth(promptText);
    if (this.active) this.render();
  }

  // Writes text above the prompt being edited (or just writes it).
  interject(text) {
    if (!this.active) {
      this.term.write(text);
      return;
    }
    this.term.write((this.row > 0 ? `\x1b[${this.row}A` : "") + "\r\x1b[J" + text);
    this.row = 0;
    this.render();
  }

  // Input from the terminal (keys, pastes): term.onData.
  feed(data) {
    let i = 0;
    while (i < data.length) {
      if (this.waiting) {
        this.queue += data.slice(i);
        return;
      }
      if (!this.active) {
        const rest = data.slice(i);
        const ctrlC = rest.indexOf("\x03");
        if (ctrlC >= 0) {
          this.queue = "";
          this.handlers.onInterrupt();
          i += ctrlC + 1;
          continue;
        }
        this.queue += rest;
        return;
      }
      const ch = data[i];
      if (ch === "\x1b") {
        const seq = readEscape(data, i);
        this.escape(seq);
        i += seq.length;
        continue;
      }
      const cp = data.codePointAt(i);
      const char = String.fromCodePoint(cp);
      i += char.length;
      this.key(char);
    }
  }

  key(ch) {
    switch (ch) {
      case "\r":
      case "\n":
        return this.submit();
      case "\x7f":
      case "\b":
        return this.backspace();
      case "\x03":
        return this.cancel();
      case "\x01":
        return this.moveTo(0);
      case "\x05":
        return this.moveTo(this.buf.length);
      case "\x02":
        return this.moveTo(this.pos - 1);
      case "\x06":
        return this.moveTo(this.pos + 1);
      case "\x04":
        return this.deleteForward();
      case "\x0b":
        return this.edit(this.buf.slice(0, this.pos), this.pos);
      case "\x15":
        return this.edit(this.buf.slice(this.pos), 0);
      case "\x17":
        return this.deleteWordBack();
      case "\x0c":
        return this.clearScreen();
      case "\x10":
        return this.historyStep(-1);
      case "\x0e":
        return this.historyStep(1);
      case "\t":
        return this.complete();
      default:
        if (ch >= " ") this.insert(ch);
    }
  }

  escape(seq) {
    switch (seq) {
      case "\x1b[A":
      case "\x1bOA":
        return this.historyStep(-1);
      case "\x1b[B":
      case "\x1bOB":
        return this.historyStep(1);
      case "\x1b[C":
      case "\x1bOC":
        return this.moveTo(this.pos + 1);
      case "\x1b[D":
      case "\x1bOD":
        return this.moveTo(this.pos - 1);
      case "\x1b[H":
      case "\x1bOH":
      case "\x1b[1~":
        return this.moveTo(0);
      case "\x1b[F":
      case "\x1bOF":
      case "\x1b[4~":
        return this.moveTo(this.buf.length);
      case "\x1b[3~":
        return this.deleteForward();
      case "\x1b[1;5D":
      case "\x1b[1;3D":
      case "\x1bb":
        return this.moveTo(this.wordStart());
      case "\x1b[1;5C":
      case "\x1b[1;3C":
      case "\x1bf":
        return this.moveTo(this.wordEnd());
      default:
      // other keys (function keys...) do nothing
    }
  }

  wordStart() {
    let p = this.pos;
    while (p > 0 && !WORD.test(this.buf[p - 1])) p--;
    while (p > 0 && WORD.test(this.buf[p - 1])) p--;
    return p;
  }

  wordEnd() {
    let p = this.pos;
    while (p < this.buf.length && !WORD.test(this.buf[p])) p++;
    while (p < this.buf.length && WORD.test(this.buf[p])) p++;
    return p;
  }

  // Tab: asks handlers.onComplete(textBeforeCursor) for {word, matches}
  // and completes as bash does: the common prefix of the matches, a space
  // after a single file or command, the list when nothing more is common.
  async complete() {
    if (!this.handlers.onComplete) return;
    this.waiting = true;
    let result = null;
    try {
      result = await this.handlers.onComplete(this.buf.slice(0, this.pos).join(""));
    } catch {
      result = null;
    }
    this.waiting = false;
    if (result && result.matches.length) {
      const { word, matches } = result;
      let common = matches[0];
      for (const m of matches) {
        while (!m.startsWith(common)) common = common.slice(0, -1);
      }
      if (matches.length === 1 && !common.endsWith("/")) common += " ";
      if (common.length > word.length) {
        this.insert(common.slice(word.length));
      } else if (matches.length > 1) {
        const names = matches.map((m) => m.replace(/.*\/(?=.)/, ""));
        this.interject(formatColumns(names, this.term.cols) + "\r\n");
      }
    }
    if (this.queue) {
      const queued = this.queue;
      this.queue = "";
      this.feed(queued);
    }
  }

  insert(text) {
    const chars = [...text];
    // Typing at the end of the line: just write the characters.
    const atEnd = this.pos === this.buf.length;
    this.buf.splice(this.pos, 0, ...chars);
    this.pos += chars.length;
    if (atEnd && !this.wraps()) {
      this.term.write(text);
      return;
    }
    this.render();
  }

  // Whether the line reaches the terminal's last column (then the
  // cheap path of insert() would leave xterm in its pending-wrap state).
  wraps() {
    return this.promptWidth + width(this.buf) >= this.term.cols;
  }

  backspace() {
    if (this.pos === 0) return;
    this.buf.splice(this.pos - 1, 1);
    this.pos--;
    this.render();
  }

  deleteForward() {
    if (this.pos >= this.buf.length) return;
    this.buf.splice(this.pos, 1);
    this.render();
  }

  deleteWordBack() {
    const start = this.wordStart();
    this.buf.splice(start, this.pos - start);
    this.pos = start;
    this.render();
  }

  edit(buf, pos) {
    this.buf = buf;
    this.pos = pos;
    this.render();
  }

  moveTo(pos) {
    this.pos = Math.max(0, Math.min(this.buf.length, pos));
    this.render();
  }

  historyStep(delta) {
    const next = this.hIndex + delta;
    if (next < 0 || next > this.history.length) return;
    if (this.hIndex === this.history.length) this.saved = this.line;
    this.hIndex = next;
    const text = next === this.history.length ? this.saved || "" : this.history[next];
    this.buf = [...text];
    this.pos = this.buf.length;
    this.render();
  }

  clearScreen() {
    this.term.write("\x1b[H\x1b[2J");
    this.row = 0;
    this.render();
    if (this.handlers.onClear) this.handlers.onClear();
  }

  submit() {
    const line = this.line;
    this.moveTo(this.buf.length);
    this.term.write("\r\n");
    this.active = false;
    this.addHistory(line);
    this.handlers.onSubmit(line);
  }

  cancel() {
    this.moveTo(this.buf.length);
    this.term.write("^C\r\n");
    this.active = false;
    this.handlers.onCancel();
  }

  // Redraws prompt and text; see the note at the top.
  render() {
    const cols = this.term.cols;
    const total = this.promptWidth + width(this.buf);
    const cursor = this.promptWidth + width(this.buf.slice(0, this.pos));
    let out = this.row > 0 ? `\x1b[${this.row}A` : "";
    out += "\r\x1b[J" + this.promptText + this.line;
    // At the very end of a row xterm waits to wrap: make it wrap now, so
    // the cursor is where the arithmetic below says.
    if (total > 0 && total % cols === 0) out += " \r\x1b[K";
    const endRow = Math.floor(total / cols);
    const row = Math.floor(cursor / cols);
    if (endRow > row) out += `\x1b[${endRow - row}A`;
    out += "\r";
    if (cursor % cols) out += `\x1b[${cursor % cols}C`;
    this.row = row;
    this.term.write(out);
  }

  // After the terminal changed its width: xterm reflowed the line.
  resized() {
    if (!this.active) return;
    const cursor = this.promptWidth + width(this.buf.slice(0, this.pos));
    this.row = Math.floor(cursor / this.term.cols);
    this.render();
  }
}

// Names in columns, as bash lists completions.
function formatColumns(names, cols) {
  const widest = Math.max(...names.map((n) => visibleWidth(n))) + 2;
  const perRow = Math.max(1, Math.floor(cols / widest));
  const rows = Math.ceil(names.length / perRow);
  const lines = [];
  for (let r = 0; r < rows; r++) {
    let line = "";
    for (let c = 0; c < perRow; c++) {
      const name = names[c * rows + r];
      if (name !== undefined) line += name.padEnd(widest - (visibleWidth(name) - name.length));
    }
    lines.push(line.trimEnd());
  }
  return lines.join("\r\n");
}

// The escape sequence starting at data[i]: CSI (ESC [ ... final), SS3
// (ESC O x), or ESC + one character (Alt-key).
function readEscape(data, i) {
  const next = data[i + 1];
  if (next === "[") {
    let j = i + 2;
    while (j < data.length && !(data.charCodeAt(j) >= 0x40 && data.charCodeAt(j) <= 0x7e)) j++;
    return data.slice(i, j + 1);
  }
  if (next === "O") return data.slice(i, i + 3);
  if (next === undefined) return "\x1b";
  return data.slice(i, i + 2);
}

//! The inputs of a run: the files named (or standard input) read as one
//! stream of JSON texts, or of lines with `-R`, fed to the parser a line
//! at a time as jq does, so that "(at <stdin>:N)" counts the same lines.

use crate::interp::Inputs;
use crate::json::Parser;
use crate::value::Value;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::fs::File;
use std::io::Read;

pub struct InputState {
    files: Vec<String>,
    next_file: usize,
    reader: Option<Box<dyn Read>>,
    current: Option<String>,
    /// Bytes read but not yet fed (an unfinished line).
    pending: Vec<u8>,
    eof_all: bool,
    parser: Parser,
    queue: VecDeque<Value>,
    /// Lines fed from the current file.
    pub lines: u64,
    pub raw: bool,
    pub slurp: bool,
    slurped: bool,
    /// Files that could not be opened or read.
    pub failures: u32,
    raw_line: Vec<u8>,
    finished: bool,
    pub stream: bool,
    /// A parse error met after a good value, reported on the next call.
    pending_error: Option<String>,
    stream_queue: VecDeque<Value>,
}

impl InputState {
    pub fn new(files: Vec<String>, raw: bool, slurp: bool, seq: bool) -> InputState {
        let mut parser = Parser::new();
        parser.seq = seq;
        InputState {
            files,
            next_file: 0,
            reader: None,
            current: None,
            pending: Vec::new(),
            eof_all: false,
            parser,
            queue: VecDeque::new(),
            lines: 0,
            raw,
            slurp,
            slurped: false,
            failures: 0,
            raw_line: Vec::new(),
            finished: false,
            stream: false,
            pending_error: None,
            stream_queue: VecDeque::new(),
        }
    }

    /// "<stdin>:N", "file:N", or "<unknown>" before any input.
    pub fn position(&self) -> String {
        match &self.current {
            None => "<unknown>".to_string(),
            Some(name) => format!("{}:{}", if name == "-" { "<stdin>" } else { name }, self.lines),
        }
    }

    fn open_next(&mut self) -> bool {
        while self.next_file < self.files.len() {
            let name = self.files[self.next_file].clone();
            self.next_file += 1;
            if name == "-" {
                self.reader = Some(Box::new(wsutil::io::stdin()));
                self.current = Some(name);
                self.lines = 0;
                return true;
            }
            match File::open(&name) {
                Ok(f) => {
                    self.reader = Some(Box::new(f));
                    self.current = Some(name);
                    self.lines = 0;
                    return true;
                }
                Err(e) => {
                    eprintln!("jq: error: Could not open file {}: {}", name, wsutil::strerror(&e));
                    self.failures += 1;
                }
            }
        }
        false
    }

    /// The next line (with its newline) of the concatenated inputs.
    fn next_line(&mut self) -> Option<Vec<u8>> {
        loop {
            if let Some(p) = self.pending.iter().position(|&b| b == b'\n') {
                let rest = self.pending.split_off(p + 1);
                let line = std::mem::replace(&mut self.pending, rest);
                return Some(line);
            }
            if self.pending.len() >= 65536 {
                return Some(std::mem::take(&mut self.pending));
            }
            if self.reader.is_none() && !self.open_next() {
                self.eof_all = true;
                if self.pending.is_empty() {
                    return None;
                }
                return Some(std::mem::take(&mut self.pending));
            }
            let mut buf = vec![0u8; 65536];
            let r = match self.reader.as_mut() {
                Some(rd) => rd.read(&mut buf),
                None => Ok(0),
            };
            match r {
                Ok(0) => {
                    self.reader = None;
                }
                Ok(n) => self.pending.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => {
                    self.failures += 1;
                    self.reader = None;
                }
            }
        }
    }

    fn next_json(&mut self) -> Option<Result<Value, String>> {
        loop {
            if let Some(v) = self.queue.pop_front() {
                return Some(Ok(v));
            }
            if self.finished {
                return None;
            }
            match self.next_line() {
                Some(line) => {
                    let mut out = Vec::new();
                    let r = self.parser.feed(&line, &mut out);
                    if line.last() == Some(&b'\n') {
                        self.lines += 1;
                    }
                    self.queue.extend(out);
                    if let Err(m) = r {
                        self.finished = true;
                        if let Some(v) = self.queue.pop_front() {
                            self.queue.clear();
                            self.pending_error = Some(m);
                            return Some(Ok(v));
                        }
                        return Some(Err(m));
                    }
                }
                None => {
                    self.finished = true;
                    let mut out = Vec::new();
                    let r = self.parser.finish(&mut out);
                    self.queue.extend(out);
                    if let Err(m) = r {
                        if let Some(v) = self.queue.pop_front() {
                            self.pending_error = Some(m);
                            return Some(Ok(v));
                        }
                        return Some(Err(m));
                    }
                }
            }
        }
    }

    fn next_raw(&mut self) -> Option<Value> {
        if self.slurp {
            if self.slurped {
                return None;
            }
            self.slurped = true;
            let mut all = Vec::new();
            while let Some(l) = self.next_line() {
                if l.last() == Some(&b'\n') {
                    self.lines += 1;
                }
                all.extend(l);
            }
            return Some(Value::string(String::from_utf8_lossy(&all).into_owned()));
        }
        loop {
            match self.next_line() {
                Some(mut l) => {
                    if l.last() == Some(&b'\n') {
                        self.lines += 1;
                        l.pop();
                        let mut line = std::mem::take(&mut self.raw_line);
                        line.extend(l);
                        return Some(Value::string(String::from_utf8_lossy(&line).into_owned()));
                    }
                    self.raw_line.extend(l);
                }
                None => {
                    if self.raw_line.is_empty() {
                        return None;
                    }
                    let line = std::mem::take(&mut self.raw_line);
                    return Some(Value::string(String::from_utf8_lossy(&line).into_owned()));
                }
            }
        }
    }
}

/// The input source as the interpreter and the main loop see it, with a
/// parse error that followed the last good value held back until asked.
pub struct Source {
    pub st: Rc<RefCell<InputState>>,
}

impl InputState {
    /// The next input value (slurping and streaming applied).
    pub fn next_value(&mut self) -> Option<Result<Value, String>> {
        if let Some(m) = self.pending_error.take() {
            return Some(Err(m));
        }
        if let Some(v) = self.stream_queue.pop_front() {
            return Some(Ok(v));
        }
        if self.raw {
            return self.next_raw().map(Ok);
        }
        if self.slurp {
            if self.slurped {
                return None;
            }
            self.slurped = true;
            let mut all = Vec::new();
            loop {
                match self.next_json() {
                    Some(Ok(v)) => all.push(v),
                    Some(Err(m)) => return Some(Err(m)),
                    None => break,
                }
            }
            return Some(Ok(Value::arr(all)));
        }
        let v = self.next_json()?;
        if self.stream {
            if let Ok(v) = &v {
                let mut out = Vec::new();
                crate::ops::tostream(v, &mut Vec::new(), true, &mut out);
                self.stream_queue.extend(out);
                return self.stream_queue.pop_front().map(Ok);
            }
        }
        Some(v)
    }
}

impl Inputs for Source {
    fn next_input(&mut self) -> Option<Result<Value, String>> {
        self.st.borrow_mut().next_value()
    }

    fn current_filename(&self) -> Value {
        match &self.st.borrow().current {
            Some(n) if n != "-" => Value::str(n),
            _ => Value::Null,
        }
    }

    fn current_line(&self) -> u64 {
        self.st.borrow().lines
    }
}

//! Questions to the user, as `rm -i`, `cp -i`, `mv -i` and `ln -i` ask
//! them: the question goes to standard error without a newline and the
//! answer is one line of standard input, read even when it is not a
//! terminal (GNU's `yesno`).

use std::io::{Read, Write};

/// Reads one line of standard input (without its newline); None at end
/// of input. Reads a byte at a time so that nothing past the line is
/// taken from a shared input.
fn read_line() -> Option<Vec<u8>> {
    let mut stdin = crate::io::stdin();
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match stdin.read(&mut byte) {
            Ok(0) | Err(_) => return if line.is_empty() { None } else { Some(line) },
            Ok(_) if byte[0] == b'\n' => return Some(line),
            Ok(_) => line.push(byte[0]),
        }
    }
}

/// Whether an answer means yes: in the C and C.UTF-8 locales, anything
/// starting with `y` or `Y`.
pub fn is_yes(answer: &[u8]) -> bool {
    matches!(answer.first(), Some(b'y') | Some(b'Y'))
}

/// Prints `util: question` on standard error and reads the answer; end of
/// input means no.
pub fn ask(question: &str) -> bool {
    let mut err = std::io::stderr();
    let _ = write!(err, "{}: {}", crate::util(), question);
    let _ = err.flush();
    read_line().map_or(false, |l| is_yes(&l))
}

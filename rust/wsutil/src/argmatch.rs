//! gnulib's `argmatch`: an option value chosen from a list of words, any
//! unambiguous prefix accepted (`--group=sep`), with GNU's messages.

use super::{quote_locale, UsageError};

/// The value of `arg` among `choices` (word, value); words that share a
/// value are synonyms, so a prefix of both is no ambiguity. The error is
/// GNU's: the complaint, then the list of valid words (synonyms on one
/// line); `report` adds the `Try ... --help` line.
pub fn argmatch<T: Copy + PartialEq>(arg: &str, option: &str, choices: &[(&str, T)]) -> Result<T, UsageError> {
    if let Some(&(_, v)) = choices.iter().find(|(w, _)| *w == arg) {
        return Ok(v);
    }
    let mut found: Option<T> = None;
    let mut ambiguous = false;
    for &(w, v) in choices {
        if w.starts_with(arg) {
            match found {
                None => found = Some(v),
                Some(f) if f != v => ambiguous = true,
                Some(_) => {}
            }
        }
    }
    match found {
        Some(v) if !ambiguous => Ok(v),
        _ => {
            let what = if ambiguous { "ambiguous" } else { "invalid" };
            let mut msg =
                format!("{} argument {} for {}\nValid arguments are:", what, quote_locale(arg), quote_locale(option));
            let mut last: Option<T> = None;
            for &(w, v) in choices {
                if last == Some(v) {
                    msg.push_str(&format!(", {}", quote_locale(w)));
                } else {
                    msg.push_str(&format!("\n  - {}", quote_locale(w)));
                }
                last = Some(v);
            }
            Err(UsageError::new(msg))
        }
    }
}

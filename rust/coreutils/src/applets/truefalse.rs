//! `true` and `false`: they ignore their operands, as GNU's do.

pub const APPLETS: &[wsutil::Applet] = &[("true", main_true), ("false", main_false)];

pub fn main_true(_args: &[String]) -> i32 {
    0
}

pub fn main_false(_args: &[String]) -> i32 {
    1
}

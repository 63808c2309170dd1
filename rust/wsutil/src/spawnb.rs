//! Starting a process whose arguments are byte strings, not UTF-8: what
//! `xargs` reads from its input (file names from `find -print0`, binary
//! data) must reach the command unchanged. The request layout is
//! [`crate::sys::SpawnRequest`]'s (docs/abi.md); the environment and
//! working directory stay text.

use std::io;

#[cfg(target_os = "wasi")]
mod raw {
    #[link(wasm_import_module = "wasmsand")]
    extern "C" {
        pub fn spawn(req: *const u8, req_len: u32, pid_out: *mut u32) -> u32;
    }
}

#[cfg(not(target_os = "wasi"))]
mod raw {
    pub unsafe fn spawn(_: *const u8, _: u32, _: *mut u32) -> u32 {
        52 // ENOSYS: native builds have no sandbox.
    }
}

fn put(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
    out.extend_from_slice(b);
}

/// Starts `argv` (argv[0] looked up in PATH); `env` None inherits ours,
/// `cwd` None inherits, `fds` empty inherits 0, 1 and 2. Returns the pid.
pub fn spawn(argv: &[Vec<u8>], env: Option<&[String]>, cwd: Option<&str>, fds: &[(u32, u32)]) -> io::Result<u32> {
    let mut req = Vec::new();
    req.extend_from_slice(&(argv.len() as u32).to_le_bytes());
    for a in argv {
        put(&mut req, a);
    }
    match env {
        None => req.extend_from_slice(&u32::MAX.to_le_bytes()),
        Some(env) => {
            req.extend_from_slice(&(env.len() as u32).to_le_bytes());
            for e in env {
                put(&mut req, e.as_bytes());
            }
        }
    }
    put(&mut req, cwd.unwrap_or("").as_bytes());
    req.extend_from_slice(&(fds.len() as u32).to_le_bytes());
    for (child, ours) in fds {
        req.extend_from_slice(&child.to_le_bytes());
        req.extend_from_slice(&ours.to_le_bytes());
    }
    let mut pid = 0u32;
    // SAFETY: the host reads req.len() bytes and writes one u32.
    let errno = unsafe { raw::spawn(req.as_ptr(), req.len() as u32, &mut pid) };
    if errno == 0 {
        Ok(pid)
    } else {
        Err(io::Error::from_raw_os_error(errno as i32))
    }
}

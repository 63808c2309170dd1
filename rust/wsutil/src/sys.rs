//! The wasmsand side of the sandbox ABI (docs/abi.md): the Asyncify
//! scratch buffer, the process's working directory and process spawning.

use std::io;

/// Asyncify saves the call stack of a suspended process here. It must live
/// inside the module: pages the host grew itself were found to be taken by
/// the allocator, which corrupted saved stacks.
static mut ASYNCIFY_BUFFER: [u8; 65536] = [0; 65536];

/// Exported (see .cargo/config.toml) so the scheduler can find the buffer.
#[no_mangle]
pub extern "C" fn wasmsand_asyncify_buffer() -> *mut u8 {
    // SAFETY: only the host touches the buffer, between calls into the module.
    unsafe { ASYNCIFY_BUFFER.as_mut_ptr() }
}

#[cfg(target_os = "wasi")]
mod raw {
    #[link(wasm_import_module = "wasmsand")]
    extern "C" {
        pub fn cwd_get(buf: *mut u8, buf_len: u32, len_out: *mut u32) -> u32;
        pub fn spawn(req: *const u8, req_len: u32, pid_out: *mut u32) -> u32;
        pub fn wait(pid: u32, timeout_ns: u64, status_out: *mut u32) -> u32;
        pub fn pipe(fds_out: *mut u32) -> u32;
        pub fn kill(pid: u32, signal: u32) -> u32;
        pub fn fs_usage(out: *mut u64) -> u32;
    }
}

/// Native builds (unit tests) have no sandbox: every call is ENOSYS.
#[cfg(not(target_os = "wasi"))]
mod raw {
    const ENOSYS: u32 = 52;
    pub unsafe fn cwd_get(_: *mut u8, _: u32, _: *mut u32) -> u32 {
        ENOSYS
    }
    pub unsafe fn spawn(_: *const u8, _: u32, _: *mut u32) -> u32 {
        ENOSYS
    }
    pub unsafe fn wait(_: u32, _: u64, _: *mut u32) -> u32 {
        ENOSYS
    }
    pub unsafe fn pipe(_: *mut u32) -> u32 {
        ENOSYS
    }
    pub unsafe fn kill(_: u32, _: u32) -> u32 {
        ENOSYS
    }
    pub unsafe fn fs_usage(_: *mut u64) -> u32 {
        ENOSYS
    }
}

fn check(errno: u32) -> io::Result<()> {
    if errno == 0 {
        Ok(())
    } else {
        Err(io::Error::from_raw_os_error(errno as i32))
    }
}

/// The process's working directory as the sandbox knows it.
pub fn cwd() -> io::Result<String> {
    let mut buf = vec![0u8; 256];
    loop {
        let mut len = 0u32;
        // SAFETY: the host writes at most buf.len() bytes and the length.
        let errno = unsafe { raw::cwd_get(buf.as_mut_ptr(), buf.len() as u32, &mut len) };
        if errno == 0 {
            buf.truncate(len as usize);
            return Ok(String::from_utf8_lossy(&buf).into_owned());
        }
        if len as usize > buf.len() {
            buf.resize(len as usize, 0);
            continue;
        }
        return Err(io::Error::from_raw_os_error(errno as i32));
    }
}

/// wasi-libc starts every process in `/`; move to the sandbox's directory
/// so relative paths mean what the user expects.
pub fn enter_cwd() {
    if let Ok(dir) = cwd() {
        let _ = std::env::set_current_dir(dir);
    }
}

/// What a child gets: argv, environment (None inherits ours), working
/// directory (None inherits) and descriptors as (child fd, our fd) pairs
/// (empty: inherit 0, 1 and 2).
#[derive(Default)]
pub struct SpawnRequest<'a> {
    pub argv: &'a [String],
    pub env: Option<&'a [String]>,
    pub cwd: Option<&'a str>,
    pub fds: &'a [(u32, u32)],
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
    out.extend_from_slice(b);
}

impl<'a> SpawnRequest<'a> {
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&(self.argv.len() as u32).to_le_bytes());
        for a in self.argv {
            put_bytes(&mut out, a.as_bytes());
        }
        match self.env {
            None => out.extend_from_slice(&u32::MAX.to_le_bytes()),
            Some(env) => {
                out.extend_from_slice(&(env.len() as u32).to_le_bytes());
                for e in env {
                    put_bytes(&mut out, e.as_bytes());
                }
            }
        }
        put_bytes(&mut out, self.cwd.unwrap_or("").as_bytes());
        out.extend_from_slice(&(self.fds.len() as u32).to_le_bytes());
        for (child, parent) in self.fds {
            out.extend_from_slice(&child.to_le_bytes());
            out.extend_from_slice(&parent.to_le_bytes());
        }
        out
    }
}

/// Starts a child process; returns its pid. ENOENT: no such command,
/// EACCES: not executable, ENOEXEC: not a program.
pub fn spawn(req: &SpawnRequest) -> io::Result<u32> {
    let bytes = req.encode();
    let mut pid = 0u32;
    // SAFETY: the host reads bytes.len() bytes and writes one u32.
    check(unsafe { raw::spawn(bytes.as_ptr(), bytes.len() as u32, &mut pid) })?;
    Ok(pid)
}

/// Waits for a child; returns its shell-style status (0-255, or 128+signal
/// when killed). With a timeout, `Ok(None)` means it is still running.
pub fn wait(pid: u32, timeout_ns: Option<u64>) -> io::Result<Option<u32>> {
    let mut status = 0u32;
    // SAFETY: the host writes one u32.
    let errno = unsafe { raw::wait(pid, timeout_ns.unwrap_or(u64::MAX), &mut status) };
    if errno == 73 {
        return Ok(None); // ETIMEDOUT
    }
    check(errno)?;
    Ok(Some(status))
}

/// A new pipe: (read end, write end).
pub fn pipe() -> io::Result<(u32, u32)> {
    let mut fds = [0u32; 2];
    // SAFETY: the host writes two u32.
    check(unsafe { raw::pipe(fds.as_mut_ptr()) })?;
    Ok((fds[0], fds[1]))
}

/// Sends a signal (only TERM, KILL, INT, HUP and the like: they end the
/// process) to a child.
pub fn kill(pid: u32, signal: u32) -> io::Result<()> {
    // SAFETY: plain values.
    check(unsafe { raw::kill(pid, signal) })
}

/// The sandbox filesystem's quota and use, for `df`.
#[derive(Clone, Copy, Debug, Default)]
pub struct FsUsage {
    pub total_bytes: u64,
    pub used_bytes: u64,
    pub total_files: u64,
    pub used_files: u64,
}

/// Asks the sandbox how full its (single) filesystem is.
pub fn fs_usage() -> io::Result<FsUsage> {
    let mut v = [0u64; 4];
    // SAFETY: the host writes four u64.
    check(unsafe { raw::fs_usage(v.as_mut_ptr()) })?;
    Ok(FsUsage { total_bytes: v[0], used_bytes: v[1], total_files: v[2], used_files: v[3] })
}

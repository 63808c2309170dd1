//! `stat`/`lstat` with what `test`, `which` and `file` need beyond Rust's
//! `Metadata` on WASI: Linux mode bits (file type and permissions), owner,
//! device and inode numbers, and nanosecond times. WASI's `filestat` has
//! no mode and no FIFO type; the sandbox's `path_stat_ext` import adds them
//! (docs/abi.md). Rust 1.63's `std::os::wasi::fs` is unstable, so this
//! calls the imports itself.

use std::io;

pub const S_IFMT: u32 = 0o170000;
pub const S_IFSOCK: u32 = 0o140000;
pub const S_IFLNK: u32 = 0o120000;
pub const S_IFREG: u32 = 0o100000;
pub const S_IFBLK: u32 = 0o060000;
pub const S_IFDIR: u32 = 0o040000;
pub const S_IFCHR: u32 = 0o020000;
pub const S_IFIFO: u32 = 0o010000;

/// The fields of `struct stat` the sandbox fills.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PathStat {
    pub dev: u64,
    pub ino: u64,
    /// Type and permission bits, as Linux's `st_mode`.
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    /// Nanoseconds since the epoch.
    pub atime_ns: u64,
    pub mtime_ns: u64,
}

impl PathStat {
    pub fn kind(&self) -> u32 {
        self.mode & S_IFMT
    }
}

/// The sandbox's user: every process runs as uid and gid 1000.
pub const SANDBOX_UID: u32 = 1000;
pub const SANDBOX_GID: u32 = 1000;

/// `access(path, mode)` for the sandbox's user (R=4, W=2, X=1), from the
/// mode bits, owner and group: the owner's bits if the user owns the file,
/// else the group's if the group matches, else the others'.
pub fn can_access(st: &PathStat, want: u32) -> bool {
    let bits = if st.uid == SANDBOX_UID {
        (st.mode >> 6) & 7
    } else if st.gid == SANDBOX_GID {
        (st.mode >> 3) & 7
    } else {
        st.mode & 7
    };
    bits & want == want
}

#[cfg(target_os = "wasi")]
mod imp {
    use super::PathStat;
    use std::io;

    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        fn path_filestat_get(fd: u32, flags: u32, path: *const u8, path_len: u32, buf: *mut u8) -> u16;
    }
    #[link(wasm_import_module = "wasmsand")]
    extern "C" {
        fn path_stat_ext(fd: u32, flags: u32, path: *const u8, path_len: u32, out: *mut u32) -> u32;
    }
    extern "C" {
        fn __wasilibc_find_relpath(
            path: *const u8,
            abs_prefix: *mut *const u8,
            relative_path: *mut *mut u8,
            relative_path_len: usize,
        ) -> i32;
    }

    fn check(errno: u32) -> io::Result<()> {
        if errno == 0 {
            Ok(())
        } else {
            Err(io::Error::from_raw_os_error(errno as i32))
        }
    }

    /// The preopen holding `path` and the path relative to it, as
    /// wasi-libc resolves it (it knows the emulated working directory).
    fn locate(path: &str) -> io::Result<(u32, Vec<u8>)> {
        if path.is_empty() {
            return Err(io::Error::from_raw_os_error(44)); // ENOENT
        }
        if path.as_bytes().contains(&0) {
            return Err(io::Error::from_raw_os_error(28)); // EINVAL
        }
        let mut c = path.as_bytes().to_vec();
        c.push(0);
        let cap = path.len() + 4096 + crate::sys::cwd().map(|d| d.len()).unwrap_or(0);
        let mut buf = vec![0u8; cap];
        let mut rel: *mut u8 = buf.as_mut_ptr();
        let mut prefix: *const u8 = std::ptr::null();
        // SAFETY: `c` is NUL-terminated; wasi-libc writes at most `cap`
        // bytes into `buf`, or points `rel` into `c`.
        let fd = unsafe { __wasilibc_find_relpath(c.as_ptr(), &mut prefix, &mut rel, cap) };
        if fd < 0 {
            return Err(io::Error::from_raw_os_error(44));
        }
        let mut out = Vec::new();
        // SAFETY: `rel` points at a NUL-terminated string in `buf` or `c`,
        // both alive here.
        unsafe {
            let mut p = rel as *const u8;
            while *p != 0 {
                out.push(*p);
                p = p.add(1);
            }
        }
        if out.is_empty() {
            out.push(b'.');
        }
        Ok((fd as u32, out))
    }

    pub fn stat(path: &str, follow: bool) -> io::Result<PathStat> {
        let (fd, rel) = locate(path)?;
        let flags = u32::from(follow);
        let mut fs = [0u8; 64];
        let mut ext = [0u32; 3];
        // SAFETY: the host writes 64 bytes of filestat and three u32.
        unsafe {
            check(path_filestat_get(fd, flags, rel.as_ptr(), rel.len() as u32, fs.as_mut_ptr()) as u32)?;
            check(path_stat_ext(fd, flags, rel.as_ptr(), rel.len() as u32, ext.as_mut_ptr()))?;
        }
        let u = |i: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&fs[i..i + 8]);
            u64::from_le_bytes(b)
        };
        Ok(PathStat {
            dev: u(0),
            ino: u(8),
            mode: ext[0],
            uid: ext[1],
            gid: ext[2],
            size: u(32),
            atime_ns: u(40),
            mtime_ns: u(48),
        })
    }
}

/// Native builds (unit tests): the host's own `stat`.
#[cfg(not(target_os = "wasi"))]
mod imp {
    use super::PathStat;
    use std::io;
    use std::os::unix::fs::MetadataExt;

    pub fn stat(path: &str, follow: bool) -> io::Result<PathStat> {
        let m = if follow { std::fs::metadata(path)? } else { std::fs::symlink_metadata(path)? };
        Ok(PathStat {
            dev: m.dev(),
            ino: m.ino(),
            mode: m.mode(),
            uid: m.uid(),
            gid: m.gid(),
            size: m.size(),
            atime_ns: (m.atime() as u64).wrapping_mul(1_000_000_000).wrapping_add(m.atime_nsec() as u64),
            mtime_ns: (m.mtime() as u64).wrapping_mul(1_000_000_000).wrapping_add(m.mtime_nsec() as u64),
        })
    }
}

/// `stat` (follow = true) or `lstat` (follow = false).
pub fn stat(path: &str, follow: bool) -> io::Result<PathStat> {
    imp::stat(path, follow)
}

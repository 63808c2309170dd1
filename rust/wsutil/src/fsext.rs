//! Filesystem calls Rust 1.63's std cannot make on WASI: `lstat`/`stat`
//! with device, inode, link count and mode bits, `chmod`, `umask`,
//! `utimensat`, `symlink` and `linkat` with a choice of following.
//!
//! std's `std::os::wasi::fs` is unstable, so these go to the imports
//! themselves (`wasi_snapshot_preview1` and the sandbox's `wasmsand` module,
//! docs/abi.md). A path is turned into (preopen descriptor, relative path)
//! by wasi-libc's `__wasilibc_find_relpath`, which knows the working
//! directory that `std::env::set_current_dir` set, so these calls resolve
//! paths exactly as std's own do.

use std::io;

/// WASI's ENOENT (std's errors on WASI carry WASI numbers).
const ENOENT_WASI: i32 = 44;

pub const S_IFMT: u32 = 0o170000;
pub const S_IFLNK: u32 = 0o120000;
pub const S_IFREG: u32 = 0o100000;
pub const S_IFDIR: u32 = 0o040000;

/// What `stat(2)` tells the file utilities.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stat {
    pub dev: u64,
    pub ino: u64,
    /// Type and permission bits, as Linux's `st_mode`.
    pub mode: u32,
    pub nlink: u64,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    /// Nanoseconds since the epoch.
    pub atime_ns: u64,
    pub mtime_ns: u64,
}

/// The sandbox's only user and group. WASI has no `getuid`; the sandbox
/// runs every process as uid and gid 1000 (src/wasmsand/vfs/filesystem.py).
pub const SANDBOX_UID: u32 = 1000;
pub const SANDBOX_GID: u32 = 1000;

/// `access(2)` bits.
pub const R_OK: u32 = 4;
pub const W_OK: u32 = 2;
pub const X_OK: u32 = 1;

impl Stat {
    /// Whether the sandbox's user may read (R_OK), write (W_OK) or
    /// execute/search (X_OK) the file, by its permission bits.
    pub fn permits(&self, want: u32) -> bool {
        let bits = if self.uid == SANDBOX_UID {
            (self.mode >> 6) & 7
        } else if self.gid == SANDBOX_GID {
            (self.mode >> 3) & 7
        } else {
            self.mode & 7
        };
        bits & want == want
    }

    pub fn is_dir(&self) -> bool {
        self.mode & S_IFMT == S_IFDIR
    }
    pub fn is_symlink(&self) -> bool {
        self.mode & S_IFMT == S_IFLNK
    }
    pub fn is_file(&self) -> bool {
        self.mode & S_IFMT == S_IFREG
    }
    /// The permission bits with set-id and sticky bits.
    pub fn perm(&self) -> u32 {
        self.mode & 0o7777
    }
    /// gnulib's `file_type`: how GNU tools name the kind of a file in
    /// messages ("regular empty file", "symbolic link", ...).
    pub fn type_name(&self) -> &'static str {
        match self.mode & S_IFMT {
            S_IFREG if self.size == 0 => "regular empty file",
            S_IFREG => "regular file",
            S_IFDIR => "directory",
            S_IFLNK => "symbolic link",
            0o010000 => "fifo",
            0o020000 => "character special file",
            0o060000 => "block special file",
            0o140000 => "socket",
            _ => "weird file",
        }
    }

    /// Same device and inode: the same file under two names.
    pub fn same_file(&self, other: &Stat) -> bool {
        self.dev == other.dev && self.ino == other.ino
    }
}

#[cfg(target_os = "wasi")]
mod imp {
    use super::Stat;
    use std::io;

    mod raw {
        #[link(wasm_import_module = "wasi_snapshot_preview1")]
        extern "C" {
            pub fn path_filestat_get(fd: u32, flags: u32, path: *const u8, path_len: u32, buf: *mut u8) -> u16;
            pub fn path_filestat_set_times(
                fd: u32,
                flags: u32,
                path: *const u8,
                path_len: u32,
                atim: u64,
                mtim: u64,
                fst_flags: u32,
            ) -> u16;
            pub fn path_symlink(old: *const u8, old_len: u32, fd: u32, new: *const u8, new_len: u32) -> u16;
            pub fn path_link(
                old_fd: u32,
                old_flags: u32,
                old: *const u8,
                old_len: u32,
                new_fd: u32,
                new: *const u8,
                new_len: u32,
            ) -> u16;
        }
        #[link(wasm_import_module = "wasmsand")]
        extern "C" {
            pub fn path_stat_ext(fd: u32, flags: u32, path: *const u8, path_len: u32, out: *mut u32) -> u32;
            pub fn path_chmod(fd: u32, flags: u32, path: *const u8, path_len: u32, mode: u32) -> u32;
            pub fn umask(new: u32, old_out: *mut u32) -> u32;
        }
        extern "C" {
            /// wasi-libc: the preopen holding `path` (made absolute against
            /// the emulated working directory) and the path inside it.
            pub fn __wasilibc_find_relpath(
                path: *const u8,
                abs_prefix: *mut *const u8,
                relative_path: *mut *mut u8,
                relative_path_len: usize,
            ) -> i32;
        }
    }

    const LOOKUP_FOLLOW: u32 = 1;
    const ENOENT: i32 = 44;
    const EINVAL: i32 = 28;

    fn check(errno: u32) -> io::Result<()> {
        if errno == 0 {
            Ok(())
        } else {
            Err(io::Error::from_raw_os_error(errno as i32))
        }
    }

    fn follow_flag(follow: bool) -> u32 {
        if follow {
            LOOKUP_FOLLOW
        } else {
            0
        }
    }

    /// (preopen descriptor, path relative to it) for `path`.
    fn locate(path: &str) -> io::Result<(u32, Vec<u8>)> {
        if path.is_empty() {
            return Err(io::Error::from_raw_os_error(ENOENT));
        }
        if path.as_bytes().contains(&0) {
            return Err(io::Error::from_raw_os_error(EINVAL));
        }
        let mut c = path.as_bytes().to_vec();
        c.push(0);
        let cap = path.len() + 4096 + crate::sys::cwd().map(|d| d.len()).unwrap_or(0);
        let mut buf = vec![0u8; cap];
        let mut rel: *mut u8 = buf.as_mut_ptr();
        let mut prefix: *const u8 = std::ptr::null();
        // SAFETY: `c` is NUL-terminated; wasi-libc writes at most `cap`
        // bytes into `buf`, or points `rel` into `c`.
        let fd = unsafe { raw::__wasilibc_find_relpath(c.as_ptr(), &mut prefix, &mut rel, cap) };
        if fd < 0 {
            return Err(io::Error::from_raw_os_error(ENOENT));
        }
        let mut out = Vec::new();
        // SAFETY: `rel` points at a NUL-terminated string inside `buf` or
        // `c`, both alive here.
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

    fn u64_at(b: &[u8; 64], i: usize) -> u64 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[i..i + 8]);
        u64::from_le_bytes(w)
    }

    pub fn stat(path: &str, follow: bool) -> io::Result<Stat> {
        let (fd, rel) = locate(path)?;
        let flags = follow_flag(follow);
        let mut fs = [0u8; 64];
        let mut ext = [0u32; 3];
        // SAFETY: the host writes a 64-byte filestat and three u32.
        unsafe {
            check(raw::path_filestat_get(fd, flags, rel.as_ptr(), rel.len() as u32, fs.as_mut_ptr()) as u32)?;
            check(raw::path_stat_ext(fd, flags, rel.as_ptr(), rel.len() as u32, ext.as_mut_ptr()))?;
        }
        Ok(Stat {
            dev: u64_at(&fs, 0),
            ino: u64_at(&fs, 8),
            mode: ext[0],
            nlink: u64_at(&fs, 24),
            uid: ext[1],
            gid: ext[2],
            size: u64_at(&fs, 32),
            atime_ns: u64_at(&fs, 40),
            mtime_ns: u64_at(&fs, 48),
        })
    }

    pub fn chmod(path: &str, mode: u32) -> io::Result<()> {
        let (fd, rel) = locate(path)?;
        // SAFETY: a borrowed path and plain values.
        check(unsafe { raw::path_chmod(fd, LOOKUP_FOLLOW, rel.as_ptr(), rel.len() as u32, mode) })
    }

    pub fn umask(new: Option<u32>) -> u32 {
        let mut old = 0o022;
        // SAFETY: the host writes one u32.
        unsafe {
            raw::umask(new.unwrap_or(0xFFFF_FFFF), &mut old);
        }
        old
    }

    pub fn set_times(path: &str, follow: bool, atime_ns: u64, mtime_ns: u64) -> io::Result<()> {
        let (fd, rel) = locate(path)?;
        const ATIM: u32 = 1;
        const MTIM: u32 = 4;
        // SAFETY: a borrowed path and plain values.
        check(unsafe {
            raw::path_filestat_set_times(
                fd,
                follow_flag(follow),
                rel.as_ptr(),
                rel.len() as u32,
                atime_ns,
                mtime_ns,
                ATIM | MTIM,
            ) as u32
        })
    }

    pub fn symlink(target: &str, link: &str) -> io::Result<()> {
        let (fd, rel) = locate(link)?;
        // A trailing slash is part of the name the user gave: keep it, so
        // the filesystem refuses it as Linux does.
        let mut rel = rel;
        if link.ends_with('/') && !rel.ends_with(b"/") {
            rel.push(b'/');
        }
        // SAFETY: two borrowed byte strings and plain values.
        check(unsafe {
            raw::path_symlink(target.as_ptr(), target.len() as u32, fd, rel.as_ptr(), rel.len() as u32) as u32
        })
    }

    pub fn link(old: &str, new: &str, follow: bool) -> io::Result<()> {
        let (ofd, orel) = locate(old)?;
        let (nfd, nrel) = locate(new)?;
        // SAFETY: two borrowed paths and plain values.
        check(unsafe {
            raw::path_link(
                ofd,
                follow_flag(follow),
                orel.as_ptr(),
                orel.len() as u32,
                nfd,
                nrel.as_ptr(),
                nrel.len() as u32,
            ) as u32
        })
    }
}

/// Native builds (unit tests): the host's own calls.
#[cfg(not(target_os = "wasi"))]
mod imp {
    use super::Stat;
    use std::io;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    pub fn stat(path: &str, follow: bool) -> io::Result<Stat> {
        let m = if follow { std::fs::metadata(path)? } else { std::fs::symlink_metadata(path)? };
        Ok(Stat {
            dev: m.dev(),
            ino: m.ino(),
            mode: m.mode(),
            nlink: m.nlink(),
            uid: m.uid(),
            gid: m.gid(),
            size: m.size(),
            atime_ns: (m.atime() as u64) * 1_000_000_000 + m.atime_nsec() as u64,
            mtime_ns: (m.mtime() as u64) * 1_000_000_000 + m.mtime_nsec() as u64,
        })
    }

    pub fn chmod(path: &str, mode: u32) -> io::Result<()> {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }

    pub fn umask(_new: Option<u32>) -> u32 {
        0o022
    }

    pub fn set_times(_: &str, _: bool, _: u64, _: u64) -> io::Result<()> {
        Err(io::Error::from_raw_os_error(38))
    }

    pub fn symlink(target: &str, link: &str) -> io::Result<()> {
        std::os::unix::fs::symlink(target, link)
    }

    pub fn link(old: &str, new: &str, _follow: bool) -> io::Result<()> {
        std::fs::hard_link(old, new)
    }
}

/// `stat` (follow) or `lstat`.
pub fn stat(path: &str, follow: bool) -> io::Result<Stat> {
    imp::stat(path, follow)
}

/// `chmod`: sets `mode & 0o7777`, following symlinks.
pub fn chmod(path: &str, mode: u32) -> io::Result<()> {
    imp::chmod(path, mode)
}

/// The file-creation mask, left unchanged.
pub fn umask() -> u32 {
    imp::umask(None)
}

/// Sets the file-creation mask; returns the old one.
pub fn set_umask(mask: u32) -> u32 {
    imp::umask(Some(mask))
}

/// `utimensat` with both times given in nanoseconds since the epoch.
pub fn set_times(path: &str, follow: bool, atime_ns: u64, mtime_ns: u64) -> io::Result<()> {
    imp::set_times(path, follow, atime_ns, mtime_ns)
}

/// `symlink(target, link)`: `link` names a new symbolic link holding
/// `target` verbatim.
pub fn symlink(target: &str, link: &str) -> io::Result<()> {
    if target.is_empty() {
        // Linux refuses an empty target; the sandbox's filesystem would not.
        return Err(io::Error::from_raw_os_error(ENOENT_WASI));
    }
    imp::symlink(target, link)
}

/// `linkat`: a new name `new` for `old`; `follow` says whether a symlink
/// `old` is followed (`ln -L`) or itself linked (`ln -P`, GNU's default).
pub fn link(old: &str, new: &str, follow: bool) -> io::Result<()> {
    imp::link(old, new, follow)
}

/// wasi-libc takes "" and "." as the working directory itself, where
/// Linux refuses "" (ENOENT) and cannot remove "." (EINVAL) or ".."
/// (ENOTEMPTY). These wrappers of std's calls restore Linux's answers.
fn check_name(path: &str) -> io::Result<()> {
    if path.is_empty() {
        return Err(io::Error::from_raw_os_error(ENOENT_WASI));
    }
    Ok(())
}

/// The last component of `path`, trailing slashes ignored.
fn last_name(path: &str) -> &str {
    let t = path.trim_end_matches('/');
    t.rsplit('/').next().unwrap_or(t)
}

const EINVAL_WASI: i32 = 28;
const ENOTEMPTY_WASI: i32 = 55;
const EBUSY_WASI: i32 = 10;

/// `mkdir(2)` with the process's umask.
pub fn mkdir(path: &str) -> io::Result<()> {
    check_name(path)?;
    std::fs::create_dir(path)
}

/// `rmdir(2)`.
pub fn rmdir(path: &str) -> io::Result<()> {
    check_name(path)?;
    match last_name(path) {
        "." => Err(io::Error::from_raw_os_error(EINVAL_WASI)),
        ".." => Err(io::Error::from_raw_os_error(ENOTEMPTY_WASI)),
        "" => Err(io::Error::from_raw_os_error(EBUSY_WASI)),
        _ => std::fs::remove_dir(path),
    }
}

/// `unlink(2)`.
pub fn unlink(path: &str) -> io::Result<()> {
    check_name(path)?;
    std::fs::remove_file(path)
}

/// `rename(2)`.
pub fn rename(from: &str, to: &str) -> io::Result<()> {
    check_name(from)?;
    check_name(to)?;
    if matches!(last_name(from), "." | "..") || matches!(last_name(to), "." | "..") {
        return Err(io::Error::from_raw_os_error(EBUSY_WASI));
    }
    std::fs::rename(from, to)
}

/// `readlink(2)`: a symlink's contents.
pub fn readlink(path: &str) -> io::Result<String> {
    check_name(path)?;
    std::fs::read_link(path).map(|p| p.to_string_lossy().into_owned())
}

/// `open(path, O_RDONLY)`.
pub fn open_read(path: &str) -> io::Result<std::fs::File> {
    check_name(path)?;
    std::fs::File::open(path)
}

/// `open(path, O_WRONLY | O_CREAT | O_EXCL)`: a new file, with the
/// umask's default mode.
pub fn create_new(path: &str) -> io::Result<std::fs::File> {
    check_name(path)?;
    std::fs::OpenOptions::new().write(true).create_new(true).open(path)
}

/// `open(path, O_WRONLY [| O_TRUNC])` of an existing file.
pub fn open_write(path: &str, truncate: bool) -> io::Result<std::fs::File> {
    check_name(path)?;
    std::fs::OpenOptions::new().write(true).truncate(truncate).open(path)
}

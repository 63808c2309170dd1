//! File metadata as `ls`, `stat`, `du`, `touch` and `chmod` need it: what
//! WASI's `filestat` carries (device, inode, links, size, nanosecond times)
//! joined with what only the sandbox knows (mode bits, owner, group — the
//! `wasmsand.path_stat_ext` import), plus setting times and modes, and the
//! names of users and groups from /etc/passwd and /etc/group.
//!
//! Rust 1.63's `std::os::wasi::fs` is unstable, so this goes to the imports
//! itself, resolving paths against the preopen (and wasi-libc's emulated
//! working directory) the way std does.

use std::io;

pub const S_IFMT: u32 = 0o170000;
pub const S_IFSOCK: u32 = 0o140000;
pub const S_IFLNK: u32 = 0o120000;
pub const S_IFREG: u32 = 0o100000;
pub const S_IFBLK: u32 = 0o060000;
pub const S_IFDIR: u32 = 0o040000;
pub const S_IFCHR: u32 = 0o020000;
pub const S_IFIFO: u32 = 0o010000;

pub use crate::datetime::Timespec;

/// `struct stat`, as far as the sandbox can fill it.
#[derive(Clone, Copy, Debug, Default)]
pub struct FileStat {
    pub dev: u64,
    pub ino: u64,
    /// Type bits and permission bits, as Linux's `st_mode`.
    pub mode: u32,
    pub nlink: u64,
    pub uid: u32,
    pub gid: u32,
    pub rdev: u64,
    pub size: u64,
    pub atime: Timespec,
    pub mtime: Timespec,
    pub ctime: Timespec,
}

impl FileStat {
    pub fn file_type(&self) -> u32 {
        self.mode & S_IFMT
    }
    pub fn is_dir(&self) -> bool {
        self.file_type() == S_IFDIR
    }
    pub fn is_symlink(&self) -> bool {
        self.file_type() == S_IFLNK
    }
    pub fn is_reg(&self) -> bool {
        self.file_type() == S_IFREG
    }

    /// `st_blocks` (512-byte units). Files live in memory; they are counted
    /// as on a 4 KiB-block ext4 filesystem, which is what agents (and our
    /// differential tests) compare with: whole 4 KiB blocks, and nothing for
    /// a short symlink, whose target ext4 keeps inside the inode.
    pub fn blocks(&self) -> u64 {
        match self.file_type() {
            S_IFREG | S_IFDIR => (self.size + 4095) / 4096 * 8,
            S_IFLNK if self.size >= 60 => (self.size + 4095) / 4096 * 8,
            _ => 0,
        }
    }

    /// `st_blksize`.
    pub fn blksize(&self) -> u64 {
        4096
    }
}

/// What a time-setting call does to one of the two times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetTime {
    Omit,
    Now,
    At(Timespec),
}

#[cfg(target_os = "wasi")]
mod raw {
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        pub fn path_filestat_get(fd: u32, flags: u32, path: *const u8, path_len: u32, buf: *mut u8) -> u32;
        pub fn fd_filestat_get(fd: u32, buf: *mut u8) -> u32;
        pub fn fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, fst_flags: u32) -> u32;
        pub fn path_filestat_set_times(
            fd: u32,
            flags: u32,
            path: *const u8,
            path_len: u32,
            atim: u64,
            mtim: u64,
            fst_flags: u32,
        ) -> u32;
    }
    #[link(wasm_import_module = "wasmsand")]
    extern "C" {
        pub fn path_stat_ext(fd: u32, flags: u32, path: *const u8, path_len: u32, out: *mut u32) -> u32;
        pub fn fd_stat_ext(fd: u32, out: *mut u32) -> u32;
        pub fn path_chmod(fd: u32, flags: u32, path: *const u8, path_len: u32, mode: u32) -> u32;
        pub fn umask(new: u32, old_out: *mut u32) -> u32;
    }
    extern "C" {
        pub fn __wasilibc_find_relpath(
            path: *const u8,
            abs_prefix: *mut *const u8,
            relative_path: *mut *mut u8,
            relative_path_len: usize,
        ) -> i32;
    }
}

#[cfg(target_os = "wasi")]
mod imp {
    use super::*;

    const LOOKUP_FOLLOW: u32 = 1;

    fn check(errno: u32) -> io::Result<()> {
        if errno == 0 {
            Ok(())
        } else {
            Err(io::Error::from_raw_os_error(errno as i32))
        }
    }

    /// The preopened directory holding `path` and the path relative to it,
    /// found by wasi-libc (which knows the emulated working directory).
    fn locate(path: &str) -> io::Result<(u32, Vec<u8>)> {
        if path.is_empty() {
            return Err(io::Error::from_raw_os_error(44)); // ENOENT
        }
        let mut c = path.as_bytes().to_vec();
        if c.contains(&0) {
            return Err(io::Error::from_raw_os_error(28)); // EINVAL
        }
        c.push(0);
        let cap = path.len() + 4096 + crate::sys::cwd().map(|d| d.len()).unwrap_or(0);
        let mut buf = vec![0u8; cap];
        let mut rel: *mut u8 = buf.as_mut_ptr();
        let mut prefix: *const u8 = std::ptr::null();
        // SAFETY: `c` is NUL-terminated; wasi-libc writes at most `cap`
        // bytes into `buf`, or points `rel` into `c`.
        let fd = unsafe { raw::__wasilibc_find_relpath(c.as_ptr(), &mut prefix, &mut rel, cap) };
        if fd < 0 {
            return Err(io::Error::from_raw_os_error(44));
        }
        let mut out = Vec::new();
        // SAFETY: `rel` points at a NUL-terminated string (in buf or c),
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

    fn decode(fs: &[u8; 64], ext: &[u32; 3]) -> FileStat {
        let u = |i: usize| u64::from_le_bytes([fs[i], fs[i + 1], fs[i + 2], fs[i + 3], fs[i + 4], fs[i + 5], fs[i + 6], fs[i + 7]]);
        FileStat {
            dev: u(0),
            ino: u(8),
            mode: ext[0],
            nlink: u(24),
            uid: ext[1],
            gid: ext[2],
            rdev: 0,
            size: u(32),
            atime: Timespec::from_ns(u(40) as i64),
            mtime: Timespec::from_ns(u(48) as i64),
            ctime: Timespec::from_ns(u(56) as i64),
        }
    }

    pub fn stat(path: &str, follow: bool) -> io::Result<FileStat> {
        let (fd, rel) = locate(path)?;
        let flags = if follow { LOOKUP_FOLLOW } else { 0 };
        let mut fs = [0u8; 64];
        let mut ext = [0u32; 3];
        // SAFETY: the host writes 64 bytes and three u32.
        unsafe {
            check(raw::path_filestat_get(fd, flags, rel.as_ptr(), rel.len() as u32, fs.as_mut_ptr()))?;
            check(raw::path_stat_ext(fd, flags, rel.as_ptr(), rel.len() as u32, ext.as_mut_ptr()))?;
        }
        Ok(decode(&fs, &ext))
    }

    pub fn fstat(fd: u32) -> io::Result<FileStat> {
        let mut fs = [0u8; 64];
        let mut ext = [0u32; 3];
        // SAFETY: as above.
        unsafe {
            check(raw::fd_filestat_get(fd, fs.as_mut_ptr()))?;
            check(raw::fd_stat_ext(fd, ext.as_mut_ptr()))?;
        }
        Ok(decode(&fs, &ext))
    }

    pub fn set_times(path: &str, follow: bool, atime: SetTime, mtime: SetTime) -> io::Result<()> {
        let (fd, rel) = locate(path)?;
        let flags = if follow { LOOKUP_FOLLOW } else { 0 };
        let (a, af) = encode(atime, 1, 2);
        let (m, mf) = encode(mtime, 4, 8);
        // SAFETY: plain values and a borrowed path.
        check(unsafe { raw::path_filestat_set_times(fd, flags, rel.as_ptr(), rel.len() as u32, a, m, af | mf) })
    }

    pub fn set_times_fd(fd: u32, atime: SetTime, mtime: SetTime) -> io::Result<()> {
        let (a, af) = encode(atime, 1, 2);
        let (m, mf) = encode(mtime, 4, 8);
        // SAFETY: plain values.
        check(unsafe { raw::fd_filestat_set_times(fd, a, m, af | mf) })
    }

    fn encode(t: SetTime, set: u32, now: u32) -> (u64, u32) {
        match t {
            SetTime::Omit => (0, 0),
            SetTime::Now => (0, now),
            SetTime::At(ts) => (ts.as_ns() as u64, set),
        }
    }

    pub fn chmod(path: &str, mode: u32) -> io::Result<()> {
        let (fd, rel) = locate(path)?;
        // SAFETY: plain values and a borrowed path.
        check(unsafe { raw::path_chmod(fd, LOOKUP_FOLLOW, rel.as_ptr(), rel.len() as u32, mode) })
    }

    pub fn umask() -> u32 {
        let mut old = 0o022;
        // SAFETY: the host writes one u32.
        unsafe {
            raw::umask(0xFFFF_FFFF, &mut old);
        }
        old
    }
}

/// Native builds (unit tests): the host's own `stat`.
#[cfg(not(target_os = "wasi"))]
mod imp {
    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    fn convert(m: &std::fs::Metadata) -> FileStat {
        FileStat {
            dev: m.dev(),
            ino: m.ino(),
            mode: m.mode(),
            nlink: m.nlink(),
            uid: m.uid(),
            gid: m.gid(),
            rdev: m.rdev(),
            size: m.size(),
            atime: Timespec { sec: m.atime(), nsec: m.atime_nsec() as u32 },
            mtime: Timespec { sec: m.mtime(), nsec: m.mtime_nsec() as u32 },
            ctime: Timespec { sec: m.ctime(), nsec: m.ctime_nsec() as u32 },
        }
    }

    pub fn stat(path: &str, follow: bool) -> io::Result<FileStat> {
        let m = if follow { std::fs::metadata(path)? } else { std::fs::symlink_metadata(path)? };
        Ok(convert(&m))
    }

    pub fn fstat(_fd: u32) -> io::Result<FileStat> {
        Err(io::Error::from_raw_os_error(38))
    }

    pub fn set_times(_: &str, _: bool, _: SetTime, _: SetTime) -> io::Result<()> {
        Err(io::Error::from_raw_os_error(38))
    }

    pub fn set_times_fd(_: u32, _: SetTime, _: SetTime) -> io::Result<()> {
        Err(io::Error::from_raw_os_error(38))
    }

    pub fn chmod(path: &str, mode: u32) -> io::Result<()> {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }

    pub fn umask() -> u32 {
        0o022
    }
}

/// `stat` (follow = true) or `lstat` (false).
pub fn stat(path: &str, follow: bool) -> io::Result<FileStat> {
    imp::stat(path, follow)
}

/// `fstat` of an open descriptor (`stat -` on standard input).
pub fn fstat(fd: u32) -> io::Result<FileStat> {
    imp::fstat(fd)
}

/// `utimensat`: sets the access and modification times of `path`.
pub fn set_times(path: &str, follow: bool, atime: SetTime, mtime: SetTime) -> io::Result<()> {
    imp::set_times(path, follow, atime, mtime)
}

/// `futimens`: sets the times of an open descriptor (`touch -`).
pub fn set_times_fd(fd: u32, atime: SetTime, mtime: SetTime) -> io::Result<()> {
    imp::set_times_fd(fd, atime, mtime)
}

/// `chmod`: sets the permission bits (`mode & 0o7777`), following symlinks.
pub fn chmod(path: &str, mode: u32) -> io::Result<()> {
    imp::chmod(path, mode)
}

/// The process's file-creation mask (left unchanged).
pub fn umask() -> u32 {
    imp::umask()
}

/// Names of users and groups, read once from /etc/passwd and /etc/group.
#[derive(Default)]
pub struct Names {
    users: Option<Vec<(u32, String)>>,
    groups: Option<Vec<(u32, String)>>,
}

fn read_db(path: &str) -> Vec<(u32, String)> {
    let text = match std::fs::read(path) {
        Ok(t) => String::from_utf8_lossy(&t).into_owned(),
        Err(_) => return Vec::new(),
    };
    text.lines()
        .filter_map(|line| {
            let mut f = line.split(':');
            let name = f.next()?;
            let _pw = f.next()?;
            let id = f.next()?.parse().ok()?;
            Some((id, name.to_string()))
        })
        .collect()
}

impl Names {
    pub fn new() -> Self {
        Names::default()
    }

    /// The user's name, or None when /etc/passwd does not list the uid.
    pub fn user(&mut self, uid: u32) -> Option<&str> {
        let users = self.users.get_or_insert_with(|| read_db("/etc/passwd"));
        users.iter().find(|(id, _)| *id == uid).map(|(_, n)| n.as_str())
    }

    pub fn group(&mut self, gid: u32) -> Option<&str> {
        let groups = self.groups.get_or_insert_with(|| read_db("/etc/group"));
        groups.iter().find(|(id, _)| *id == gid).map(|(_, n)| n.as_str())
    }

    /// A uid for a user name (chown and find need it).
    pub fn uid_of(&mut self, name: &str) -> Option<u32> {
        let users = self.users.get_or_insert_with(|| read_db("/etc/passwd"));
        users.iter().find(|(_, n)| n == name).map(|(id, _)| *id)
    }

    pub fn gid_of(&mut self, name: &str) -> Option<u32> {
        let groups = self.groups.get_or_insert_with(|| read_db("/etc/group"));
        groups.iter().find(|(_, n)| n == name).map(|(id, _)| *id)
    }
}

/// `ls -l`'s ten-character mode string (`drwxr-xr-x`), with the set-id and
/// sticky bits shown as s/S and t/T.
pub fn mode_string(mode: u32) -> String {
    let t = match mode & S_IFMT {
        S_IFDIR => 'd',
        S_IFLNK => 'l',
        S_IFCHR => 'c',
        S_IFBLK => 'b',
        S_IFIFO => 'p',
        S_IFSOCK => 's',
        S_IFREG => '-',
        _ => '?',
    };
    let mut s = String::with_capacity(10);
    s.push(t);
    s.push_str(&perm_string(mode));
    s
}

/// The nine permission characters (`rwxr-x--T`).
pub fn perm_string(mode: u32) -> String {
    let mut s = String::with_capacity(9);
    let bit = |b: u32, c: char| if mode & b != 0 { c } else { '-' };
    let special = |x: u32, sp: u32, on: char, off: char| match (mode & x != 0, mode & sp != 0) {
        (true, true) => on,
        (false, true) => off,
        (true, false) => 'x',
        (false, false) => '-',
    };
    s.push(bit(0o400, 'r'));
    s.push(bit(0o200, 'w'));
    s.push(special(0o100, 0o4000, 's', 'S'));
    s.push(bit(0o040, 'r'));
    s.push(bit(0o020, 'w'));
    s.push(special(0o010, 0o2000, 's', 'S'));
    s.push(bit(0o004, 'r'));
    s.push(bit(0o002, 'w'));
    s.push(special(0o001, 0o1000, 't', 'T'));
    s
}

/// `stat %F`'s description of a file type.
pub fn type_name(st: &FileStat) -> &'static str {
    match st.file_type() {
        S_IFREG if st.size == 0 => "regular empty file",
        S_IFREG => "regular file",
        S_IFDIR => "directory",
        S_IFLNK => "symbolic link",
        S_IFCHR => "character special file",
        S_IFBLK => "block special file",
        S_IFIFO => "fifo",
        S_IFSOCK => "socket",
        _ => "weird file",
    }
}

/// GNU's human-readable sizes (`ls -h`, `du -h`, `df -h`): powers of
/// `base` (1024, or 1000 for `--si`), one decimal below 10, always
/// rounded up.
pub fn human_size(v: u64, base: u64) -> String {
    if v < base {
        return v.to_string();
    }
    let letters = if base == 1000 { ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'] } else { ['K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'] };
    let v = v as u128;
    let b = base as u128;
    let mut e = 1;
    let mut scale = b;
    while v >= scale * b && e < 8 {
        scale *= b;
        e += 1;
    }
    let tenths = (v * 10 + scale - 1) / scale;
    if tenths < 100 {
        return format!("{}.{}{}", tenths / 10, tenths % 10, letters[e - 1]);
    }
    let whole = (v + scale - 1) / scale;
    if whole >= b && e < 8 {
        return format!("1.0{}", letters[e]);
    }
    format!("{}{}", whole, letters[e - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        assert_eq!(mode_string(S_IFDIR | 0o755), "drwxr-xr-x");
        assert_eq!(mode_string(S_IFREG | 0o4644), "-rwSr--r--");
        assert_eq!(mode_string(S_IFDIR | 0o1777), "drwxrwxrwt");
        assert_eq!(mode_string(S_IFREG | 0o2750), "-rwxr-s---");
    }

    #[test]
    fn human_sizes() {
        let got: Vec<String> =
            [0, 1000, 1023, 1024, 1025, 4096, 10239, 10240, 1048575, 1048576, 5000000].iter().map(|&v| human_size(v, 1024)).collect();
        assert_eq!(got, ["0", "1000", "1023", "1.0K", "1.1K", "4.0K", "10K", "10K", "1.0M", "1.0M", "4.8M"]);
        assert_eq!(human_size(4096, 1000), "4.1k");
    }

    #[test]
    fn times() {
        assert_eq!(Timespec::from_ns(-1), Timespec { sec: -1, nsec: 999_999_999 });
        assert_eq!(Timespec::from_ns(-1).as_ns(), -1);
    }
}

//! Rust's std::fs, std::io, std::env and std::time on top of wasmsand's
//! WASI: each check prints "ok - name" or "not ok - name: detail".

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::Path;

static mut ASYNCIFY_BUFFER: [u8; 65536] = [0; 65536];

#[no_mangle]
pub extern "C" fn wasmsand_asyncify_buffer() -> *mut u8 {
    unsafe { ASYNCIFY_BUFFER.as_mut_ptr() }
}

struct Checks {
    failed: u32,
}

impl Checks {
    fn check(&mut self, name: &str, ok: bool, detail: String) {
        if ok {
            println!("ok - {}", name);
        } else {
            println!("not ok - {}: {}", name, detail);
            self.failed += 1;
        }
    }

    fn eq<T: PartialEq + std::fmt::Debug>(&mut self, name: &str, got: T, want: T) {
        let ok = got == want;
        self.check(name, ok, format!("got {:?}, want {:?}", got, want));
    }
}

#[link(wasm_import_module = "wasmsand")]
extern "C" {
    fn cwd_get(buf: *mut u8, buf_len: u32, len_out: *mut u32) -> u32;
}

/// What bundled programs do first: learn the sandbox's working directory
/// (docs/abi.md) and make it libc's, since wasi-libc starts in "/".
fn enter_sandbox_cwd() -> bool {
    let mut buf = [0u8; 512];
    let mut len = 0u32;
    let errno = unsafe { cwd_get(buf.as_mut_ptr(), buf.len() as u32, &mut len) };
    errno == 0 && std::env::set_current_dir(String::from_utf8_lossy(&buf[..len as usize]).as_ref()).is_ok()
}

fn main() {
    let mut c = Checks { failed: 0 };
    c.eq("enter sandbox cwd", enter_sandbox_cwd(), true);
    let base = Path::new("/tmp/rs");
    let _ = fs::remove_dir_all(base);
    c.eq("create_dir_all", fs::create_dir_all(base.join("x/y")).is_ok(), true);
    c.eq("write", fs::write(base.join("f.txt"), b"one\ntwo\n").is_ok(), true);
    c.eq("read_to_string", fs::read_to_string(base.join("f.txt")).ok(), Some("one\ntwo\n".to_string()));
    let mut f = OpenOptions::new().append(true).open(base.join("f.txt")).unwrap();
    f.write_all(b"three\n").unwrap();
    drop(f);
    c.eq("append", fs::read(base.join("f.txt")).map(|d| d.len()).ok(), Some(14));
    let mut f = File::open(base.join("f.txt")).unwrap();
    f.seek(SeekFrom::Start(4)).unwrap();
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    c.eq("seek+read", s, "two\nthree\n".to_string());
    let meta = fs::metadata(base.join("f.txt")).unwrap();
    c.eq("metadata len", meta.len(), 14);
    c.eq("metadata is_file", meta.is_file(), true);
    c.eq("metadata modified", meta.modified().is_ok(), true);
    c.eq("missing file kind", File::open(base.join("nope")).err().map(|e| e.kind()), Some(ErrorKind::NotFound));
    c.eq("rename", fs::rename(base.join("f.txt"), base.join("x/g.txt")).is_ok(), true);
    c.eq("hard_link", fs::hard_link(base.join("x/g.txt"), base.join("h.txt")).is_ok(), true);
    // Creating symlinks is unstable in Rust 1.63's std: the harness made one.
    let link = Path::new("/tmp/pre/link");
    c.eq("read_link", fs::read_link(link).ok(), Some(Path::new("target.txt").to_path_buf()));
    c.eq("symlink_metadata", fs::symlink_metadata(link).map(|m| m.file_type().is_symlink()).ok(), Some(true));
    c.eq("read through symlink", fs::read_to_string(link).ok(), Some("target\n".to_string()));
    let mut names: Vec<String> = fs::read_dir(base).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    c.eq("read_dir", names, vec!["h.txt".to_string(), "x".to_string()]);
    let f = OpenOptions::new().write(true).open(base.join("h.txt")).unwrap();
    f.set_len(3).unwrap();
    c.eq("set_len", fs::metadata(base.join("h.txt")).map(|m| m.len()).ok(), Some(3));
    c.eq("remove_file", fs::remove_file(base.join("h.txt")).is_ok(), true);
    c.eq("remove_dir non-empty", fs::remove_dir(base.join("x")).err().map(|e| e.raw_os_error()), Some(Some(55)));
    // h.txt was a hard link to x/g.txt, so set_len(3) cut both.
    c.eq("relative path from cwd", fs::read_to_string("rs/x/g.txt").map(|s| s.len()).ok(), Some(3));
    std::env::set_current_dir(base).unwrap();
    c.eq("set_current_dir + relative", fs::metadata("x/y").map(|m| m.is_dir()).ok(), Some(true));
    c.eq("remove_dir_all", fs::remove_dir_all(base).is_ok(), true);
    c.eq("env var", std::env::var("WASI_TEST").ok(), Some("yes".to_string()));
    let t = std::time::Instant::now();
    std::thread::sleep(std::time::Duration::from_millis(15));
    c.eq("sleep", t.elapsed().as_millis() >= 14, true);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    c.eq("system time", now.as_secs() > 1_577_836_800, true);
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap();
    c.eq("stdin", line, "from stdin\n".to_string());
    std::io::stdout().flush().unwrap();
    std::process::exit(if c.failed == 0 { 0 } else { 1 });
}

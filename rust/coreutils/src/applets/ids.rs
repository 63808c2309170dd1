//! `id` and `whoami`: user and group identities (GNU coreutils).
//!
//! A sandbox process's ids come from /proc/self/status (always 1000 in
//! wasmsand), names from /etc/passwd and /etc/group, and the groups of a
//! user are its primary group plus those that list it as a member.

use std::io::Write;
use wsutil::args::{self, HasArg, Item, Spec, HELP, VERSION};
use wsutil::io::stdout;
use wsutil::{quote_locale, show_error};

pub const APPLETS: &[wsutil::Applet] = &[("id", id_main), ("whoami", whoami_main)];

/// A passwd entry.
#[derive(Clone)]
struct User {
    name: String,
    uid: u32,
    gid: u32,
}

/// A group entry.
struct Group {
    name: String,
    gid: u32,
    members: Vec<String>,
}

fn read_db(path: &str) -> Vec<Vec<String>> {
    let text = std::fs::read(path).map(|t| String::from_utf8_lossy(&t).into_owned()).unwrap_or_default();
    text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).map(|l| l.split(':').map(String::from).collect()).collect()
}

fn users() -> Vec<User> {
    read_db("/etc/passwd")
        .into_iter()
        .filter_map(|f| {
            Some(User { name: f.first()?.clone(), uid: f.get(2)?.parse().ok()?, gid: f.get(3)?.parse().ok()? })
        })
        .collect()
}

fn groups() -> Vec<Group> {
    read_db("/etc/group")
        .into_iter()
        .filter_map(|f| {
            let members = f.get(3).map(|m| m.split(',').filter(|s| !s.is_empty()).map(String::from).collect());
            Some(Group { name: f.first()?.clone(), gid: f.get(2)?.parse().ok()?, members: members.unwrap_or_default() })
        })
        .collect()
}

/// (real, effective) uid and gid of this process, from /proc/self/status.
fn process_ids() -> ((u32, u32), (u32, u32)) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| -> (u32, u32) {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|rest| {
                let v: Vec<u32> = rest.split_whitespace().filter_map(|x| x.parse().ok()).collect();
                (v.first().copied().unwrap_or(1000), v.get(1).copied().unwrap_or(1000))
            })
            .unwrap_or((1000, 1000))
    };
    (field("Uid:"), field("Gid:"))
}

pub fn whoami_main(argv: &[String]) -> i32 {
    const SPEC: Spec =
        Spec { short: "", long: &[("help", HasArg::No, HELP), ("version", HasArg::No, VERSION)], stop_at_operand: false };
    let items = match args::parse(&SPEC, argv) {
        Ok(i) => i,
        Err(e) => return wsutil::report(&wsutil::Error::Usage(e), 1),
    };
    for item in items {
        match item {
            Item::Opt(HELP, _) => {
                print!("Usage: whoami [OPTION]...\nPrint the user name associated with the current effective user ID.\nSame as id -un.\n\n      --help        display this help and exit\n      --version     output version information and exit\n");
                return 0;
            }
            Item::Opt(VERSION, _) => {
                println!("whoami (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return 0;
            }
            Item::Opt(_, _) => {}
            Item::Operand(o) => {
                return wsutil::report(
                    &wsutil::Error::Usage(wsutil::UsageError(format!("extra operand {}", quote_locale(&o)))),
                    1,
                )
            }
        }
    }
    let euid = (process_ids().0).1;
    match users().into_iter().find(|u| u.uid == euid) {
        Some(u) => {
            println!("{}", u.name);
            0
        }
        None => {
            show_error(&format!("cannot find name for user ID {}", euid));
            1
        }
    }
}

const ID_SPEC: Spec = Spec {
    short: "agnruzGZ",
    long: &[
        ("context", HasArg::No, 'Z'),
        ("group", HasArg::No, 'g'),
        ("groups", HasArg::No, 'G'),
        ("name", HasArg::No, 'n'),
        ("real", HasArg::No, 'r'),
        ("user", HasArg::No, 'u'),
        ("zero", HasArg::No, 'z'),
        ("help", HasArg::No, HELP),
        ("version", HasArg::No, VERSION),
    ],
    stop_at_operand: false,
};

const ID_USAGE: &str = "Usage: id [OPTION]... [USER]...
Print user and group information for each specified USER,
or (when USER omitted) for the current process.

  -a             ignore, for compatibility with other versions
  -Z, --context  print only the security context of the process
  -g, --group    print only the effective group ID
  -G, --groups   print all group IDs
  -n, --name     print a name instead of a number, for -ugG
  -r, --real     print the real ID instead of the effective ID, with -ugG
  -u, --user     print only the effective user ID
  -z, --zero     delimit entries with NUL characters, not whitespace;
                   not permitted in default format
      --help        display this help and exit
      --version     output version information and exit

Without any OPTION, print some useful set of identified information.
";

/// Whose ids to print: the process's or a named user's.
struct Who {
    ruid: u32,
    euid: u32,
    rgid: u32,
    egid: u32,
    /// The supplementary groups (the primary group included).
    groups: Vec<u32>,
}

pub fn id_main(argv: &[String]) -> i32 {
    let items = match args::parse(&ID_SPEC, argv) {
        Ok(i) => i,
        Err(e) => return wsutil::report(&wsutil::Error::Usage(e), 1),
    };
    let (mut only_u, mut only_g, mut only_gs, mut name, mut real, mut zero, mut context) =
        (false, false, false, false, false, false, false);
    let mut operands = Vec::new();
    for item in items {
        match item {
            Item::Opt('u', _) => only_u = true,
            Item::Opt('g', _) => only_g = true,
            Item::Opt('G', _) => only_gs = true,
            Item::Opt('n', _) => name = true,
            Item::Opt('r', _) => real = true,
            Item::Opt('z', _) => zero = true,
            Item::Opt('Z', _) => context = true,
            Item::Opt(HELP, _) => {
                print!("{}", ID_USAGE);
                return 0;
            }
            Item::Opt(VERSION, _) => {
                println!("id (wasmsand coreutils) {}", env!("CARGO_PKG_VERSION"));
                return 0;
            }
            Item::Opt(_, _) => {}
            Item::Operand(o) => operands.push(o),
        }
    }
    if context {
        show_error("--context (-Z) works only on an SELinux-enabled kernel");
        return 1;
    }
    let n_ids = [only_u, only_g, only_gs].iter().filter(|&&b| b).count();
    if n_ids > 1 {
        show_error("cannot print \"only\" of more than one choice");
        return 1;
    }
    let default_format = n_ids == 0;
    if default_format && (real || name) {
        show_error("cannot print only names or real IDs in default format");
        return 1;
    }
    if default_format && zero {
        show_error("option --zero not permitted in default format");
        return 1;
    }
    let all_users = users();
    let all_groups = groups();
    let mut out = stdout();
    let mut status = 0;
    let targets: Vec<Option<String>> =
        if operands.is_empty() { vec![None] } else { operands.into_iter().map(Some).collect() };
    for target in targets {
        let who = match &target {
            None => {
                let ((ruid, euid), (rgid, egid)) = process_ids();
                let user_name = all_users.iter().find(|u| u.uid == ruid).map(|u| u.name.clone());
                Who { ruid, euid, rgid, egid, groups: member_groups(&all_groups, user_name.as_deref(), egid) }
            }
            Some(spec) => {
                let user = all_users
                    .iter()
                    .find(|u| &u.name == spec)
                    .or_else(|| spec.parse::<u32>().ok().and_then(|n| all_users.iter().find(|u| u.uid == n)));
                match user {
                    Some(u) => Who {
                        ruid: u.uid,
                        euid: u.uid,
                        rgid: u.gid,
                        egid: u.gid,
                        groups: member_groups(&all_groups, Some(&u.name), u.gid),
                    },
                    None => {
                        let _ = out.flush();
                        show_error(&format!("{}: no such user", quote_locale(spec)));
                        status = 1;
                        continue;
                    }
                }
            }
        };
        let line = if default_format {
            default_line(&who, &all_users, &all_groups, &mut status)
        } else {
            let user_name = |uid: u32, status: &mut i32| -> String {
                all_users.iter().find(|u| u.uid == uid).map(|u| u.name.clone()).unwrap_or_else(|| {
                    show_error(&format!("cannot find name for user ID {}", uid));
                    *status = 1;
                    uid.to_string()
                })
            };
            let group_name = |gid: u32, status: &mut i32| -> String {
                all_groups.iter().find(|g| g.gid == gid).map(|g| g.name.clone()).unwrap_or_else(|| {
                    show_error(&format!("cannot find name for group ID {}", gid));
                    *status = 1;
                    gid.to_string()
                })
            };
            let sep = if zero { "\0" } else { " " };
            let end = if zero { "\0" } else { "\n" };
            if only_u {
                let uid = if real { who.ruid } else { who.euid };
                let s = if name { user_name(uid, &mut status) } else { uid.to_string() };
                format!("{}{}", s, end)
            } else if only_g {
                let gid = if real { who.rgid } else { who.egid };
                let s = if name { group_name(gid, &mut status) } else { gid.to_string() };
                format!("{}{}", s, end)
            } else {
                let parts: Vec<String> = who
                    .groups
                    .iter()
                    .map(|&g| if name { group_name(g, &mut status) } else { g.to_string() })
                    .collect();
                // GNU ends the -G list with the separator's line end even
                // when zero-delimited.
                format!("{}{}", parts.join(sep), end)
            }
        };
        let _ = out.write_all(line.as_bytes());
    }
    let _ = out.flush();
    status
}

/// The groups of a user: the primary one first, then those listing it.
fn member_groups(all: &[Group], user: Option<&str>, primary: u32) -> Vec<u32> {
    let mut v = vec![primary];
    if let Some(name) = user {
        for g in all {
            if g.members.iter().any(|m| m == name) && !v.contains(&g.gid) {
                v.push(g.gid);
            }
        }
    }
    v
}

fn default_line(who: &Who, users: &[User], groups: &[Group], status: &mut i32) -> String {
    let uname = |uid: u32| users.iter().find(|u| u.uid == uid).map(|u| format!("({})", u.name));
    let gname = |gid: u32| groups.iter().find(|g| g.gid == gid).map(|g| format!("({})", g.name));
    let mut missing = |what: &str, id: u32| {
        show_error(&format!("cannot find name for {} ID {}", what, id));
        *status = 1;
    };
    let mut s = format!("uid={}", who.ruid);
    match uname(who.ruid) {
        Some(n) => s.push_str(&n),
        None => missing("user", who.ruid),
    }
    s.push_str(&format!(" gid={}", who.rgid));
    match gname(who.rgid) {
        Some(n) => s.push_str(&n),
        None => missing("group", who.rgid),
    }
    if who.euid != who.ruid {
        s.push_str(&format!(" euid={}", who.euid));
        if let Some(n) = uname(who.euid) {
            s.push_str(&n);
        }
    }
    if who.egid != who.rgid {
        s.push_str(&format!(" egid={}", who.egid));
        if let Some(n) = gname(who.egid) {
            s.push_str(&n);
        }
    }
    let list: Vec<String> = who
        .groups
        .iter()
        .map(|&g| format!("{}{}", g, gname(g).unwrap_or_default()))
        .collect();
    s.push_str(&format!(" groups={}\n", list.join(",")));
    s
}

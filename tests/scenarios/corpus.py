"""One corpus of scenarios, run against every host.

Each ``scenario_NAME(sb)`` gets a fresh default :class:`Sandbox` and uses
only wasmsand's public API and ``assert``. The same source runs natively
(tests/native/test_scenarios.py, on wasmtime) and inside Pyodide in headless
Chromium (tests/browser/test_scenarios_browser.py, on the browser's engine):
a scenario that passes on one host and fails on the other is a bug.

This file must stay self-contained (no pytest, no test helpers, nothing from
the host's filesystem): the browser runner loads its source text as a
module. Test programs (build/testprogs) are handed in by the runner through
:data:`PROGRAMS` and installed with the public files API.
"""

from __future__ import annotations

import time

from wasmsand import FileError, InvalidArgumentError, Limits, NotFoundError, Sandbox, SandboxClosedError

# Filled by the runner: command name -> WASI module bytes ("probe" is
# tests/programs/c/probe.c with Asyncify, "probe-plain" the same without).
PROGRAMS: dict[str, bytes] = {}

# (module (import "nowhere" "f" (func)) (memory (export "memory") 1) (func (export "_start")))
NEEDS_UNKNOWN_IMPORT = (
    b"\x00asm\x01\x00\x00\x00\x01\x04\x01`\x00\x00\x02\r\x01\x07nowhere\x01f\x00\x00\x03\x02\x01\x00"
    b"\x05\x03\x01\x00\x01\x07\x13\x02\x06memory\x02\x00\x06_start\x00\x01\n\x04\x01\x02\x00\x0b"
)
# (module (memory (export "memory") 1) (func $r (export "_start") call $r))
RECURSES_FOREVER = (
    b"\x00asm\x01\x00\x00\x00\x01\x04\x01`\x00\x00\x03\x02\x01\x00\x05\x03\x01\x00\x01\x07\x13\x02"
    b"\x06memory\x02\x00\x06_start\x00\x00\n\x06\x01\x04\x00\x10\x00\x0b"
)
MB = 1000 * 1000


def install(sb: Sandbox, name: str) -> str:
    """Installs test program ``name`` as /usr/local/bin/NAME."""
    data = PROGRAMS.get(name)
    assert data is not None, f"test program {name} not handed in (run `make testprogs`)"
    sb.files.write(f"/usr/local/bin/{name}", data, mode=0o755)
    return name


def run(name: str) -> None:
    """Runs one scenario in a fresh sandbox (what both runners call)."""
    fn = globals()[name]
    with Sandbox() as sb:
        fn(sb)


def names() -> list[str]:
    return sorted(n for n in globals() if n.startswith("scenario_"))


# -- files API -----------------------------------------------------------------


def scenario_files_roundtrip(sb: Sandbox) -> None:
    sb.files.write("/home/user/dir/a.csv", b"x,y\n1,2\n")
    assert sb.files.read("/home/user/dir/a.csv") == "x,y\n1,2\n"
    assert sb.files.read("dir/a.csv", format="bytes") == b"x,y\n1,2\n"
    assert sb.files.exists("dir/a.csv")
    entries = sb.files.list("dir")
    assert [(e.name, e.type, e.size, e.path) for e in entries] == [("a.csv", "file", 8, "/home/user/dir/a.csv")]
    sb.files.write("text.txt", "héllo")
    assert sb.files.read("text.txt", format="bytes") == "héllo".encode()
    assert sb.files.mkdir("a/b/c") is True
    assert sb.files.mkdir("a/b/c") is False
    sb.files.write("a/b/c/f", "x")
    sb.files.remove("a")
    assert not sb.files.exists("a")
    binary = bytes(range(256)) * 40
    sb.files.write("/tmp/bin", binary)
    assert sb.files.read("/tmp/bin", format="bytes") == binary


def scenario_files_errors_are_typed(sb: Sandbox) -> None:
    try:
        sb.files.read("/nope")
        raise AssertionError("reading a missing file succeeded")
    except NotFoundError as e:
        assert e.errno_name == "ENOENT"
    try:
        sb.files.write("/home/user", "x")
        raise AssertionError("writing over a directory succeeded")
    except FileError as e:
        assert e.errno_name == "EISDIR"
    try:
        sb.files.read("/etc/passwd", format="json")
        raise AssertionError("a bad format was accepted")
    except InvalidArgumentError:
        pass


def scenario_files_written_by_api_read_by_commands(sb: Sandbox) -> None:
    sb.files.write("/home/user/words.txt", "a b c\nd e\n")
    r = sb.exec([["cat", "words.txt"], ["wc", "-w"]])
    assert (r.stdout, r.exit_code, r.pipestatus) == ("5\n", 0, [0, 0]), r
    r = sb.exec(["wc", "-l", "/home/user/words.txt"])
    assert r.stdout == "2 /home/user/words.txt\n", r


def scenario_sandboxes_are_isolated(sb: Sandbox) -> None:
    with Sandbox() as other:
        sb.files.write("/tmp/only-here", "a")
        assert not other.files.exists("/tmp/only-here")
        assert other.exec(["cat", "/tmp/only-here"]).exit_code == 1


def scenario_closed_sandbox_refuses_work(sb: Sandbox) -> None:
    closed = Sandbox()
    closed.close()
    for attempt in (lambda: closed.exec(["true"]), lambda: closed.files.read("/etc/passwd")):
        try:
            attempt()
            raise AssertionError("a closed sandbox did work")
        except SandboxClosedError:
            pass


# -- exec ----------------------------------------------------------------------


def scenario_exec_result_shape(sb: Sandbox) -> None:
    r = sb.exec(["echo", "hi"])
    assert (r.stdout, r.stderr, r.exit_code, r.error_class, r.truncated) == ("hi\n", "", 0, None, False), r
    assert r.stdout_bytes == b"hi\n"
    assert r.duration_ms >= 0
    assert r.pipestatus == [0]


def scenario_exec_env_cwd_stdin(sb: Sandbox) -> None:
    sb.files.write("/tmp/w/f", "data\n")
    assert sb.exec(["cat", "f"], cwd="/tmp/w").stdout == "data\n"
    r = sb.exec(["env"], env={"GREETING": "hello"})
    assert "GREETING=hello\n" in r.stdout and "HOME=/home/user\n" in r.stdout, r
    assert "GREETING" not in sb.exec(["env"]).stdout
    assert sb.exec(["wc", "-c"], stdin="12345").stdout == "5\n"
    assert sb.exec(["cat"], stdin=b"\x00\xff\n").stdout_bytes == b"\x00\xff\n"
    assert sb.exec(["cat"]).stdout == ""


def scenario_exec_misuse_raises(sb: Sandbox) -> None:
    for bad in ("echo hi", [], [[]], [["echo", 1]]):
        try:
            sb.exec(bad)  # type: ignore[arg-type]
            raise AssertionError(f"exec({bad!r}) was accepted")
        except InvalidArgumentError:
            pass
    try:
        sb.exec(["true"], cwd="/no/such/dir")
        raise AssertionError("a missing cwd was accepted")
    except NotFoundError:
        pass


def scenario_yes_head_ends_at_once(sb: Sandbox) -> None:
    start = time.monotonic()
    r = sb.exec([["yes"], ["head", "-n", "1"]])
    assert time.monotonic() - start < 2.0
    assert (r.stdout, r.pipestatus, r.exit_code) == ("y\n", [141, 0], 0), r


def scenario_three_stage_pipeline(sb: Sandbox) -> None:
    r = sb.exec([["seq", "1", "1000"], ["head", "-n", "500"], ["wc", "-l"]])
    assert r.stdout == "500\n", r
    assert r.pipestatus in ([141, 0, 0], [0, 0, 0]), r
    r = sb.exec([["seq", "1", "100000000"], ["head", "-n", "3"], ["cat"]])
    assert (r.stdout, r.pipestatus) == ("1\n2\n3\n", [141, 0, 0]), r


def scenario_long_pipeline(sb: Sandbox) -> None:
    r = sb.exec([["seq", "1", "20000"]] + [["cat"]] * 12 + [["wc", "-l"]])
    assert (r.stdout, r.pipestatus) == ("20000\n", [0] * 14), r


def scenario_pipe_ends(sb: Sandbox) -> None:
    assert sb.exec([["seq", "1", "1000000"], ["true"]]).pipestatus == [141, 0]
    r = sb.exec([["true"], ["wc", "-c"]])
    assert (r.stdout, r.pipestatus) == ("0\n", [0, 0]), r
    data = "".join(f"line {i}\n" for i in range(100000))
    assert sb.exec([["cat"], ["wc", "-l"]], stdin=data).stdout == "100000\n"


def scenario_ten_megabytes_stream(sb: Sandbox) -> None:
    r = sb.exec([["head", "-c", str(10 * MB), "/dev/zero"], ["wc", "-c"]])
    assert (r.stdout, r.pipestatus) == (f"{10 * MB}\n", [0, 0]), r
    sb.files.write("/tmp/big", b"0123456789" * MB)
    r = sb.exec(["cat", "/tmp/big"])
    assert len(r.stdout_bytes) == 10 * MB and r.stdout_bytes[:12] == b"012345678901", r.stderr


def scenario_not_found_and_not_executable(sb: Sandbox) -> None:
    r = sb.exec(["no-such-command"])
    assert (r.exit_code, r.stderr) == (127, "wasmsand: no-such-command: command not found\n"), r
    sb.files.write("/home/user/script", b"#!/usr/bin/cat\n", mode=0o644)
    r = sb.exec(["./script"])
    assert r.exit_code == 126 and "Permission denied" in r.stderr, r
    sb.files.write("/usr/local/bin/junk", b"\0asm\x01\0\0\0garbage", mode=0o755)
    r = sb.exec(["junk"])
    assert r.exit_code == 126 and "Exec format error" in r.stderr, r
    sb.files.write("/usr/local/bin/needs", NEEDS_UNKNOWN_IMPORT, mode=0o755)
    r = sb.exec(["needs"])
    assert r.exit_code == 126 and "Exec format error" in r.stderr, r


def scenario_shebang_runs_the_interpreter(sb: Sandbox) -> None:
    sb.files.write("/home/user/show", b"#!/usr/bin/cat\nline two\n", mode=0o755)
    assert sb.exec(["./show"]).stdout == "#!/usr/bin/cat\nline two\n"
    sb.files.write("/home/user/viaenv", b"#!/usr/bin/env cat\nx\n", mode=0o755)
    assert sb.exec(["./viaenv"]).stdout == "#!/usr/bin/env cat\nx\n"


# -- every applet ----------------------------------------------------------------

# One invocation per applet with its exact result: (argv, stdin, stdout, status).
APPLET_CHECKS: dict[str, tuple[list[str], str | None, str, int]] = {
    "cat": (["cat", "-n"], "a\nb\n", "     1\ta\n     2\tb\n", 0),
    "echo": (["echo", "-n", "x", "y"], None, "x y", 0),
    "env": (["env", "-i", "A=1", "env"], None, "A=1\n", 0),
    "false": (["false"], None, "", 1),
    "head": (["head", "-c", "3"], "abcdef", "abc", 0),
    "seq": (["seq", "2", "3", "9"], None, "2\n5\n8\n", 0),
    "true": (["true"], None, "", 0),
    "wc": (["wc"], "one two\nthree\n", "      2       3      14\n", 0),
    "yes": (["yes", "ab"], None, "", 0),  # stdout checked through head below
    "awk": (["awk", "-F:", "{s += $2} END {printf \"%s=%d\\n\", $1, s}"], "a:1\nb:2\n", "b=3\n", 0),
    "base64": (["base64"], "hi\n", "aGkK\n", 0),
    "bc": (["bc"], "scale=3; 10/4\n2^70\n", "2.500\n1180591620717411303424\n", 0),
    "cut": (["cut", "-d,", "-f2"], "a,b,c\n", "b\n", 0),
    "diff": (["diff", "-u", "--label", "a", "--label", "b", "/etc/hostname", "/dev/null"], None,
             "--- a\n+++ b\n@@ -1 +0,0 @@\n-wasmsand\n", 1),
    "expr": (["expr", "6", "*", "7"], None, "42\n", 0),
    "find": (["find", "/etc", "-name", "hostn*", "-type", "f"], None, "/etc/hostname\n", 0),
    "grep": (["grep", "-c", "-E", "^(a|b)"], "a\nb\nc\n", "2\n", 0),
    "jq": (["jq", "-c", ".a | map(. * 2)"], '{"a": [1, 2]}', "[2,4]\n", 0),
    "od": (["od", "-An", "-tx1"], "AB", " 41 42\n", 0),
    "sed": (["sed", "-E", "s/([a-z]+) ([a-z]+)/\\2 \\1/"], "hello world\n", "world hello\n", 0),
    "sha256sum": (["sha256sum"], "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  -\n", 0),
    "sort": (["sort", "-t,", "-k2,2n"], "x,10\ny,9\n", "y,9\nx,10\n", 0),
    "tail": (["tail", "-n", "+2"], "1\n2\n3\n", "2\n3\n", 0),
    "tr": (["tr", "a-z", "A-Z"], "abc\n", "ABC\n", 0),
    "uniq": (["uniq", "-c"], "a\na\nb\n", "      2 a\n      1 b\n", 0),
    "xargs": (["xargs", "-n", "1", "echo", "x"], "a b\n", "x a\nx b\n", 0),
}  # fmt: skip


def scenario_every_applet(sb: Sandbox) -> None:
    """Each command in /usr/bin runs: the known ones give their exact
    output; a newer one must at least answer --help without a trap."""
    commands = sorted(e.name for e in sb.files.list("/usr/bin"))
    assert set(APPLET_CHECKS) <= set(commands), commands
    for name in commands:
        if name == "yes":
            r = sb.exec([["yes", "ab"], ["head", "-n", "2"]])
            assert (r.stdout, r.pipestatus) == ("ab\nab\n", [141, 0]), r
            continue
        check = APPLET_CHECKS.get(name)
        if check is None:
            r = sb.exec([name, "--help"])
            assert r.exit_code < 126 and "wasmsand:" not in r.stderr, (name, r)
            continue
        argv, stdin, out, status = check
        r = sb.exec(argv, stdin=stdin)
        assert (r.stdout, r.exit_code) == (out, status), (name, r)
    r = sb.exec(["head", "-n", "1", "/no/such"])
    assert r.exit_code == 1 and r.stderr.startswith("head: cannot open '/no/such'"), r


# -- /dev and /proc --------------------------------------------------------------


def scenario_dev(sb: Sandbox) -> None:
    assert sb.exec(["cat", "/dev/null"]).stdout_bytes == b""
    assert sb.exec(["head", "-c", "5", "/dev/zero"]).stdout_bytes == b"\0" * 5
    assert sb.exec(["head", "-c", "3", "/dev/full"]).stdout_bytes == b"\0" * 3
    a = sb.exec(["head", "-c", "16", "/dev/urandom"]).stdout_bytes
    b = sb.exec(["head", "-c", "16", "/dev/random"]).stdout_bytes
    assert len(a) == len(b) == 16 and a != b
    assert sb.exec(["wc", "-c", "/dev/stdin"], stdin="abc").stdout == "3 /dev/stdin\n"
    names = {e.name for e in sb.files.list("/dev")}
    assert {"null", "zero", "full", "random", "urandom", "stdin", "stdout", "stderr", "fd"} <= names, names


def scenario_proc(sb: Sandbox) -> None:
    assert sb.exec(["cat", "/proc/self/cmdline"]).stdout == "cat\0/proc/self/cmdline\0"
    assert "X=1\0" in sb.exec(["cat", "/proc/self/environ"], env={"X": "1"}).stdout
    assert sb.exec(["cat", "/proc/version"]).stdout.startswith("Linux version ")
    status = sb.exec(["cat", "/proc/self/status"]).stdout
    assert status.startswith("Name:\tcat\nState:\tR (running)\nPid:\t"), status
    meminfo = sb.exec(["head", "-n", "1", "/proc/meminfo"]).stdout
    assert meminfo == "MemTotal:         524288 kB\n", meminfo
    uptime = sb.exec(["cat", "/proc/uptime"]).stdout.split()
    assert len(uptime) == 2 and float(uptime[0]) >= 0, uptime
    assert "WebAssembly" in sb.exec(["cat", "/proc/cpuinfo"]).stdout
    assert sb.exec(["cat", "/etc/hostname"]).stdout == "wasmsand\n"


# -- limits ----------------------------------------------------------------------


def scenario_timeout_of_a_sleeping_command(sb: Sandbox) -> None:
    probe = install(sb, "probe")
    start = time.monotonic()
    r = sb.exec([probe, "sleep", "5000"], timeout=0.3)
    elapsed = time.monotonic() - start
    assert 0.25 < elapsed < 2.5, elapsed
    assert (r.error_class, r.exit_code) == ("TIMEOUT", 137), r
    r = sb.exec(["echo", "alive"])
    assert (r.stdout, r.exit_code, r.error_class) == ("alive\n", 0, None), r


def scenario_sleep_lets_others_run(sb: Sandbox) -> None:
    probe = install(sb, "probe")
    start = time.monotonic()
    r = sb.exec([[probe, "sleep", "100"], ["wc", "-l"]])
    assert time.monotonic() - start >= 0.09
    assert (r.stdout, r.pipestatus) == ("1\n", [0, 0]), r
    plain = install(sb, "probe-plain")  # no Asyncify: the sleep waits in place
    r = sb.exec([[plain, "sleep", "50"], ["cat"]])
    assert (r.stdout, r.pipestatus) == ("slept\n", [0, 0]), r


def scenario_output_truncation(sb: Sandbox) -> None:
    with Sandbox(limits=Limits(output_bytes=1000)) as small:
        r = small.exec(["seq", "1", "100000"])
        assert r.truncated and r.exit_code == 0, r
        assert r.stdout.startswith("1\n2\n3\n")
        assert r.stdout.endswith("\n[wasmsand: output truncated at 1000 bytes]\n"), r.stdout[-80:]


def scenario_memory_limit(sb: Sandbox) -> None:
    with Sandbox(limits=Limits(memory_bytes=64 * 1024 * 1024)) as small:
        probe = install(small, "probe")
        r = small.exec([probe, "alloc", "16"])
        assert (r.stdout, r.exit_code) == ("allocated 16 MiB\n", 0), r
        r = small.exec([probe, "alloc", "200"])
        assert r.exit_code == 3 and "probe: out of memory after" in r.stderr, r
        assert "MemTotal:          65536 kB" in small.exec(["cat", "/proc/meminfo"]).stdout
    with Sandbox(limits=Limits(memory_bytes=64 * 1024)) as tiny:  # less than a module's own memory
        r = tiny.exec(["echo", "hi"])
        assert r.exit_code == 126 and r.stdout == "", r
        assert r.stderr == "wasmsand: echo: Cannot allocate memory\n", r


def scenario_quota(sb: Sandbox) -> None:
    with Sandbox(limits=Limits(fs_bytes=1024 * 1024)) as small:
        small.files.write("/tmp/keep", "precious")
        try:
            small.files.write("/tmp/keep", b"x" * (2 * 1024 * 1024))
            raise AssertionError("a write past the quota succeeded")
        except FileError as e:
            assert e.errno_name == "ENOSPC"
        assert small.files.read("/tmp/keep") == "precious"
        r = small.exec(["head", "-c", "3000000", "/dev/zero"])
        assert r.exit_code == 0 and len(r.stdout_bytes) == 3000000, r.stderr


def scenario_traps_become_statuses(sb: Sandbox) -> None:
    probe = install(sb, "probe")
    r = sb.exec([probe, "unreachable"])
    assert (r.exit_code, r.stderr) == (134, "wasmsand: probe: unreachable code reached (aborted)\n"), r
    r = sb.exec([probe, "oob"])
    assert (r.exit_code, r.stderr) == (139, "wasmsand: probe: out of bounds memory access\n"), r
    # Which stack runs out first (the engine's or the C shadow stack in
    # linear memory) depends on the engine's stack size: only the status is
    # the same on every host for probe's recursion.
    r = sb.exec([probe, "recurse"])
    assert r.exit_code == 139 and r.stderr.startswith("wasmsand: probe: "), r
    sb.files.write("/usr/local/bin/deep", RECURSES_FOREVER, mode=0o755)
    r = sb.exec(["deep"])
    assert (r.exit_code, r.stderr) == (139, "wasmsand: deep: call stack exhausted\n"), r
    assert sb.exec([probe, "exit", "42"]).exit_code == 42
    assert sb.exec([probe, "exit", "300"]).exit_code == 300 & 0xFF
    assert sb.exec(["echo", "still", "fine"]).stdout == "still fine\n"


# -- the shell -------------------------------------------------------------------


def scenario_shell_pipeline_and_session(sb: Sandbox) -> None:
    r = sb.commands.run("echo hello world | wc -w")
    assert (r.stdout, r.exit_code) == ("2\n", 0)
    sb.commands.run("cd /tmp; x=41; greet() { echo hi $1; }; alias ll='echo aliased'")
    r = sb.commands.run("pwd; echo $((x + 1)); greet you; ll")
    assert r.stdout == "/tmp\n42\nhi you\naliased\n"


def scenario_shell_env_and_cwd_for_one_call(sb: Sandbox) -> None:
    r = sb.commands.run("echo $GREETING; pwd", env={"GREETING": "hello"}, cwd="/etc")
    assert r.stdout == "hello\n/etc\n"
    r = sb.commands.run('echo "[$GREETING]"; pwd')
    assert r.stdout == "[]\n/home/user\n"


def scenario_shell_expansions(sb: Sandbox) -> None:
    script = (
        'set -- "a b" c; printf "<%s>" "$@"; echo; v=hello.tar.gz; echo ${v%%.*} ${v#*.} ${v^^} ${#v}; '
        "a=(x y z); echo ${a[@]:1} ${!a[@]}; declare -A m=([k]=v); echo ${m[k]}; echo {1..3}{a,b}; "
        "echo $((16#ff + 2**10)) $(( 7 / 2 ))"
    )
    r = sb.commands.run(script)
    assert r.stdout == "<a b><c>\nhello tar.gz HELLO.TAR.GZ 12\ny z 0 1 2\nv\n1a 1b 2a 2b 3a 3b\n1279 3\n"


def scenario_shell_control_flow(sb: Sandbox) -> None:
    script = """
for i in 1 2 3; do
  case $i in 2) continue;; esac
  echo "i=$i"
done
n=0; while (( n < 3 )); do n=$((n+1)); done; echo "n=$n"
if [[ abc == a* && 5 -gt 3 ]]; then echo match; fi
fib() { (( $1 < 2 )) && { echo $1; return; }; echo $(( $(fib $(($1-1))) + $(fib $(($1-2))) )); }
fib 8
"""
    r = sb.commands.run(script)
    assert r.stdout == "i=1\ni=3\nn=3\nmatch\n21\n", r.stderr


def scenario_shell_redirections_heredoc(sb: Sandbox) -> None:
    script = """cat > /tmp/h.txt <<EOF
one $HOME
two
EOF
wc -l < /tmp/h.txt
{ echo out; echo err >&2; } 2>&1 | cat
read -r first rest <<< "a b c"; echo "$first|$rest"
cat <(echo procsub)
"""
    r = sb.commands.run(script)
    assert r.stdout == "2\nout\nerr\na|b c\nprocsub\n", r.stderr
    assert sb.files.read("/tmp/h.txt") == "one /home/user\ntwo\n"


def scenario_shell_errors(sb: Sandbox) -> None:
    r = sb.commands.run("nosuchcommand")
    assert (r.exit_code, r.stderr) == (127, "bash: line 1: nosuchcommand: command not found\n")
    r = sb.commands.run("if true; then fi")
    assert r.exit_code == 2
    assert r.stderr.startswith("bash: -c: line 1: syntax error near unexpected token `fi'")
    r = sb.commands.run("(set -e; false; echo unreached)")
    assert (r.stdout, r.exit_code) == ("", 1)
    r = sb.commands.run("set -o pipefail; false | true; echo $? ${PIPESTATUS[@]}")
    assert r.stdout == "1 1 0\n"


def scenario_shell_scripts_and_subshells(sb: Sandbox) -> None:
    sb.files.write("/home/user/s.sh", '#!/bin/bash\necho "script $1"\nexit 3\n', mode=0o755)
    r = sb.commands.run("./s.sh arg; echo $?; bash -c 'echo $0' named; (cd /; pwd); pwd; x=$(echo sub); echo $x")
    assert r.stdout == "script arg\n3\nnamed\n/\n/home/user\nsub\n", r.stderr


def scenario_shell_timeout_kills_a_loop(sb: Sandbox) -> None:
    start = time.monotonic()
    r = sb.commands.run("while true; do :; done", timeout=0.5)
    assert time.monotonic() - start < 5
    assert r.error_class == "TIMEOUT"
    assert sb.commands.run("echo alive").stdout == "alive\n"

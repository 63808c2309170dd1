"""text-b's applets where the host cannot be the reference: what the
sandbox itself reports (uname, hostname, nproc, uptime, free, ps, id),
processes and signals (kill, sleep), names the harness cannot spell
(newlines), symbolic links, and flags refused on purpose."""

from __future__ import annotations

import re
import time

from wasmsand import Sandbox


def run(sb: Sandbox, *argv: str, stdin: str | None = None) -> tuple[str, str, int]:
    r = sb.exec(list(argv), stdin=stdin)
    return r.stdout, r.stderr, r.exit_code


# -- system information -----------------------------------------------------


def test_uname_reports_the_sandbox(sb: Sandbox) -> None:
    assert run(sb, "uname") == ("Linux\n", "", 0)
    assert run(sb, "uname", "-m")[0] == "wasm32\n"
    assert run(sb, "uname", "-r")[0] == "6.1.0-wasmsand\n"
    assert run(sb, "uname", "-n")[0] == "wasmsand\n"
    assert run(sb, "uname", "-o")[0] == "GNU/Linux\n"
    assert run(sb, "uname", "-p", "-i")[0] == "unknown unknown\n"
    # -a leaves out the unknown processor and platform, as GNU does.
    out = run(sb, "uname", "-a")[0]
    assert out == "Linux wasmsand 6.1.0-wasmsand #1 SMP WebAssembly wasm32 GNU/Linux\n"


def test_uname_and_hostname_follow_etc_hostname(sb: Sandbox) -> None:
    sb.files.write("/etc/hostname", "box.example.org\n")
    assert run(sb, "uname", "-n")[0] == "box.example.org\n"
    assert run(sb, "hostname")[0] == "box.example.org\n"
    assert run(sb, "hostname", "-s")[0] == "box\n"
    assert run(sb, "hostname", "-d")[0] == "example.org\n"


def test_hostname(sb: Sandbox) -> None:
    assert run(sb, "hostname") == ("wasmsand\n", "", 0)
    assert run(sb, "hostname", "-i")[0] == "127.0.1.1 \n"
    out, err, code = run(sb, "hostname", "other")
    assert (out, code) == ("", 1)
    assert "you must be root" in err


def test_nproc(sb: Sandbox) -> None:
    assert run(sb, "nproc") == ("1\n", "", 0)
    assert run(sb, "nproc", "--all")[0] == "1\n"
    assert run(sb, "nproc", "--ignore=5")[0] == "1\n"
    r = sb.exec(["nproc"], env={"OMP_NUM_THREADS": "4"})
    assert r.stdout == "4\n"
    r = sb.exec(["nproc"], env={"OMP_NUM_THREADS": "4", "OMP_THREAD_LIMIT": "2"})
    assert r.stdout == "2\n"


def test_uptime_formats(sb: Sandbox) -> None:
    out, _, code = run(sb, "uptime")
    assert code == 0
    # GNU 9.1: " HH:MM:SS  up  H:MM,  N users"; the sandbox has no
    # /proc/loadavg, so no load average (getloadavg fails).
    assert re.fullmatch(r" \d\d:\d\d:\d\d  up (\d+ days? | )[ \d]\d:\d\d,  0 users\n", out), out
    assert re.fullmatch(r"up (\d+ \w+, )*\d+ minutes?\n", run(sb, "uptime", "-p")[0])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n", run(sb, "uptime", "-s")[0])


def test_free_reads_proc_meminfo(sb: Sandbox) -> None:
    meminfo = sb.files.read("/proc/meminfo")
    assert isinstance(meminfo, str)
    total = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))  # type: ignore[union-attr]
    out, _, code = run(sb, "free")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "               total        used        free      shared  buff/cache   available"
    mem = lines[1].split()
    assert mem[0] == "Mem:" and int(mem[1]) == total
    assert int(mem[2]) + int(mem[6]) == total  # used = total - available
    assert lines[2].split() == ["Swap:", "0", "0", "0"]
    assert int(run(sb, "free", "-b")[0].splitlines()[1].split()[1]) == total * 1024
    assert int(run(sb, "free", "-m")[0].splitlines()[1].split()[1]) == total // 1024
    human = run(sb, "free", "-h")[0].splitlines()[1].split()
    assert re.fullmatch(r"\d+(\.\d)?[KMG]i", human[1])
    assert run(sb, "free", "-t")[0].splitlines()[3].startswith("Total:")
    assert "buffers       cache" in run(sb, "free", "-w")[0]
    _, err, code = run(sb, "free", "-s", "1")
    assert code == 2 and "not supported" in err


def test_ps_lists_sandbox_processes(sb: Sandbox) -> None:
    out, _, code = run(sb, "ps")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "  PID TTY          TIME CMD"
    assert any(re.fullmatch(r"\s*\d+ \?\s+00:00:00 ps", line) for line in lines[1:])
    full = run(sb, "ps", "-ef")[0].splitlines()
    assert full[0] == "UID        PID  PPID  C STIME TTY          TIME CMD"
    assert any(line.startswith("user ") and line.endswith("ps -ef") for line in full[1:])
    aux = run(sb, "ps", "aux")[0].splitlines()
    assert aux[0] == "USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND"
    assert any(line.endswith(" ps aux") for line in aux[1:])
    bsd = run(sb, "ps", "ax")[0].splitlines()
    assert bsd[0] == "  PID TTY      STAT   TIME COMMAND"
    # A pipeline's stages are all there at once.
    r = sb.exec([["ps", "-e"], ["cat"]])
    assert "ps" in r.stdout and "cat" in r.stdout
    assert run(sb, "ps", "-p", "99999")[2] == 1


def test_id_and_whoami_in_the_sandbox(sb: Sandbox) -> None:
    assert run(sb, "whoami") == ("user\n", "", 0)
    assert run(sb, "id")[0] == "uid=1000(user) gid=1000(user) groups=1000(user)\n"
    assert run(sb, "id", "-u")[0] == "1000\n"
    assert run(sb, "id", "-Gn")[0] == "user\n"
    sb.files.write("/etc/group", "root:x:0:\nuser:x:1000:\nwheel:x:10:user,bob\n")
    assert run(sb, "id", "-G")[0] == "1000 10\n"
    assert run(sb, "id", "user")[0] == "uid=1000(user) gid=1000(user) groups=1000(user),10(wheel)\n"


def test_printenv_sees_the_sandbox_environment(sb: Sandbox) -> None:
    assert run(sb, "printenv", "HOME")[0] == "/home/user\n"
    assert run(sb, "printenv", "USER", "LOGNAME")[0] == "user\nuser\n"
    r = sb.exec(["printenv", "X"], env={"X": "a b"})
    assert r.stdout == "a b\n"


# -- processes and signals ----------------------------------------------------


def next_pid(sb: Sandbox) -> int:
    """The pid the next process will get (pids are handed out in order)."""
    out = sb.exec(["ps", "-f"]).stdout.splitlines()
    mine = [line for line in out if line.endswith("ps -f")]
    return int(mine[0].split()[1]) + 1


def test_kill_ends_a_sleeping_process(sb: Sandbox) -> None:
    pid = next_pid(sb)
    start = time.monotonic()
    r = sb.exec([["sleep", "30"], ["kill", "-9", str(pid)]])
    assert time.monotonic() - start < 10
    assert r.pipestatus == [137, 0]
    pid = next_pid(sb)
    r = sb.exec([["sleep", "30"], ["kill", str(pid)]])
    assert r.pipestatus == [143, 0]  # SIGTERM by default
    pid = next_pid(sb)
    r = sb.exec([["sleep", "30"], ["kill", "-s", "INT", str(pid)]])
    assert r.pipestatus == [130, 0]
    pid = next_pid(sb)
    r = sb.exec([["sleep", "30"], ["kill", "-n", "15", str(pid)]])
    assert r.pipestatus == [143, 0]


def test_kill_zero_only_checks(sb: Sandbox) -> None:
    pid = next_pid(sb)
    r = sb.exec([["sleep", "0.3"], ["kill", "-0", str(pid)]])
    assert r.pipestatus == [0, 0]


def test_sleep_waits_and_is_suspendable(sb: Sandbox) -> None:
    start = time.monotonic()
    assert run(sb, "sleep", "0.2", "0.1s")[2] == 0
    assert time.monotonic() - start >= 0.3
    # A sleeping process is suspended: the timeout ends it promptly.
    start = time.monotonic()
    r = sb.exec(["sleep", "1d"], timeout=0.5)
    assert time.monotonic() - start < 5
    assert r.error_class == "TIMEOUT"
    # Other stages run while one sleeps.
    r = sb.exec([["sleep", "0.5"], ["cat"]], stdin="x")
    assert r.pipestatus == [0, 0]


# -- names and files the case lines cannot express ---------------------------


def test_digest_escapes_names_with_newlines(sb: Sandbox) -> None:
    sb.files.write("/home/user/new\nline", "y")
    out, _, _ = run(sb, "md5sum", "new\nline")
    assert out == "\\415290769594460e2e485922904f345d  new\\nline\n"
    sb.files.write("/home/user/sums", out)
    assert run(sb, "md5sum", "-c", "sums")[0] == "\\new\\nline: OK\n"
    assert run(sb, "md5sum", "--tag", "new\nline")[0] == "\\MD5 (new\\nline) = 415290769594460e2e485922904f345d\n"
    assert run(sb, "md5sum", "-z", "new\nline")[0] == "415290769594460e2e485922904f345d  new\nline\0"


def test_file_describes_symbolic_links(sb: Sandbox) -> None:
    fs = sb.fs
    home = fs.resolve("/home/user", fs.root)
    sb.files.write("/home/user/a.txt", "hi\n")
    fs.symlink("a.txt", "link", home)
    fs.symlink("missing", "broken", home)
    assert run(sb, "file", "link")[0] == "link: symbolic link to a.txt\n"
    assert run(sb, "file", "broken")[0] == "broken: broken symbolic link to missing\n"
    assert run(sb, "file", "-L", "link")[0] == "link: ASCII text\n"
    assert run(sb, "file", "--mime-type", "link")[0] == "link: inode/symlink\n"
    assert run(sb, "file", "/dev/null")[0] == "/dev/null: character special\n"
    assert run(sb, "test", "-L", "link")[2] == 0
    assert run(sb, "test", "-h", "a.txt")[2] == 1
    assert run(sb, "test", "-e", "broken")[2] == 1


def test_which_finds_sandbox_commands(sb: Sandbox) -> None:
    assert run(sb, "which", "cat") == ("/usr/bin/cat\n", "", 0)
    assert run(sb, "which", "-a", "cat")[0] == "/usr/bin/cat\n/bin/cat\n"
    assert run(sb, "which", "no-such-command")[2] == 1


def test_shuf_without_a_random_source_permutes(sb: Sandbox) -> None:
    out, _, code = run(sb, "shuf", "-i", "1-50")
    assert code == 0
    assert sorted(int(x) for x in out.split()) == list(range(1, 51))
    out = run(sb, "shuf", "-n", "3", "-e", "a", "b", "c", "d")[0].split()
    assert len(out) == 3 and len(set(out)) == 3


def test_test_nt_and_ot_by_modification_time(sb: Sandbox) -> None:
    sb.files.write("/home/user/old", "1")
    time.sleep(0.01)
    sb.files.write("/home/user/new", "2")
    assert run(sb, "test", "new", "-nt", "old")[2] == 0
    assert run(sb, "test", "old", "-ot", "new")[2] == 0
    assert run(sb, "test", "old", "-nt", "new")[2] == 1


def test_refused_flags_exit_2(sb: Sandbox) -> None:
    for argv in (
        ["split", "--filter=cat", "/dev/null"],
        ["hexdump", "-L", "/dev/null"],
        ["cksum", "--debug", "/dev/null"],
        ["file", "-z", "/dev/null"],
        ["strings", "-T", "elf64-x86-64", "/dev/null"],
    ):
        _out, err, code = run(sb, *argv)
        assert code == 2, argv
        assert "not supported by wasmsand" in err, argv

"""The playground page (site/, built by `make site` into build/site) in
headless Chromium, driven like a user: keys into xterm's textarea, clicks,
file inputs given real files. The page is served from localhost by a small
http.server and loads the local Pyodide copy (``?pyodide=local``).

The tests share one page and run in order (a session, as a user's). The
terminal is read through the page's test hook, ``window.__wasmsand``
(site/js/main.js). A screenshot is left in build/artifacts/playground.png.
"""

from __future__ import annotations

import functools
import http.server
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import CHROMEDRIVER, CHROMIUM, CHROMIUM_FLAGS

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "site"
ARTIFACTS = ROOT / "build" / "artifacts"
PROMPT = "user@wasmsand:~$ "
# Generous: the machine building this may be busy.
READY_SECONDS = 120
COMMAND_SECONDS = 60


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    if not (SITE / "index.html").exists() or not (SITE / "pyodide" / "pyodide.mjs").exists():
        pytest.fail(f"{SITE} is missing or has no local Pyodide: run `make site`")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(SITE)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def downloads() -> Path:
    return Path(tempfile.mkdtemp(prefix="wasmsand-downloads-"))


class Page:
    """The playground in a browser, with the few moves the tests make."""

    def __init__(self, driver: Any, url: str) -> None:
        self.driver = driver
        self.url = url

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def wait(self, condition: str, seconds: float = COMMAND_SECONDS) -> None:
        """Waits until the JS expression is true (hooks as ``w``)."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.js(f"const w = window.__wasmsand; return !!(w && ({condition}));"):
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {condition}; the terminal shows:\n{self.screen()}")

    def load(self) -> None:
        self.driver.get(self.url)
        self.wait("w.idle()", READY_SECONDS)

    def screen(self) -> str:
        """The terminal's text, once xterm has drawn everything sent to it."""
        return str(
            self.driver.execute_async_script(
                "const done = arguments[arguments.length - 1]; const w = window.__wasmsand;"
                "if (!w) done(''); else w.term.write('', () => done(w.screenText()));"
            )
        )

    @property
    def textarea(self) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")

    def keys(self, *keys: str) -> None:
        """Sends each argument in its own send_keys (a modifier such as
        Keys.CONTROL stays down only for its own argument)."""
        for k in keys:
            self.textarea.send_keys(k)

    def prompts(self) -> int:
        return int(self.js("return window.__wasmsand.prompts;"))

    def run(self, command: str, prompts: int | None = None) -> str:
        """Types ``command`` and Enter, waits for the prompt and returns what
        the command printed (the lines between its prompt and the next)."""
        from selenium.webdriver.common.keys import Keys

        lines = command.count("\n") + 1
        start = len(self.screen().split("\n")) - 1  # the prompt the command goes on
        before = self.prompts()
        self.keys(command.replace("\n", Keys.ENTER) + Keys.ENTER)
        self.wait(f"w.prompts >= {before + (prompts or lines)} && w.idle()")
        return "\n".join(self.screen().split("\n")[start + lines : -1])

    def element(self, css: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def click(self, css: str) -> None:
        """Clicks the element, finding it again if the file panel was
        redrawn in between."""
        from selenium.common.exceptions import StaleElementReferenceException

        for _ in range(20):
            try:
                self.element(css).click()
                return
            except StaleElementReferenceException:
                time.sleep(0.05)
        raise AssertionError(f"{css} kept changing")

    def last_line(self) -> str:
        return self.screen().split("\n")[-1]

    def expect_line(self, text: str, seconds: float = 10) -> None:
        """Waits until the terminal's last line reads ``text`` (xterm draws
        what it is sent a little later)."""
        end = time.monotonic() + seconds
        while self.last_line() != text:
            if time.monotonic() > end:
                raise AssertionError(f"the last line is {self.last_line()!r}, not {text!r}")
            time.sleep(0.02)


@pytest.fixture(scope="module")
def page(base_url: str, downloads: Path) -> Iterator[Page]:
    os.environ.setdefault("SE_OFFLINE", "true")
    os.environ.setdefault("SE_AVOID_STATS", "true")
    from selenium.webdriver import Chrome
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in [*CHROMIUM_FLAGS, "--window-size=1280,860"]:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='wasmsand-chromium-')}")
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    driver = Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_script_timeout(COMMAND_SECONDS)
    try:
        p = Page(driver, f"{base_url}/index.html?pyodide=local")
        p.load()
        yield p
    finally:
        driver.quit()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _wait_file(path: Path, seconds: float = 20) -> bytes:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if path.exists() and not path.with_name(path.name + ".crdownload").exists():
            return path.read_bytes()
        time.sleep(0.1)
    raise AssertionError(f"{path} was not downloaded")


def test_ready(page: Page) -> None:
    screen = page.screen()
    assert "[wasmsand] ready in" in screen
    page.expect_line(PROMPT)
    assert page.element("#status").text == "ready"
    marks = page.js("return window.__wasmsand.marks;")
    assert marks["pyodide"] < marks["wasmsand"] < marks["compiled"] <= marks["ready"]
    # The sample files are in the home folder and in the file panel.
    assert page.run("ls") == "README.txt\npeople.csv\npeople.json\nstats.py"
    page.wait("document.querySelector('[data-path=\"/home/user/people.csv\"]')")


def test_commands_and_stderr_colour(page: Page) -> None:
    assert page.run("echo hi | wc -w") == "1"
    # Output comes in the order it was written; stderr is red (ANSI 1).
    out = page.run("echo before; ls /nope; echo after")
    assert out == "before\nls: cannot access '/nope': No such file or directory\nafter"
    assert page.js("return window.__wasmsand.colourOf(\"ls: cannot access '/nope'\");") == 1
    assert page.js("return window.__wasmsand.colourOf('after');") == -1
    assert page.run("nosuchcommand") == "bash: line 1: nosuchcommand: command not found"
    # No trailing newline: the prompt still starts its own line.
    assert page.run("printf abc") == "abc"
    assert page.run("cd /tmp && pwd") == "/tmp"
    page.expect_line("user@wasmsand:/tmp$ ")
    assert page.run("cd") == ""


def test_line_editing_and_history(page: Page) -> None:
    from selenium.webdriver.common.keys import Keys

    # Fix a typo in the middle of the line: "eho hi" -> "echo hi".
    page.keys("eho hi", Keys.HOME, Keys.ARROW_RIGHT, "c")
    page.expect_line(PROMPT + "echo hi")
    page.keys(Keys.END, Keys.BACKSPACE, Keys.BACKSPACE, "there")
    page.expect_line(PROMPT + "echo there")
    assert page.run("") == "there"
    # Up recalls the previous lines, down comes back to the edited one.
    page.keys("draft")
    page.keys(Keys.ARROW_UP)
    page.expect_line(PROMPT + "echo there")
    page.keys(Keys.ARROW_UP)
    page.expect_line(PROMPT + "cd")
    page.keys(Keys.ARROW_DOWN, Keys.ARROW_DOWN)
    page.expect_line(PROMPT + "draft")
    # Ctrl-U kills the line; Ctrl-C at a prompt abandons it.
    page.keys(Keys.CONTROL + "u")
    page.expect_line(PROMPT)
    before = page.prompts()
    page.keys("abandoned", Keys.CONTROL + "c")
    page.wait(f"w.prompts > {before} && w.idle()")
    assert page.screen().split("\n")[-2:] == [PROMPT + "abandoned^C", PROMPT]
    # Tab completes commands and file names, bash-style.
    page.keys("ec", Keys.TAB)
    page.wait("w.idle() && w.screenText().endsWith('$ echo ')")
    page.keys("peo", Keys.TAB)
    page.wait("w.idle() && w.screenText().endsWith('$ echo people.')")
    page.keys("c", Keys.TAB)
    page.wait("w.idle() && w.screenText().endsWith('$ echo people.csv ')")
    assert page.run("") == "people.csv"


def test_long_line_wraps_and_edits(page: Page) -> None:
    from selenium.webdriver.common.keys import Keys

    word = "x" * 150  # wider than the terminal
    assert page.js("return window.__wasmsand.cols;") < 150
    page.keys(f"echo {word}", Keys.HOME, Keys.DELETE, Keys.DELETE, Keys.DELETE, Keys.DELETE, "printf '%s\\n'")
    assert page.run("") == word


def test_multiline_here_document(page: Page) -> None:
    out = page.run("cat <<EOF\nfirst line\nsecond $((6 * 7))\nEOF", prompts=4)
    assert out == "first line\nsecond 42"
    assert "$ cat <<EOF\n> first line\n> second $((6 * 7))\n> EOF\nfirst line\n" in page.screen()
    # An open quote continues too, like bash's PS2.
    assert page.run("echo 'a\nb'", prompts=2) == "a\nb"
    assert "$ echo 'a\n> b'\na\nb\n" in page.screen()


def test_examples_run_from_the_panel(page: Page) -> None:
    buttons = page.driver.find_elements("css selector", "button.example")
    commands = [b.get_attribute("data-command") for b in buttons]
    assert any("awk" in c for c in commands)
    assert any("jq" in c for c in commands)
    assert any("python3" in c for c in commands)
    assert any("<<" in c for c in commands)
    assert any("|" in c for c in commands)

    def click(word: str) -> None:
        button = next(b for b in buttons if word in (b.get_attribute("data-command") or ""))
        command = button.get_attribute("data-command")
        before = page.prompts()
        button.click()
        page.wait(f"w.prompts >= {before + command.count(chr(10)) + 1} && w.idle()")

    click("yes wasmsand")
    assert page.screen().endswith("wasmsand\nwasmsand\nwasmsand\n141 0\n" + PROMPT)
    click("<<'EOF'")
    assert "2 notes.txt\nwasmsand runs in this page\nfiles survive a reload\n" + PROMPT in page.screen()
    # Commands still being written elsewhere either work or say they are
    # missing; either way the page carries on.
    for word in ("awk", "jq", "python3"):
        click(word)
        status = page.js("return window.__wasmsand.lastResult.status;")
        assert status in (0, 127), (word, status, page.screen()[-500:])
        if status == 127:
            assert f"bash: line 1: {word}: command not found" in page.screen()


def test_upload_and_download(page: Page, tmp_path: Path, downloads: Path) -> None:
    data = "uploaded ünïcode\nline 2\n".encode()
    source = _write(tmp_path, "up load.txt", data)
    before = page.js("return window.__wasmsand.uploads;")
    page.element("#upload-input").send_keys(str(source))
    page.wait(f"w.uploads > {before} && w.idle()")
    assert f"[wasmsand] uploaded /home/user/up load.txt ({len(data)} B)" in page.screen()
    assert page.run("wc -c 'up load.txt'") == f"{len(data)} up load.txt"
    # The file panel shows it; clicking it downloads it.
    page.wait("document.querySelector('[data-path=\"/home/user/up load.txt\"]')")
    count = page.js("return window.__wasmsand.downloads.length;")
    page.click('[data-path="/home/user/up load.txt"]')
    page.wait(f"w.downloads.length > {count}")
    got = page.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const d = window.__wasmsand.downloads.at(-1);"
        "fetch(d.url).then(r => r.text()).then(t => done([d.name, t]));"
    )
    assert got == ["up load.txt", data.decode()]
    assert _wait_file(downloads / "up load.txt") == data


def test_export_and_import(page: Page, downloads: Path) -> None:
    page.run("mkdir -p saved && echo 'kept in the export' > saved/note.txt && cd saved")
    count = page.js("return window.__wasmsand.downloads.length;")
    page.element("#export").click()
    page.wait(f"w.downloads.length > {count}")
    name = page.js("return window.__wasmsand.downloads.at(-1).name;")
    assert name.startswith("wasmsand-") and name.endswith(".wsbx")
    exported = _wait_file(downloads / name)
    assert exported[:4] == b"WSBX"
    page.run("cd; rm -r saved; echo changed > README.txt")
    imports = page.js("return window.__wasmsand.imports;")
    page.element("#import-input").send_keys(str(downloads / name))
    page.wait(f"w.imports > {imports} && w.idle()")
    assert f"[wasmsand] imported {name}" in page.screen()
    # Files and the working directory came back.
    page.expect_line("user@wasmsand:~/saved$ ")
    assert (
        page.run("cat note.txt; head -n 1 ../README.txt") == "kept in the export\nWelcome to the wasmsand playground."
    )
    # A file that is not an export is refused and changes nothing.
    bad = downloads / "not-an-export.wsbx"
    bad.write_bytes(b"hello")
    page.element("#import-input").send_keys(str(bad))
    page.wait(f"w.imports > {imports + 1} && w.idle()")
    assert "[wasmsand] cannot import not-an-export.wsbx: " in page.screen()
    assert page.run("cat note.txt; cd") == "kept in the export"


def test_ctrl_c_restarts_the_worker(page: Page) -> None:
    from selenium.webdriver.common.keys import Keys

    page.run("echo survives > before-loop.txt")
    restarts = page.js("return window.__wasmsand.restarts;")
    page.keys("while true; do :; done" + Keys.ENTER)
    time.sleep(1)
    assert not page.js("return window.__wasmsand.idle();")  # still looping
    page.keys(Keys.CONTROL + "c")
    page.wait(f"w.restarts > {restarts} && w.idle()", READY_SECONDS)
    screen = page.screen()
    assert (
        "$ while true; do :; done\n^C\n[wasmsand] Interrupted. Restarting the sandbox from its last saved state…"
        in screen
    )
    assert "[wasmsand] back in" in screen
    # The files written before the loop were restored into the new worker.
    assert page.run("cat before-loop.txt; pwd") == "survives\n/home/user"


def test_watchdog_kills_a_runaway(page: Page) -> None:
    # A guest that never returns to the shell can only be stopped by
    # terminating the worker; make the watchdog fire early to see it.
    restarts = page.js("return window.__wasmsand.restarts;")
    page.js("window.__wasmsand.limits.watchdogMs = 1500;")
    try:
        page.keys("while true; do :; done\n")
        page.wait(f"w.restarts > {restarts} && w.idle()", READY_SECONDS)
    finally:
        page.js("window.__wasmsand.limits.watchdogMs = null;")
    assert "[wasmsand] The command ran past the 30 s limit" in page.screen()
    assert page.run("cat before-loop.txt") == "survives"


def test_shell_timeout(page: Page) -> None:
    page.js("window.__wasmsand.limits.timeout = 1;")
    try:
        out = page.run("while true; do :; done")
    finally:
        page.js("window.__wasmsand.limits.timeout = 30;")
    assert out == "[wasmsand] stopped after 1 s, the playground's time limit"
    assert page.run("echo still here") == "still here"


def test_reload_keeps_files_and_history(page: Page) -> None:
    from selenium.webdriver.common.keys import Keys

    page.run("echo persisted > across-reload.txt")
    page.driver.execute_async_script(
        "const done = arguments[arguments.length - 1]; window.__wasmsand.savedState().then(() => done());"
    )
    page.load()
    assert "restored your files from" in page.screen()
    page.keys(Keys.ARROW_UP)
    page.expect_line(PROMPT + "echo persisted > across-reload.txt")
    page.keys(Keys.CONTROL + "u")
    assert page.run("cat across-reload.txt before-loop.txt") == "persisted\nsurvives"


def test_reset(page: Page) -> None:
    reset = page.element("#reset")
    reset.click()
    assert reset.text == "Sure? Click again"
    reset.click()
    page.wait("w.screenText().startsWith('[wasmsand] reset: a fresh sandbox') && w.idle()", READY_SECONDS)
    assert page.run("ls") == "README.txt\npeople.csv\npeople.json\nstats.py"
    page.driver.execute_async_script(
        "const done = arguments[arguments.length - 1]; window.__wasmsand.savedState().then(() => done());"
    )
    page.load()
    assert "restored your files from" in page.screen()
    assert page.run("ls across-reload.txt") == ("ls: cannot access 'across-reload.txt': No such file or directory")


def test_screenshot(page: Page) -> None:
    """Leaves build/artifacts/playground.png: a few commands on screen."""
    page.run("clear")
    page.run("cat README.txt | wc -lw")
    page.run('for f in *.csv *.json; do echo "$f: $(wc -l < "$f") lines"; done')
    page.run("seq 5 | wc -l; ls /nope")
    page.run("cat <<EOF > hello.txt\nhello from the browser\nEOF", prompts=3)
    page.run("ls -l")
    page.wait("w.treeVersion > 0")
    time.sleep(0.3)  # the file panel's last refresh
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert page.driver.save_screenshot(str(ARTIFACTS / "playground.png"))


def test_pyodide_from_the_cdn_by_default_and_failure_is_reported(page: Page, base_url: str) -> None:
    # The deployable page loads Pyodide from the public CDN unless told
    # otherwise (this machine cannot reach it: the tests use ?pyodide=local).
    config = (SITE / "config.js").read_text()
    assert '"default": "cdn"' in config
    assert '"cdn": "https://cdn.jsdelivr.net/pyodide/v' in config
    # A Pyodide that cannot be loaded is reported in the terminal.
    page.driver.get(f"{base_url}/index.html?pyodide=/no-such-pyodide/")
    page.wait("document.getElementById('status').textContent === 'failed'")
    assert "[wasmsand] could not start: " in page.screen()

# wasmsand: `make setup` once, then `make test`.
PYTHON ?= python3

.PHONY: setup wasm check-wasm testprogs test test-native test-browser browser-dist site lint bench bench-browser bench-playground wheel clean

setup:
	./tools/setup.sh

# Rebuild the bundled modules (wasm/) from rust/.
wasm:
	$(PYTHON) tools/build_wasm.py

# Fail if the committed modules differ from what the sources build.
check-wasm: wasm
	git diff --exit-code --stat -- wasm/

# The C and Rust WASI test programs (built, not committed).
testprogs:
	$(PYTHON) tools/build_testprogs.py

lint:
	$(PYTHON) -m ruff check src tests tools bench site
	$(PYTHON) -m ruff format --check src tests tools bench site

# The native suite on every core (pytest-xdist), then the browser suite
# (one headless Chromium at a time).
test: testprogs lint site
	$(PYTHON) -m pytest -n auto tests/native
	$(PYTHON) -m pytest tests/browser

test-native: testprogs
	$(PYTHON) -m pytest -n auto tests/native

# A local Pyodide distribution with the wasmsand wheel (build/pyodide).
browser-dist:
	$(PYTHON) tools/build_pyodide_dist.py

# The playground page (build/site): site/ + xterm.js from npm + the wheel,
# with the local Pyodide copied in for the tests (?pyodide=local).
site: browser-dist
	$(PYTHON) tools/build_site.py --pyodide build/pyodide

# The scenario corpus, host tests and the playground in headless Chromium.
test-browser: testprogs site
	$(PYTHON) -m pytest tests/browser

bench:
	$(PYTHON) bench/bench.py

bench-browser: testprogs browser-dist
	$(PYTHON) bench/bench_browser.py

# The playground's figures: page ready, a command's round trip, a restart.
bench-playground: site
	$(PYTHON) bench/bench_playground.py

wheel:
	$(PYTHON) -m pip wheel --no-deps -w dist .

clean:
	rm -rf build dist rust/target tests/programs/rust/target

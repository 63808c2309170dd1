# wasmsand: `make setup` once, then `make test`.
PYTHON ?= python3

.PHONY: setup wasm check-wasm testprogs test test-native test-browser browser-dist lint bench bench-browser wheel clean

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
	$(PYTHON) -m ruff check src tests tools bench
	$(PYTHON) -m ruff format --check src tests tools bench

# Native and browser suites in one pytest run (one summary).
test: testprogs lint browser-dist
	$(PYTHON) -m pytest tests/native tests/browser

test-native: testprogs
	$(PYTHON) -m pytest tests/native

# A local Pyodide distribution with the wasmsand wheel (build/pyodide).
browser-dist:
	$(PYTHON) tools/build_pyodide_dist.py

# The scenario corpus and host tests in headless Chromium.
test-browser: testprogs browser-dist
	$(PYTHON) -m pytest tests/browser

bench:
	$(PYTHON) bench/bench.py

bench-browser: testprogs browser-dist
	$(PYTHON) bench/bench_browser.py

wheel:
	$(PYTHON) -m pip wheel --no-deps -w dist .

clean:
	rm -rf build dist rust/target tests/programs/rust/target

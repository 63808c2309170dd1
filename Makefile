# wasmsand: `make setup` once, then `make test`.
PYTHON ?= python3

.PHONY: setup wasm check-wasm testprogs test lint bench wheel clean

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

test: testprogs lint
	$(PYTHON) -m pytest tests/native

bench:
	$(PYTHON) bench/bench.py

wheel:
	$(PYTHON) -m pip wheel --no-deps -w dist .

clean:
	rm -rf build dist rust/target tests/programs/rust/target

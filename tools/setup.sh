#!/usr/bin/env bash
# Installs what building and testing wasmsand needs on Debian 12, then the
# package itself (editable, with its dev and browser-test extras).
# Idempotent; `make setup`.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# Debian's Rust has the wasm32-wasi target (rustup's has not, offline);
# crates come from Debian's packaged registry (see rust/.cargo/config.toml).
APT_PACKAGES=(
  rustc cargo libstd-rust-dev-wasm32 wasi-libc lld clang libclang-rt-dev-wasm32 binaryen
  librust-unicode-width-dev librust-regex-dev librust-memchr-dev
  # gzip, tar -z, zip and unzip: deflate (pure-Rust miniz_oxide backend) and CRC-32.
  librust-flate2-dev librust-miniz-oxide-dev librust-crc32fast-dev
  # The awk differential cases compare with gawk (tests/native/hostbin/awk).
  gawk
  # The browser tests: headless Chromium driven by chromedriver.
  chromium chromium-driver
  # The differential tests compare our tree with the real one, and our
  # archives with Info-ZIP's zip and unzip (GNU tar and gzip are there).
  tree zip unzip
  # Reference tools the differential tests compare with, missing from a
  # minimal Debian: util-linux's rev, column and hexdump; xxd; strings; file.
  xxd bsdextrautils binutils file
  # The differential tests of jq compare with the host's jq.
  jq
  # The differential tests of patch and bc compare with GNU patch and GNU bc.
  patch bc
)
# npm fetches the Pyodide core (tools/build_pyodide_dist.py) and xterm.js
# for the playground (tools/build_site.py). An image may
# already have a Node.js with its own npm (not Debian's package): only
# install Debian's when there is no npm at all.
if ! command -v npm >/dev/null 2>&1; then
  APT_PACKAGES+=(nodejs npm)
fi
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The differential tests run the host's tools as uid 1000, the sandbox's
# user, so that permissions and owner names compare; make sure it exists.
if [ "$(id -u)" = 0 ] && ! getent passwd 1000 >/dev/null; then
  useradd -u 1000 -U -m user
fi

python3 -m pip install -q -e '.[dev,browser]'

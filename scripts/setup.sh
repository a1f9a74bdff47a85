#!/usr/bin/env bash
# Sets up a Debian machine for Tributary: system packages, npm dependencies, and the build
# (Rust N-API addon + TypeScript). Idempotent; run as root (or through sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium: the real browser the end-to-end tests watch with; fonts: the demo's clock.
APT_PACKAGES=(ffmpeg nats-server srt-tools chromium fonts-dejavu-core build-essential pkg-config ca-certificates git)
# nginx: the static-file baseline of the edge fan-out benchmark (bench/).
APT_PACKAGES+=(nginx-light)
# mediasoup's C++ worker, built from source by scripts/build-mediasoup-worker.sh against these.
APT_PACKAGES+=(ninja-build python3-venv libuv1-dev libssl-dev libabsl-dev libsrtp2-dev libflatbuffers-dev flatbuffers-compiler)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

need() { command -v "$1" >/dev/null || { echo "setup: $1 is required: $2" >&2; exit 1; }; }
need node "Node.js 20.19 or newer"
need cargo "Rust 1.80 or newer with clippy and rustfmt (rustup)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || { echo "setup: Node.js 20.19 or newer is required (found $(node --version))" >&2; exit 1; }
# nats-server lives in /usr/sbin on Debian, which a non-root PATH may lack.
command -v nats-server >/dev/null || export PATH="$PATH:/usr/sbin"

# `npm install`, not `npm ci`: the registry mirrors reachable here lack turbo's macOS and
# Windows binaries, which `npm ci` insists on finding in the lock file. Install keeps to
# the lock's versions and leaves it unchanged.
# MEDIASOUP_WORKER_BIN makes mediasoup's postinstall skip: it would otherwise try to download
# a prebuilt worker from GitHub, then to build one with downloads, and fail `npm install`.
# The worker comes from scripts/build-mediasoup-worker.sh below, at mediasoup's default path.
echo "setup: npm install"
MEDIASOUP_WORKER_BIN="$PWD/node_modules/mediasoup/worker/out/Release/mediasoup-worker" \
  npm install --no-audit --no-fund --loglevel=error
echo "setup: mediasoup worker (built once from source, then taken from the cache)"
bash scripts/build-mediasoup-worker.sh
echo "setup: building the Rust packager and the TypeScript packages"
npm run build --silent
echo "setup: done"

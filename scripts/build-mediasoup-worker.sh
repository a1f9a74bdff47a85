#!/usr/bin/env bash
# Builds mediasoup's C++ worker (mediasoup-worker) from the source inside the installed npm
# package, caches it outside the clone, and installs it where mediasoup's Node code looks by
# default: node_modules/mediasoup/worker/out/Release/mediasoup-worker (so no
# MEDIASOUP_WORKER_BIN is needed at run time). Idempotent; scripts/setup.sh runs it after
# `npm install`. More in scripts/mediasoup/README.md.
#
# Why each step exists:
# - No download. mediasoup's own install step fetches a prebuilt worker from GitHub or builds
#   with Meson wraps that download libuv, OpenSSL, libsrtp 3, flatbuffers and abseil. Neither
#   works here (only package registries are reachable), so setup.sh runs `npm install` with
#   MEDIASOUP_WORKER_BIN set, which makes that postinstall skip. The npm tarball does ship the
#   worker's own sources and meson.build.
# - Meson from PyPI (pinned, in a venv in the cache): the worker needs meson >= 1.1; Debian
#   bookworm has 1.0.1. Ninja and the compiler come from Debian.
# - Subprojects forward to Debian's -dev packages: the worker's meson.build calls subproject()
#   for each library, and the tarball has only the .wrap files. For each folder in
#   scripts/mediasoup/subprojects/ the script creates the folder the wrap names (its
#   `directory`), so Meson uses it and never needs the wrap's download; each holds a small
#   meson.build that declares the variables the worker reads, through dependency(). Two are
#   more than forwarding: libsrtp3 (Debian has libsrtp 2; include/srtp.h adapts the libsrtp 3
#   calls the worker makes) and unordered-dense (not packaged by Debian; our own header maps
#   its map/set/hash onto the standard containers).
# - Patches (scripts/mediasoup/patches/*.patch) apply to a copy of the worker source in the
#   cache, never to node_modules: dtls-bio-callback-return.patch fixes the DTLS BIO write
#   callback, which otherwise crashes the worker (SIGSEGV) on the first DTLS ClientHello with
#   Debian's OpenSSL 3.0. A patch that no longer applies fails the build: re-check it.
# - Only the `mediasoup-worker` target, release build, no tests/fuzzer. Then a smoke test:
#   Node starts the built worker and creates a router and a WebRTC transport through it.
# - Cache: ${TRIBUTARY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tributary}/mediasoup-worker/
#   <mediasoup version>-<hash>/mediasoup-worker, the hash covering this script, the files in
#   scripts/mediasoup/ (README excepted) and the Debian versions of the compiler and libraries
#   built against. A hit only copies the binary (and runs the smoke test); a miss builds
#   (7-12 minutes on 2 cores). A lock serialises concurrent runs.
# Set TRIBUTARY_KEEP_MEDIASOUP_BUILD=1 to keep the build folder after a successful build.
set -euo pipefail

MESON_VERSION=1.12.0 # what mediasoup 3.27's worker/tasks.py pins
# Debian packages built against; their versions are part of the cache key.
BUILD_DEBS=(g++ libuv1-dev libssl-dev libabsl-dev libsrtp2-dev libflatbuffers-dev flatbuffers-compiler)
# Further Debian packages needed only to build.
TOOL_DEBS=(ninja-build pkg-config python3-venv patch)

log() { echo "mediasoup-worker: $*"; }
die() {
  echo "mediasoup-worker: ERROR: $*" >&2
  exit 1
}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SELF="$REPO/scripts/build-mediasoup-worker.sh"
ADAPTERS="$REPO/scripts/mediasoup"
# mediasoup resolved as the edge service resolves it (npm hoists it to the root node_modules).
RESOLVE_FROM="$REPO/packages/edge"

command -v node >/dev/null || die "node is required"
command -v dpkg-query >/dev/null || die "this script expects a Debian system (dpkg-query)"

MS_DIR=$(cd "$RESOLVE_FROM" && node -p \
  "require('path').resolve(require.resolve('mediasoup'), '..', '..', '..')" 2>/dev/null) \
  || die "mediasoup is not installed (run npm install first)"
MS_VERSION=$(node -p "require(process.argv[1]).version" "$MS_DIR/package.json")
[ -f "$MS_DIR/worker/meson.build" ] || die "$MS_DIR has no worker/meson.build"
DEST="$MS_DIR/worker/out/Release/mediasoup-worker"

missing=()
for pkg in "${BUILD_DEBS[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] || die "missing Debian packages: ${missing[*]} (apt-get install them; scripts/setup.sh does)"

# The cache key: everything that can change the binary.
key_input() {
  echo "mediasoup $MS_VERSION $(uname -m)"
  sha256sum <"$SELF"
  (cd "$ADAPTERS" && find . -type f ! -name '*.md' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  dpkg-query -W -f='${Package} ${Version}\n' "${BUILD_DEBS[@]}"
}
HASH=$(key_input | sha256sum | cut -c1-12)
KEY="$MS_VERSION-$HASH"
CACHE_ROOT="${TRIBUTARY_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:?set HOME or TRIBUTARY_CACHE_DIR}/.cache}/tributary}"
WORKER_CACHE="$CACHE_ROOT/mediasoup-worker"
CACHED_BIN="$WORKER_CACHE/$KEY/mediasoup-worker"

mkdir -p "$WORKER_CACHE"
exec 9>"$WORKER_CACHE/.lock"
if ! flock -n 9; then
  log "waiting for another run to finish (lock $WORKER_CACHE/.lock)"
  flock 9
fi

# Starts the worker through mediasoup's Node API (with `bin`, or the default path when empty)
# and creates a router and a WebRTC transport: proves the binary runs and speaks the channel
# protocol of this mediasoup version.
smoke_test() {
  local bin=$1
  (
    cd "$RESOLVE_FROM"
    if [ -n "$bin" ]; then export MEDIASOUP_WORKER_BIN="$bin"; else unset MEDIASOUP_WORKER_BIN; fi
    # shellcheck disable=SC2016 # JavaScript, not shell, in single quotes
    timeout 60 node -e '
      const ms = require("mediasoup");
      (async () => {
        const worker = await ms.createWorker({ logLevel: "warn" });
        const router = await worker.createRouter({
          mediaCodecs: [{ kind: "video", mimeType: "video/VP8", clockRate: 90000 }],
        });
        const transport = await router.createWebRtcTransport({
          listenInfos: [{ protocol: "udp", ip: "127.0.0.1" }],
        });
        if (transport.dtlsParameters.fingerprints.length === 0) throw new Error("no DTLS fingerprints");
        worker.close();
        console.log(`mediasoup-worker: smoke test passed (mediasoup ${ms.version}, worker pid ${worker.pid})`);
      })().catch((e) => { console.error(e); process.exit(1); });
    '
  )
}

install_cached() {
  if cmp -s "$CACHED_BIN" "$DEST"; then
    log "already installed: $DEST"
  else
    mkdir -p "$(dirname "$DEST")"
    cp "$CACHED_BIN" "$DEST.tmp.$$"
    chmod 0755 "$DEST.tmp.$$"
    mv -f "$DEST.tmp.$$" "$DEST"
    log "installed $DEST"
  fi
  smoke_test "" || die "the installed worker fails the smoke test (cache entry: $WORKER_CACHE/$KEY; delete it to rebuild)"
}

if [ -x "$CACHED_BIN" ]; then
  log "cache hit: $CACHED_BIN"
  install_cached
  exit 0
fi

# ---- cache miss: build ----
log "cache miss: building mediasoup $MS_VERSION worker (key $KEY; takes several minutes)"
SECONDS=0
missing=()
for pkg in "${TOOL_DEBS[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] || die "missing Debian packages: ${missing[*]} (apt-get install them; scripts/setup.sh does)"
for tool in c++ ninja pkg-config flatc python3 patch; do
  command -v "$tool" >/dev/null || die "$tool not found on PATH"
done

# Meson, pinned, in a venv of its own (marker file: a half-made venv is made again).
MESON_VENV="$CACHE_ROOT/tools/meson-$MESON_VERSION"
MESON="$MESON_VENV/bin/meson"
if [ ! -f "$MESON_VENV/.complete" ]; then
  log "phase 1/5: installing meson $MESON_VERSION from PyPI into $MESON_VENV"
  rm -rf "$MESON_VENV"
  python3 -m venv "$MESON_VENV"
  "$MESON_VENV/bin/pip" install --quiet --disable-pip-version-check --no-input "meson==$MESON_VERSION"
  touch "$MESON_VENV/.complete"
else
  log "phase 1/5: meson $MESON_VERSION already in $MESON_VENV"
fi
[ "$("$MESON" --version)" = "$MESON_VERSION" ] || die "$MESON is not meson $MESON_VERSION"

# Build folders left by earlier failed builds (kept for inspection until now).
rm -rf "$WORKER_CACHE"/build-*
WORK="$WORKER_CACHE/build-$KEY"
SRC="$WORK/worker"
BUILD="$WORK/build"
LOG="$WORK/build.log"
rm -rf "$WORK"
mkdir -p "$WORK"
: >"$LOG"
fail() {
  echo "mediasoup-worker: ERROR: $*; last lines of $LOG:" >&2
  tail -n 60 "$LOG" >&2 || true
  echo "mediasoup-worker: the build folder is kept for inspection: $WORK" >&2
  exit 1
}

log "phase 2/5: copying the worker source to $SRC and applying patches"
cp -a "$MS_DIR/worker" "$SRC"
rm -rf "$SRC/out"
for p in "$ADAPTERS"/patches/*.patch; do
  [ -e "$p" ] || continue
  patch -d "$SRC" -p1 --forward --batch --fuzz=0 --no-backup-if-mismatch <"$p" >>"$LOG" 2>&1 \
    || fail "patch $(basename "$p") does not apply to mediasoup $MS_VERSION (see scripts/mediasoup/README.md)"
  log "  applied $(basename "$p")"
done

log "phase 3/5: laying out subprojects that forward to Debian's libraries"
for shim in "$ADAPTERS"/subprojects/*/; do
  name=$(basename "$shim")
  wrap="$SRC/subprojects/$name.wrap"
  [ -f "$wrap" ] || fail "mediasoup $MS_VERSION has no subprojects/$name.wrap (scripts/mediasoup/subprojects/$name is stale)"
  dir=$(sed -n -E 's/^directory[[:space:]]*=[[:space:]]*([^[:space:]]+).*/\1/p' "$wrap" | head -n 1)
  [ -n "$dir" ] || fail "no directory in $wrap"
  patchdir=$(sed -n -E 's/^patch_directory[[:space:]]*=[[:space:]]*([^[:space:]]+).*/\1/p' "$wrap" | head -n 1)
  mkdir -p "$SRC/subprojects/$dir"
  # The wrap's own packagefiles (shipped in the tarball) first; ours on top.
  if [ -n "$patchdir" ]; then
    [ -d "$SRC/subprojects/packagefiles/$patchdir" ] || fail "$wrap names packagefiles/$patchdir, which is not shipped"
    cp -a "$SRC/subprojects/packagefiles/$patchdir/." "$SRC/subprojects/$dir/"
  fi
  cp -a "$shim." "$SRC/subprojects/$dir/"
  log "  subprojects/$dir <- scripts/mediasoup/subprojects/$name"
done

log "phase 4/5: meson setup (release, --wrap-mode=nodownload)"
(cd "$SRC" && "$MESON" setup "$BUILD" --wrap-mode=nodownload --buildtype=release -Db_ndebug=true \
  -Dms_build_tests=false -Dms_build_fuzzer=false) >>"$LOG" 2>&1 \
  || fail "meson setup failed"

log "phase 5/5: compiling mediasoup-worker (progress every 50 steps; full log: $LOG)"
# ninja's "[done/total]" lines go to the log; every 50th is echoed so CI sees progress.
ninja -C "$BUILD" mediasoup-worker 2>&1 | tee -a "$LOG" \
  | awk '/^\[[0-9]+\/[0-9]+\]/ && ++n % 50 == 0 { print "mediasoup-worker:   " $1; fflush() }' \
  || fail "compilation failed"
BIN="$BUILD/mediasoup-worker"
[ -x "$BIN" ] || fail "the build produced no $BIN"
if ldd "$BIN" | grep -q "not found"; then
  ldd "$BIN" >>"$LOG" 2>&1
  fail "the worker links against missing shared libraries"
fi
smoke_test "$BIN" || fail "the built worker fails the smoke test"

# Into the cache atomically: a half-written entry is never a hit.
entry_tmp="$WORKER_CACHE/.$KEY.tmp.$$"
rm -rf "$entry_tmp"
mkdir -p "$entry_tmp"
cp "$BIN" "$entry_tmp/mediasoup-worker"
{
  echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) in ${SECONDS}s with meson $MESON_VERSION from $MS_DIR/worker"
  key_input
} >"$entry_tmp/build-info.txt"
rm -rf "${WORKER_CACHE:?}/$KEY"
mv "$entry_tmp" "$WORKER_CACHE/$KEY"
log "built in ${SECONDS}s; cached as $CACHED_BIN"
if [ "${TRIBUTARY_KEEP_MEDIASOUP_BUILD:-}" != 1 ]; then
  rm -rf "$WORK"
fi

install_cached

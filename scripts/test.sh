#!/usr/bin/env bash
# The one test command (README, CI): Rust format, lints and tests; the N-API binding
# rebuilt and checked against the committed loader; ESLint and tsc; vitest (unit and
# integration with real ffmpeg and nats-server). Ends with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v nats-server >/dev/null || export PATH="$PATH:/usr/sbin"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

step() { echo; echo "== $*"; }

step "rustfmt"
cargo fmt --all --check
step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo test"
cargo test --workspace --locked 2>&1 | tee "$logs/cargo.txt"

step "build (N-API addon, TypeScript)"
npm run build --silent
# The generated loader and .d.ts are committed: a build must not change them.
generated=(packages/packager/index.js packages/packager/index.d.ts packages/srt/index.js packages/srt/index.d.ts)
if [ -n "$(git status --porcelain -- "${generated[@]}")" ]; then
  git --no-pager diff -- "${generated[@]}" | head -50
  echo "The N-API loader or .d.ts changed in the build: commit the regenerated files." >&2
  exit 1
fi

step "eslint + tsc"
npx eslint . --max-warnings 0
npx turbo run typecheck --output-logs=errors-only

step "vitest"
status=0
npx vitest run --reporter=default --reporter=json --outputFile="$logs/vitest.json" || status=$?

node -e '
  const fs = require("fs");
  const v = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  const cargo = fs.readFileSync(process.argv[2], "utf8");
  let passed = v.numPassedTests, failed = v.numFailedTests, skipped = v.numPendingTests + v.numTodoTests;
  for (const m of cargo.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/g)) {
    passed += +m[1]; failed += +m[2]; skipped += +m[3];
  }
  console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$logs/vitest.json" "$logs/cargo.txt"
exit "$status"

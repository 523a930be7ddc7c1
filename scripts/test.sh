#!/usr/bin/env bash
# The project's test command (`npm test`): every suite, then one closing line
# "N passed, N failed, N skipped" summed over all of them.
#   scripts/test.sh            all suites (unit, policy, app, integration)
#   scripts/test.sh --fast     unit and policy tests only (no servers, no engine)
set -uo pipefail
cd "$(dirname "$0")/.."

fast=0
[ "${1:-}" = "--fast" ] && fast=1
passed=0 failed=0 skipped=0
summary=()

# Runs one suite, echoes its output, and adds its counts. A suite that exits
# non-zero without reporting a failing test counts as one failure, so a crash
# is never mistaken for success.
run_suite() {
  local name=$1; shift
  local log; log=$(mktemp)
  echo "=== $name: $*"
  local start=$SECONDS
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local p f s
  # mocha: "12 passing", "1 failing", "2 pending"; plain: "12 passed, 1 failed, 2 skipped"
  p=$(grep -Eo '^[[:space:]]*[0-9]+ passing' "$log" | grep -Eo '[0-9]+' | tail -1)
  f=$(grep -Eo '^[[:space:]]*[0-9]+ failing' "$log" | grep -Eo '[0-9]+' | tail -1)
  s=$(grep -Eo '^[[:space:]]*[0-9]+ pending' "$log" | grep -Eo '[0-9]+' | tail -1)
  if [ -z "$p" ] && grep -Eq '^[0-9]+ passed, [0-9]+ failed' "$log"; then
    local line; line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    p=$(echo "$line" | grep -Eo '^[0-9]+')
    f=$(echo "$line" | grep -Eo '[0-9]+ failed' | grep -Eo '[0-9]+')
    s=$(echo "$line" | grep -Eo '[0-9]+ skipped' | grep -Eo '[0-9]+')
  fi
  p=${p:-0} f=${f:-0} s=${s:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "!!! $name exited with code $rc without reporting a failing test: counted as one failure"
    f=1
  fi
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  summary+=("$(printf '%-12s %4d passed %3d failed %3d skipped %5ds' "$name" "$p" "$f" "$s" $((SECONDS - start)))")
  rm -f "$log"
}

run_suite unit npx mocha
if [ "$fast" -eq 0 ]; then
  run_suite app npm --prefix app test --silent
  run_suite integration npx mocha --config .mocharc.integration.json
fi

echo
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Adds up the test counts of a `make test` run (cargo test's "test result:" lines and vitest's
# "Tests" line) and prints one closing line "tests: N passed, N failed" for people and CI.
set -euo pipefail
passed=0
failed=0
for log in "$@"; do
  [[ -f "$log" ]] || continue
  while read -r p f; do
    passed=$((passed + p))
    failed=$((failed + f))
  done < <(sed -nE 's/.*test result: [a-zA-Z]+\. ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/p' "$log")
  # vitest: " Tests  101 passed (101)" or " Tests  2 failed | 99 passed (101)"
  while read -r line; do
    p=$(sed -nE 's/.* ([0-9]+) passed.*/\1/p' <<<"$line")
    f=$(sed -nE 's/.* ([0-9]+) failed.*/\1/p' <<<"$line")
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
  done < <(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^ *Tests +[0-9]' || true)
done
echo "tests: ${passed} passed, ${failed} failed"
[[ "$failed" -eq 0 && "$passed" -gt 0 ]]

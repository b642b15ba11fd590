#!/usr/bin/env bash
# Restores, builds (warnings are errors) and runs every test project, then prints one summary line.
set -euo pipefail
cd "$(dirname "$0")"

results=TestResults
rm -rf "$results"
dotnet build Netipsec.sln -c Release --nologo -v quiet
dotnet test Netipsec.sln -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" && status=0 || status=$?

passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get notExecuted)))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"

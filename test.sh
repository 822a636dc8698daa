#!/usr/bin/env bash
# The whole test suite: installs the interop peers, then runs every test project.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-test-deps.sh
log="$(mktemp)"
set +e
# A test host that makes no progress for 10 minutes is stopped and reported, so a hang fails the run instead of stalling it.
dotnet test BitTorrent.slnx -c Release --nologo --blame-hang-timeout 10m --blame-hang-dump-type none 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line over all test projects, counted from dotnet test's per-project summaries.
awk '/(Passed|Failed)! +- Failed:/ {
       gsub(",", ""); for (i = 1; i <= NF; i++) {
         if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"

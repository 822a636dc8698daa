#!/usr/bin/env bash
# The soak (RELIABILITY.md, "Soak"): 200 of our wires on loopback TCP requesting verified blocks from each other, or
# (--mode swarm) a seeding engine and four leeching engines downloading a torrent again and again, for N minutes, with
# the heap and RSS sampled after warm-up. Exits non-zero when a check fails.
#
#   scripts/soak.sh                      # 10 minutes, 200 wires
#   scripts/soak.sh 30                   # 30 minutes
#   scripts/soak.sh 10 --mode swarm      # the engine swarm; any other soak option passes through
#
# The curve (CSV) and the summary go to bench/results/soak/<mode>-<minutes>min.{csv,txt}.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-10}"
shift $(( $# > 0 ? 1 : 0 ))
mode=wires
for ((i = 1; i <= $#; i++)); do
  if [[ "${!i}" == "--mode" ]]; then j=$((i + 1)); mode="${!j}"; fi
done
out="bench/results/soak"
mkdir -p "$out"
dotnet build bench/BitTorrent.Soak -c Release --nologo -v quiet
set +e
dotnet bench/BitTorrent.Soak/bin/Release/net10.0/BitTorrent.Soak.dll --wires 200 --minutes "$minutes" \
  --csv "$out/$mode-${minutes}min.csv" "$@" | tee "$out/$mode-${minutes}min.txt"
status=${PIPESTATUS[0]}
set -e
exit "$status"

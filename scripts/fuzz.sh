#!/usr/bin/env bash
# Coverage-guided fuzzing with AFL++ (Debian afl-fuzz) and SharpFuzz.
#
#   scripts/fuzz.sh <target[,target...]|all> <minutes>              afl-fuzz on each target in turn, <minutes> each
#   scripts/fuzz.sh --in-process <target[,target...]|all> <minutes> the mutation loop inside the .NET process (no AFL)
#
# It builds fuzz/BitTorrent.Fuzz in Release into fuzz/out/bin, rewrites our library assemblies with
# SharpFuzz's coverage instrumentation (the SharpFuzz.CommandLine tool, installed into fuzz/out/tools), and runs
# afl-fuzz with fuzz/corpus/<target> as seeds. Every crash and hang AFL saves is copied to
# fuzz/regressions/<target>/, which the test project replays. A summary line per target (executions, coverage of the
# AFL map, crashes, hangs) is appended to fuzz/out/summary.txt. One target runs at a time.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

mode=afl
if [ "${1:-}" = "--in-process" ]; then mode=in-process; shift; fi
target="${1:?usage: scripts/fuzz.sh [--in-process] <target|all> <minutes>}"
minutes="${2:?usage: scripts/fuzz.sh [--in-process] <target|all> <minutes>}"
out="$root/fuzz/out"
bin="$out/bin"
mkdir -p "$out"

dotnet build fuzz/BitTorrent.Fuzz -c Release --nologo -v q -o "$bin" >/dev/null
targets=$(dotnet "$bin/BitTorrent.Fuzz.dll" list)
[ "$target" = all ] || targets="${target//,/ }"

if [ "$mode" = afl ]; then
  if ! command -v afl-fuzz >/dev/null; then
    echo "fuzz: installing afl++ from Debian"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
  fi
  [ -x "$out/tools/sharpfuzz" ] || dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$out/tools" >/dev/null
  # Instrument a copy, so the plain build stays usable for replays.
  rm -rf "$out/instrumented" && cp -r "$bin" "$out/instrumented"
  for dll in "$out"/instrumented/BitTorrent.*.dll; do
    case "$(basename "$dll")" in BitTorrent.Fuzz.dll) continue ;; esac
    "$out/tools/sharpfuzz" "$dll" >/dev/null
  done
fi

for t in $targets; do
  mkdir -p "fuzz/regressions/$t"
  if [ "$mode" = in-process ]; then
    dotnet "$bin/BitTorrent.Fuzz.dll" mutate "$t" $((minutes * 60)) "fuzz/corpus/$t" "fuzz/regressions/$t" | tee -a "$out/summary.txt" || true
    continue
  fi
  findings="$out/afl/$t"
  rm -rf "$findings" && mkdir -p "$out/afl"
  # .NET is not an AFL-compiled binary, crashes surface as exceptions, and the machine is shared: skip AFL's host checks.
  AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
    AFL_FORKSRV_INIT_TMOUT=60000 DOTNET_TieredPGO=0 \
    afl-fuzz -i "fuzz/corpus/$t" -o "$findings" -t 10000 -m none -V $((minutes * 60)) \
      -- "$(command -v dotnet)" "$out/instrumented/BitTorrent.Fuzz.dll" "$t" > "$out/afl-$t.log" 2>&1 || true
  stats="$findings/default/fuzzer_stats"
  if [ -f "$stats" ]; then
    get() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
    echo "$t: $(get execs_done) executions in $(get run_time) s, map coverage $(get bitmap_cvg), corpus $(get corpus_count), crashes $(get saved_crashes), hangs $(get saved_hangs)" | tee -a "$out/summary.txt"
  else
    echo "$t: afl-fuzz did not start; see $out/afl-$t.log" | tee -a "$out/summary.txt"
  fi
  for f in "$findings"/default/crashes/id:* "$findings"/default/hangs/id:*; do
    [ -f "$f" ] || continue
    cp "$f" "fuzz/regressions/$t/$(sha1sum "$f" | cut -c1-16)"
  done
done

#!/usr/bin/env bash
# Coverage-guided fuzzing of SecureChat's parsers and responder handshake with AFL++ and SharpFuzz.
#   fuzz/run-afl.sh [SECONDS_PER_TARGET] [TARGET...]      (default: 300 s each for frames, responder, inner)
# Needs afl++ (Debian: apt-get install afl++) and installs the SharpFuzz instrumenter into fuzz/.tools.
# Everything it makes goes to fuzz/.work (ignored by git): the instrumented build, the recorded
# conversation and seed corpus, and AFL's findings per target. It prints AFL's figures for each target.
set -euo pipefail

cd "$(dirname "$0")/.."
seconds="${1:-300}"
shift || true
targets=("${@:-frames}")
[ "$#" -eq 0 ] && targets=(frames responder inner)

work="fuzz/.work"
plain="$work/plain"   # as built: records the conversation (instrumented code only runs under afl-fuzz)
bin="$work/afl"       # the same build, instrumented

command -v afl-fuzz >/dev/null || { echo "afl-fuzz is missing: apt-get install afl++" >&2; exit 69; }
if [ ! -x fuzz/.tools/sharpfuzz ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path fuzz/.tools
fi

rm -rf "$plain" "$bin"
dotnet build fuzz/SecureChat.Fuzz -c Release -o "$plain" >/dev/null
cp -r "$plain" "$bin"
# Instrument the code under test (not the harness, not the framework): every branch in these two
# assemblies reports to AFL's coverage map.
fuzz/.tools/sharpfuzz "$bin/SecureChat.Protocol.dll"
fuzz/.tools/sharpfuzz "$bin/SecureChat.Crypto.dll"

[ -d "$work/setup" ] || dotnet "$plain/SecureChat.Fuzz.dll" init "$work"

export AFL_SKIP_BIN_CHECK=1                     # the target is `dotnet`, not an AFL-compiled binary
export AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1     # a shared machine: no governor or core of our own
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1  # core_pattern belongs to the host, not to us
export AFL_NO_UI=1                              # plain status lines, fit for a log
for target in "${targets[@]}"; do
  out="$work/findings/$target"
  rm -rf "$out"; mkdir -p "$work/findings"
  # -t: an input may take 5 s (a hang beyond); -m none: the .NET runtime reserves far more than AFL's default.
  afl-fuzz -V "$seconds" -t 5000 -m none -i "$work/corpus/$target" -o "$out" \
    -- dotnet "$bin/SecureChat.Fuzz.dll" afl "$target" "$work" > "$work/$target.log" 2>&1 || true
  stats="$out/default/fuzzer_stats"
  if [ -f "$stats" ]; then
    echo "== $target"
    grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|bitmap_cvg|edges_found|total_edges|stability) ' "$stats"
  else
    echo "== $target: afl-fuzz did not start; see $work/$target.log" >&2
    tail -n 20 "$work/$target.log" >&2
  fi
done

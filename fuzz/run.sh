#!/usr/bin/env bash
# Fuzzes one Netipsec parser with AFL++ through SharpFuzz for a bounded time.
#   fuzz/run.sh <target> [seconds]      e.g. fuzz/run.sh packet 300
# Findings land in fuzz/findings/<target>/ (ignored by git); a crash there is a bug: reproduce it on a plain
# (uninstrumented) build with
#   dotnet build fuzz/Netipsec.Fuzz && dotnet fuzz/Netipsec.Fuzz/bin/Debug/net10.0/Netipsec.Fuzz.dll <target> replay fuzz/findings/<target>/default/crashes
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz/run.sh <target> [seconds]}
seconds=${2:-120}

command -v afl-fuzz >/dev/null || { apt-get update -qq && apt-get install -y -qq afl++ >/dev/null; }
tools=fuzz/.tools
[ -x "$tools/sharpfuzz" ] || dotnet tool install --tool-path "$tools" SharpFuzz.CommandLine >/dev/null

out=fuzz/Netipsec.Fuzz/bin/Release/net10.0
dotnet build fuzz/Netipsec.Fuzz -c Release --nologo -v quiet

# Seeds come from the plain build: instrumented code only runs under afl-fuzz, which provides its shared memory.
seeds=fuzz/findings/$target.seeds
rm -rf "$seeds" && dotnet "$out/Netipsec.Fuzz.dll" "$target" seeds "$seeds"
for library in Netipsec Netipsec.PfKey Netipsec.Cli; do             # instrument the libraries under test, in place
  "$tools/sharpfuzz" "$out/$library.dll" >/dev/null
done
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1
afl-fuzz -V "$seconds" -i "$seeds" -o "fuzz/findings/$target" -t 5000 -m none -- dotnet "$out/Netipsec.Fuzz.dll" "$target"
crashes=$(find "fuzz/findings/$target/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
echo "fuzz $target: $crashes crashes in ${seconds}s"
[ "$crashes" -eq 0 ]

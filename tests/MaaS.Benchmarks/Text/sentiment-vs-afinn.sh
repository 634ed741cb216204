#!/usr/bin/env bash
# Sentiment in process, one thread, on the MR sentences: the npm `sentiment` package (AFINN-165, peers/node-sentiment)
# against the shipped model (span featurizer + C# twin, sentiment-inproc), interleaved A, B, A, B... so machine drift
# hits both; prints each side's sentences/s and accuracy per round, and the ratio .NET / AFINN per round.
# Usage: tests/MaaS.Benchmarks/Text/sentiment-vs-afinn.sh [seconds per side and round, default 5] [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/../../.."
seconds="${1:-5}"; rounds="${2:-3}"
# The shared data sit beside the repository (../shared), or beside the worktrees' folder for a git worktree.
for shared in ../shared ../../shared; do [ -d "$shared/data/sentiment/mr" ] && break; done
mr="$(cd "$shared/data/sentiment/mr" && pwd)"
peer=tests/MaaS.Benchmarks/peers/node-sentiment
[ -d "$peer/node_modules/sentiment" ] || npm ci --prefix "$peer" --no-audit --no-fund >/dev/null
dotnet build tests/MaaS.Benchmarks -c Release -nologo -v q >/dev/null
bench="tests/MaaS.Benchmarks/bin/Release/net10.0/MaaS.Benchmarks.dll"
echo "$rounds rounds x ${seconds}s per side, one thread each, $(nproc) cores, $(date -u +%FT%TZ)"
for round in $(seq 1 "$rounds"); do
  afinn="$(node "$peer/bench.js" "$mr" "$seconds")"
  dotnet_line="$(dotnet "$bench" sentiment-inproc "$mr" "$seconds")"
  echo "round $round: $afinn"
  echo "round $round: $dotnet_line"
  a="$(sed -E 's/.*sentences\/s: ([0-9]+).*/\1/' <<<"$afinn")"; d="$(sed -E 's/.*sentences\/s: ([0-9]+).*/\1/' <<<"$dotnet_line")"
  awk -v r="$round" -v a="$a" -v d="$d" 'BEGIN { printf "round %d: .NET / AFINN = %.2fx\n", r, d / a }'
done

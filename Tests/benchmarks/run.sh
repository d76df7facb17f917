#!/usr/bin/env bash
# The speed targets of README "Performance", measured in release mode on this machine:
#   1. decoding and caching 1,000,000 history rows from SQL API partitions already fetched (target ≥ 300,000 rows/s),
#      against a plain Python json + sqlite3 load of the same bodies;
#   2. the report over 1,000 pools × 365 days of hourly rows (target < 2 s, peak memory < 200 MB), and the what-if
#      re-pricing of the same cache under two policies (target < 2 s).
#   3. 50 result partitions of 100 ms each, fetched one at a time and with the partition window (target: a quarter
#      of the sequential time at most);
#   4. 10 accounts whose every request takes 1 s, one alone and all at once (target: at most 1.5 × one account);
#      before that, one account's statements one at a time and 4 at once (--max-statements), same latency;
#   5. the incremental pull against the emulator's large mode: Tests/benchmarks/pull_incremental.sh (run on its own).
# Run: Tests/benchmarks/run.sh   (about 3 minutes after the release build)
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product spcs-cost-bench >/dev/null
bench="$(swift build -c release --show-bin-path)/spcs-cost-bench"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in 1 2 3; do "$bench" decode-cache --rows 1000000; done
"$bench" decode-cache --rows 1000000 --write-bodies "$work/bodies" >/dev/null
for i in 1 2 3; do python3 Tests/benchmarks/decode_cache.py "$work/bodies"; done
"$bench" make-cache --pools 1000 --days 365 --cache "$work/big.sqlite"
for i in 1 2 3; do "$bench" report --cache "$work/big.sqlite"; done
for i in 1 2 3; do "$bench" whatif --cache "$work/big.sqlite"; done
"$bench" partitions --partitions 50 --latency 100
"$bench" accounts --accounts 10 --latency 1000 --max-accounts 10

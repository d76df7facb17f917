#!/usr/bin/env bash
# The incremental pull of README "Performance": `spcs-cost pull` (release build) of the last 24 hours for 1,000 pools
# into a year-old cache, against the snowflake-emulator's large mode (1,000 pools × 365 days, 7.8 million hourly
# rows; target < 5 s).
#   1. generates the large data set (about 30 s) and builds the emulator's SQLite file once (about 80 s);
#   2. fills a cache with the year by pulling it a month at a time (the emulator restarted with --now at each month's
#      end, so no pull holds more than a month of rows);
#   3. runs the nightly pull three times, each on a fresh copy of the year-old cache, with the emulator's clock one
#      day after the cache's newest hour: the default 24-hour lookback plus the new day, 48 hours × 1,000 pools.
# Run: Tests/benchmarks/pull_incremental.sh   (about 10 minutes after the release build)
# Needs: python3 with `cryptography`; ../shared/snowflake-emulator (or SNOWFLAKE_EMULATOR).
set -euo pipefail
cd "$(dirname "$0")/../.."
emulator=${SNOWFLAKE_EMULATOR:-$PWD/../shared/snowflake-emulator}
swift build -c release --product spcs-cost >/dev/null
bin="$(swift build -c release --show-bin-path)/spcs-cost"
work=$(mktemp -d)
pid=""
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
install -m 0600 "$emulator/sample-data/keys/test_rsa_key.p8" "$work/rsa_key.p8"
source Tests/acceptance/emulator.sh

python3 "$emulator/gen_history.py" --out "$work/data" --synthetic-pools 1000 --start 2024-04-01 --days 365 >/dev/null

serve() { # serve NOW -> restarts the emulator with its clock at NOW and writes the connection
    [[ -n "$pid" ]] && { kill "$pid"; wait "$pid" 2>/dev/null || true; }
    EMULATOR_START_SECONDS=300 emulator_start "$work/emulator" --data "$work/data" --cache "$work/emulator.sqlite" --now "$1"
    pid=$emulator_pid
    rm -f "$work/home/connections.toml"
    emulator_connection "$work/home/connections.toml" large "myorg-spcs_dev"
}

pull() { SNOWFLAKE_HOME="$work/home" "$bin" pull -c large --cache "$@" 2>/dev/null; }
cat > "$work/summary.py" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"{sys.argv[2]}{s['historyRows']} hourly rows ({s['inserted']} new), window {s['windowStart']} to {s['windowEnd']}, "
      f"{s['durationMilliseconds']} ms inside")
PY

# 2. The year, a month at a time: [2024-04-01, 2024-05-01), ..., [2025-03-01, 2025-03-31).
since=2024-04-01
for until in 2024-05-01 2024-06-01 2024-07-01 2024-08-01 2024-09-01 2024-10-01 2024-11-01 2024-12-01 2025-01-01 \
             2025-02-01 2025-03-01 2025-03-31; do
    serve "${until}T00:00:00Z"
    pull "$work/year.sqlite" --since "$since" --format json > "$work/fill.json"
    python3 "$work/summary.py" "$work/fill.json" "  filled: "
    since=$until
done
ls -l "$work/year.sqlite" | awk '{printf "  year-old cache: %.0f MB\n", $5 / 1048576}'

# 3. The nightly pull, one day later.
serve "2025-04-01T00:00:00Z"
for i in 1 2 3; do
    cp "$work/year.sqlite" "$work/run.sqlite"
    SNOWFLAKE_HOME="$work/home" /usr/bin/time -f "  incremental pull: %e s wall, %M KB peak" \
        "$bin" pull -c large --cache "$work/run.sqlite" --format json 2>"$work/time.txt" >"$work/pull.json"
    tail -n 1 "$work/time.txt"
    python3 "$work/summary.py" "$work/pull.json" "    "
done

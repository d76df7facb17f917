#!/usr/bin/env bash
# The user's wait: the real commands on a generator mode, release build, each beside its peers in the same run:
#   import   `spcs-cost import` of the CSV       vs  sqlite3 `.import` of the same file into a keyed table,
#                                                     and pandas read_csv + groupby sums per pool and hour
#   report   `spcs-cost report` of the period, all formats, default detail (per-day tables)
#                                                 vs  pandas read_csv + groupby sums per pool and day, written as CSV
#   whatif   `spcs-cost whatif` with two policies (always-on, business hours) and a pools file of every pool
#                                                 vs  pandas read_csv + groupby sums per pool and day, in and out of
#                                                     the window
# Wall time and peak memory (RSS) from GNU time, in one table.
#
#   Tests/benchmarks/commands.sh            large mode: 1,000 pools × 365 days, 7.8 M hourly rows, a 680 MB CSV
#                                           (about 5 minutes after the build)
#   Tests/benchmarks/commands.sh small      small mode: 20 pools × 60 days, 29,000 rows (seconds; what CI runs)
#   BENCH_MODE=small Tests/benchmarks/commands.sh     the same
#
# SPCS_COST_BIN=PATH measures that binary instead of building the release one (CI passes its debug build).
# SNOWFLAKE_EMULATOR=DIR is the emulator's folder (default ../shared/snowflake-emulator).
# Needs python3 with pandas (installed with pip when missing), sqlite3 and GNU time (apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-${BENCH_MODE:-large}}
case "$mode" in
    large) gen=(--synthetic-pools 1000 --days 365); from=2024-04-01; to=2025-03-31 ;;
    small) gen=(--synthetic-pools 20 --days 60); from=2024-04-01; to=2024-05-30 ;;
    *) echo "commands.sh: mode '$mode' must be large or small" >&2; exit 64 ;;
esac
emulator=${SNOWFLAKE_EMULATOR:-../shared/snowflake-emulator}

if [ ! -x /usr/bin/time ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get install -y -qq time >/dev/null
fi
command -v sqlite3 >/dev/null || { echo "commands.sh: sqlite3 is missing (apt-get install sqlite3)" >&2; exit 69; }
python3 -c 'import pandas' 2>/dev/null || python3 -m pip install --quiet pandas
if [ -n "${SPCS_COST_BIN:-}" ]; then
    bin=$SPCS_COST_BIN
else
    swift build -c release --product spcs-cost >/dev/null
    bin="$(swift build -c release --show-bin-path)/spcs-cost"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$emulator/gen_history.py" --out "$work/data" "${gen[@]}" >/dev/null 2>&1
csv="$work/data/SNOWPARK_CONTAINER_SERVICES_HISTORY.csv"
# A pools file of every generated pool (family, nodes, auto-suspend and zone from the generator's ground truth).
python3 - "$work/data/ground_truth.json" > "$work/pools.toml" <<'PY'
import json, sys
pools = json.load(open(sys.argv[1]))["pools"]
print('[defaults]\nrate_card = "2026-04"\n')
for name, p in sorted(pools.items()):
    print(f'[[pools]]\nname = "{name}"\nfamily = "{p["family"]}"\nmin_nodes = {p["min_nodes"]}\n'
          f'max_nodes = {p["max_nodes"]}\nauto_suspend_secs = {p["auto_suspend_secs"]}\ntimezone = "{p["timezone"]}"\n')
PY

rows=()
measure() { # measure COMMAND LABEL PEER-OR-TOOL COMMAND...: one row of wall seconds and peak MiB
    /usr/bin/time -f "%e %M" -o "$work/time" "${@:3}" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    read -r wall kib < "$work/time"
    rows+=("$(printf '%-8s %-48s %9.2f s %8d MiB' "$1" "$2" "$wall" "$((kib / 1024))")")
    echo "${rows[-1]}" >&2
}
# The pandas peer: `python3 peer.py WHAT CSV OUT`, read_csv of the file, then WHAT's groupby sums.
cat > "$work/peer.py" <<'PY'
import sys
import pandas as pd
what, path, out = sys.argv[1:4]
df = pd.read_csv(path, usecols=["START_TIME", "COMPUTE_POOL_NAME", "CREDITS_USED"], parse_dates=["START_TIME"])
if what == "import":      # keyed like the cache: one sum per pool and hour
    df.groupby(["COMPUTE_POOL_NAME", "START_TIME"])["CREDITS_USED"].sum()
elif what == "report":    # per pool and UTC day, and per pool, the per-day table written
    df["DAY"] = df["START_TIME"].dt.floor("D")
    days = df.groupby(["COMPUTE_POOL_NAME", "DAY"])["CREDITS_USED"].sum()
    df.groupby("COMPUTE_POOL_NAME")["CREDITS_USED"].sum()
    days.to_csv(out)
else:                     # whatif: per pool and day, inside a 10:00-19:00 MON-FRI window and in all
    df["DAY"] = df["START_TIME"].dt.floor("D")
    t = df["START_TIME"]
    df["IN"] = (t.dt.hour >= 10) & (t.dt.hour < 19) & (t.dt.dayofweek < 5)
    df.groupby(["COMPUTE_POOL_NAME", "DAY", "IN"])["CREDITS_USED"].sum().to_csv(out)
PY

echo "mode $mode: $(($(wc -l < "$csv") - 1)) hourly rows, $(du -m "$csv" | cut -f1) MB; binary $bin" >&2
measure import "spcs-cost import" "$bin" import "$csv" --cache "$work/cache.sqlite"
cat > "$work/peer.sql" <<SQL
CREATE TABLE h (start_time TEXT, end_time TEXT, compute_pool_name TEXT, compute_pool_id INTEGER, is_exclusive TEXT,
                application_name TEXT, application_id TEXT, credits_used TEXT,
                PRIMARY KEY (compute_pool_name, compute_pool_id, start_time)) WITHOUT ROWID;
.mode csv
.import --skip 1 $csv h
SQL
measure import "sqlite3 .import (keyed table)" sh -c "sqlite3 '$work/peer.sqlite' < '$work/peer.sql'"
measure import "pandas read_csv + groupby (pool, hour)" python3 "$work/peer.py" import "$csv" "$work/pandas-import.csv"
measure report "spcs-cost report (all formats, default detail)" "$bin" report --from "$from" --to "$to" \
    --family CPU_X64_XS --business-hours 09:00-18:00 --weekdays MON-FRI --rate-card 2026-04 \
    --cache "$work/cache.sqlite" --out "$work/r"
measure report "spcs-cost report (json)" "$bin" report --from "$from" --to "$to" --family CPU_X64_XS \
    --rate-card 2026-04 --cache "$work/cache.sqlite" --out "$work/r2" --format json
measure report "pandas read_csv + groupby (pool, day) to CSV" python3 "$work/peer.py" report "$csv" "$work/pandas-report.csv"
measure whatif "spcs-cost whatif (2 policies, table)" "$bin" whatif --pools "$work/pools.toml" --from "$from" \
    --to "$to" --policy always-on --policy business-hours=10:00-19:00,MON-FRI,Asia/Tokyo --cache "$work/cache.sqlite"
measure whatif "spcs-cost whatif (2 policies, json)" "$bin" whatif --pools "$work/pools.toml" --from "$from" \
    --to "$to" --policy always-on --policy business-hours=10:00-19:00,MON-FRI,Asia/Tokyo --cache "$work/cache.sqlite" \
    --format json
measure whatif "pandas read_csv + groupby (pool, day, window)" python3 "$work/peer.py" whatif "$csv" "$work/pandas-whatif.csv"

printf '\n%-8s %-48s %11s %12s\n' command "tool" wall "peak RSS"
printf '%s\n' "${rows[@]}"

#!/usr/bin/env bash
# The user's wait: the real commands on the generator's large mode (1,000 pools × 365 days, 7.8 M hourly rows, a
# 680 MB CSV), release build, each beside its peer in the same run:
#   import   `spcs-cost import` of the CSV           vs  sqlite3 `.import` of the same file into a keyed table
#   report   `spcs-cost report` of the year, all formats, every amount priced through the ledger
# Wall time and peak memory from GNU time. Run: Tests/benchmarks/commands.sh   (about 5 minutes after the build)
set -euo pipefail
cd "$(dirname "$0")/../.."
emulator=${SNOWFLAKE_EMULATOR:-../shared/snowflake-emulator}
swift build -c release --product spcs-cost >/dev/null
bin="$(swift build -c release --show-bin-path)/spcs-cost"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$emulator/gen_history.py" --out "$work/data" --synthetic-pools 1000 --days 365 >/dev/null 2>&1
csv="$work/data/SNOWPARK_CONTAINER_SERVICES_HISTORY.csv"
measure() { # measure LABEL COMMAND...: wall seconds and peak MiB
    /usr/bin/time -f "%e %M" -o "$work/time" "${@:2}" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    read -r wall kib < "$work/time"
    printf '%-34s %8.1f s %8d MiB\n' "$1" "$wall" "$((kib / 1024))"
}
echo "$(wc -l < "$csv") lines, $(du -m "$csv" | cut -f1) MB"
measure "spcs-cost import" "$bin" import "$csv" --cache "$work/cache.sqlite"
cat > "$work/peer.sql" <<SQL
CREATE TABLE h (start_time TEXT, end_time TEXT, compute_pool_name TEXT, compute_pool_id INTEGER, is_exclusive TEXT,
                application_name TEXT, application_id TEXT, credits_used TEXT,
                PRIMARY KEY (compute_pool_name, compute_pool_id, start_time)) WITHOUT ROWID;
.mode csv
.import --skip 1 $csv h
SQL
measure "sqlite3 .import (keyed table)" sh -c "sqlite3 '$work/peer.sqlite' < '$work/peer.sql'"
measure "spcs-cost report (all formats)" "$bin" report --from 2024-04-01 --to 2025-03-31 --family CPU_X64_XS \
    --business-hours 09:00-18:00 --weekdays MON-FRI --rate-card 2026-04 --cache "$work/cache.sqlite" --out "$work/r"
measure "spcs-cost report (json)" "$bin" report --from 2024-04-01 --to 2025-03-31 --family CPU_X64_XS \
    --rate-card 2026-04 --cache "$work/cache.sqlite" --out "$work/r2" --format json

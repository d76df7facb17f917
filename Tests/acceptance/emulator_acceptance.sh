#!/usr/bin/env bash
# Acceptance against the independent SQL API v2 emulator (../shared/snowflake-emulator): spcs-cost's own
# `pull`, `reconcile` and the cache, end to end, on data whose truth is known.
#
#   1. generates usage with the emulator's generator (specs/tokyo_la_gpu_2024.json) and its ground truth;
#   2. serves it with "now" just after the data and the late_rows scenario (recent rows hidden, then restated);
#   3. `spcs-cost pull` until the data is final, then checks the cache's credits per pool and UTC day equal the
#      generator's daily_credits_utc exactly;
#   4. does the same with a fresh cache against a faulty emulator (429s, a dropped connection, a truncated gzip
#      partition, an expired JWT, 202 polls, a 503 after execution) and checks nothing changes, and the emulator's
#      log: no statement ran twice, retries were deduplicated, every fault fired, no token was logged;
#   5. `spcs-cost reconcile` against a pools file of the same pools: node-hours by cause per pool within the
#      stated tolerance of node_hours_by_cause;
#   6. pulls once more with every history partition answered 400 ms late, at --partition-window 8 and 1: the
#      emulator's request timestamps show several partitions in flight at 8 and one at 1, the cached rows the same;
#   and `connection test` with the account written ORG.ACCOUNT (the form SQL shows): the emulator checks the
#   token's account and its iat/exp on the real clock, a second check of the JWT rules.
# Needs: python3 with `cryptography`; the spcs-cost binary (SPCS_COST_BIN, default: swift build's).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
emulator=${SNOWFLAKE_EMULATOR:-$repo/../shared/snowflake-emulator}
bin=${SPCS_COST_BIN:-$(cd "$repo" && swift build --show-bin-path)/spcs-cost}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
[[ -f "$emulator/server.py" ]] || { echo "emulator acceptance: no emulator at $emulator" >&2; exit 1; }
[[ -x "$bin" ]] || { echo "emulator acceptance: no spcs-cost binary at $bin; build first" >&2; exit 1; }
# A key-pair connection refuses a key file readable by others; the emulator's copy is read-only for everyone.
install -m 0600 "$emulator/sample-data/keys/test_rsa_key.p8" "$work/rsa_key.p8"
source "$repo/Tests/acceptance/emulator.sh"

# 1. Data with ground truth.
python3 "$emulator/gen_history.py" --out "$work/data" --seed 11 --start 2024-03-01 --days 275 \
    --pools "$emulator/specs/tokyo_la_gpu_2024.json" > /dev/null 2>&1
truth="$work/data/ground_truth.json"

serve() { # serve NAME SCENARIO_JSON: starts an emulator and writes the connections NAME and NAME_dotted
    local name=$1
    printf '%s\n' "$2" > "$work/$name.scenario.json"
    emulator_start "$work/$name" --data "$work/data" --scenario "$work/$name.scenario.json" --log "$work/$name.jsonl"
    pids+=("$emulator_pid")
    rm -f "$work/$name.home/connections.toml"
    emulator_connection "$work/$name.home/connections.toml" "$name" "myorg-spcs_dev"
    emulator_connection "$work/$name.home/connections.toml" "${name}_dotted" "myorg.spcs_dev"
}

pull_until_final() { # pull_until_final NAME CACHE: pulls until a pull changes nothing (at most 5)
    local name=$1 cache=$2
    for i in 1 2 3 4 5; do
        SNOWFLAKE_HOME="$work/$name.home" "$bin" pull -c "$name" --since 2024-03-01 --cache "$cache" --format json \
            > "$work/$name.pull$i.json"
        python3 - "$work/$name.pull$i.json" <<'PY' && return 0
import json, sys
s = json.load(open(sys.argv[1]))
print(f"  pull: {s['historyRows']} rows, {s['inserted']} new, {s['updated']} restated")
sys.exit(0 if s["inserted"] == 0 and s["updated"] == 0 else 1)
PY
    done
    echo "emulator acceptance: the data never became final" >&2; exit 1
}

check_daily() { # check_daily CACHE
    python3 - "$1" "$truth" <<'PY'
import json, sqlite3, sys
from decimal import Decimal
from datetime import datetime, timezone
db, truth = sqlite3.connect(sys.argv[1]), json.load(open(sys.argv[2]))
ours = {}
for pool, start, nano in db.execute("SELECT compute_pool_name, start_time, credits_used_nano FROM spcs_history"):
    day = datetime.fromtimestamp(start, timezone.utc).date().isoformat()
    ours[(pool, day)] = ours.get((pool, day), 0) + nano
bad = []
for pool, p in truth["pools"].items():
    for day, credits in p["daily_credits_utc"].items():
        want = int(Decimal(credits) * 10**9)
        if ours.pop((pool, day), 0) != want:
            bad.append(f"{pool} {day}")
bad += [f"{k} not in the ground truth" for k, v in ours.items() if v]
if bad:
    sys.exit(f"emulator acceptance: daily credits differ: {bad[:10]}")
print(f"  daily credits per pool and UTC day equal the ground truth ({len(truth['pools'])} pools)")
PY
}

check_money() { # check_money CACHE NOW: USAGE_IN_CURRENCY_DAILY cached as the emulator serves it; rows keyed by account
    python3 - "$1" "$work/data/USAGE_IN_CURRENCY_DAILY.csv" "$2" <<'PY'
import csv, sqlite3, sys
from decimal import Decimal
from datetime import date
db, served, today = sqlite3.connect(sys.argv[1]), list(csv.DictReader(open(sys.argv[2]))), sys.argv[3][:10]
want = sorted((r["USAGE_DATE"], r["BALANCE_SOURCE"], Decimal(r["USAGE"]), Decimal(r["USAGE_IN_CURRENCY"]))
              for r in served if r["USAGE_DATE"] <= today)
ours = sorted((date.fromordinal(d + 719163).isoformat(), s, Decimal(u), Decimal(a)) for d, s, u, a in
              db.execute("SELECT usage_date, balance_source, usage, usage_in_currency FROM usage_in_currency_daily"))
if ours != want:
    sys.exit(f"emulator acceptance: USAGE_IN_CURRENCY_DAILY differs: {len(ours)} cached rows, {len(want)} served")
keys = set(db.execute("SELECT DISTINCT organization, account FROM spcs_history"))
if keys != {("MYORG", "SPCS_DEV")}:
    sys.exit(f"emulator acceptance: hourly rows carry {keys}, not MYORG/SPCS_DEV")
print(f"  USAGE_IN_CURRENCY_DAILY: {len(ours)} rows as served, {sum(r[3] for r in ours)} USD; hourly rows of MYORG.SPCS_DEV")
PY
}

now="2024-12-01T03:00:00Z"
echo "1. clean emulator, late rows restated"
serve clean "{\"now\": \"$now\", \"late_rows\": {\"hours\": 6, \"factors\": [0.9, 1.0]}}"
pull_until_final clean "$work/clean.sqlite"
check_daily "$work/clean.sqlite"
check_money "$work/clean.sqlite" "$now"
SNOWFLAKE_HOME="$work/clean.home" "$bin" connection test -c clean_dotted > "$work/dotted.out" \
    || { cat "$work/dotted.out" >&2; echo "emulator acceptance: the ORG.ACCOUNT form was refused" >&2; exit 1; }
grep -q "JWT claims: account MYORG-SPCS_DEV" "$work/dotted.out" \
    || { cat "$work/dotted.out" >&2; echo "emulator acceptance: ORG.ACCOUNT did not become ORG-ACCOUNT" >&2; exit 1; }
echo "  connection test with account myorg.spcs_dev: signed in as MYORG-SPCS_DEV"

echo "2. faulty emulator"
serve faulty "{\"now\": \"$now\", \"late_rows\": {\"hours\": 6, \"factors\": [0.9, 1.0]},
 \"partitions\": {\"first_rows\": 500, \"later_min_rows\": 800, \"later_max_rows\": 1500},
 \"faults\": [
  {\"route\": \"submit\", \"nth\": 1, \"action\": \"503\", \"after_execute\": true},
  {\"route\": \"submit\", \"match\": \"SNOWPARK_CONTAINER\", \"action\": \"poll_202\", \"polls\": 2, \"times\": 1},
  {\"route\": \"partition\", \"nth\": 1, \"action\": \"truncated_gzip\"},
  {\"route\": \"partition\", \"nth\": 2, \"action\": \"close\"},
  {\"route\": \"partition\", \"nth\": [3, 4], \"action\": \"429\"},
  {\"route\": \"partition\", \"nth\": 6, \"action\": \"jwt_expired\"}]}"
pull_until_final faulty "$work/faulty.sqlite"
check_daily "$work/faulty.sqlite"
python3 - "$work/clean.sqlite" "$work/faulty.sqlite" "$work/faulty.jsonl" <<'PY'
import json, sqlite3, sys
rows = lambda p: sorted(sqlite3.connect(p).execute("SELECT compute_pool_name, start_time, end_time, credits_used_nano FROM spcs_history"))
if rows(sys.argv[1]) != rows(sys.argv[2]):
    sys.exit("emulator acceptance: the faults changed the cached rows")
entries = [json.loads(l) for l in open(sys.argv[3])]
problems = []
if max((e.get("executions_for_request_id", 0) for e in entries if e.get("route") == "submit"), default=0) != 1:
    problems.append("a requestId ran twice")
if not any(e.get("dedup") and e.get("retry") for e in entries):
    problems.append("no deduplicated retry=true resubmission")
fired = {a for e in entries for a in e.get("fault", [])}
problems += [f"fault {a} never fired" for a in ("503", "poll_202", "truncated_gzip", "close", "429", "jwt_expired") if a not in fired]
if any("Bearer " in json.dumps(e.get("headers", {})).replace("Bearer <redacted>", "") for e in entries):
    problems.append("a bearer token reached the log")
if not all((e.get("headers", {}).get("User-Agent") or "").startswith("spcs-cost/") for e in entries):
    problems.append("a request without spcs-cost's User-Agent")
if problems:
    sys.exit("emulator acceptance: " + "; ".join(problems))
print(f"  same rows as the clean pull; {len(entries)} requests, faults fired: {sorted(fired)}")
PY

echo "3. reconcile: node-hours by cause"
"$bin" reconcile --pools "$repo/Fixtures/pools/emulator-tokyo-la-gpu-2024.toml" --from 2024-03-01 --to 2024-11-30 \
    --timezone UTC --cache "$work/clean.sqlite" --format json > "$work/reconcile.json"
python3 - "$work/reconcile.json" "$truth" <<'PY'
import json, sys
from decimal import Decimal
ours, truth = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
# Tolerance: hourly rows cannot show when within an hour a cause starts or ends. Where two causes share an hour
# (an autoscale burst or off-hours session next to a tail), the split can move up to 1 node-hour per such hour;
# we accept 2 % of the pool's node-hours or 2 node-hours, whichever is larger, per cause.
# Schema spcs-cost.reconcile/2: the table causes has a row per pool and cause with its metered node-hours.
assert ours["schema"] == "spcs-cost.reconcile/2", ours["schema"]
hours = {r["pool"]: {} for r in ours["tables"]["pools"]["rows"]}
for r in ours["tables"]["causes"]["rows"]:
    hours[r["pool"]][r["cause"]] = r["metered_node_hours"] or "0"
bad = []
for pool, by_cause in hours.items():
    t = truth["pools"].get(pool)
    if t is None:
        continue
    total = sum(Decimal(v) for v in t["node_hours_by_cause"].values())
    tol = max(Decimal(2), total * Decimal("0.02"))
    for cause, want in t["node_hours_by_cause"].items():
        got = Decimal(by_cause.get(cause, "0"))
        if cause == "auto_suspend_tail":
            got += Decimal(by_cause.get("minimum_charge_padding", "0"))
        flag = "" if abs(got - Decimal(want)) <= tol else "  <-- outside tolerance"
        print(f"  {pool:20} {cause:18} ours {got:>12.3f}  truth {Decimal(want):>12.3f}{flag}")
        if flag:
            bad.append(f"{p['pool']} {cause}")
if bad:
    sys.exit(f"emulator acceptance: node-hours by cause outside tolerance: {bad}")
PY
echo "4. the partition window in the emulator's request timestamps"
# Every partition GET of the history statement answers after 400 ms: a client that fetched one partition at a time
# would send each at least 400 ms after the one before; with the window (--partition-window, here its default 8 and
# then 1) the next ones are sent as soon as the first response names them, so several arrive within 400 ms.
serve windowed "{\"now\": \"$now\",
 \"partitions\": {\"first_rows\": 500, \"later_min_rows\": 800, \"later_max_rows\": 800},
 \"faults\": [{\"route\": \"partition\", \"match\": \"SNOWPARK_CONTAINER\", \"action\": \"latency\", \"ms\": 400}]}"
for window in 8 1; do
    : > "$work/windowed.jsonl"
    SNOWFLAKE_HOME="$work/windowed.home" "$bin" pull -c windowed --since 2024-03-01 --cache "$work/windowed$window.sqlite" \
        --partition-window "$window" --format json > "$work/windowed$window.json" 2> "$work/windowed$window.err" \
        || { cat "$work/windowed$window.err" >&2; echo "emulator acceptance: the windowed pull failed" >&2; exit 1; }
    python3 - "$work/windowed.jsonl" "$window" <<'PY'
import json, sys
from datetime import datetime
window = int(sys.argv[2])
entries = [json.loads(l) for l in open(sys.argv[1])]
gets = sorted(datetime.fromisoformat(e["ts"].replace("Z", "+00:00")) for e in entries
              if e.get("route") == "partition" and "SNOWPARK_CONTAINER" in (e.get("statement") or "").upper())
if len(gets) < 9:
    sys.exit(f"emulator acceptance: only {len(gets)} partition requests; the step needs at least 9")
# The most partition requests received within any 400 ms (each of them is answered 400 ms after it arrives).
most = max(sum(1 for t in gets[i:] if (t - gets[i]).total_seconds() < 0.4) for i in range(len(gets)))
print(f"  --partition-window {window}: {len(gets)} partitions, at most {most} requested within 400 ms")
if window == 1 and most != 1:
    sys.exit(f"emulator acceptance: --partition-window 1 had {most} partition requests in flight")
if window == 8 and most < 4:
    sys.exit(f"emulator acceptance: the partition window of 8 kept only {most} partition requests in flight")
PY
done
cmp <(sqlite3 "$work/windowed8.sqlite" "SELECT compute_pool_name, start_time, credits_used_nano FROM spcs_history ORDER BY 1, 2") \
    <(sqlite3 "$work/windowed1.sqlite" "SELECT compute_pool_name, start_time, credits_used_nano FROM spcs_history ORDER BY 1, 2") \
    || { echo "emulator acceptance: the partition window changed the cached rows" >&2; exit 1; }

echo "emulator acceptance: passed"

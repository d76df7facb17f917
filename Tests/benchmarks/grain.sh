#!/usr/bin/env bash
# `pull --grain hour` against `--grain day` on the emulator's organization data set (README "Organization-wide
# pulls: --grain"): three accounts of MYORG, POOLS synthetic pools, DAYS days of hourly rows. For each grain, one
# run of `pull -c spcs_dev -c acct_02 -c acct_03 --since START` into a fresh cache, then:
#   - the history statements' rows over the wire (the emulator log's result_rows),
#   - their bytes over the wire: each statement replayed as logged (same account, bindings and parameters) with
#     `Accept-Encoding: gzip`, summing the response bodies as received (first response and every partition),
#   - the pull's wall time (all three accounts, every view), and the emulator's own time on the history statements,
#   - the cache file's size afterwards.
# Run: Tests/benchmarks/grain.sh [POOLS] [DAYS]   (defaults 30 and 365; about 3 minutes, most of it the emulator)
# Needs: python3 with `cryptography`; SPCS_COST_BIN (default: the release build's spcs-cost).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
emulator=${SNOWFLAKE_EMULATOR:-$repo/../shared/snowflake-emulator}
bin=${SPCS_COST_BIN:-$(cd "$repo" && swift build -c release --show-bin-path)/spcs-cost}
pools=${1:-30}
days=${2:-365}
work=$(mktemp -d)
pid=""
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
install -m 0600 "$emulator/sample-data/keys/test_rsa_key.p8" "$work/rsa_key.p8"
source "$repo/Tests/acceptance/emulator.sh"

python3 "$emulator/gen_history.py" --out "$work/data" --synthetic-pools "$pools" --accounts 3 --seed 12 \
    --start 2024-01-01 --days "$days" > /dev/null 2>&1
now=$(python3 -c "import datetime as d; print((d.date(2024,1,1)+d.timedelta(days=$days)).isoformat()+'T00:00:00Z')")
EMULATOR_START_SECONDS=120 emulator_start "$work/server" --data "$work/data" --log "$work/log.jsonl" \
    --now "$now" --cache "$work/emu.sqlite"
pid=$emulator_pid
for a in SPCS_DEV ACCT_02 ACCT_03; do
    emulator_connection "$work/home/connections.toml" "$(echo "$a" | tr 'A-Z' 'a-z')" "myorg-$a"
done
export SNOWFLAKE_HOME="$work/home"
# The emulator's clock is --now; spcs-cost's injected clock is the machine's, so pull a fixed window.
for grain in hour day; do
    : > "$work/log.jsonl"
    t0=$(date +%s.%N)
    "$bin" pull -c spcs_dev -c acct_02 -c acct_03 --grain "$grain" --since 2024-01-01 --cache "$work/$grain.sqlite" \
        --format json > "$work/$grain.json" 2> "$work/$grain.err"
    t1=$(date +%s.%N)
    cp "$work/log.jsonl" "$work/$grain.log"
    python3 - "$work" "$grain" "$t0" "$t1" "$emulator" "$emulator_port" <<'PY'
import gzip, json, os, sys, urllib.request
work, grain, t0, t1, emulator, port = sys.argv[1:]
sys.path.insert(0, emulator)
from sfemu.auth import sign_jwt
key = open(f"{work}/rsa_key.p8", "rb").read()
entries = [json.loads(l) for l in open(f"{work}/{grain}.log")]
history = [e for e in entries if e.get("route") == "submit" and "SNOWPARK_CONTAINER_SERVICES_HISTORY" in (e.get("statement") or "")]
rows = sum(e.get("result_rows") or 0 for e in history)
# The emulator's own time on the history statements (submit, polls and partitions): where the summing happens.
server_ms = sum(e.get("elapsed_ms") or 0 for e in entries if "SNOWPARK_CONTAINER_SERVICES_HISTORY" in (e.get("statement") or ""))
wire = 0
base = f"http://127.0.0.1:{port}/api/v2/statements"
for e in history:
    account = e["auth"]["account"]
    headers = {"Authorization": "Bearer " + sign_jwt(key, account, "SPCS_COST"), "Accept": "application/json",
               "X-Snowflake-Authorization-Token-Type": "KEYPAIR_JWT", "Content-Type": "application/json",
               "Accept-Encoding": "gzip"}
    body = {"statement": e["statement"], "timeout": 600}
    if e.get("bindings"): body["bindings"] = e["bindings"]
    if e.get("parameters"): body["parameters"] = e["parameters"]
    with urllib.request.urlopen(urllib.request.Request(base, json.dumps(body).encode(), headers)) as r:
        raw = r.read()
        wire += len(raw)
        first = json.loads(gzip.decompress(raw) if r.headers.get("Content-Encoding") == "gzip" else raw)
    for n in range(1, len(first["resultSetMetaData"].get("partitionInfo", []))):
        url = f"{base}/{first['statementHandle']}?partition={n}"
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
            wire += len(r.read())
size = os.path.getsize(f"{work}/{grain}.sqlite")
print(f"grain {grain}: {rows} history rows, {wire} bytes over the wire (gzip), pull {float(t1) - float(t0):.2f} s "
      f"(the emulator's time on the history statements {server_ms / 1000:.2f} s), cache {size} bytes")
PY
done

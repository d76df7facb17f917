#!/usr/bin/env bash
# Block storage, snapshots and SPCS data transfer against the independent emulator (../shared/snowflake-emulator), on
# data whose truth is known: specs/features_april_2024.json (AWS Tokyo) has a pool with a 100 GiB volume, 1,000 IOPS
# and 100 MiB/s above the defaults that is dropped and re-created on 04-10, SPCS transfer and egress to us-east-1, and a
# 20 GB snapshot of WEB_SVC dropped on 04-12 (billed through its 1-day retention).
#   1. one pull (the four views land in the cache);
#   2. `spcs-cost report --format json` (region aws-ap-northeast-1): the whole_bill_lines table, per pool and UTC day,
#      equals the generator's ground truth (ground_truth.json spcs_dollars_by_pool, spcs_dollars): storage GiB-days and
#      dollars (volume, IOPS, throughput), internal transfer TB and dollars, snapshots GiB-days and dollars (all of them
#      WEB_SVC's), each day's transfer dollars and the daily adjustment, to 1e-9 USD (BYTES is whole bytes in the view,
#      the truth exact fractions);
#   3. the FOCUS 1.2 export's BilledCost adds up to that whole bill (each kind to its line), and so does `report --by
#      pool`'s whole_bill_cost_USD column.
# Needs: python3 with `cryptography`; the spcs-cost binary (SPCS_COST_BIN, default: swift build's).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
emulator=${SNOWFLAKE_EMULATOR:-$repo/../shared/snowflake-emulator}
bin=${SPCS_COST_BIN:-$(cd "$repo" && swift build --show-bin-path)/spcs-cost}
work=$(mktemp -d)
pid=""
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
install -m 0600 "$emulator/sample-data/keys/test_rsa_key.p8" "$work/rsa_key.p8"
python3 "$emulator/gen_history.py" --out "$work/data" --pools "$emulator/specs/features_april_2024.json" --seed 5 \
    > /dev/null 2>&1
source "$repo/Tests/acceptance/emulator.sh"
emulator_start "$work/server" --data "$work/data" --scenario "$work/data/scenario.json"
pid=$emulator_pid
emulator_connection "$work/home/connections.toml" features "myorg-spcs_dev"
export SNOWFLAKE_HOME="$work/home"
"$bin" pull -c features --cache "$work/c.sqlite" --since 2024-04-01 > /dev/null
"$bin" report --from 2024-04-01 --to 2024-04-30 --cache "$work/c.sqlite" --region aws-ap-northeast-1 \
    --rate-card 2026-04 --format json --out "$work/report" > /dev/null 2>&1
"$bin" report --from 2024-04-01 --to 2024-04-30 --cache "$work/c.sqlite" --region aws-ap-northeast-1 \
    --rate-card 2026-04 --format json --by pool --out "$work/by-pool" > /dev/null 2>&1
"$bin" export --focus --from 2024-04-01 --to 2024-04-30 --cache "$work/c.sqlite" --region aws-ap-northeast-1 \
    --billing-account MYORG --out "$work/focus" > /dev/null 2>&1
python3 - "$work" <<'PY'
import json, sys
from collections import defaultdict
from decimal import Decimal as D, getcontext
getcontext().prec = 60
work = sys.argv[1]
ground = json.load(open(f"{work}/data/ground_truth.json"))
doc = json.load(open(f"{work}/report/spcs-cost-report_2024-04-01_2024-04-30.json"))
rows = doc["tables"]["whole_bill_lines"]["rows"]
num = lambda v: D(str(v["amount"] if isinstance(v, dict) else v)) if v not in (None, "") else D(0)
cost = lambda r: num(r["cost_USD"])
close = lambda a, b, eps=D("1e-9"): abs(D(a) - D(b)) <= eps
by = defaultdict(lambda: defaultdict(D))
for r in rows:
    by[(r["item"], r["pool"], r["service"] or "", r["date"])]["cost"] += cost(r)
    by[(r["item"], r["pool"], r["service"] or "", r["date"])]["quantity"] += num(r["quantity"])
    by[(r["item"], r["pool"], r["service"] or "", r["date"])]["gib"] += num(r["gib_days"])
checked = 0
# Per pool and day: volume GiB-days and dollars, IOPS and throughput dollars.
for pool, p in ground["spcs_dollars_by_pool"].items():
    for day, t in p.get("block_storage_daily", {}).items():
        v = by[("block_storage", pool, "", day)]
        assert close(v["gib"], t["gib_days"], D("1e-6")), (pool, day, v["gib"], t["gib_days"])
        assert close(v["cost"], t["volume_usd"]), (pool, day, v["cost"], t["volume_usd"])
        assert close(by[("block_storage_iops", pool, "", day)]["cost"], t["iops_usd"]), (pool, day, "iops")
        assert close(by[("block_storage_throughput", pool, "", day)]["cost"], t["throughput_usd"]), (pool, day, "thr")
        checked += 1
    # Internal transfer TB and dollars per pool and day (egress names no pool: checked per day below).
    for day, t in p.get("transfer_daily", {}).items():
        v = by[("data_transfer", pool, "", day)]
        tb = D(t["internal_bytes"]) / D(2**40)
        assert close(v["quantity"], tb, D("1e-20")) and close(tb, t["internal_tb"]), (pool, day, v["quantity"], t)
        assert close(v["cost"], tb * D("3.07")), (pool, day, v["cost"])
        checked += 1
# Snapshots per day, all of them WEB_SVC's.
for day, t in ground["spcs_dollars"]["snapshots_daily"].items():
    v = by[("snapshot", "", "WEB_SVC", day)]
    assert close(v["gib"], t["gib_days"], D("1e-6")) and close(v["cost"], t["usd"]), (day, dict(v), t)
    checked += 1
assert not any(k[0] == "snapshot" and k[2] == "" for k in by), "a snapshot line without its service"
# Per day: transfer dollars (internal and egress) and the adjustment.
per_day = defaultdict(lambda: defaultdict(D))
for (item, pool, service, day), v in list(by.items()):
    per_day[day][item] += v["cost"]
for day, t in ground["spcs_dollars"]["daily_utc"].items():
    assert close(per_day[day]["data_transfer"], t.get("transfer_usd", 0)), (day, per_day[day]["data_transfer"], t)
    assert close(per_day[day]["data_transfer_adjustment"], t.get("transfer_adjustment_usd", 0), D("1e-6")), \
        (day, per_day[day]["data_transfer_adjustment"], t.get("transfer_adjustment_usd"), t.get("compute_usd"))
    checked += 1
# The summary lines (JSON leaves the total row out: it is their sum) agree with the per-day lines.
lines = {r["item"]: num(r["cost_USD"]) for r in doc["tables"]["whole_bill"]["rows"]}
for item, amount in lines.items():
    if item != "compute":
        assert close(amount, sum((v[item] for v in per_day.values()), D(0)), D("1e-20")), item
# The FOCUS 1.2 file's rows (compute and every other kind) add up to the whole bill, and so does `--by pool`'s
# whole_bill column; each kind's rows to its line.
import csv
whole = sum(lines.values())
with open(f"{work}/focus/spcs-cost-focus_2024-04-01_2024-04-30_metered.csv", newline="", encoding="utf-8") as f:
    focus = list(csv.DictReader(f))
assert close(sum(D(r["BilledCost"]) for r in focus), whole, D("1e-20")), (sum(D(r["BilledCost"]) for r in focus), whole)
for item, amount in lines.items():
    assert close(sum(D(r["BilledCost"]) for r in focus if r["x_ChargeKind"] == item), amount, D("1e-20")), item
assert any(r["ChargeCategory"] == "Credit" for r in focus), "no adjustment row"
by_pool = json.load(open(f"{work}/by-pool/spcs-cost-report_2024-04-01_2024-04-30.json"))["tables"]["by_pool"]["rows"]
assert close(sum(num(r["whole_bill_cost_USD"]) for r in by_pool), whole, D("1e-20")), "by pool"
checked += 1
print(f"storage acceptance: {checked} pool-days and days equal the ground truth; the whole bill "
      f"{sum(lines.values()):.2f} USD of which compute {lines['compute']:.2f}")
PY

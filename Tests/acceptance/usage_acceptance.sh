#!/usr/bin/env bash
# "Who used it" against the independent emulator (../shared/snowflake-emulator), on data whose truth is known:
# Fixtures/usage/usage_april_2024.json (AWS Tokyo, April 2024): a notebook pool with two notebooks of two users, an
# application pool (COST_APP, 9101), an application later uninstalled (OLD_APP, 9102), and a service pool.
#   1. pull; then the application is uninstalled: the emulator is restarted with OLD_APP's rows showing
#      APPLICATION_NAME NULL (as the view shows them then), and the period is pulled again;
#   2. `spcs-cost report --format json`: the "Who used it" table's credits per user and notebook equal the
#      generator's notebook truth, per application its pool's truth (OLD_APP keeps its name), and the notebook pool's
#      idle line its credits less its notebooks';
#   3. `spcs-cost export --focus` (FOCUS 1.2): per user (x_User), application (x_ApplicationId) and idle (x_UsedBy)
#      the ConsumedQuantity sums equal the same truth, and the file adds up to the pools' truth.
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
python3 "$emulator/gen_history.py" --out "$work/data" --pools "$repo/Fixtures/usage/usage_april_2024.json" --seed 7 \
    > /dev/null 2>&1
source "$repo/Tests/acceptance/emulator.sh"
emulator_start "$work/server" --data "$work/data" --now 2024-05-02T00:00:00Z
pid=$emulator_pid
emulator_connection "$work/home/connections.toml" usage "myorg-spcs_dev"
export SNOWFLAKE_HOME="$work/home"
"$bin" pull -c usage --cache "$work/c.sqlite" --since 2024-04-01 > /dev/null
# OLD_APP is uninstalled: its rows now show APPLICATION_NAME NULL.
kill "$pid"
wait "$pid" 2>/dev/null || true
python3 - "$work/data/SNOWPARK_CONTAINER_SERVICES_HISTORY.csv" <<'PY'
import csv, sys
path = sys.argv[1]
rows = list(csv.DictReader(open(path, newline="", encoding="utf-8")))
for r in rows:
    if r["COMPUTE_POOL_NAME"] == "OLD_APP_POOL":
        r["APPLICATION_NAME"] = ""
with open(path, "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
PY
emulator_start "$work/server2" --data "$work/data" --now 2024-05-02T00:00:00Z
pid=$emulator_pid
sed -i "s/^port = .*/port = $emulator_port/" "$work/home/connections.toml"
"$bin" pull -c usage --cache "$work/c.sqlite" --since 2024-04-01 > /dev/null
"$bin" report --from 2024-04-01 --to 2024-04-30 --cache "$work/c.sqlite" --region aws-ap-northeast-1 \
    --rate-card 2026-04 --format json --out "$work/report" > /dev/null 2>&1
"$bin" export --focus --period 2024-04 --cache "$work/c.sqlite" --region aws-ap-northeast-1 --billing-account MYORG \
    --account SPCS_DEV --out "$work/focus" > /dev/null 2>&1
python3 - "$work" <<'PY'
import csv, json, sys
from collections import defaultdict
from decimal import Decimal as D
work = sys.argv[1]
ground = json.load(open(f"{work}/data/ground_truth.json"))
pools = {k: D(v["total_credits"]) for k, v in ground["pools"].items()}
users = {k: D(v["total_credits"]) for k, v in ground["notebooks"]["by_user"].items()}
notebooks = {k: D(v["total_credits"]) for k, v in ground["notebooks"]["by_notebook"].items()}
idle = pools["NOTEBOOK_POOL"] - sum(users.values())
def num(cell):
    if isinstance(cell, dict):
        return D(str(cell.get("amount", cell.get("value"))))
    return D(str(cell))
doc = json.load(open(f"{work}/report/spcs-cost-report_2024-04-01_2024-04-30.json"))
rows = doc["tables"]["who_used_it"]["rows"]
by = defaultdict(D)
for r in rows:
    kind = r["kind"]
    if kind == "Notebook":
        by[("user", r["user"])] += num(r["credits"])
        by[("notebook", r["notebook"])] += num(r["credits"])
    elif kind == "Application":
        by[("app", r["application_id"], r["application"])] += num(r["credits"])
    elif kind.startswith("Idle"):
        by[("idle", r["pool"])] += num(r["credits"])
for u, c in users.items():
    assert by[("user", u)] == c, (u, by[("user", u)], c)
for n, c in notebooks.items():
    assert by[("notebook", n)] == c, (n, by[("notebook", n)], c)
assert by[("app", "9101", "COST_APP")] == pools["APP_POOL"], by
assert by[("app", "9102", "OLD_APP")] == pools["OLD_APP_POOL"], by
assert by[("idle", "NOTEBOOK_POOL")] == idle, (by[("idle", "NOTEBOOK_POOL")], idle)
focus = defaultdict(D)
total = D(0)
with open(f"{work}/focus/spcs-cost-focus_2024-04-01_2024-04-30_metered.csv", newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        q = D(row["ConsumedQuantity"])
        total += q
        focus[(row["x_UsedBy"], row["x_User"] or row["x_ApplicationId"] or row["ResourceName"])] += q
for u, c in users.items():
    assert focus[("notebook", u)] == c, (u, focus[("notebook", u)], c)
assert focus[("application", "9101")] == pools["APP_POOL"], focus
assert focus[("application", "9102")] == pools["OLD_APP_POOL"], focus
assert focus[("idle", "NOTEBOOK_POOL")] == idle, focus
assert focus[("other", "WEB_POOL")] == pools["WEB_POOL"], focus
assert total == sum(pools.values()), (total, sum(pools.values()))
print(f"usage acceptance: notebook credits per user {dict((k, str(v)) for k, v in users.items())}, applications "
      f"9101 {pools['APP_POOL']} and 9102 (uninstalled, named OLD_APP) {pools['OLD_APP_POOL']}, idle {idle} credits "
      "equal the ground truth in the report and the FOCUS file")
PY

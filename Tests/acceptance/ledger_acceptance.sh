#!/usr/bin/env bash
# The priced ledger against the independent emulator (../shared/snowflake-emulator), on data whose truth is known:
# specs/features_april_2024.json (AWS Tokyo): a capacity contract at 3.44 a credit that runs out on 04-14 (overage at
# 4.30 after), rate-sheet gaps on 04-06 and 04-07, a pool dropped and re-created within one hour on 04-10, and a
# restatement of 04-15..04-30 to 3.66 after the first pull.
#   1. two pulls (the second sees the restated money views);
#   2. `spcs-cost report --format json`: per UTC day, the ledger's SPCS amount (RATE_SHEET_DAILY of the day, carried
#      over the gaps, overage days included) equals the generator's restated USAGE_IN_CURRENCY_DAILY truth up to
#      Snowflake's own rounding, and the bill check shows no cause but rounding;
#   3. the same report with --credit-price 3.00 (a what-if): the bill check shows the price difference as `price`,
#      and the causes add up to billed minus ledger exactly;
#   4. `spcs-cost export --focus` (FOCUS 1.2, daily rows of the ledger): per pool and UTC day, BilledCost equals the
#      generator's credits of that pool and day times the day's restated effective rate, exactly.
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
for _ in 1 2; do "$bin" pull -c features --cache "$work/c.sqlite" --since 2024-04-01 > /dev/null; done
report() { "$bin" report --from 2024-04-01 --to 2024-04-30 --cache "$work/c.sqlite" --region aws-ap-northeast-1 \
    --rate-card 2026-04 --format json --out "$work/$1" "${@:2}" > /dev/null 2>&1; }
report ledger
report whatif --credit-price 3.00
"$bin" export --focus --period 2024-04 --cache "$work/c.sqlite" --region aws-ap-northeast-1 --billing-account MYORG \
    --account SPCS_DEV --out "$work/focus" > /dev/null 2>&1
python3 - "$work" <<'PY'
import csv, json, sys
from collections import defaultdict
from decimal import Decimal as D
work = sys.argv[1]
ground = json.load(open(f"{work}/data/ground_truth.json"))
truth = ground["usage_in_currency_daily_restated"]
# Per pool and UTC day: the FOCUS export's exact BilledCost (the ledger's amount) equals the generator's credits of
# that pool and day × the day's restated effective rate, exactly (a re-created pool's IDs summed under its name).
ledger = defaultdict(D)
with open(f"{work}/focus/spcs-cost-focus_2024-04-01_2024-04-30_metered.csv", newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        # Compute rows only: the file also carries the rest of the whole bill (storage, transfer), checked by
        # storage_acceptance.sh.
        if row["x_ChargeKind"] == "compute":
            ledger[(row["ResourceName"], row["ChargePeriodStart"][:10])] += D(row["BilledCost"])
expected = {}
for pool, p in ground["pools"].items():
    for day, credits in p["daily_credits_utc"].items():
        if D(credits) != 0:
            expected[(pool, day)] = D(credits) * D(truth[day]["effective_rate"])
assert set(ledger) == set(expected), sorted(set(ledger) ^ set(expected))[:5]
for key, amount in expected.items():
    assert ledger[key] == amount, (key, ledger[key], amount)
def check(name):
    # Report JSON schema spcs-cost.report/2: the bill check is the tables bill_check (per day) and
    # bill_check_by_cause, each money cell {currency, amount (exact), rounded}.
    doc = json.load(open(f"{work}/{name}/spcs-cost-report_2024-04-01_2024-04-30.json"))
    assert doc["schema"] == "spcs-cost.report/2", doc["schema"]
    table = doc["tables"]["bill_check"]
    cur = next(c["currency"] for c in table["columns"] if c["kind"] == "money")
    days = [{"date": r["date"], "billed": r[f"billed_{cur}"], "ledger": r[f"ledger_{cur}"],
             "causes": [c.split(" ")[0] for c in (r["causes"] or "").split("; ") if c]} for r in table["rows"]]
    by_cause = {r["cause"]: r[f"billed_minus_ledger_{cur}"]["amount"] for r in doc["tables"]["bill_check_by_cause"]["rows"]}
    total = lambda key: {"amount": str(sum((D(d[key]["amount"]) for d in days), D(0)))}
    return {"days": days, "byCause": by_cause, "billed": total("billed"), "ledger": total("ledger")}
bill = check("ledger")
days = {d["date"]: d for d in bill["days"]}
assert sorted(days) == sorted(truth), (sorted(days), sorted(truth))
for day, t in truth.items():
    d = days[day]
    assert D(d["billed"]["amount"]) == D(t["usage_in_currency"]), (day, d["billed"], t)
    # The ledger prices exact credits at the day's rate; Snowflake rounds USAGE to 3 and the amount to 2 decimals.
    gap = abs(D(d["ledger"]["amount"]) - D(t["usage_in_currency"]))
    assert gap <= D("0.005") + D("0.0005") * D(t["effective_rate"]), (day, d["ledger"], t)
    assert set(d["causes"]) <= {"rounding"}, (day, d["causes"])
assert set(bill["byCause"]) <= {"rounding"}, bill["byCause"]
whatif = check("whatif")
causes = sum(D(v) for v in whatif["byCause"].values())
assert "price" in whatif["byCause"], whatif["byCause"]
assert causes == D(whatif["billed"]["amount"]) - D(whatif["ledger"]["amount"]), (causes, whatif["billed"], whatif["ledger"])
print(f"ledger acceptance: {len(expected)} pool-days equal the ground truth exactly; "
      f"{len(truth)} days equal the restated bill up to rounding "
      f"({bill['byCause'].get('rounding', '0')} USD); at 3.00 a credit the bill check shows price "
      f"{whatif['byCause']['price']} USD")
PY

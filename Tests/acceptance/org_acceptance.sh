#!/usr/bin/env bash
# Many accounts in one run against the independent emulator's organization mode (../shared/snowflake-emulator,
# README "Organization mode"): one data folder serving three accounts of MYORG, each with its own ground truth.
#   1. `spcs-cost pull -g org` (a [groups] entry of spcs-cost's config.toml: the three accounts and a fourth
#      connection whose account the emulator does not know), at most 2 accounts at once;
#   2. the run exits 13 (some accounts failed), names the failed connection in the JSON summary and on standard
#      error, and reports the three others as pulled;
#   3. per account, pool and UTC day, the cache's credits equal the generator's daily_credits_utc exactly, and no
#      row of the failed connection's account is cached;
#   4. the emulator's log shows the accounts' requests overlapping (account concurrency);
#   5. `--grain day` into a second cache: Snowflake sums by pool and UTC day, the emulator's log shows the history
#      statement returned only aggregated rows (one per account, pool and day), and per account, pool and UTC day
#      the cached day rows equal the same ground truth exactly;
#   6. `pull --org` through the organization account: ORGANIZATION_USAGE's view, every account's rows, equal to the
#      ground truth at grain day (its default) and hour; refused (exit 69, Snowflake's 002003) through another account;
#   7. money per account at its own region's price: the rate sheets keep only their data transfer rows (which name
#      each account's REGION), so each account's credits take the Enterprise list price of its region; in each of the
#      four caches (-c and --org, hour and day) the FOCUS export's BilledCost per account and UTC day and
#      `report --by account` equal the ground truth's credits × that price (the run's --region is Tokyo's).
#   8. `pull --org` caches every account's ACCOUNT_LOCATOR, and reads the organization's METERING_DAILY_HISTORY
#      (equal to each account's SPCS days) when the emulator serves it; it is skipped with a warning otherwise.
# Needs: python3 with `cryptography`; the spcs-cost binary (SPCS_COST_BIN, default: swift build's).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
emulator=${SNOWFLAKE_EMULATOR:-$repo/../shared/snowflake-emulator}
bin=${SPCS_COST_BIN:-$(cd "$repo" && swift build --show-bin-path)/spcs-cost}
work=$(mktemp -d)
[[ -n "${KEEP_WORK:-}" ]] && echo "org acceptance: work folder $work" >&2
pid=""
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true; [[ -n "${KEEP_WORK:-}" ]] || rm -rf "$work"; }
trap cleanup EXIT
[[ -f "$emulator/server.py" ]] || { echo "org acceptance: no emulator at $emulator" >&2; exit 1; }
[[ -x "$bin" ]] || { echo "org acceptance: no spcs-cost binary at $bin; build first" >&2; exit 1; }
install -m 0600 "$emulator/sample-data/keys/test_rsa_key.p8" "$work/rsa_key.p8"
source "$repo/Tests/acceptance/emulator.sh"

# 1. Three accounts (the first is the organization account), 2 synthetic pools each, 30 days of April 2024.
python3 "$emulator/gen_history.py" --out "$work/data" --synthetic-pools 8 --accounts 3 --seed 12 \
    --start 2024-04-01 --days 30 > /dev/null 2>&1
# The generator writes every account's RATE_SHEET_DAILY credit rows at Tokyo's Enterprise rate (4.30): keep only
# their data transfer rows, which still name each account's REGION, so that each account's credits take the list
# price of its own region (README "Accounts in several regions": no rate of the account's own, then the edition's
# list price in the region of its newest RATE_SHEET_DAILY row).
for sheet in "$work"/data/accounts/*/RATE_SHEET_DAILY.csv; do
    awk -F, 'NR == 1 || $8 == "data transfer"' "$sheet" > "$sheet.tmp" && mv "$sheet.tmp" "$sheet"
done
emulator_start "$work/server" --data "$work/data" --log "$work/log.jsonl"
pid=$emulator_pid
for a in SPCS_DEV ACCT_02 ACCT_03 NOT_IN_ORG; do
    emulator_connection "$work/home/connections.toml" "$(echo "$a" | tr 'A-Z' 'a-z')" "myorg-$a"
done
printf '[groups]\norg = ["spcs_dev", "acct_02", "not_in_org", "acct_03"]\n' > "$work/config.toml"
export SNOWFLAKE_HOME="$work/home" SPCS_COST_CONFIG="$work/config.toml"

# 2. One run for the whole group: exit 13, the unknown account named.
status=0
"$bin" pull -g org --max-accounts 2 --since 2024-04-01 --cache "$work/c.sqlite" --format json \
    > "$work/pull.json" 2> "$work/pull.err" || status=$?
[[ $status -eq 13 ]] || { cat "$work/pull.err" >&2; echo "org acceptance: exit $status, expected 13" >&2; exit 1; }
grep -q '^error: connection not_in_org (MYORG.NOT_IN_ORG): ' "$work/pull.err" \
    || { cat "$work/pull.err" >&2; echo "org acceptance: the failed account is not named" >&2; exit 1; }

# 5. The same accounts at --grain day (the unknown account left out).
cp "$work/log.jsonl" "$work/log-hour.jsonl"
: > "$work/log.jsonl"
"$bin" pull -c spcs_dev -c acct_02 -c acct_03 --grain day --since 2024-04-01 --cache "$work/day.sqlite" --format json \
    > "$work/pull-day.json" 2> "$work/pull-day.err" \
    || { cat "$work/pull-day.err" >&2; echo "org acceptance: the day pull failed" >&2; exit 1; }
cp "$work/log.jsonl" "$work/log-day.jsonl"

# 6. The organization view through the organization account (--org: grain day by default, and at grain hour); a
#    connection to another account is refused the view (Snowflake's 002003), exit 69.
"$bin" pull -c spcs_dev --org --since 2024-04-01 --cache "$work/org-day.sqlite" --format json > "$work/org-day.json" \
    2> "$work/org-day.err" || { cat "$work/org-day.err" >&2; echo "org acceptance: pull --org failed" >&2; exit 1; }
"$bin" pull -c spcs_dev --org --grain hour --since 2024-04-01 --cache "$work/org-hour.sqlite" --format json \
    > "$work/org-hour.json" 2> "$work/org-hour.err" \
    || { cat "$work/org-hour.err" >&2; echo "org acceptance: pull --org --grain hour failed" >&2; exit 1; }
status=0
"$bin" pull -c acct_02 --org --since 2024-04-01 --cache "$work/org-refused.sqlite" > /dev/null 2> "$work/org-refused.err" \
    || status=$?
[[ $status -eq 69 ]] && grep -q "002003" "$work/org-refused.err" \
    || { cat "$work/org-refused.err" >&2; echo "org acceptance: --org from a non-organization account: exit $status" >&2; exit 1; }

# 7. Money per account at its own region's price: each cache (hourly and daily rows, -c and --org) exported to
#    FOCUS 1.2 and reported --by account, the run's --region left at Tokyo so that an account priced at the run's
#    price instead of its own would show.
for name in c day org-day org-hour; do
    "$bin" export --focus --period 2024-04 --cache "$work/$name.sqlite" --region aws-ap-northeast-1 \
        --edition enterprise --billing-account MYORG --out "$work/focus-$name" > "$work/focus-$name.out" \
        2> "$work/focus-$name.err" || { cat "$work/focus-$name.err" >&2; echo "org acceptance: export $name failed" >&2; exit 1; }
    "$bin" report --from 2024-04-01 --to 2024-04-30 --cache "$work/$name.sqlite" --region aws-ap-northeast-1 \
        --edition enterprise --rate-card 2026-04 --by account --format json --out "$work/report-$name" \
        > "$work/report-$name.out" 2> "$work/report-$name.err" \
        || { cat "$work/report-$name.err" >&2; echo "org acceptance: report $name failed" >&2; exit 1; }
done

# 3, 4, 5 and 7. The caches against the ground truth; the emulator's log.
python3 - "$work" "$repo" <<'PY'
import csv, json, sqlite3, sys
from collections import defaultdict
from datetime import datetime, timezone
from decimal import Decimal as D
work = sys.argv[1]
summary = json.load(open(f"{work}/pull.json"))
status = {a["connection"]: a["status"] for a in summary["accounts"]}
assert status == {"spcs_dev": "pulled", "acct_02": "pulled", "not_in_org": "failed", "acct_03": "pulled"}, status
assert (summary["pulled"], summary["failed"]) == (3, 1), summary
failed = next(a for a in summary["accounts"] if a["status"] == "failed")
assert failed["exitCode"] == 77 and failed["account"] == "MYORG.NOT_IN_ORG", failed

truth = json.load(open(f"{work}/data/ground_truth.json"))
expected = {}
for account, a in truth["accounts"].items():
    for pool, p in a["pools"].items():
        for day, credits in p["daily_credits_utc"].items():
            if D(credits) != 0:
                expected[(truth["organization"], account, pool, day)] = D(credits)
cached = defaultdict(int)
db = sqlite3.connect(f"{work}/c.sqlite")
for org, account, pool, start, nano in db.execute(
        "SELECT organization, account, compute_pool_name, start_time, credits_used_nano FROM spcs_history"):
    day = datetime.fromtimestamp(start, timezone.utc).strftime("%Y-%m-%d")
    cached[(org, account, pool, day)] += nano
cached = {k: D(v) / D(10**9) for k, v in cached.items() if v != 0}
assert set(cached) == set(expected), sorted(set(cached) ^ set(expected))[:5]
for key, credits in expected.items():
    assert cached[key] == credits, (key, cached[key], credits)
assert not any(k[1] == "NOT_IN_ORG" for k in cached)

# Account concurrency: with --max-accounts 2, the two accounts started first overlap in the emulator's request
# timestamps (ISO 8601 UTC with milliseconds, so they sort as text).
spans = defaultdict(list)
for line in open(f"{work}/log-hour.jsonl"):
    entry = json.loads(line)
    account = (entry.get("auth") or {}).get("account")
    if account and entry.get("ts"):
        spans[account].append(entry["ts"])
assert len(spans) >= 3, sorted(spans)
(a, ta), (b, tb) = sorted(spans.items(), key=lambda kv: min(kv[1]))[:2]
assert min(tb) < max(ta), (a, min(ta), max(ta), b, min(tb))
overlap = f"; {a} and {b} were in flight together"

# 5. The day pull: the history statement answered only aggregated rows, and the day rows equal the ground truth.
day_summary = json.load(open(f"{work}/pull-day.json"))
assert [a["status"] for a in day_summary["accounts"]] == ["pulled"] * 3, day_summary
history = [json.loads(l) for l in open(f"{work}/log-day.jsonl")]
history = [e for e in history if "SNOWPARK_CONTAINER_SERVICES_HISTORY" in (e.get("statement") or "")
           and e.get("result_rows") is not None]
assert len(history) == 3 and all("GROUP BY" in e["statement"] and "SUM(CREDITS_USED)" in e["statement"]
                                 for e in history), [e.get("statement") for e in history]
day_rows = sum(e["result_rows"] for e in history)
per_day = defaultdict(int)
db = sqlite3.connect(f"{work}/day.sqlite")
assert db.execute("SELECT COUNT(*) FROM spcs_history").fetchone()[0] == 0
stored = 0
for org, account, pool, start, nano in db.execute(
        "SELECT organization, account, compute_pool_name, start_time, credits_used_nano FROM spcs_daily"):
    assert start % 86400 == 0, start
    day = datetime.fromtimestamp(start, timezone.utc).strftime("%Y-%m-%d")
    per_day[(org, account, pool, day)] += nano
    stored += 1
assert day_rows == stored, (day_rows, stored)
per_day = {k: D(v) / D(10**9) for k, v in per_day.items() if v != 0}
assert per_day == expected, sorted(set(per_day.items()) ^ set(expected.items()))[:5]
# 6. --org: one pull of the organization view gives every account's days, at both grains.
for name, table, grain in (("org-day", "spcs_daily", "day"), ("org-hour", "spcs_history", "hour")):
    org_summary = json.load(open(f"{work}/{name}.json"))
    assert org_summary["grain"] == grain and org_summary["statements"][0]["view"].startswith("SNOWFLAKE.ORGANIZATION_USAGE"), org_summary
    got = defaultdict(int)
    for org, account, pool, start, nano in sqlite3.connect(f"{work}/{name}.sqlite").execute(
            f"SELECT organization, account, compute_pool_name, start_time, credits_used_nano FROM {table}"):
        got[(org, account, pool, datetime.fromtimestamp(start, timezone.utc).strftime("%Y-%m-%d"))] += nano
    got = {k: D(v) / D(10**9) for k, v in got.items() if v != 0}
    assert got == expected, (name, sorted(set(got.items()) ^ set(expected.items()))[:5])
# 8. --org caches each account's ACCOUNT_LOCATOR from the organization's SPCS history (account_locators, so a pools
#    file's locator resolves), and reads the organization's METERING_DAILY_HISTORY once for every account: equal to
#    each account's SPCS days (CREDITS_BILLED) where the emulator serves the view, else skipped with a warning.
locators = {a: t["locator"] for a, t in truth["accounts"].items()}
metering_note = ""
for name in ("org-day", "org-hour"):
    cache = sqlite3.connect(f"{work}/{name}.sqlite")
    got = {account: locator for org, account, locator in cache.execute(
        "SELECT organization, account, locator FROM account_locators") if org == truth["organization"]}
    assert got == locators, (name, got, locators)
    statement = next(x for x in json.load(open(f"{work}/{name}.json"))["statements"]
                     if x["view"] == "SNOWFLAKE.ORGANIZATION_USAGE.METERING_DAILY_HISTORY")
    if statement.get("skipped"):
        assert "SNOWFLAKE.ORGANIZATION_USAGE.METERING_DAILY_HISTORY is not readable" in open(f"{work}/{name}.err").read()
        metering_note = "; the emulator does not serve ORGANIZATION_USAGE.METERING_DAILY_HISTORY: skipped with a warning"
        continue
    billed = {}
    for account in truth["accounts"]:
        with open(f"{work}/data/accounts/{account}/METERING_DAILY_HISTORY.csv", newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["SERVICE_TYPE"] == "SNOWPARK_CONTAINER_SERVICES" and row["USAGE_DATE"][:10] >= "2024-04-01":
                    billed[(account, row["USAGE_DATE"][:10])] = D(row["CREDITS_BILLED"])
    cached = {(account, datetime.fromtimestamp(day * 86400, timezone.utc).strftime("%Y-%m-%d")): D(nano) / D(10**9)
              for org, account, day, nano in cache.execute(
                  "SELECT organization, account, usage_date, credits_billed_nano FROM metering_daily")}
    assert cached == billed, (name, sorted(set(cached.items()) ^ set(billed.items()))[:5])
    metering_note = f"; ORGANIZATION_USAGE.METERING_DAILY_HISTORY equals {len(billed)} account-days"
overlap += f"; --org cached every account's locator{metering_note}"
hour_rows = db_hour_rows = sqlite3.connect(f"{work}/c.sqlite").execute("SELECT COUNT(*) FROM spcs_history").fetchone()[0]
overlap += (f"; at --grain day the history statements returned {day_rows} aggregated rows (hourly: {hour_rows}) "
            f"and the day rows equal the ground truth; pull --org equals it at both grains, and is refused (69) "
            f"to an account that is not the organization account")
# 7. Per account and UTC day, the FOCUS rows' exact BilledCost equals the ground truth's credits × the list price
#    of the account's region (the bundled Consumption Table, Enterprise; REGION AWS_AP_NORTHEAST_1 is the table's
#    aws-ap-northeast-1), at both grains; RegionId is the account's region; the report's By account lines equal the
#    same amounts over the month.
import csv
table = json.load(open(f"{sys.argv[2]}/Sources/SPCSCostKit/Resources/catalog/credit-prices-2026-04.json"))
list_price = {r["region"]: D(r["prices"]["enterprise"]) for r in table["regions"] if "enterprise" in r["prices"]}
price = {a: list_price[t["region"].lower().replace("_", "-")] for a, t in truth["accounts"].items()}
assert len(set(price.values())) > 1, price
money = defaultdict(D)
for (org, account, pool, day), credits in expected.items():
    money[(account, day)] += credits * price[account]
by_account = defaultdict(D)
for (account, day), amount in money.items():
    by_account[account] += amount
for name in ("c", "day", "org-day", "org-hour"):
    got, regions = defaultdict(D), {}
    with open(f"{work}/focus-{name}/spcs-cost-focus_2024-04-01_2024-04-30_metered.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            got[(row["SubAccountName"], row["ChargePeriodStart"][:10])] += D(row["BilledCost"])
            regions[row["SubAccountName"]] = row["RegionId"]
    got = {k: v for k, v in got.items() if v != 0}
    assert set(got) == set(money), (name, sorted(set(got) ^ set(money))[:5])
    for key, amount in money.items():
        assert got[key] == amount, (name, key, got[key], amount)
    report = json.load(open(f"{work}/report-{name}/spcs-cost-report_2024-04-01_2024-04-30.json"))
    lines = report["tables"]["by_account"]["rows"]
    cost = next(c["key"] for c in report["tables"]["by_account"]["columns"] if c["key"].startswith("metered_cost_"))
    reported = {r["account"]: D(r[cost]["amount"]) for r in lines if r["account"] in by_account}
    assert reported == dict(by_account), (name, reported, dict(by_account))
prices = ", ".join(f"{a} {price[a]}" for a in sorted(price))
overlap += (f"; each account's FOCUS BilledCost per UTC day and report --by account equal the ground truth at its "
            f"region's Enterprise list price ({prices} USD a credit) in all four caches")
accounts = len(truth["accounts"])
print(f"org acceptance: {len(expected)} account-pool-days of {accounts} accounts equal the ground truth exactly; "
      f"the unknown account failed (exit 77) and the run exited 13{overlap}")
PY

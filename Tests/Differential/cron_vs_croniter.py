#!/usr/bin/env python3
"""Differential check of spcs-cost's Snowflake task-schedule fire times against croniter 7.0.0.

Setup:   pip install croniter==7.0.0
Run:     SPCS_COST_BIN=.build/debug/spcs-cost python3 Tests/Differential/cron_vs_croniter.py [--seed N] [--cases N]
Exit:    0 when every disagreement is classified, 1 when any is not (a real bug on one side), 2 on a setup error.

It generates seeded random Snowflake cron expressions over a set of IANA zones (DST, 30-minute DST, no DST,
45-minute offsets, transitions at midnight), asks spcs-cost for the fire times of each over a period, computes
croniter's fire times over the same UTC window, and prints every disagreement with its class.

spcs-cost is called as
    $SPCS_COST_BIN schedule explain 'USING CRON <expr> <zone>' --from YYYY-MM-DD --to YYYY-MM-DD --format json
(`--from` is the first local date, `--to` the last one, inclusive, both in the schedule's zone) and must print one
JSON object (key order free; extra keys are ignored):
    {
      "schedule": "USING CRON 0 1 * * * America/Los_Angeles",  # Snowflake spelling
      "kind": "cron",                                           # or "interval"
      "timeZone": "America/Los_Angeles",
      "from": "2024-11-01", "to": "2024-12-01",                 # local dates, `to` exclusive (the day after --to)
      "windowStartUTC": "2024-11-01T07:00:00Z",                 # first instant of `from` in the zone
      "windowEndUTC": "2024-12-01T08:00:00Z",                   # first instant of `to` (exclusive)
      "intervalAnchorUTC": "...",                               # interval schedules only
      "holidays": ["2024-11-28"],
      "fireTimeCount": 31,
      "fireTimes": [                                            # sorted by "utc"
        {"utc": "2024-11-03T08:00:00Z", "local": "2024-11-03T01:00:00", "utcOffsetSeconds": -25200,
         "dst": "repeated-first"},                              # "dst" absent unless the wall time repeats;
        ...                                                     # else "repeated-first" / "repeated-second"
      ],
      "days": [{"date": "2024-11-03", "lengthSeconds": 90000, "fireCount": 2, "holiday": false}, ...],
      "dstNotes": [{"date": "2024-11-03", "kind": "repeated-wall-time",   # or "skipped-wall-time"
                    "transitionUTC": "2024-11-03T09:00:00Z",
                    "utcOffsetBeforeSeconds": -25200, "utcOffsetAfterSeconds": -28800,
                    "wallTimeStart": "2024-11-03T01:00:00", "wallTimeEnd": "2024-11-03T02:00:00",
                    "affectedWallTimes": ["2024-11-03T01:00:00"]}, ...]
    }

Translation of the Snowflake dialect to croniter's (no disagreement is counted for these):
  * `nL` / `FRIL` (last weekday n of the month) -> croniter's `Ln`;
  * `L` alone in day-of-week (Saturday, spcs-cost's documented reading) -> `6`;
  * `a-a` and `a-a/n` (a range of one value) -> `a`: croniter 7.0.0 reads them as the whole field (a croniter
    bug; spcs-cost's reading is pinned by a Swift test);
  * both day-of-month and day-of-week restricted (not `*`) -> the union of two croniter runs, one per field
    (Snowflake documents OR; croniter's own OR split does not compose with `Ln`).
Dialect that is not generated: `W`, `#`, `?` and day-of-week 7 (croniter accepts them, spcs-cost rejects them).

Classes of disagreement (each is pinned by a Swift test in Tests/SPCSCostCoreTests/Schedule/):
  * gap-not-fired: croniter fires a wall time that does not exist on the spring-forward day at the first
    instant after the gap; Snowflake documents that such a task does not run (CREATE TASK, SCHEDULE notes:
    the 02:00 America/Los_Angeles task), so spcs-cost does not fire. Recognised when the croniter-only instant
    is the `transitionUTC` of a "skipped-wall-time" note that lists affected wall times.
  * repeated-fired-twice: spcs-cost fires a repeated wall time twice on the fall-back day (documented by
    Snowflake for the 01:00 America/Los_Angeles task) and croniter fires it once. Recognised when the
    spcs-cost-only fire time carries a "dst" mark.
Anything else, and any fire time whose "local"/"utcOffsetSeconds" disagree with Python's zoneinfo for its
"utc", is unclassified: a real bug in one of the two.
"""

import argparse
import json
import os
import random
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

try:
    from importlib.metadata import version as installed_version
    from croniter import croniter, CroniterBadDateError
except ImportError:
    print("croniter is not installed; run: pip install croniter==7.0.0", file=sys.stderr)
    sys.exit(2)

UTC = timezone.utc
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

# Zone -> a (from, to) month around a 2024 offset change, for dense expressions ("-" = no change in 2024).
ZONES = {
    "America/Los_Angeles": ("2024-03-01", "2024-04-01"),
    "America/New_York": ("2024-11-01", "2024-12-01"),
    "Europe/Berlin": ("2024-03-15", "2024-04-15"),
    "Europe/London": ("2024-10-15", "2024-11-15"),
    "Europe/Dublin": ("2024-03-15", "2024-04-15"),
    "Australia/Lord_Howe": ("2024-09-20", "2024-10-20"),
    "Australia/Sydney": ("2024-03-20", "2024-04-20"),
    "Pacific/Chatham": ("2024-09-15", "2024-10-15"),
    "America/Havana": ("2024-03-01", "2024-04-01"),
    "America/Santiago": ("2024-08-25", "2024-09-25"),
    "Asia/Tokyo": ("2024-01-15", "2024-02-15"),
    "Asia/Kolkata": ("2024-06-01", "2024-07-01"),
    "UTC": ("2024-02-15", "2024-03-15"),
}


def pick_case(rng, name):
    """A random case of `name` letters for month and weekday names."""
    return name if rng.random() < 0.7 else name.lower() if rng.random() < 0.5 else name.capitalize()


def numeric_field(rng, lo, hi, hot=None):
    """A minute or hour field: *, value, list, range, or one of the three step forms."""
    def v():
        return rng.choice(hot) if hot and rng.random() < 0.5 else rng.randint(lo, hi)
    kind = rng.choice(["*", "v", "v", "list", "range", "*/n", "a/n", "a-b/n"])
    if kind == "*":
        return "*"
    if kind == "v":
        return str(v())
    if kind == "list":
        return ",".join(str(x) for x in sorted({v() for _ in range(rng.randint(2, 4))}))
    if kind == "range":
        a, b = sorted((v(), v()))
        return f"{a}-{b}"
    n = rng.randint(2, max(2, (hi - lo) // 2))
    if kind == "*/n":
        return f"*/{n}"
    if kind == "a/n":
        return f"{v()}/{n}"
    a, b = sorted((v(), v()))
    return f"{a}-{b}/{n}"


def dom_field(rng):
    kind = rng.choice(["*", "*", "*", "v", "list", "range", "L", "1,L", "*/n", "a/n"])
    if kind in ("*", "L", "1,L"):
        return kind
    if kind == "v":
        return str(rng.choice([1, 15, 28, 29, 30, 31, rng.randint(1, 31)]))
    if kind == "list":
        return ",".join(str(x) for x in sorted({rng.randint(1, 31) for _ in range(3)}))
    if kind == "range":
        a, b = sorted((rng.randint(1, 31), rng.randint(1, 31)))
        return f"{a}-{b}"
    if kind == "*/n":
        return f"*/{rng.randint(2, 10)}"
    return f"{rng.randint(1, 20)}/{rng.randint(2, 10)}"


def month_field(rng):
    kind = rng.choice(["*", "*", "*", "*", "v", "name", "range", "4/3", "*/n", "list"])
    if kind in ("*", "4/3"):
        return kind
    if kind == "v":
        return str(rng.randint(1, 12))
    if kind == "name":
        return pick_case(rng, rng.choice(MONTHS))
    if kind == "range":
        a, b = sorted(rng.sample(range(12), 2))
        return f"{pick_case(rng, MONTHS[a])}-{pick_case(rng, MONTHS[b])}"
    if kind == "*/n":
        return f"*/{rng.randint(2, 5)}"
    return ",".join(str(x) for x in sorted(rng.sample(range(1, 13), 3)))


def dow_field(rng):
    kind = rng.choice(["*", "*", "*", "v", "MON-FRI", "TUE,THU", "nL", "nameL", "L", "a-b/n", "name"])
    if kind == "*":
        return "*"
    if kind == "v":
        return str(rng.randint(0, 6))
    if kind == "MON-FRI":
        return f"{pick_case(rng, 'MON')}-{pick_case(rng, 'FRI')}"
    if kind == "TUE,THU":
        return f"{pick_case(rng, 'TUE')},{pick_case(rng, 'THU')}"
    if kind == "nL":
        return f"{rng.randint(0, 6)}L"
    if kind == "nameL":
        return f"{rng.choice(DAYS)}L"
    if kind == "L":
        return "L"
    if kind == "a-b/n":
        a, b = sorted(rng.sample(range(7), 2))
        return f"{a}-{b}/{rng.randint(2, 3)}"
    return pick_case(rng, rng.choice(DAYS))


def generate(rng, count):
    """`count` (expression, zone, from, to) tuples; dense expressions get one month around an offset change."""
    cases = []
    zones = sorted(ZONES)
    for i in range(count):
        zone = zones[i % len(zones)]
        minute = numeric_field(rng, 0, 59, hot=[0, 15, 30, 45])
        hour = numeric_field(rng, 0, 23, hot=[0, 1, 2, 3, 23])
        fields = [minute, hour, dom_field(rng), month_field(rng), dow_field(rng)]
        per_day = count_values(minute, 0, 59) * count_values(hour, 0, 23)
        if per_day > 48:
            start, end = ZONES[zone]
        else:
            start, end = ("2024-01-01", "2025-01-01") if rng.random() < 0.8 else ("2024-01-01", "2026-01-01")
        cases.append((" ".join(fields), zone, start, end))
    return cases


def count_values(field, lo, hi):
    """How many values a minute or hour field matches (for choosing the period only)."""
    total = set()
    for item in field.split(","):
        base, _, step = item.partition("/")
        if base == "*":
            a, b = lo, hi
        elif "-" in base:
            a, b = (int(x) for x in base.split("-"))
        else:
            a = int(base)
            b = hi if step else a
        total.update(range(a, b + 1, int(step) if step else 1))
    return len(total)


def to_croniter_dow(field):
    """Snowflake day-of-week -> croniter: names to numbers, nL/NAMEL -> Ln, L alone -> 6 (Saturday)."""
    items = []
    for item in field.upper().split(","):
        if item == "L":
            items.append("6")
        elif item.endswith("L"):
            n = item[:-1]
            items.append("L" + str(DAYS.index(n) if n in DAYS else int(n)))
        else:
            for i, name in enumerate(DAYS):
                item = item.replace(name, str(i))
            items.append(item)
    return ",".join(items)


def to_croniter_month(field):
    up = field.upper()
    for i, name in enumerate(MONTHS):
        up = up.replace(name, str(i + 1))
    return up


def one_value_ranges(field):
    """`a-a` and `a-a/n` -> `a`: croniter 7.0.0 expands a one-value range to the whole field (`6-6/5` in hour
    gives 0,5,10,15,20), where Snowflake's and spcs-cost's reading is the single value."""
    items = []
    for item in field.split(","):
        base = item.split("/")[0]
        low, dash, high = base.partition("-")
        items.append(low if dash and low == high else item)
    return ",".join(items)


def croniter_fire_times(expression, zone, start, end):
    """croniter's fire times in [start, end) (UTC datetimes), with the Snowflake dialect translated."""
    minute, hour, dom, month, dow = expression.split()
    month = to_croniter_month(month)
    dow = to_croniter_dow(dow)
    minute, hour, dom, month, dow = (one_value_ranges(f) for f in (minute, hour, dom, month, dow))
    if dom != "*" and dow != "*":
        runs = [f"{minute} {hour} {dom} {month} *", f"{minute} {hour} * {month} {dow}"]
    else:
        runs = [f"{minute} {hour} {dom} {month} {dow}"]
    found = set()
    tz = ZoneInfo(zone)
    for expr in runs:
        it = croniter(expr, (start - timedelta(seconds=1)).astimezone(tz))
        previous = None
        while True:
            try:
                t = it.get_next(datetime).astimezone(UTC)
            except CroniterBadDateError:
                break
            if t >= end or (previous is not None and t <= previous):
                break
            previous = t
            if t >= start:
                found.add(t)
    return found


def parse_utc(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def ours(binary, expression, zone, start, end):
    """`schedule explain` over [start, end), asked for at most 366 days at a time (spcs-cost's limit), joined."""
    schedule = f"USING CRON {expression} {zone}"
    first = datetime.strptime(start, "%Y-%m-%d")
    stop = datetime.strptime(end, "%Y-%m-%d")
    joined = None
    while first < stop:
        chunk_end = min(first + timedelta(days=366), stop)
        last = (chunk_end - timedelta(days=1)).strftime("%Y-%m-%d")
        result = subprocess.run(
            [binary, "schedule", "explain", schedule, "--from", first.strftime("%Y-%m-%d"), "--to", last,
             "--format", "json"],
            capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{binary} failed on '{schedule}': {result.stderr.strip()}")
        part = json.loads(result.stdout)
        if joined is None:
            joined = part
        else:
            joined["windowEndUTC"] = part["windowEndUTC"]
            joined["fireTimes"] += part["fireTimes"]
            joined["dstNotes"] += part["dstNotes"]
        first = chunk_end
    return joined


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20240310)
    parser.add_argument("--cases", type=int, default=300)
    args = parser.parse_args()
    binary = os.environ.get("SPCS_COST_BIN", ".build/debug/spcs-cost")
    if not os.access(binary, os.X_OK):
        print(f"SPCS_COST_BIN '{binary}' is not an executable; build spcs-cost first", file=sys.stderr)
        return 2
    if installed_version("croniter") != "7.0.0":
        print(f"note: croniter {installed_version('croniter')} installed; the notes above are for 7.0.0",
              file=sys.stderr)

    rng = random.Random(args.seed)
    classes = Counter()
    compared = 0
    unclassified = 0
    zones_seen = set()
    for expression, zone, start_date, end_date in generate(rng, args.cases):
        zones_seen.add(zone)
        explain = ours(binary, expression, zone, start_date, end_date)
        start, end = parse_utc(explain["windowStartUTC"]), parse_utc(explain["windowEndUTC"])
        tz = ZoneInfo(zone)
        mine = {}
        for f in explain["fireTimes"]:
            t = parse_utc(f["utc"])
            mine[t] = f
            local = t.astimezone(tz)
            if (local.strftime("%Y-%m-%dT%H:%M:%S") != f["local"]
                    or int(local.utcoffset().total_seconds()) != f["utcOffsetSeconds"]):
                print(f"UNCLASSIFIED local-time '{expression} {zone}': {f} but zoneinfo says {local.isoformat()}")
                unclassified += 1
        theirs = croniter_fire_times(expression, zone, start, end)
        compared += len(set(mine) | theirs)
        gap_transitions = {parse_utc(n["transitionUTC"]) for n in explain["dstNotes"]
                           if n["kind"] == "skipped-wall-time" and n["affectedWallTimes"]}
        for t in sorted(theirs - set(mine)):
            if t in gap_transitions:
                classes["gap-not-fired"] += 1
                label = "gap-not-fired (croniter moves a non-existent wall time to the end of the gap)"
            else:
                unclassified += 1
                label = "UNCLASSIFIED"
            print(f"{label}: '{expression} {zone}' croniter only {t.isoformat()} local {t.astimezone(tz)}")
        for t in sorted(set(mine) - theirs):
            if "dst" in mine[t]:
                classes["repeated-fired-twice"] += 1
                label = "repeated-fired-twice (croniter fires a repeated wall time once)"
            else:
                unclassified += 1
                label = "UNCLASSIFIED"
            print(f"{label}: '{expression} {zone}' spcs-cost only {mine[t]}")

    print(f"\nseed {args.seed}: {args.cases} expressions, {len(zones_seen)} zones, "
          f"{compared} fire times compared (union of both sides)")
    for name, n in sorted(classes.items()):
        print(f"  classified {name}: {n}")
    print(f"  unclassified: {unclassified}")
    return 1 if unclassified else 0


if __name__ == "__main__":
    sys.exit(main())

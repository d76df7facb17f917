#!/usr/bin/env python3
"""Writes jupyterlab-april-2024.csv: a Snowsight CSV export of
SNOWFLAKE.ACCOUNT_USAGE.SNOWPARK_CONTAINER_SERVICES_HISTORY for one JupyterLab compute pool in April 2024.

The billed intervals below are the ground truth; README.md in this folder lists them by cause. This script is
independent of spcs-cost's own billing model on purpose: the tests check spcs-cost against it.

Billing rules used (spcs-facts §2, Service Consumption Table 2026-04 preamble, CREATE COMPUTE POOL):
- the pool bills 1 node (MIN_NODES = MAX_NODES = 1) of CPU_X64_XS at 0.11 credits per node-hour (the April 2024
  rate) whenever it is not suspended;
- every node start bills at least 5 minutes, then per second;
- after the services stop, the pool stays billed until AUTO_SUSPEND_SECS = 3600 passes (the auto-suspend tail),
  unless the pool itself is suspended;
- CREDITS_USED per hour = 0.11 x node-seconds in that UTC hour / 3600, rounded half-up to 9 decimals
  (NUMBER(38,9)).
Timestamps are printed as Snowsight prints them for a user whose session time zone is America/Los_Angeles
(April 2024 is PDT, UTC-07:00).

Run: python3 Fixtures/snowsight/make_jupyterlab_april_2024.py   (rewrites the CSV next to this file)
"""
from datetime import datetime, date, timedelta, timezone
from decimal import Decimal, ROUND_HALF_UP
from zoneinfo import ZoneInfo
import os

TOKYO = ZoneInfo("Asia/Tokyo")
LA = ZoneInfo("America/Los_Angeles")
RATE = Decimal("0.11")
POOL, POOL_ID = "JUPYTER_POOL", "1201"


def t(d, hm):
    h, m = map(int, hm.split(":"))
    return datetime(d.year, d.month, d.day, h, m, tzinfo=TOKYO)


weekdays = [date(2024, 4, d) for d in range(1, 31) if date(2024, 4, d).weekday() < 5]
assert len(weekdays) == 22

intervals = []  # (start, end, cause)
for d in weekdays:
    intervals.append((t(d, "10:00"), t(d, "19:00"), "scheduled"))
    if d <= date(2024, 4, 5):
        # First week: the 19:00 task suspended only the service; the pool idled until AUTO_SUSPEND_SECS.
        intervals.append((t(d, "19:00"), t(d, "20:00"), "auto_suspend_tail"))

# Evening and weekend sessions: someone opened the service URL, AUTO_RESUME woke the pool, and after the
# session the pool idled for AUTO_SUSPEND_SECS = 3600 s before suspending.
for day, start, minutes in [(date(2024, 4, 10), "21:30", 30), (date(2024, 4, 13), "14:00", 45),
                            (date(2024, 4, 18), "22:15", 12)]:
    s = t(day, start)
    e = s + timedelta(minutes=minutes)
    intervals.append((s, e, "off_hours_resume"))
    intervals.append((e, e + timedelta(seconds=3600), "auto_suspend_tail"))

# A 2-minute check on Monday 22 April at 20:00, after which the user suspended the pool by hand: billed the
# 5-minute minimum per node start, so 3 minutes are padding.
s = t(date(2024, 4, 22), "20:00")
intervals.append((s, s + timedelta(minutes=2), "off_hours_resume"))
intervals.append((s + timedelta(minutes=2), s + timedelta(minutes=5), "minimum_charge_padding"))

# Node-seconds per UTC hour.
per_hour = {}
for s, e, _ in intervals:
    cur = s.astimezone(timezone.utc)
    end = e.astimezone(timezone.utc)
    while cur < end:
        hour = cur.replace(minute=0, second=0, microsecond=0)
        nxt = min(end, hour + timedelta(hours=1))
        per_hour[hour] = per_hour.get(hour, 0) + int((nxt - cur).total_seconds())
        cur = nxt


def snowsight(ts):
    return ts.astimezone(LA).strftime("%Y-%m-%d %H:%M:%S.000 %z")


rows = []
for hour in sorted(per_hour):
    assert per_hour[hour] <= 3600
    credits = (RATE * per_hour[hour] / 3600).quantize(Decimal("0.000000001"), rounding=ROUND_HALF_UP)
    rows.append([snowsight(hour), snowsight(hour + timedelta(hours=1)), POOL, POOL_ID, "false", "", "",
                 f"{credits:.9f}"])

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jupyterlab-april-2024.csv")
with open(out, "w", newline="") as f:
    f.write("START_TIME,END_TIME,COMPUTE_POOL_NAME,COMPUTE_POOL_ID,IS_EXCLUSIVE,APPLICATION_NAME,APPLICATION_ID,CREDITS_USED\r\n")
    for r in rows:
        f.write(",".join(r) + "\r\n")

# Summary for README.md
by_cause = {}
for s, e, c in intervals:
    by_cause[c] = by_cause.get(c, 0) + int((e - s).total_seconds())
total_s = sum(by_cause.values())
print(f"rows: {len(rows)}")
for c, sec in sorted(by_cause.items()):
    print(f"{c}: {sec} node-seconds = {Decimal(sec) / 3600} node-hours; {RATE * sec / 3600} credits")
print(f"total: {total_s} node-seconds = {Decimal(total_s) / 3600} node-hours")
print(f"sum of CREDITS_USED: {sum(Decimal(r[-1]) for r in rows)}")
daily = {}
for hour, sec in per_hour.items():
    d = hour.astimezone(TOKYO).date()
    daily[d] = daily.get(d, Decimal(0)) + (RATE * sec / 3600).quantize(Decimal("0.000000001"), rounding=ROUND_HALF_UP)
for d in sorted(daily):
    print(f"  {d} (Asia/Tokyo): {daily[d]}")

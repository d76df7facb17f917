"""Opens the sample workbook with openpyxl (an independent reader) and checks what finance relies on.

Usage: python3 Tests/xlsx/check_xlsx.py Reports/samples/spcs-cost-report_2024-04-01_2024-04-30.xlsx
Checks: the sheets (one per table and Notes); the metered cost is the number 9759 with JPY's number format
(#,##0); a per-day date is a real date shown as yyyy-mm-dd; every sheet's header row is frozen (A2); the Notes sheet
carries every warning of the JSON report next to it.
"""
import datetime
import json
import sys

import openpyxl

path = sys.argv[1]
wb = openpyxl.load_workbook(path)
assert wb.sheetnames == ["Summary", "Difference from the estimate by", "Top pools by metered cost",
                         "Month to date and forecast", "Per pool", "Pool credits and node-hours", "Per day",
                         "Notes"], wb.sheetnames
summary = wb["Summary"]
header = [c.value for c in summary[1]]
cost = summary.cell(row=2, column=header.index("Cost (JPY)") + 1)
assert summary.cell(row=2, column=1).value == "metered", summary.cell(row=2, column=1).value
assert cost.value == 9759 and isinstance(cost.value, int), (cost.value, type(cost.value))
assert cost.number_format == "#,##0", cost.number_format
days = wb["Per day"]
day = days["A2"]
assert day.value == datetime.datetime(2024, 4, 1), day.value
assert day.number_format == "yyyy-mm-dd", day.number_format
for ws in wb.worksheets:
    assert ws.freeze_panes == "A2", (ws.title, ws.freeze_panes)
notes = [row[2] for row in wb["Notes"].iter_rows(min_row=2, values_only=True)]
report = json.load(open(path[: -len(".xlsx")] + ".json"))
for warning in report["warnings"]:
    assert warning in notes, warning
print(f"xlsx: {path} opens in openpyxl; Summary!D2 = {cost.value} ({cost.number_format}), "
      f"Per day!A2 = {day.value:%Y-%m-%d} ({day.number_format}), {len(wb.worksheets)} sheets with frozen headers, "
      f"{len(report['warnings'])} warnings on the Notes sheet")

#!/usr/bin/env python3
"""Opens workbooks in LibreOffice Calc (headless, an independent spreadsheet) and checks money cells as a finance
reader sees them: each sheet is converted to CSV "as shown" (with the cells' number formats applied), and each
expected cell must show exactly its text, so 4.40 shown as 4.4, or 9,759 shown as 9759.255, fails.

Usage: check_xlsx_libreoffice.py WORKBOOK.xlsx SHEET ROW_LABEL COLUMN SHOWN [WORKBOOK SHEET ROW_LABEL COLUMN SHOWN ...]
  SHEET: the sheet's name; ROW_LABEL: the text of a cell in the row (its first match); COLUMN: the header of the
  column; SHOWN: the text LibreOffice must show.
Exit 0 when every cell shows as expected; 1 naming each that does not; 2 when LibreOffice is missing or fails.
"""
import csv
import glob
import os
import shutil
import subprocess
import sys
import tempfile

# Field separator 44 (,), text delimiter 34 ("), UTF-8 (76), from line 1, default cell formats and language,
# quoted fields not as text, special numbers detected, cell contents saved AS SHOWN, formulas not exported, spaces
# kept, every sheet to its own file (-1; LibreOffice 7.2 and later).
FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def sheets(workbook, tmp):
    """{sheet name: rows} of `workbook` as LibreOffice shows them."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        print("check_xlsx_libreoffice: LibreOffice is not installed (Debian: libreoffice-calc-nogui)", file=sys.stderr)
        sys.exit(2)
    out = tempfile.mkdtemp(dir=tmp)
    run = subprocess.run([office, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
                          "--convert-to", FILTER, "--outdir", out, os.path.abspath(workbook)],
                         capture_output=True, text=True, timeout=300)
    stem = os.path.splitext(os.path.basename(workbook))[0]
    found = {}
    for path in glob.glob(os.path.join(out, stem + "-*.csv")):
        # LibreOffice writes "<stem>-<sheet>.csv", with characters a file name cannot hold replaced by "_".
        name = os.path.basename(path)[len(stem) + 1:-len(".csv")]
        with open(path, encoding="utf-8", newline="") as f:
            found[name] = list(csv.reader(f))
    if run.returncode != 0 or not found:
        print(f"check_xlsx_libreoffice: LibreOffice did not convert {workbook} ({run.returncode}): "
              f"{run.stdout[-1000:]}{run.stderr[-1000:]}", file=sys.stderr)
        sys.exit(2)
    return found


def main():
    args = sys.argv[1:]
    if not args or len(args) % 5:
        print(__doc__, file=sys.stderr)
        return 2
    failures, checked, cache = [], 0, {}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(0, len(args), 5):
            workbook, sheet, label, column, shown = args[i:i + 5]
            if workbook not in cache:
                cache[workbook] = sheets(workbook, tmp)
            book = cache[workbook]
            key = sheet.replace(":", "_").replace("/", "_")
            rows = book.get(key)
            if rows is None:
                failures.append(f"{workbook}: no sheet '{sheet}' (sheets: {', '.join(sorted(book))})")
                continue
            header = rows[0]
            if column not in header:
                failures.append(f"{workbook}, {sheet}: no column '{column}' (header: {header})")
                continue
            row = next((r for r in rows[1:] if label in r), None)
            if row is None:
                failures.append(f"{workbook}, {sheet}: no row with '{label}'")
                continue
            got = row[header.index(column)]
            checked += 1
            if got != shown:
                failures.append(f"{workbook}, {sheet}, row '{label}', column '{column}': LibreOffice shows "
                                f"'{got}', expected '{shown}'")
    if failures:
        for f in failures:
            print("check_xlsx_libreoffice: " + f, file=sys.stderr)
        return 1
    print(f"check_xlsx_libreoffice: {checked} money cells show their value and decimals in LibreOffice Calc")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# The files finance opens, opened the way finance opens them (README "Output formats"; CI runs this):
#  1. the sample HTML report printed to PDF by headless Chromium: every column header of every table is on the
#     printed (landscape) pages, checked with pdftotext;
#  2. the sample xlsx, and a USD workbook made from the same fixture, opened by LibreOffice Calc: money cells show
#     their value with the currency's decimals (9,759 JPY; 4.40 and 310.20 USD, not 4.4 and 310.2).
# Needs chromium, poppler-utils and libreoffice-calc-nogui (Debian), and SPCS_COST_BIN (the built spcs-cost).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${SPCS_COST_BIN:?set SPCS_COST_BIN to the spcs-cost binary}"
samples=Reports/samples
base=spcs-cost-report_2024-04-01_2024-04-30

python3 Tests/print/check_html_pdf.py "$samples/$base.html"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# At 4 USD a credit, 2024-04-01's 1.1 metered credits cost 4.40 USD and always on (77.55 credits) 310.20 USD.
"$bin" import Fixtures/snowsight/jupyterlab-april-2024.csv --cache "$work/c.sqlite" --create >/dev/null
"$bin" report --from 2024-04-01 --to 2024-04-30 --timezone Asia/Tokyo --family CPU_X64_XS --region aws-ap-northeast-1 \
    --currency USD --credit-price 4 --cache "$work/c.sqlite" --format xlsx --out "$work/usd" >/dev/null 2>&1
python3 Tests/print/check_xlsx_libreoffice.py \
    "$samples/$base.xlsx" Summary metered "Cost (JPY)" "9,759" \
    "$samples/$base.xlsx" "Per day" 2024-04-01 "Metered cost (JPY)" "470" \
    "$work/usd/$base.xlsx" "Per day" 2024-04-01 "Metered cost (USD)" "4.40" \
    "$work/usd/$base.xlsx" Summary always_on "Cost (USD)" "310.20"

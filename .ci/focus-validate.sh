#!/usr/bin/env bash
# Checks spcs-cost's FOCUS export with the FinOps Foundation's validator, focus-validator 1.0.0 (FOCUS 1.0 rules):
# imports the bundled fixture into a temporary cache, exports the metered and the estimate file, validates both, and
# fails on any rule that fails except the one skipped below. Run it from anywhere; it works in the repository.
#   .ci/focus-validate.sh                                  # uses python3 and the default build folder
#   PYTHON=python3.11 SWIFT_FLAGS="--scratch-path .build-x" .ci/focus-validate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
PYTHON=${PYTHON:-python3}
read -r -a swift_flags <<<"${SWIFT_FLAGS:-}"

# focus-validator 1.0.0 imports pandera 0.17, which needs multimethod older than 1.11.
if ! "$PYTHON" -c 'import focus_validator' 2>/dev/null \
   || [ "$("$PYTHON" -m pip show focus-validator 2>/dev/null | sed -n 's/^Version: //p')" != "1.0.0" ]; then
  "$PYTHON" -m pip install --quiet 'focus-validator==1.0.0' 'multimethod<1.11'
fi
# It reads its ISO 4217 list from the relative path focus_validator/utils/currency_codes.csv, so it runs in the
# folder that holds the installed package (its site-packages), with absolute paths for everything else.
site=$("$PYTHON" -c 'import focus_validator, os; print(os.path.dirname(os.path.dirname(focus_validator.__file__)))')

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

swift build "${swift_flags[@]}" --product spcs-cost >/dev/null
spcs_cost() { swift run "${swift_flags[@]}" --skip-build spcs-cost "$@"; }
spcs_cost import Fixtures/snowsight/jupyterlab-april-2024.csv --cache "$tmp/c.sqlite"
spcs_cost export --focus --from 2024-04-01 --to 2024-04-30 --cache "$tmp/c.sqlite" --out "$tmp/focus" \
  --billing-account MYORG --account SPCS_DEV --region aws-ap-northeast-1 --family CPU_X64_XS --rate-card 2024

cat >"$tmp/overrides.yaml" <<'YAML'
# focus-validator 1.0.0 requires a column named ResourceID, but the FOCUS 1.0 specification names the column
# ResourceId (Column ID "ResourceId", specification/columns/resourceid.md), and spcs-cost follows the
# specification. This skips only that presence rule.
overrides:
  - ResourceID_Required
YAML

failed=0
for file in "$tmp"/focus/*.csv; do
  name=$(basename "$file")
  # The validator's rule SkuPriceId_Nullable ("SkuPriceId must be set for certain values of ChargeType") queries
  # ChargeType, the FOCUS 1.0-preview name of what FOCUS 1.0 calls ChargeCategory; on a FOCUS 1.0 file it stops
  # with KeyError('ChargeType') whatever the data. The validator therefore reads a copy in which ChargeCategory is
  # repeated under its preview name, so that the rule runs and checks what FOCUS 1.0 requires (SkuPriceId is not
  # null on Usage rows). The exported file itself has only FOCUS 1.0 and x_ columns.
  "$PYTHON" - "$file" "$tmp/check-$name" <<'PY'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
i = rows[0].index("ChargeCategory")
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\r\n").writerows([r + [r[i] if n else "ChargeType"] for n, r in enumerate(rows)])
PY
  echo "== focus-validator 1.0.0, FOCUS 1.0: $name ($(($(wc -l <"$file") - 1)) rows)"
  (cd "$site" && "$PYTHON" -m focus_validator.main --validate-version 1.0 --data-file "$tmp/check-$name" \
    --override-file "$tmp/overrides.yaml")
  (cd "$site" && "$PYTHON" -m focus_validator.main --validate-version 1.0 --data-file "$tmp/check-$name" \
    --override-file "$tmp/overrides.yaml" --output-type unittest --output-destination "$tmp/$name.xml")
  # The console output does not set the exit status; the JUnit XML does: every rule passed or skipped (ResourceID).
  if ! "$PYTHON" - "$tmp/$name.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.iter("testcase")
bad, skipped, total = [], [], 0
for case in cases:
    total += 1
    if case.find("failure") is not None or case.find("error") is not None:
        bad.append(case.get("name"))
    elif case.find("skipped") is not None:
        skipped.append(case.get("name"))
print(f"   {total} rules: {total - len(bad) - len(skipped)} passed, {len(skipped)} skipped "
      f"({', '.join(skipped)}), {len(bad)} failed")
unexpected = [s for s in skipped if not s.startswith("ResourceID_Required")]
for name in bad + unexpected:
    print(f"   not passed: {name}")
sys.exit(1 if bad or unexpected else 0)
PY
  then
    failed=1
  fi
done
[ "$failed" -eq 0 ] || { echo "focus-validate: the FOCUS export failed validation" >&2; exit 1; }
echo "focus-validate: both FOCUS files pass focus-validator 1.0.0 (FOCUS 1.0), ResourceID_Required skipped"

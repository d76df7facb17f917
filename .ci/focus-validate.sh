#!/usr/bin/env bash
# Checks spcs-cost's FOCUS export with the FinOps Foundation's validator:
# - the FOCUS 1.0 file (`--focus-version 1.0`) with focus-validator 1.0.0 (FOCUS 1.0 rules) on PYTHON (python3);
# - the FOCUS 1.2 file (the default) with focus-validator 2.2.1, the newest on PyPI (FOCUS 1.2 rules, bundled as
#   model-1.2.0.1.json), in a virtual environment of Python 3.12 or 3.13 (it needs Python >= 3.12).
# It imports the bundled fixture into a temporary cache, exports the metered and the estimate file in USD, validates
# them, and fails on any rule that fails except those skipped below, each with the specification text that shows
# the validator is wrong. Run it from anywhere; it works in the repository.
#   .ci/focus-validate.sh                                  # uses python3 and the default build folder
#   PYTHON=python3.11 PYTHON312=/opt/py312/bin/python3 SWIFT_FLAGS="--scratch-path .build-x" .ci/focus-validate.sh
#   FOCUS_VALIDATOR_VENV=~/.cache/spcs-cost/fv-2.2.1 .ci/focus-validate.sh   # keeps the 2.2.1 environment
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
spcs_cost export --focus --focus-version 1.0 --from 2024-04-01 --to 2024-04-30 --cache "$tmp/c.sqlite" \
  --out "$tmp/focus" --billing-account MYORG --account SPCS_DEV --region aws-ap-northeast-1 --family CPU_X64_XS \
  --rate-card 2024
spcs_cost export --focus --from 2024-04-01 --to 2024-04-30 --cache "$tmp/c.sqlite" --out "$tmp/focus12" \
  --billing-account MYORG --account SPCS_DEV --region aws-ap-northeast-1 --family CPU_X64_XS --rate-card 2024
# The whole bill in FOCUS 1.2 (every charge kind: compute, task warehouse, block storage, IOPS, throughput, snapshot,
# data transfer and the adjustment, a Credit): the file WholeBillAcrossCommandsTests writes from a cache pulled over
# loopback from the project's SQL API test server (the task views are served by it, not by the emulator).
SPCS_COST_FOCUS_SAMPLE_DIR="$tmp/focus12" swift test "${swift_flags[@]}" --skip-build \
  --filter 'WholeBillAcrossCommandsTests/theFocusFileHasARowPerKindWithItsUnitsAndAddsUpToTheWholeBill' >/dev/null
ls "$tmp"/focus12/*whole-bill*.csv >/dev/null

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
[ "$failed" -eq 0 ] || { echo "focus-validate: the FOCUS 1.0 export failed validation" >&2; exit 1; }
echo "focus-validate: both FOCUS 1.0 files pass focus-validator 1.0.0 (FOCUS 1.0), ResourceID_Required skipped"

# --- FOCUS 1.2 with focus-validator 2.2.1 -------------------------------------------------------------------------
# A Python >= 3.12: PYTHON312 when set, else python3.12 / python3.13 on PATH, else pyenv's 3.12.x / 3.13.x.
# focus-validator 2.2.1 pins numpy ^1.26, which has wheels for 3.12 but not 3.13, so 3.12 is tried first.
find_python312() {
  local p
  for p in "${PYTHON312:-}" python3.12 python3.13 \
           "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13*/bin/python3; do
    [ -n "$p" ] || continue
    if "$p" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
      command -v "$p"; return 0
    fi
  done
  return 1
}
py312=$(find_python312) || {
  echo "focus-validate: focus-validator 2.2.1 needs Python >= 3.12 and none was found (tried \$PYTHON312, python3.12," \
       "python3.13 on PATH and ${PYENV_ROOT:-$HOME/.pyenv}/versions/3.12* and 3.13*); install one or set PYTHON312=/path/to/python3.12" >&2
  exit 1
}
venv=${FOCUS_VALIDATOR_VENV:-$tmp/fv-2.2.1}
if [ ! -x "$venv/bin/focus-validator" ] \
   || [ "$("$venv/bin/python" -m pip show focus-validator 2>/dev/null | sed -n 's/^Version: //p')" != "2.2.1" ] \
   || [ "$("$venv/bin/python" -m pip show pyarrow 2>/dev/null | sed -n 's/^Version: //p')" != "21.0.0" ]; then
  "$py312" -m venv "$venv"
  # focus-validator 2.2.1 pins numpy ^1.26 but not pyarrow; pyarrow 22 and later need NumPy 2 ("pyarrow requires
  # NumPy 2.0 or newer, found 1.26.4" when it loads), so pyarrow is held at 21.0.0, which loads with NumPy 1.26.
  "$venv/bin/python" -m pip install --quiet --prefer-binary 'focus-validator==2.2.1' 'pyarrow==21.0.0'
fi

# Applicability criteria: what Snowflake supports, so that the validator checks the conditional rules that apply
# (without them it skips them). Left out: ACCOUNT_NAMING_SUPPORTED (spcs-cost knows the billing account's ID, not
# its display name: BillingAccountName is null), AVAILABILITY_ZONE_SUPPORTED, CAPACITY_RESERVATION_SUPPORTED,
# COMMITMENT_DISCOUNT_SUPPORTED, MULTIPLE_BILLING_ACCOUNT_TYPES_SUPPORTED, MULTIPLE_SUB_ACCOUNT_TYPES_SUPPORTED,
# MULTIPLE_PRICING_CATEGORIES_SUPPORTED, TAGGING_SUPPORTED (spcs-cost reads no tags) and VIRTUAL_CURRENCY_SUPPORTED
# (credits are the pricing unit, priced in a national currency): README "spcs-cost export --focus".
criteria=NEGOTIATED_PRICING_SUPPORTED,PUBLIC_PRICE_LIST_SUPPORTED,USAGE_MEASUREMENT_SUPPORTED,UNIT_PRICING_SUPPORTED
criteria=$criteria,SUB_ACCOUNT_SUPPORTED,BILLING_BASED_ON_PROVISIONED_RESOURCES_SUPPORTED,RESOURCE_TYPE_ASSIGNMENT_SUPPORTED
criteria=$criteria,PRICING_BILLING_CURRENCY_DIFFERENCES_SUPPORTED,REGION_SUPPORTED

# Like 1.0.0, it reads its ISO 4217 list from the relative path focus_validator/rules/currency_codes.csv, so it runs
# in the folder that holds the installed package.
site12=$("$venv/bin/python" -c 'import focus_validator, os; print(os.path.dirname(os.path.dirname(focus_validator.__file__)))')

failed=0
for file in "$tmp"/focus12/*.csv; do
  name=$(basename "$file")
  echo "== focus-validator 2.2.1, FOCUS 1.2: $name ($(($(wc -l <"$file") - 1)) rows)"
  # The validator's ConsumedQuantity rules (ConsumedQuantity-C-003-C to -C-006-C) query CommitmentDiscountStatus,
  # a conditional column: FOCUS 1.2 "CommitmentDiscountStatus MUST be present in a FOCUS dataset when the provider
  # supports commitment discounts" (CostAndUsage-D-017-C), which SPCS pricing has not (a contract's price is a
  # negotiated rate, ContractedUnitPrice). On a file without it they stop with an error whatever the data. The
  # validator therefore reads a copy with an empty CommitmentDiscountStatus column (null: "not Unused"), so that
  # the rules run and check what FOCUS 1.2 requires (ConsumedQuantity not null on Usage rows). The exported file
  # itself has only the columns README lists.
  "$venv/bin/python" - "$file" "$tmp/check12-$name" <<'PY'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\r\n").writerows([r + ["" if n else "CommitmentDiscountStatus"] for n, r in enumerate(rows)])
PY
  (cd "$site12" && "$venv/bin/focus-validator" --validate-version 1.2 --block-download --data-file "$tmp/check12-$name" \
    --applicability-criteria "$criteria" --output-type unittest --output-destination "$tmp/$name-1.2.xml") \
    >"$tmp/$name-1.2.log" 2>&1 || true
  if ! "$venv/bin/python" - "$tmp/$name-1.2.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
# Rules waived although they fail, each with the specification text that shows the validator is wrong. A composite
# rule ("-C-000-", "-C-003-": AND of its children) is waived only with its failing child; every child is a test case
# of its own, so a child that fails for another reason still fails the check.
SKIP = {
    # FOCUS 1.2 "ResourceId": "ResourceId MUST be of type String" (Data type: String). The file writes
    # COMPUTE_POOL_ID as text; a CSV cell has no other type. The validator infers column types from the cells and
    # takes an ID made of digits (1201) for an integer, so the rule fails on any provider whose IDs are numbers.
    "ResourceId-C-001-M": "the validator infers Integer from the digits of COMPUTE_POOL_ID in a CSV",
    "ResourceId-C-000-C": "composite; fails only through ResourceId-C-001-M",
    # FOCUS 1.2 "InvoiceId": "InvoiceId MUST be null when the charge is not associated either with an invoice or
    # with a pre-generated provisional invoice" (InvoiceId-C-004-C), and MUST NOT be null only when it is
    # (InvoiceId-C-005-C). spcs-cost's rows are its own pricing of the usage (and of a plan, in the estimate file),
    # not lines of an invoice it knows, so InvoiceId is null. The validator's InvoiceId-C-005-C counts every null
    # InvoiceId as a violation, which contradicts InvoiceId-C-004-C.
    "InvoiceId-C-005-C": "every null counted, although -C-004-C requires null on rows not tied to an invoice",
    "InvoiceId-C-003-C": "composite; fails only through InvoiceId-C-005-C",
    "InvoiceId-C-000-O": "composite; fails only through InvoiceId-C-005-C",
}
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError) as e:
    print(f"   the validator wrote no report ({e}); see its log below")
    sys.exit(1)
bad, waived, skipped, passed, total = [], [], 0, 0, 0
for case in root.iter("testcase"):
    total += 1
    name = case.get("name") or ""
    rule = name.split(" ")[0]
    failure = case.find("failure") if case.find("failure") is not None else case.find("error")
    if failure is not None:
        if rule in SKIP:
            waived.append(rule)
        else:
            bad.append((name, (failure.get("message") or failure.text or "").strip()[:300]))
    elif case.find("skipped") is not None:
        skipped += 1
    else:
        passed += 1
print(f"   {total} rules: {passed} passed, {skipped} not applicable (skipped by the validator), "
      f"{len(waived)} waived, {len(bad)} failed")
for rule in waived:
    print(f"   waived {rule}: {SKIP[rule]}")
for name, message in bad:
    print(f"   FAILED {name}: {message}")
sys.exit(1 if bad else 0)
PY
  then
    failed=1
    tail -n 20 "$tmp/$name-1.2.log"
  fi
done
[ "$failed" -eq 0 ] || { echo "focus-validate: the FOCUS 1.2 export failed validation" >&2; exit 1; }
echo "focus-validate: the FOCUS 1.2 files (the fixture's and the whole bill's) pass focus-validator 2.2.1 (FOCUS 1.2), the rules waived above excepted"

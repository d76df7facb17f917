#!/usr/bin/env bash
# Fuzzes spcs-cost's inputs with libFuzzer: every target of Sources/SPCSCostFuzzing/FuzzTarget.swift, each for a
# bounded time, seeded from the fixtures. A crash, a hang (over 10 s on one input) or memory over 2 GiB fails the run
# and prints the saved input; copy it into Fixtures/fuzz-regressions/<target>/ and fix the defect.
#
#   Fuzz/run.sh                  # every target, 60 s each
#   Fuzz/run.sh 600 csv pools    # two targets, 10 minutes each
#   FUZZ_JOBS=2 Fuzz/run.sh 3600 # an hour per target, two processes each
#
# Coverage instrumentation is libFuzzer's (swiftc's frontend -sanitize=fuzzer), linked against libFuzzer's
# no-main runtime so that the tool's own @main picks the target and starts the driver. The build goes to
# .build/fuzz, apart from the normal build.
set -euo pipefail
# libFuzzer, not the Swift runtime, must catch a crash so that it saves the input.
export SWIFT_BACKTRACE=enable=no
cd "$(dirname "$0")/.."

seconds="${1:-60}"
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(cron csv toml pools setup-sql result-body fx)

swiftc_path="$(realpath "$(command -v swiftc)")"
runtime="$(ls "$(dirname "$swiftc_path")"/../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-"$(uname -m)".a | head -n 1)"
flags=(--scratch-path .build/fuzz --product spcs-cost-fuzz
       -Xswiftc -Xfrontend -Xswiftc -sanitize=fuzzer -Xswiftc -DSPCS_FUZZ
       -Xlinker "$runtime" -Xlinker -lstdc++)
swift build "${flags[@]}"
binary="$(swift build "${flags[@]}" --show-bin-path)/spcs-cost-fuzz"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=()
for target in "${targets[@]}"; do
  mkdir -p "$work/corpus/$target" "$work/crashes/$target"
  seeds=()
  case "$target" in
    cron) seeds=(Fixtures/fuzz-seeds/cron) ;;
    csv) seeds=(Fixtures/snowsight Fixtures/emulator-sample) ;;
    toml|pools) seeds=(Fixtures/pools) ;;
    setup-sql) seeds=(Fixtures/setup-sql) ;;
    result-body) seeds=(Fixtures/fuzz-seeds/result-body) ;;
    fx) seeds=(Fixtures/fx Fixtures/rate-sheet) ;;
    *) echo "unknown target $target" >&2; exit 64 ;;
  esac
  [ -d "Fixtures/fuzz-regressions/$target" ] && seeds+=("Fixtures/fuzz-regressions/$target")
  echo "== fuzz $target for ${seconds}s"
  if ! "$binary" "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       ${FUZZ_JOBS:+-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS"} -print_final_stats=1 \
       -artifact_prefix="$work/crashes/$target/" "$work/corpus/$target" "${seeds[@]}" \
       > "$work/$target.log" 2>&1; then
    failed+=("$target")
    tail -n 60 "$work/$target.log"
    mkdir -p "Fuzz/found/$target"
    cp "$work/crashes/$target/"* "Fuzz/found/$target/" 2>/dev/null || true
    echo "fuzz $target FAILED; the input is in Fuzz/found/$target/ (copy it to Fixtures/fuzz-regressions/$target/)"
  else
    grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE" "$work/$target.log" | tail -n 2 || true
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#targets[@]} target(s), ${seconds}s each, no crash"

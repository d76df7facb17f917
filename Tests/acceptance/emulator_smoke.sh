#!/usr/bin/env bash
# Acceptance smoke test: the SnowflakeSQLAPI client against an independent SQL API v2 peer, the Python
# emulator in shared/snowflake-emulator (its wire shapes come from recordings of real Snowflake responses).
#
# What it does:
#   1. starts the emulator on an ephemeral 127.0.0.1 port with the sample data and a fault scenario
#      (503 after execution, 202 polling, truncated gzip, dropped connection, 429, expired JWT);
#   2. writes a connections.toml (mode 0600) in a temporary SNOWFLAKE_HOME for the sample user and key;
#   3. builds EmulatorSmoke/main.swift against Sources/SnowflakeSQLAPI in a throwaway package (Package.swift is
#      not touched) and runs it: connection test, COUNT/SUM, then a streamed multi-partition pull whose rows and
#      exact nano-credit sum must equal COUNT(*), SUM(CREDITS_USED) and the emulator's ground truth;
#   4. checks the emulator's request log: no statement ran twice for one requestId, the 503 was answered by a
#      deduplicated retry=true resubmission, every fault fired, and no bearer token was logged.
#
# Needs: swift, python3 with the `cryptography` package. Environment: SNOWFLAKE_EMULATOR (default
# ../shared/snowflake-emulator beside the repository), SCRATCH (default <repo>/.build-acceptance).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
emulator=${SNOWFLAKE_EMULATOR:-$repo/../shared/snowflake-emulator}
scratch=${SCRATCH:-$repo/.build-acceptance}
work=$(mktemp -d)
emulator_pid=""
cleanup() {
    if [[ -n "$emulator_pid" ]]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

[[ -f "$emulator/server.py" ]] || { echo "emulator smoke: no emulator at $emulator (set SNOWFLAKE_EMULATOR)" >&2; exit 1; }
python3 -c 'import cryptography' 2>/dev/null || { echo "emulator smoke: python3 needs the cryptography package (pip install cryptography)" >&2; exit 1; }

# 1. The emulator, with every row visible ("now" after the sample month) and small partitions.
cat > "$work/scenario.json" <<'JSON'
{
  "now": "2024-06-01T00:00:00Z",
  "partitions": {"first_rows": 50, "later_min_rows": 40, "later_max_rows": 60},
  "faults": [
    {"route": "submit", "match": "CURRENT_ACCOUNT", "nth": 1, "action": "503", "after_execute": true},
    {"route": "submit", "match": "COUNT\\(\\*\\)", "action": "poll_202", "polls": 2, "times": 1},
    {"route": "partition", "nth": 1, "action": "truncated_gzip"},
    {"route": "partition", "nth": 2, "action": "close"},
    {"route": "partition", "nth": 3, "action": "429"},
    {"route": "partition", "nth": 5, "action": "jwt_expired"}
  ]
}
JSON
python3 "$emulator/server.py" --port 0 --data "$emulator/sample-data" --scenario "$work/scenario.json" \
    --log "$work/emulator.jsonl" > "$work/emulator.out" 2> "$work/emulator.err" &
emulator_pid=$!
port=""
for _ in $(seq 1 100); do
    port=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$work/emulator.out" | head -n 1)
    [[ -n "$port" ]] && break
    kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.err" >&2; exit 1; }
    sleep 0.1
done
[[ -n "$port" ]] || { echo "emulator smoke: the emulator did not start within 10 s" >&2; exit 1; }
echo "emulator listening on 127.0.0.1:$port"

# 2. A Snowflake configuration directory, as a user would write it.
mkdir -p "$work/home/.snowflake"
cat > "$work/home/.snowflake/connections.toml" <<TOML
[emulator]
account = "myorg-spcs_dev"
user = "spcs_cost"
authenticator = "SNOWFLAKE_JWT"
private_key_file = "$emulator/sample-data/keys/test_rsa_key.p8"
host = "127.0.0.1"
port = $port
protocol = "http"
TOML
chmod 0600 "$work/home/.snowflake/connections.toml"

# 3. Build and run the driver in a throwaway package whose sources are the repository's.
mkdir -p "$work/pkg/Sources"
ln -s "$repo/Sources/CCurl" "$work/pkg/Sources/CCurl"
ln -s "$repo/Sources/SnowflakeSQLAPI" "$work/pkg/Sources/SnowflakeSQLAPI"
ln -s "$repo/Tests/acceptance/EmulatorSmoke" "$work/pkg/Sources/EmulatorSmoke"
cat > "$work/pkg/Package.swift" <<'SWIFT'
// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "emulator-smoke",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl"),
        .target(
            name: "SnowflakeSQLAPI",
            dependencies: [
                "CCurl",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]),
        .executableTarget(name: "EmulatorSmoke", dependencies: ["SnowflakeSQLAPI"]),
    ]
)
SWIFT
swift build --package-path "$work/pkg" --scratch-path "$scratch" --product EmulatorSmoke 2>&1 | tail -n 3
expected=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["total_credits"])' \
    "$emulator/sample-data/ground_truth.json")
SNOWFLAKE_HOME="$work/home/.snowflake" "$scratch/debug/EmulatorSmoke" "$work/home" emulator "$expected"

# 4. The emulator's view of the same run.
python3 - "$work/emulator.jsonl" <<'PY'
import json, sys
entries = [json.loads(line) for line in open(sys.argv[1])]
problems = []
runs = [e.get("executions_for_request_id", 0) for e in entries if e.get("route") == "submit"]
if max(runs, default=0) != 1:
    problems.append(f"a requestId ran {max(runs, default=0)} times")
if not any(e.get("dedup") and e.get("retry") for e in entries):
    problems.append("no deduplicated retry=true resubmission")
fired = {action for e in entries for action in e.get("fault", [])}
for action in ("503", "poll_202", "truncated_gzip", "close", "429", "jwt_expired"):
    if action not in fired:
        problems.append(f"fault {action} never fired")
if any("Bearer " in json.dumps(e.get("headers", {})).replace("Bearer <redacted>", "") for e in entries):
    problems.append("a bearer token reached the log")
if any(e.get("auth", {}).get("error") and e.get("fault") != ["jwt_expired"] for e in entries):
    problems.append("a request failed authentication outside the jwt_expired fault")
agents = {e.get("headers", {}).get("User-Agent") for e in entries}
if not all(agent and agent.startswith("spcs-cost/") for agent in agents):
    problems.append(f"unexpected User-Agent values {agents}")
if problems:
    sys.exit("emulator smoke: FAILED: " + "; ".join(problems))
print(f"emulator log: {len(entries)} requests, faults fired: {sorted(fired)}")
PY
echo "1 passed, 0 failed"

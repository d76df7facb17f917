# Shared by the scripts that run spcs-cost against the SQL API v2 emulator (../shared/snowflake-emulator):
# source it, then
#   emulator_start PREFIX ARGS...       starts server.py on a free loopback port with ARGS (--data, --scenario, ...),
#                                       its output in PREFIX.out/.err; sets emulator_pid and emulator_port
#   emulator_connection FILE NAME ACCOUNT
#                                       appends a key-pair connection NAME to FILE (mode 0600) for that port
# Needs $emulator (the emulator's folder) and $work/rsa_key.p8 (its key, mode 0600). EMULATOR_START_SECONDS bounds the
# wait for the port (default 30; building a large data set's SQLite file takes longer).

emulator_start() {
    local prefix=$1
    shift
    : > "$prefix.out"
    python3 "$emulator/server.py" --port 0 "$@" > "$prefix.out" 2> "$prefix.err" &
    emulator_pid=$!
    emulator_port=""
    local tries=$(( ${EMULATOR_START_SECONDS:-30} * 10 ))
    for _ in $(seq 1 "$tries"); do
        emulator_port=$(sed -n 's/^listening 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$prefix.out" | head -n 1)
        [[ -n "$emulator_port" ]] && return 0
        sleep 0.1
    done
    cat "$prefix.err" >&2
    echo "the emulator did not start within ${EMULATOR_START_SECONDS:-30} s" >&2
    exit 1
}

emulator_connection() {
    local file=$1 name=$2 account=$3
    mkdir -p "$(dirname "$file")"
    cat >> "$file" <<TOML
[$name]
account = "$account"
user = "spcs_cost"
authenticator = "SNOWFLAKE_JWT"
private_key_file = "$work/rsa_key.p8"
host = "127.0.0.1"
port = $emulator_port
protocol = "http"
TOML
    chmod 0600 "$file"
}

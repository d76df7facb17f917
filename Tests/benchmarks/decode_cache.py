#!/usr/bin/env python3
"""The Python baseline for `spcs-cost-bench decode-cache`: the same partition bodies (written by
`spcs-cost-bench decode-cache --write-bodies DIR`), parsed with json and upserted with sqlite3 into the same
schema (WITHOUT ROWID, keyed by pool and START_TIME, exact integer nano-credits), in one transaction.

Run: python3 Tests/benchmarks/decode_cache.py DIR
"""
import json, os, sqlite3, sys, tempfile, time
from decimal import Decimal

def main(folder):
    files = sorted((f for f in os.listdir(folder) if f.endswith(".json")), key=lambda f: int(f.split("-")[1].split(".")[0]))
    bodies = [open(os.path.join(folder, f), "rb").read() for f in files]
    path = os.path.join(tempfile.mkdtemp(), "cache.sqlite")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA cache_size = -65536")
    db.execute("""CREATE TABLE spcs_history (compute_pool_name TEXT NOT NULL, start_time INTEGER NOT NULL,
        end_time INTEGER NOT NULL, compute_pool_id INTEGER, is_exclusive INTEGER, application_name TEXT,
        application_id TEXT, credits_used_nano INTEGER NOT NULL, load_id INTEGER NOT NULL,
        PRIMARY KEY (compute_pool_name, start_time)) WITHOUT ROWID""")
    start = time.perf_counter()
    rows = 0
    db.execute("BEGIN")
    sql = """INSERT INTO spcs_history VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)
        ON CONFLICT (compute_pool_name, start_time) DO UPDATE SET end_time = excluded.end_time,
        credits_used_nano = excluded.credits_used_nano WHERE spcs_history.credits_used_nano IS NOT excluded.credits_used_nano"""
    for body in bodies:
        data = json.loads(body)["data"]
        batch = []
        for s, e, pool, pid, excl, an, ai, credits in data:
            whole, _, frac = credits.partition(".")
            nano = int(whole) * 10**9 + int((frac + "000000000")[:9])
            batch.append((pool, int(Decimal(s)), int(Decimal(e)), int(pid) if pid is not None else None,
                          1 if excl == "true" else 0 if excl == "false" else None, an, ai, nano))
        db.executemany(sql, batch)
        rows += len(batch)
    db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    print(f"python json+sqlite3: {rows} rows in {elapsed:.2f} s = {rows / elapsed:.0f} rows/s")

if __name__ == "__main__":
    main(sys.argv[1])

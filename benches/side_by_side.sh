#!/usr/bin/env bash
# Time two jobtag binaries on the same input, alternating, ROUNDS times each
# (CSV output to /dev/null); prints "old SECONDS" / "new SECONDS" lines, then
# for each binary its fastest and median time and their ratios to the old
# binary's (old time / this time: 0.75 means 75% of the old throughput).
#   bash benches/side_by_side.sh OLD_BIN NEW_BIN postings.jsonl 3 [label flags...]
# ALSO="BIN ..." times more binaries in each round, after these two (printed
# by their path).
set -uo pipefail
old=$1; new=$2; in=$3; rounds=$4; shift 4
times=$(mktemp)
trap 'rm -f "$times"' EXIT
for r in $(seq $rounds); do
  for b in old new ${ALSO:-}; do
    bin=$b; [ $b = old ] && bin=$old; [ $b = new ] && bin=$new
    s=$(date +%s.%N); $bin label $in --format csv -o /dev/null "$@" 2>/dev/null; e=$(date +%s.%N)
    echo "$b $(echo "$e - $s" | bc)" | tee -a "$times"
  done
done
python3 - "$times" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, seconds = line.split()
    runs.setdefault(name, []).append(float(seconds))
old = runs["old"]
base = (min(old), statistics.median(old))
for name, ts in runs.items():
    best, median = min(ts), statistics.median(ts)
    ratios = "" if name == "old" else f"  ratio {base[0] / best:.2f}, {base[1] / median:.2f}"
    print(f"{name}: fastest {best:.2f} s, median {median:.2f} s{ratios}")
PY

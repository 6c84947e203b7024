#!/usr/bin/env bash
# Time two jobtag binaries on the same input, alternating, ROUNDS times each
# (CSV output to /dev/null); prints "old SECONDS" / "new SECONDS" lines.
#   bash benches/side_by_side.sh OLD_BIN NEW_BIN postings.jsonl 3 [label flags...]
# ALSO="BIN ..." times more binaries in each round, after these two (printed
# by their path).
set -uo pipefail
old=$1; new=$2; in=$3; rounds=$4; shift 4
for r in $(seq $rounds); do
  for b in old new ${ALSO:-}; do
    bin=$b; [ $b = old ] && bin=$old; [ $b = new ] && bin=$new
    s=$(date +%s.%N); $bin label $in --format csv -o /dev/null "$@" 2>/dev/null; e=$(date +%s.%N)
    echo "$b $(echo "$e - $s" | bc)"
  done
done

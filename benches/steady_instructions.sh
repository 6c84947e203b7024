#!/usr/bin/env bash
# Instructions per posting of labelling, steady state, for each binary:
# callgrind counts the instructions inside `Labeller::label_with` over the
# first 2,000 and the first 5,000 rows of POSTINGS repeated, and the
# difference over the 3,000 rows between leaves out start-up and the
# caches' first fill. Counts, unlike seconds, do not move with the machine's
# load (timings here vary by a third from run to run); they miss memory
# stalls, so report them beside side-by-side timings, not instead.
#   bash benches/steady_instructions.sh POSTINGS.jsonl BIN...
# WHOLE=1 counts the whole program instead (reading JSON lines and writing
# CSV too, what a side-by-side timing sees).
# Needs valgrind (callgrind_annotate). One thread (RAYON_NUM_THREADS=1).
set -euo pipefail
postings=$1; shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for n in 2000 5000; do
  : > "$work/in$n.jsonl"
  while [ "$(wc -l < "$work/in$n.jsonl")" -lt $n ]; do
    cat "$postings" >> "$work/in$n.jsonl"
  done
  head -n $n "$work/in$n.jsonl" > "$work/rows$n.jsonl"
done
for bin in "$@"; do
  counts=()
  for n in 2000 5000; do
    RAYON_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file="$work/cg" \
      "$bin" label "$work/rows$n.jsonl" --input-format jsonl --format csv -o /dev/null \
      > /dev/null 2>&1
    if [ -n "${WHOLE:-}" ]; then
      counts+=("$(callgrind_annotate "$work/cg" 2>/dev/null \
        | grep 'PROGRAM TOTALS' | awk '{print $1}' | tr -d ,)")
    else
      counts+=("$(callgrind_annotate --inclusive=yes "$work/cg" 2>/dev/null \
        | grep 'Labeller::label_with' | head -1 | awk '{print $1}' | tr -d ,)")
    fi
  done
  echo "$bin $(( (counts[1] - counts[0]) / 3000 )) instructions/posting"
done

#!/usr/bin/env bash
# Label the reference set with one jobtag binary, for byte-for-byte
# comparisons of two builds (a refactor must not change a label):
#   bash benches/reference_set.sh OLD_BINARY /tmp/ref-old
#   bash benches/reference_set.sh target/release/jobtag /tmp/ref-new
#   diff -r /tmp/ref-old /tmp/ref-new && echo identical
# The set: the 908 development postings and SkillSpan's train and dev
# postings (from ../shared/data, never committed), and 20,000 postings from
# benches/batch_bench.py's generator; each plain and with --explain, as
# JSONL and CSV.
set -euo pipefail
bin=$(realpath "$1"); out=$2
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$here/../shared/data}
mkdir -p "$out"
inputs=$(mktemp -d)
python3 - "$shared" "$inputs" "$here/benches" <<'PY'
import json, sys
shared, inputs, benches = sys.argv[1:4]
sys.path.insert(0, benches)
for split in ("train", "dev"):
    # One posting per SkillSpan posting: its sentences joined by newlines.
    posts, key = {}, None
    with open(f"{shared}/skillspan/json/{split}.json") as f:
        for line in f:
            s = json.loads(line)
            k = (s.get("source"), s["idx"])
            posts.setdefault(k, []).append(" ".join(s["tokens"]))
    with open(f"{inputs}/skillspan_{split}.jsonl", "w") as out:
        for (src, idx), lines in posts.items():
            out.write(json.dumps({"id": f"{src}-{idx}", "title": "", "description": "\n".join(lines)}) + "\n")
import batch_bench
batch_bench.raise_csv_limit()
batch_bench.generate(20000, f"{inputs}/generated.csv")
PY
cp "$shared/postings_dev.jsonl" "$inputs/dev.jsonl"
for f in dev.jsonl skillspan_train.jsonl skillspan_dev.jsonl generated.csv; do
  base=${f%.*}
  for mode in plain explain; do
    flag=(); [ $mode = explain ] && flag=(--explain)
    for fmt in jsonl csv; do
      "$bin" label "$inputs/$f" "${flag[@]}" --format $fmt -o "$out/$base.$mode.$fmt" 2>/dev/null || true
    done
  done
done
rm -rf "$inputs"
ls "$out" | wc -l

#!/usr/bin/env python3
"""ESCO linking on the Decorte et al. TECH and HOUSE validation files: accuracy at 1 and R-precision at 5.

    python3 benches/eval_esco_linking.py --jobtag target/release/jobtag \
        [--shared ../shared/data] [--unit span|sentence|asked] [--catalog CSV] [--errors]

Data: SHARED/decorte_skill_benchmark/data/{tech,house}_validation_annotations.csv (Decorte,
Van Hautte, Deleu, Develder, Demeester, RecSys-in-HR 2022): SkillSpan sentences whose skill spans
annotators linked to ESCO 1.1.0 skills, by preferred label (`sentence,span,sub_span,label`).
A span's gold set is every label given to the same (sentence, span), less `LABEL NOT PRESENT`
and `UNDERSPECIFIED`; spans with an empty gold set are not scored.

jobtag's ranking for a span: the ESCO skills of the skills it tags, in order of first mention,
each once. --unit span (default) labels the span's text alone; --unit asked labels it as the one
bullet under a "Requirements:" heading (where the learned span tagger runs, so a span the catalog
lacks can become an uncatalogued tag linked to ESCO by its name), keeping the tags that overlap
the span; --unit sentence labels the whole
sentence and keeps the tags with a span overlapping the annotated one. A tag's ESCO URI becomes a
label through the catalog's sources: SHARED/esco (skills_en.csv, the ICT and transversal
collections) and training/skills/esco_links.csv's esco_label. Labels are compared
case-insensitively, whitespace collapsed (ESCO 1.1 and 1.2 write a few labels differently).

Scores, per data set and over both:
  * accuracy@1 = spans whose first predicted label is in the gold set / scored spans;
  * RP@5 (R-precision at 5) = mean over scored spans of |gold ∩ top 5| / min(5, |gold|);
  * linked = spans with at least one prediction / scored spans.
Baseline "exact label": the span text equals an ESCO 1.1 preferred label
(SHARED/decorte_skill_benchmark/data/skills_en_label.txt), case-insensitively; that label is the
one prediction. Prints a markdown table; nothing from the data is written anywhere except a
temporary jobtag input file. Python standard library only.
"""

import argparse
import collections
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SKIP = {"LABEL NOT PRESENT", "UNDERSPECIFIED"}
# --unit asked: the span as the one bullet of a requirements list.
ASKED = "Requirements:\n- "


def norm(label):
    return " ".join(label.split()).casefold()


def load_spans(shared, dataset):
    path = Path(shared) / "decorte_skill_benchmark" / "data" / f"{dataset}_validation_annotations.csv"
    gold = collections.OrderedDict()
    with open(path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            key = (r["sentence"], r["span"])
            gold.setdefault(key, set())
            if r["label"] not in SKIP:
                gold[key].add(norm(r["label"]))
    return [(s, sp, g) for (s, sp), g in gold.items() if g]


def uri_labels(shared, links):
    labels = {}
    for name in ("skills_en.csv", "ictSkillsCollection_en.csv", "transversalSkillsCollection_en.csv"):
        path = Path(shared) / "esco" / name
        if path.exists():
            with open(path, encoding="utf-8", newline="") as fh:
                for r in csv.DictReader(fh):
                    labels.setdefault(r["conceptUri"].strip(), r["preferredLabel"].strip())
    with open(links, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["esco"]:
                labels.setdefault(r["esco"], r["esco_label"])
    return labels


def run_jobtag(jobtag, texts, workdir):
    inp = os.path.join(workdir, "in.jsonl")
    with open(inp, "w", encoding="utf-8") as fh:
        for i, t in enumerate(texts):
            fh.write(json.dumps({"id": str(i), "title": "", "description": t}) + "\n")
    res = subprocess.run([jobtag, "label", inp, "--input-format", "jsonl", "--format", "jsonl"],
                         capture_output=True, text=True)
    if res.returncode not in (0, 3):
        sys.exit(f"jobtag failed ({res.returncode}): {res.stderr[-2000:]}")
    return {r["id"]: r.get("skills", []) for r in map(json.loads, res.stdout.splitlines())}


def ranking(skills, labels, catalog, window=None):
    out = []
    for s in skills:
        if window is not None and not any(
                sp["field"] == "description" and sp["start"] < window[1] and window[0] < sp["end"]
                for sp in s["spans"]):
            continue
        label = labels.get(s.get("esco") or catalog.get(s["id"], ""))
        if label and norm(label) not in out:
            out.append(norm(label))
    return out


def score(items):
    n = len(items)
    acc = sum(bool(p) and p[0] in g for g, p in items) / n
    rp = sum(len(g & set(p[:5])) / min(5, len(g)) for g, p in items) / n
    linked = sum(bool(p) for _, p in items) / n
    return n, acc, rp, linked


def main():
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobtag", default="target/release/jobtag")
    ap.add_argument("--shared", default=str(here.parent.parent / "shared" / "data"))
    ap.add_argument("--links", default=str(here.parent / "training" / "skills" / "esco_links.csv"))
    ap.add_argument("--catalog", default=str(here.parent / "training" / "skills" / "catalog.csv"),
                    help="for a skill without an `esco` field (a binary from before ids), its "
                         "catalog row's URI")
    ap.add_argument("--unit", choices=["span", "sentence", "asked"], default="span")
    ap.add_argument("--errors", action="store_true",
                    help="also print the linked spans whose first label is wrong (span texts "
                         "from the data set: print, do not commit)")
    args = ap.parse_args()
    labels = uri_labels(args.shared, args.links)
    with open(args.catalog, encoding="utf-8", newline="") as fh:
        catalog = {r["id"]: r["esco"] for r in csv.DictReader(fh)}
    with open(Path(args.shared) / "decorte_skill_benchmark" / "data" / "skills_en_label.txt",
              encoding="utf-8") as fh:
        esco11 = {norm(l) for l in fh if l.strip()}
    results = collections.OrderedDict()
    with tempfile.TemporaryDirectory() as tmp:
        for dataset in ("tech", "house"):
            spans = load_spans(args.shared, dataset)
            texts = [{"span": sp, "sentence": s, "asked": ASKED + sp}[args.unit] for s, sp, _ in spans]
            tags = run_jobtag(args.jobtag, texts, tmp)
            ours, base = [], []
            for i, (sentence, span, gold) in enumerate(spans):
                window = None
                if args.unit == "sentence":
                    start = sentence.encode("utf-8").find(span.encode("utf-8"))
                    window = (start, start + len(span.encode("utf-8"))) if start >= 0 else (0, 0)
                elif args.unit == "asked":
                    start = len(ASKED.encode("utf-8"))
                    window = (start, start + len(span.encode("utf-8")))
                ours.append((gold, ranking(tags.get(str(i), []), labels, catalog, window)))
                if args.errors and ours[-1][1] and ours[-1][1][0] not in gold:
                    print(f"{dataset}: {span!r} -> {ours[-1][1]} gold {sorted(gold)}")
                base.append((gold, [norm(span)] if norm(span) in esco11 else []))
            results[dataset] = (ours, base)
    print(f"ESCO linking, Decorte TECH/HOUSE validation, unit = {args.unit}\n")
    print("| data | system | spans | linked | accuracy@1 | RP@5 |")
    print("|---|---|---:|---:|---:|---:|")
    for dataset, (ours, base) in list(results.items()) + [
            ("both", (sum((r[0] for r in results.values()), []),
                      sum((r[1] for r in results.values()), [])))]:
        for name, items in (("jobtag", ours), ("exact label", base)):
            n, acc, rp, linked = score(items)
            print(f"| {dataset} | {name} | {n} | {linked:.1%} | {acc:.3f} | {rp:.3f} |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Cross-validate jobtag's skill tags on SkillSpan's training postings, never touching dev.

    python3 benches/skill_tags_cv.py [--jobtag target/release/jobtag] [--shared ../shared/data]
        [--recipe training/default.toml] [--folds 5] [--json OUT]

What it is for: choosing a tagger setting or a merge rule on postings the shipped model's
figures are not reported on. SkillSpan dev is where issue 19's floors are measured, so a rule
chosen by its dev figures would make those figures mean nothing; this script gives a figure to
choose by instead.

How: SkillSpan's training postings (SHARED/skillspan/json/train.json, Zhang et al., NAACL 2022)
are dealt into FOLDS parts in file order, posting i to part i mod FOLDS (a posting's sentences
stay together), the same parts as `jobtag eval --spans-cv --folds FOLDS`. For each part, jobtag
trains a model on the recipe with the tagger trained on the other parts
(`jobtag train --recipe RECIPE --cv-folds 0 --skill-spans OTHERS`), labels the held-out
postings with it (`benches/eval_skill_tags.py --unit posting --model M --annotated HELD`,
with and without --asks-only). Counts are summed over the parts before dividing (pooled), per
dataset (tech, house) and combined. The tagger alone is scored on the same parts by
`jobtag eval --recipe RECIPE --spans-cv TRAIN --folds FOLDS`.

The matching rule is eval_skill_tags.py's: a tag span is right when it shares a byte with a
gold knowledge span; recall counts the gold spans some tag span touches. The tagger alone is
scored strict (same first and last word) and relaxed (sharing a word).

Fold files and models go to a temporary folder that is removed afterwards; nothing from the
data set is written anywhere else (--json holds numbers only). About a minute with 5 folds.
Python standard library only.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import eval_skill_tags as tags  # noqa: E402  (same folder)


def parts_of(rows, folds):
    """Each sentence's part: its posting's place in file order (a new posting starts where
    source or idx changes, as jobtag reads the file), modulo folds."""
    out, posting, last = [], -1, None
    for r in rows:
        key = (r.get("source", ""), json.dumps(r["idx"]))
        if key != last:
            posting, last = posting + 1, key
        out.append(posting % folds)
    return out


def split(train_path, folds, workdir):
    """Write train{k}.json (the other parts) and held{k}.json per part; return posting counts."""
    with open(train_path, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    part = parts_of(rows, folds)
    postings = []
    for k in range(folds):
        held = [r for r, p in zip(rows, part) if p == k]
        rest = [r for r, p in zip(rows, part) if p != k]
        if not held or not rest:
            sys.exit(f"part {k} of {folds} is empty or holds everything: use fewer folds")
        for name, chosen in ((f"held{k}.json", held), (f"train{k}.json", rest)):
            with open(Path(workdir) / name, "w", encoding="utf-8") as out:
                out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in chosen)
        postings.append(len({(r.get("source"), r["idx"]) for r in held}))
    return postings


def run(cmd):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.decode("utf-8", "replace")[-4000:])
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    return proc.stdout.decode("utf-8")


def tag_counts(jobtag, shared, model, held, asks_only):
    """Counts of jobtag's tags against the gold spans of the held-out postings, per dataset."""
    tags.MODEL, tags.ANNOTATED = str(model), str(held)
    postings = tags.build_posting_units(shared)
    with tempfile.TemporaryDirectory(prefix="jobtag_cv_label_") as work:
        preds, info = tags.jobtag_predict(postings, jobtag, work, timeout=1800,
                                          exclude={"soft-skill"}, asks_only=asks_only)
    if info["exit_status"] not in (0, 3) or info["missing_ids_sample"]:
        sys.exit(f"jobtag left postings unlabelled: {info}")
    results, _, _ = tags.score(postings, preds)
    return results


def pooled(per_fold, keys):
    out = {}
    for ds in keys:
        tp = sum(r[ds]["tp"] for r in per_fold)
        pred = sum(r[ds]["predicted_spans"] for r in per_fold)
        gold = sum(r[ds]["gold_spans"] for r in per_fold)
        hit = sum(r[ds]["gold_overlapped"] for r in per_fold)
        out[ds] = {"predicted_spans": pred, "tp": tp, "gold_spans": gold, "gold_overlapped": hit,
                   "precision": tp / pred if pred else None, "recall": hit / gold if gold else None}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobtag", default="target/release/jobtag", help="jobtag binary")
    ap.add_argument("--shared", default=str(HERE.parent.parent / "shared" / "data"),
                    help="shared data folder (default: ../shared/data beside the checkout)")
    ap.add_argument("--recipe", default=str(HERE.parent / "training" / "default.toml"),
                    help="training recipe (its [skill_spans] settings are the ones measured)")
    ap.add_argument("--folds", type=int, default=5, help="parts of the training postings")
    ap.add_argument("--json", default=None, metavar="OUT", help="write the numbers as JSON")
    args = ap.parse_args()
    if args.folds < 2:
        sys.exit("--folds must be at least 2")
    jobtag = os.path.abspath(args.jobtag) if os.sep in args.jobtag else args.jobtag
    train_path = Path(args.shared) / "skillspan" / "json" / "train.json"
    if not train_path.is_file():
        sys.exit(f"missing {train_path} (use --shared to point at the shared data folder)")
    keys = [ds for ds, _ in tags.DATASETS] + ["combined"]
    asks, every = [], []
    with tempfile.TemporaryDirectory(prefix="jobtag_cv_") as work:
        postings = split(train_path, args.folds, work)
        for k in range(args.folds):
            others, held = Path(work) / f"train{k}.json", Path(work) / f"held{k}.json"
            model = Path(work) / f"model{k}.jtm"
            run([jobtag, "train", "--recipe", args.recipe, "--cv-folds", "0",
                 "--skill-spans", str(others), "-o", str(model)])
            asks.append(tag_counts(jobtag, args.shared, model, held, asks_only=True))
            every.append(tag_counts(jobtag, args.shared, model, held, asks_only=False))
            print(f"part {k + 1}/{args.folds}: {postings[k]} postings held out", file=sys.stderr)
    result = {
        "data": f"SkillSpan train.json, {sum(postings)} postings dealt into {args.folds} parts "
                f"in file order ({', '.join(map(str, postings))} postings)",
        "recipe": args.recipe,
        "matching_rule": tags.MATCHING_RULE,
        "asked_for": pooled(asks, keys),
        "all_tags": pooled(every, keys),
        "tagger_alone": json.loads(run([jobtag, "eval", "--recipe", args.recipe, "--spans-cv",
                                        str(train_path), "--folds", str(args.folds),
                                        "--format", "json"])),
    }
    print(f"{result['data']}; counts pooled over the parts.\n")
    print("| tags | dataset | tag spans | precision | gold spans | recall |")
    print("|---|---|---:|---:|---:|---:|")
    for name, label in (("asked_for", "required + preferred"), ("all_tags", "all")):
        for ds in keys:
            x = result[name][ds]
            print(f"| {label} | {ds} | {x['predicted_spans']} | {x['precision']:.3f} "
                  f"| {x['gold_spans']} | {x['recall']:.3f} |")
    t = result["tagger_alone"]
    print(f"\nlearned tagger alone ({t['gold']} gold spans, {t['predicted']} predicted): "
          + "; ".join(f"{kind} P {t[kind + '_precision']:.3f} R {t[kind + '_recall']:.3f} "
                      f"F1 {t[kind + '_f1']:.3f}" for kind in ("strict", "relaxed")))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=1)


if __name__ == "__main__":
    main()

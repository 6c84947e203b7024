#!/usr/bin/env python3
"""Score jobtag's skill tagger against the KNOWLEDGE spans of the SkillSpan dev postings.

    python3 benches/eval_skill_tags.py --jobtag target/release/jobtag \
        [--shared ../shared/data] [--json out.json] [--baseline-only] \
        [--unit sentence|posting] [--asks-only] [--split dev|train]

Data: SHARED/skillspan/conll/skillspan_{tech,house}_dev.conll (SkillSpan, Zhang et al., NAACL
2022). Each line is `token <TAB> skill-BIO <TAB> knowledge-BIO`; a blank line ends a sentence (two
blank lines in a row mark a paragraph break inside a posting, not a new posting; the conll files
carry no posting boundary at all). Only the knowledge column (B-Knowledge / I-Knowledge) is used:
it holds the tools, technologies, languages and domains, which is what jobtag's skill list names.
Nothing from the data set is written anywhere except a temporary jobtag input file.

Postings: one per non-empty sentence. description = the sentence's tokens (surrounding
whitespace stripped from each token) joined by single spaces; title = ""; id = "<file>:<n>" with n
the 1-based index of the sentence in its file. Gold spans = maximal B-/I- runs on the knowledge
column (an I- after O starts a new span), as byte ranges [start, end) into the UTF-8 description.

jobtag is run once over all postings as
    JOBTAG label INPUT.jsonl --input-format jsonl --format jsonl
(exit 0, or 3 when some rows were errors; errored rows are absent from the output and count as
postings with no predictions). Output rows are matched to input rows by "id". Predicted spans =
every element of every skill's "spans" list whose field is "description" (start/end are byte
offsets into the description).

Baseline: the distinct O*NET 29.2 "Hot Technology" names (SHARED/onet/Technology Skills.txt rows
with Hot Technology = "Y", column Example; 170 names) used literally as a case-insensitive
whole-word list: regex alternation (longest names first) with the boundaries (?<![\\w]) and
(?![\\w]) so that names such as "C++" or "ASP.NET" work, scanned leftmost-longest and
non-overlapping over each description.

MATCHING RULE (printed with the results):
  * A predicted span is a true positive (TP) if it overlaps, i.e. shares at least one byte with,
    some gold knowledge span of the same sentence.
  * precision = TP predicted spans / all predicted spans.
  * recall    = gold spans overlapped by at least one predicted span / all gold spans.
  * Secondary, exact match: both span texts are trimmed of surrounding whitespace and punctuation
    (Unicode categories P*); a predicted span matches exactly if its trimmed byte range equals the
    trimmed range of a gold span of the same sentence. exact precision = exactly matching
    predicted spans / all predicted spans; exact recall = gold spans exactly matched by some
    predicted span / all gold spans.
  Duplicate predicted spans (several skills on the same bytes) each count, as jobtag emits them;
  their number is reported.

Prints a markdown table per dataset (tech, house) and combined, the ratio jobtag recall / baseline
recall, the 25 most frequent false-positive skill names of jobtag and the 25 most frequent gold
span texts it missed (with --baseline-only: those of the baseline). --json OUT writes all numbers
(and those two lists, which quote SkillSpan text: write it outside the repository, e.g. /tmp).
Python standard library only.
"""

import argparse
import collections
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

DATASETS = (("tech", "skillspan_tech_dev.conll"), ("house", "skillspan_house_dev.conll"))
SPLIT = "dev"  # --split train swaps in the training files (for checking rules away from dev)
MODEL = None  # --model: a model file instead of the embedded one
ANNOTATED = None  # --annotated: a SkillSpan-layout JSON-lines file instead of json/SPLIT.json
TOP_N = 25

MATCHING_RULE = (
    "Matching rule: a predicted span is a TP if it shares >= 1 byte with some gold KNOWLEDGE span of "
    "the same sentence. precision = TP predicted spans / predicted spans; recall = gold spans "
    "overlapped by >= 1 predicted span / gold spans. Exact P/R (secondary): span byte ranges equal "
    "after trimming surrounding whitespace and punctuation (Unicode P*) from both spans."
)


# --------------------------------------------------------------------------------------------
# Data

def read_conll(path):
    """Return a list of (n, tokens, knowledge_tags) for the non-empty sentences of a conll file."""
    sentences, cur, n = [], [], 0
    with open(path, encoding="utf-8", newline="") as fh:
        lines = fh.read().split("\n")
    for lineno, raw in enumerate(lines, 1):
        line = raw.rstrip("\r")
        if line.strip() == "":
            if cur:
                n += 1
                sentences.append((n, [t for t, _ in cur], [k for _, k in cur]))
                cur = []
            continue
        cols = line.split("\t")
        if len(cols) != 3:
            sys.exit(f"{path}:{lineno}: expected 3 tab-separated columns, got {len(cols)}: {line!r}")
        token, skill_tag, know_tag = cols
        if not (know_tag == "O" or know_tag in ("B-Knowledge", "I-Knowledge")):
            sys.exit(f"{path}:{lineno}: unexpected knowledge tag {know_tag!r} (column 3)")
        if not (skill_tag == "O" or skill_tag in ("B-Skill", "I-Skill")):
            sys.exit(f"{path}:{lineno}: unexpected skill tag {skill_tag!r} (column 2)")
        token = token.strip()  # a few tokens carry leading (narrow) spaces: '  18', '\u202fOracle'
        if token == "":
            if know_tag != "O":
                sys.exit(f"{path}:{lineno}: whitespace-only token inside a knowledge span")
            continue
        cur.append((token, know_tag))
    if cur:
        n += 1
        sentences.append((n, [t for t, _ in cur], [k for _, k in cur]))
    return sentences


def bio_spans(offsets, tags):
    """Byte spans of the B-/I-Knowledge runs, given each token's (start, end)."""
    spans, start, end = [], None, None
    for (s, e), tag in zip(offsets, tags):
        if tag == "B-Knowledge" or (tag == "I-Knowledge" and start is None):
            if start is not None:
                spans.append((start, end))
            start, end = s, e
        elif tag == "I-Knowledge":
            end = e
        else:
            if start is not None:
                spans.append((start, end))
            start = None
    if start is not None:
        spans.append((start, end))
    return spans


def build_postings(shared):
    """Postings with description, per-token byte offsets and gold byte spans."""
    postings = []
    for ds, fname in DATASETS:
        path = Path(shared) / "skillspan" / "conll" / fname
        if not path.is_file():
            sys.exit(f"missing {path} (use --shared to point at the shared data folder)")
        for n, tokens, tags in read_conll(path):
            offsets, pos = [], 0
            for i, tok in enumerate(tokens):
                if i:
                    pos += 1  # the single joining space
                b = len(tok.encode("utf-8"))
                offsets.append((pos, pos + b))
                pos += b
            desc = " ".join(tokens)
            assert len(desc.encode("utf-8")) == pos
            gold = bio_spans(offsets, tags)
            postings.append({"id": f"{fname}:{n}", "dataset": ds, "description": desc,
                             "bytes": desc.encode("utf-8"), "gold": gold})
    return postings


def build_posting_units(shared):
    """Whole postings (sentences of one posting joined by newlines), from json/dev.json,
    which keeps each sentence's posting id (the conll files do not). Three sentences with
    odd whitespace tokens are missing there, so gold counts differ slightly from the
    sentence mode."""
    path = Path(ANNOTATED) if ANNOTATED else Path(shared) / "skillspan" / "json" / f"{SPLIT}.json"
    if not path.is_file():
        sys.exit(f"missing {path}")
    groups = collections.OrderedDict()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                groups.setdefault((row["source"], row["idx"]), []).append(row)
    postings = []
    for (source, idx), rows in groups.items():
        parts, gold, pos = [], [], 0
        for k, row in enumerate(rows):
            if k:
                pos += 1  # the joining newline
            toks = [t.strip() for t in row["tokens"]]
            tags = [{"B": "B-Knowledge", "I": "I-Knowledge"}.get(t, t) for t in row["tags_knowledge"]]
            offsets, kept_tags = [], []
            for tok, tag in zip(toks, tags):
                if not tok:
                    continue
                if offsets:
                    pos += 1
                offsets.append((pos, pos + len(tok.encode("utf-8"))))
                kept_tags.append(tag)
                pos = offsets[-1][1]
            gold.extend(bio_spans(offsets, kept_tags))
            parts.append(" ".join(t for t in toks if t))
        desc = "\n".join(parts)
        assert len(desc.encode("utf-8")) == pos, (source, idx)
        postings.append({"id": f"{source}:{idx}", "dataset": source, "description": desc,
                         "bytes": desc.encode("utf-8"), "gold": gold})
    return postings


def hot_technologies(shared):
    path = Path(shared) / "onet" / "Technology Skills.txt"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(fh, delimiter="\t")
        names = {r["Example"].strip() for r in rows if (r.get("Hot Technology") or "").strip() == "Y"}
    names.discard("")
    return sorted(names)


# --------------------------------------------------------------------------------------------
# Systems

def baseline_predict(postings, names):
    """Predicted spans per posting id: list of (start, end, name), byte offsets."""
    by_lower = {}
    for nm in names:
        by_lower.setdefault(nm.casefold(), nm)
    alts = sorted(by_lower, key=lambda s: (-len(s), s))
    rx = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(a) for a in alts) + r")(?![\w])",
                    re.IGNORECASE)
    preds = {}
    for p in postings:
        d = p["description"]
        out = []
        for m in rx.finditer(d):
            s = len(d[:m.start()].encode("utf-8"))
            e = s + len(m.group(0).encode("utf-8"))
            out.append((s, e, by_lower.get(m.group(0).casefold(), m.group(0))))
        preds[p["id"]] = out
    return preds


def jobtag_predict(postings, jobtag, workdir, timeout, exclude=(), asks_only=False):
    """Run jobtag once on all postings; return (preds by id, diagnostics dict)."""
    inp = Path(workdir) / "skillspan_dev_input.jsonl"
    with open(inp, "w", encoding="utf-8") as fh:
        for p in postings:
            fh.write(json.dumps({"id": p["id"], "title": "", "description": p["description"]},
                                ensure_ascii=False) + "\n")
    cmd = [jobtag, "label", str(inp), "--input-format", "jsonl", "--format", "jsonl"] + (
        ["--model", MODEL] if MODEL else [])
    print("running: " + " ".join(cmd), file=sys.stderr)
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except FileNotFoundError:
        sys.exit(f"jobtag not found: {jobtag}")
    except PermissionError:
        sys.exit(f"jobtag not executable: {jobtag}")
    except subprocess.TimeoutExpired:
        sys.exit(f"jobtag timed out after {timeout}s")
    elapsed = time.perf_counter() - t0
    err = proc.stderr.decode("utf-8", "replace")
    if proc.returncode not in (0, 3):
        sys.stderr.write(err[-4000:])
        sys.exit(f"jobtag exited with status {proc.returncode}")
    err_lines = [l for l in err.splitlines() if l.strip()]
    if err_lines:
        print(f"jobtag stderr ({len(err_lines)} lines), last ones:", file=sys.stderr)
        for l in err_lines[-5:]:
            print("  " + l[:300], file=sys.stderr)

    by_id = {p["id"]: p for p in postings}
    preds, seen = {}, set()
    diag = collections.Counter()
    for lineno, line in enumerate(proc.stdout.decode("utf-8", "replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            sys.exit(f"jobtag output line {lineno} is not JSON ({exc}): {line[:200]!r}")
        pid = row.get("id")
        if pid not in by_id:
            diag["rows with unknown id"] += 1
            continue
        if pid in seen:
            diag["duplicate output rows"] += 1
            continue
        seen.add(pid)
        nbytes = len(by_id[pid]["bytes"])
        data = by_id[pid]["bytes"]
        skills = row.get("skills")
        if skills is None:
            diag["rows without a skills field"] += 1
            skills = []
        out, ranges = [], collections.Counter()
        for sk in skills:
            if sk.get("category") in exclude:
                diag["skills left out by category"] += 1
                continue
            if asks_only and sk.get("requirement") == "mentioned":
                diag["skills left out as only mentioned"] += 1
                continue
            name = str(sk.get("name") or sk.get("id") or "?")
            for sp in sk.get("spans") or []:
                if sp.get("field") != "description":
                    continue
                # A span says how that place asks for the skill ("Java Developer" in a
                # heading is mentioned even when the requirements ask for Java).
                if asks_only and sp.get("requirement", sk.get("requirement")) == "mentioned":
                    diag["spans left out as only mentioned"] += 1
                    continue
                s, e = sp.get("start"), sp.get("end")
                if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= nbytes):
                    diag["invalid spans (skipped)"] += 1
                    continue
                # byte offsets must fall on UTF-8 character boundaries
                if (s < nbytes and (data[s] & 0xC0) == 0x80) or (e < nbytes and (data[e] & 0xC0) == 0x80):
                    diag["spans not on UTF-8 character boundaries"] += 1
                ranges[(s, e)] += 1
                out.append((s, e, name))
        diag["duplicate predicted spans (same bytes, counted each)"] += sum(c - 1 for c in ranges.values())
        preds[pid] = out
    missing = [pid for pid in by_id if pid not in seen]
    diag["input rows absent from output (errors)"] = len(missing)
    info = {"command": " ".join(cmd), "exit_status": proc.returncode,
            "seconds": round(elapsed, 2), "diagnostics": {k: v for k, v in diag.items() if v},
            "missing_ids_sample": missing[:10]}
    for pid in missing:
        preds[pid] = []
    return preds, info


# --------------------------------------------------------------------------------------------
# Scoring

def _is_trim(ch):
    return ch.isspace() or unicodedata.category(ch).startswith("P")


def trimmed(data, s, e):
    """Byte range [s, e) with surrounding whitespace/punctuation characters removed."""
    text = data[s:e].decode("utf-8", "replace")
    i, j = 0, len(text)
    while i < j and _is_trim(text[i]):
        i += 1
    while j > i and _is_trim(text[j - 1]):
        j -= 1
    if i == j:  # all punctuation: keep the span as it is
        return (s, e)
    ns = s + len(text[:i].encode("utf-8"))
    ne = ns + len(text[i:j].encode("utf-8"))
    return (ns, ne)


def score(postings, preds):
    """Per dataset + combined counts; also per-span details for error listings."""
    keys = [ds for ds, _ in DATASETS] + ["combined"]
    c = {k: collections.Counter() for k in keys}
    fp_names = collections.Counter()
    fp_examples = collections.defaultdict(collections.Counter)
    missed = collections.Counter()
    missed_surface = collections.defaultdict(collections.Counter)
    for p in postings:
        data, gold = p["bytes"], p["gold"]
        pr = preds.get(p["id"], [])
        gold_tr = {trimmed(data, s, e) for s, e in gold}
        pred_tr = {trimmed(data, s, e) for s, e, _ in pr}
        n_tp = n_exact_p = 0
        for s, e, name in pr:
            if any(s < ge and gs < e for gs, ge in gold):
                n_tp += 1
            else:
                fp_names[name] += 1
                fp_examples[name][data[s:e].decode("utf-8", "replace")] += 1
            if trimmed(data, s, e) in gold_tr:
                n_exact_p += 1
        n_hit = n_exact_r = 0
        for gs, ge in gold:
            if any(s < ge and gs < e for s, e, _ in pr):
                n_hit += 1
            else:
                t = data[gs:ge].decode("utf-8", "replace")
                missed[t.casefold()] += 1
                missed_surface[t.casefold()][t] += 1
            if trimmed(data, gs, ge) in pred_tr:
                n_exact_r += 1
        for k in (p["dataset"], "combined"):
            cc = c[k]
            cc["sentences"] += 1
            cc["pred"] += len(pr)
            cc["tp"] += n_tp
            cc["exact_tp_pred"] += n_exact_p
            cc["gold"] += len(gold)
            cc["gold_hit"] += n_hit
            cc["exact_gold_hit"] += n_exact_r
    res = {}
    for k in keys:
        cc = c[k]
        div = lambda a, b: (a / b) if b else None
        res[k] = {"sentences": cc["sentences"], "predicted_spans": cc["pred"], "tp": cc["tp"],
                  "precision": div(cc["tp"], cc["pred"]), "gold_spans": cc["gold"],
                  "gold_overlapped": cc["gold_hit"], "recall": div(cc["gold_hit"], cc["gold"]),
                  "exact_precision": div(cc["exact_tp_pred"], cc["pred"]),
                  "exact_recall": div(cc["exact_gold_hit"], cc["gold"]),
                  "exact_pred_matches": cc["exact_tp_pred"], "exact_gold_matches": cc["exact_gold_hit"]}
    top_fp = [{"name": n, "count": k, "examples": [t for t, _ in fp_examples[n].most_common(3)]}
              for n, k in fp_names.most_common(TOP_N)]
    top_missed = [{"text": missed_surface[t].most_common(1)[0][0], "count": k}
                  for t, k in missed.most_common(TOP_N)]
    return res, top_fp, top_missed


def pct(x):
    return "n/a" if x is None else f"{100 * x:.1f}%"


def print_table(results):
    print("| dataset | system | predicted spans | TP | precision | gold spans | recall (overlap) "
          "| exact P | exact R |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for ds in [d for d, _ in DATASETS] + ["combined"]:
        for system, r in results.items():
            x = r[ds]
            print(f"| {ds} | {system} | {x['predicted_spans']} | {x['tp']} | {pct(x['precision'])} "
                  f"| {x['gold_spans']} | {pct(x['recall'])} | {pct(x['exact_precision'])} "
                  f"| {pct(x['exact_recall'])} |")


# --------------------------------------------------------------------------------------------

def main():
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobtag", default="target/release/jobtag", help="jobtag binary")
    ap.add_argument("--shared", default=str(here.parent.parent / "shared" / "data"),
                    help="shared data folder (default: ../shared/data beside the checkout)")
    ap.add_argument("--json", default=None, metavar="OUT", help="write the numbers as JSON")
    ap.add_argument("--baseline-only", action="store_true", help="do not run jobtag")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds allowed for jobtag")
    ap.add_argument("--unit", choices=["sentence", "posting"], default="sentence",
                    help="label each sentence alone, or each whole posting (sections and context work)")
    ap.add_argument("--split", choices=["dev", "train"], default="dev",
                    help="score on the dev postings (the reported figures) or on the training "
                         "postings (to check a rule on data it was not looked at on)")
    ap.add_argument("--asks-only", action="store_true",
                    help="count only skills jobtag marks required or preferred (not merely mentioned)")
    ap.add_argument("--exclude-category", action="append", default=None, metavar="CAT",
                    help="leave out jobtag skills of this category (default: soft-skill, which "
                         "SkillSpan annotates as skill spans, not knowledge spans)")
    ap.add_argument("--model", default=None, help="label with this model file (jobtag label --model)")
    ap.add_argument("--annotated", default=None, metavar="JSONL",
                    help="with --unit posting: score these SkillSpan-layout postings instead of json/SPLIT.json "
                         "(e.g. a held-out part of train, for choosing rules away from dev)")
    args = ap.parse_args()
    global MODEL, ANNOTATED
    MODEL, ANNOTATED = args.model, args.annotated
    if args.split != "dev":
        global DATASETS, SPLIT
        SPLIT = args.split
        DATASETS = tuple((ds, f.replace("_dev.", f"_{args.split}.")) for ds, f in DATASETS)

    postings = build_postings(args.shared) if args.unit == "sentence" else build_posting_units(args.shared)
    names = hot_technologies(args.shared)
    data_info = {}
    for ds, fname in DATASETS:
        ps = [p for p in postings if p["dataset"] == ds]
        data_info[ds] = {"file": fname, "sentences": len(ps), "gold_spans": sum(len(p["gold"]) for p in ps),
                         "sentences_with_gold": sum(1 for p in ps if p["gold"])}
    print(f"SkillSpan {SPLIT}: " + "; ".join(
        f"{ds} {v['sentences']} sentences, {v['gold_spans']} knowledge spans "
        f"(in {v['sentences_with_gold']} sentences)" for ds, v in data_info.items()))
    print(f"Baseline: {len(names)} distinct O*NET Hot Technology names, literal, case-insensitive, "
          f"whole-word, leftmost-longest")
    print(MATCHING_RULE)
    print()

    preds = {}
    jobtag_info = None
    if not args.baseline_only:
        jt = args.jobtag
        if os.sep in jt and not os.path.isabs(jt):
            jt = os.path.abspath(jt)
        with tempfile.TemporaryDirectory(prefix="skillspan_eval_") as tmp:
            preds["jobtag"], jobtag_info = jobtag_predict(
                postings, jt, tmp, args.timeout,
                exclude=set(args.exclude_category if args.exclude_category is not None else ["soft-skill"]),
                asks_only=args.asks_only)
        print(f"jobtag: exit {jobtag_info['exit_status']}, {jobtag_info['seconds']}s"
              + "".join(f"; {k}: {v}" for k, v in jobtag_info["diagnostics"].items()))
    preds["baseline (O*NET hot tech)"] = baseline_predict(postings, names)

    results, tops = {}, {}
    for system, pr in preds.items():
        results[system], top_fp, top_missed = score(postings, pr)
        tops[system] = {"false_positive_names": top_fp, "missed_gold": top_missed}

    print()
    print_table(results)
    print()

    ratio = {}
    if "jobtag" in results:
        base = results["baseline (O*NET hot tech)"]
        for ds in [d for d, _ in DATASETS] + ["combined"]:
            a, b = results["jobtag"][ds]["recall"], base[ds]["recall"]
            ratio[ds] = (a / b) if (a is not None and b) else None
        print("jobtag recall / baseline recall (overlap): " + ", ".join(
            f"{ds} {'n/a' if v is None else f'{v:.2f}x'}" for ds, v in ratio.items()))
        print()

    focus = "jobtag" if "jobtag" in results else "baseline (O*NET hot tech)"
    print(f"Top {TOP_N} false-positive skill names ({focus}): count, example texts")
    for i, x in enumerate(tops[focus]["false_positive_names"], 1):
        print(f"{i:3d}. {x['name']}  {x['count']}  e.g. " + ", ".join(repr(t) for t in x["examples"]))
    if not tops[focus]["false_positive_names"]:
        print("  (none)")
    print()
    print(f"Top {TOP_N} missed gold knowledge spans ({focus}), case-folded: count")
    for i, x in enumerate(tops[focus]["missed_gold"], 1):
        print(f"{i:3d}. {x['text']!r}  {x['count']}")

    if args.json:
        out = {"matching_rule": MATCHING_RULE, "data": data_info,
               "baseline": {"names": len(names), "source": "O*NET 29.2 Technology Skills, Hot Technology = Y"},
               "jobtag": jobtag_info, "results": results, "recall_ratio_jobtag_over_baseline": ratio,
               "top": tops}
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=2, ensure_ascii=False)
        print(f"\nJSON written to {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()

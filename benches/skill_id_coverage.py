#!/usr/bin/env python3
"""How many of the skill tags jobtag emits on real postings carry an ESCO URI or an O*NET name.

    python3 benches/skill_id_coverage.py --jobtag target/release/jobtag \
        [--shared ../shared/data] [--catalog training/skills/catalog.csv] [--links FILE] [--missing 40]

Postings: SHARED/postings_dev.jsonl (908 NoFluffJobs and Glassdoor postings) and the SkillSpan
postings of SHARED/skillspan/json/{train,dev}.json (each posting's sentences joined by newlines,
as `eval_skill_tags.py --unit posting` builds them). jobtag labels each set once
(`jobtag label IN --input-format jsonl --format jsonl`).

Coverage is weighted by tag occurrences, as issue 19 counts it: every skill tag on every posting
is one occurrence (a skill named three times in one posting is one tag). A tag carries an ESCO
URI when the catalog row of its id has one; likewise O*NET. The catalog is --catalog (default:
the repository's), so the figure for an older binary is taken with that commit's catalog. When
the output already has `esco`/`onet` fields on a skill, they must agree with the catalog (a
check that the binary embeds the catalog given). An `uncatalogued` tag (the learned span
tagger's) has no catalog row: it carries an ESCO URI when the output gives it one (linked by
name, with `esco_similarity`), counted in "… linked by name".

Tags whose ESCO link is marked `broader` in --links (default: the repository's
training/skills/esco_links.csv) are counted apart: their URI names a wider concept than the
skill ("cloud technologies" for AWS). --missing N lists the N most frequent skills without an ESCO URI (skill names only; no posting
text is printed). Python standard library only.
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


def skillspan_postings(shared):
    out = []
    for split in ("train", "dev"):
        path = Path(shared) / "skillspan" / "json" / f"{split}.json"
        groups = collections.OrderedDict()
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    groups.setdefault((row["source"], row["idx"]), []).append(row)
        for (source, idx), rows in groups.items():
            desc = "\n".join(" ".join(t.strip() for t in r["tokens"] if t.strip()) for r in rows)
            out.append({"id": f"{split}:{source}:{idx}", "title": "", "description": desc})
    return out


def dev_postings(shared):
    out = []
    with open(Path(shared) / "postings_dev.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                out.append({"id": r["id"], "title": r.get("title") or "",
                            "description": r.get("description") or ""})
    return out


def label(jobtag, postings, workdir):
    inp = os.path.join(workdir, "in.jsonl")
    with open(inp, "w", encoding="utf-8") as fh:
        for p in postings:
            fh.write(json.dumps(p) + "\n")
    res = subprocess.run([jobtag, "label", inp, "--input-format", "jsonl", "--format", "jsonl"], capture_output=True, text=True)
    if res.returncode not in (0, 3):
        sys.exit(f"jobtag failed ({res.returncode}): {res.stderr[-2000:]}")
    return [json.loads(l) for l in res.stdout.splitlines() if l.strip()]


def main():
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobtag", default="target/release/jobtag")
    ap.add_argument("--shared", default=str(here.parent.parent / "shared" / "data"))
    ap.add_argument("--catalog", default=str(here.parent / "training" / "skills" / "catalog.csv"))
    ap.add_argument("--links", default=str(here.parent / "training" / "skills" / "esco_links.csv"),
                    help="reviewed ESCO links: tags linked to a broader concept are counted apart")
    ap.add_argument("--missing", type=int, default=0)
    args = ap.parse_args()
    with open(args.catalog, encoding="utf-8", newline="") as fh:
        catalog = {r["id"]: r for r in csv.DictReader(fh)}
    broader = set()
    if os.path.exists(args.links):
        with open(args.links, encoding="utf-8", newline="") as fh:
            broader = {r["id"] for r in csv.DictReader(fh) if r["how"] == "broader"}
    sets = [("postings_dev", dev_postings(args.shared)),
            ("skillspan", skillspan_postings(args.shared))]
    missing = collections.Counter()
    total = collections.Counter()
    mismatches = 0
    print("| postings | postings | tags | with ESCO URI | … of a broader concept | … linked by name "
          "| with O*NET name |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, postings in sets:
            rows = label(args.jobtag, postings, tmp)
            tags = esco = onet = wide = by_name = 0
            for row in rows:
                for s in row.get("skills", []):
                    tags += 1
                    if s.get("category") == "uncatalogued":
                        linked = bool(s.get("esco"))
                        esco += linked
                        by_name += linked
                        if not linked:
                            missing[s["name"]] += 1
                        continue
                    c = catalog.get(s["id"], {})
                    esco += bool(c.get("esco"))
                    onet += bool(c.get("onet"))
                    wide += bool(c.get("esco")) and s["id"] in broader
                    if not c.get("esco"):
                        missing[s["name"]] += 1
                    for field in ("esco", "onet"):
                        if field in s and s[field] != c.get(field):
                            mismatches += 1
            total.update(tags=tags, esco=esco, onet=onet, wide=wide, by_name=by_name)
            print(f"| {name} | {len(rows)} | {tags} | {esco / tags:.1%} | {wide / tags:.1%} | "
                  f"{by_name / tags:.1%} | {onet / tags:.1%} |")
    t = total
    print(f"| **both** | | {t['tags']} | **{t['esco'] / t['tags']:.1%}** | "
          f"{t['wide'] / t['tags']:.1%} | {t['by_name'] / t['tags']:.1%} | **{t['onet'] / t['tags']:.1%}** |")
    if mismatches:
        sys.exit(f"{mismatches} skill ids in the output disagree with {args.catalog}")
    if args.missing:
        print(f"\nmost frequent skills without an ESCO URI:")
        for n, (skill, k) in enumerate(missing.most_common(args.missing), 1):
            print(f"{n:3d}. {skill} ({k})")


if __name__ == "__main__":
    main()

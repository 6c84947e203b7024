#!/usr/bin/env python3
"""How far can seniority go on the development postings' board labels?

    python3 benches/seniority_evidence.py [../shared/data/postings_dev.jsonl]

Prints the board's seniority for postings by the seniority words in their
title, and an upper bound: postings grouped by (title seniority words, years
bucket of the description), each group predicting its own most common board
label on the same postings (so it overfits), and the accuracy of the most
consistent 80% of postings. The model card quotes these figures.
"""
import collections
import json
import math
import re
import sys

CUE = re.compile(
    r"\b(senior|sr|junior|jr|lead|staff|principal|architect|head|director|chief|intern|"
    r"internship|trainee|mid|middle|regular|expert|manager|vp|ii|iii|entry|graduate|associate)\b",
    re.I,
)
YEARS = re.compile(r"(\d+)\s*\+?\s*(?:-\s*\d+\s*)?(?:\+\s*)?(?:years|yrs|year)", re.I)


def years_bucket(text):
    found = [int(y) for y in YEARS.findall(text or "") if int(y) < 30]
    if not found:
        return None
    top = max(found)
    return "<3" if top < 3 else "3-4" if top < 5 else "5+"


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/postings_dev.jsonl"
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    rows = [r for r in rows if r.get("seniority")]
    by_word = collections.defaultdict(collections.Counter)
    groups = collections.defaultdict(collections.Counter)
    for r in rows:
        words = sorted({w.lower() for w in CUE.findall(r["title"])})
        for w in words or ["(none)"]:
            by_word[w][r["seniority"]] += 1
        groups[(tuple(words), years_bucket(r.get("description")))][r["seniority"]] += 1
    print(f"{len(rows)} postings with a board seniority")
    for w, c in sorted(by_word.items(), key=lambda x: -sum(x[1].values()))[:8]:
        print(f"  title word {w!r:12} {sum(c.values()):4}: {dict(c.most_common())}")
    ranked = sorted(((c.most_common(1)[0][1] / sum(c.values()), sum(c.values())) for c in groups.values()), reverse=True)
    keep, kept, right = 0.8 * len(rows), 0.0, 0.0
    for purity, n in ranked:
        take = min(n, keep - kept)
        kept += take
        right += take * purity
        if kept >= keep:
            break
    print(f"{len(groups)} groups; in-sample upper bound on the most consistent 80%: {right / kept:.3f}")


if __name__ == "__main__":
    main()

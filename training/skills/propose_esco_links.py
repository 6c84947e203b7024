#!/usr/bin/env python3
"""Propose ESCO links for catalog rows that have none, for review into esco_links.csv.

    python3 training/skills/propose_esco_links.py ESCO.csv [ESCO.csv ...] > proposals.csv

ESCO.csv: any ESCO CSV export file with the columns conceptUri, preferredLabel and (optional)
altLabels, e.g. skills_en.csv or digitalSkillsCollection_en.csv of ESCO v1.2.0 (altLabels
separated by newlines or by " | ", as the exports write them). Not the trimmed skills_en.csv of
../shared/data/esco: its altLabels belong to other rows. Nothing is written but stdout.

For each row of catalog.csv with no ESCO URI (after generate.py) and no line in esco_links.csv,
every concept whose preferred label (a trailing qualifier such as "(computer programming)"
ignored) or alternative label equals the row's name or one of its aliases, case- and
punctuation-insensitively, is printed as a candidate line of esco_links.csv:

    id,esco,esco_label,how,matched   (how: `label` or `alt-label`; matched: the form and label)

A proposal is not a link. Review each before copying it (without the last column) into
esco_links.csv: an alternative label often belongs to a broader concept (ESCO lists "Bash" and
"Lua" under "computer programming", "TensorFlow" under "computer vision") or to another sense of
the word (ESCO's "SPARK" is a Java web framework, not Apache Spark). Mark a broader concept
`broader`, a concept chosen by hand `reviewed`, and a row that must stay unlinked `none`.
Standard library only.
"""

import csv
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from generate import norm_key, split_aliases  # noqa: E402


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    index = {}
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                uri, pref = r["conceptUri"].strip(), r["preferredLabel"].strip()
                labels = [(pref, "label"), (re.sub(r"\s*\([^()]*\)$", "", pref), "label")]
                for alt in re.split(r"\n|\s\|\s", r.get("altLabels") or ""):
                    labels.append((alt.strip(), "alt-label"))
                for label, how in labels:
                    if norm_key(label):
                        index.setdefault(norm_key(label), set()).add((uri, pref, how, label))
    with open(os.path.join(HERE, "esco_links.csv"), encoding="utf-8", newline="") as f:
        reviewed = {r["id"] for r in csv.DictReader(f)}
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["id", "esco", "esco_label", "how", "matched"])
    with open(os.path.join(HERE, "catalog.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["esco"] or row["id"] in reviewed:
                continue
            forms = [row["name"]] + [a.lstrip("?=").lstrip("=?") for a in split_aliases(row["aliases"])]
            seen = set()
            for form in forms:
                for uri, pref, how, label in sorted(index.get(norm_key(form), ())):
                    if (uri, how) not in seen:
                        seen.add((uri, how))
                        out.writerow([row["id"], uri, pref, how, f"{form} = {label}"])


if __name__ == "__main__":
    main()

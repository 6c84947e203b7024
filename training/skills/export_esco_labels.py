#!/usr/bin/env python3
"""Write esco_skills.tsv: the ESCO skill labels the uncatalogued-skill linker searches.

    python3 training/skills/export_esco_labels.py [--shared ../shared/data] > training/skills/esco_skills.tsv

One line per ESCO skill concept in SHARED/esco (skills_en.csv and the ICT and transversal
collections, each concept once): `uuid<TAB>preferred label<TAB>alternative labels`, the uuid
being the last part of the conceptUri (http://data.europa.eu/esco/skill/<uuid>) and the
alternative labels joined by " | ". Alternative labels come from the two collections only:
skills_en.csv in ../shared/data is trimmed and its altLabels belong to other rows (see
propose_esco_links.py). Names and ids only; sorted by uuid so the file is reproducible.
Standard library only.
"""

import argparse
import csv
import os
import sys

PREFIX = "http://data.europa.eu/esco/skill/"


def labels(cell):
    """Alternative labels, written one per line or separated by ' | '."""
    out = []
    for line in cell.replace(" | ", "\n").split("\n"):
        line = " ".join(line.split())
        if line:
            out.append(line)
    return out


def clean(s):
    return " ".join(s.replace("\t", " ").split())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default="../shared/data")
    args = ap.parse_args()
    esco = os.path.join(args.shared, "esco")
    concepts = {}
    for name, alts_ok in [
        ("skills_en.csv", False),
        ("ictSkillsCollection_en.csv", True),
        ("transversalSkillsCollection_en.csv", True),
    ]:
        with open(os.path.join(esco, name), newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                uri = row["conceptUri"]
                if not uri.startswith(PREFIX):
                    continue
                uuid = uri[len(PREFIX):]
                pref = clean(row["preferredLabel"])
                if not pref:
                    continue
                entry = concepts.setdefault(uuid, [pref, []])
                if alts_ok:
                    for a in labels(row.get("altLabels") or ""):
                        a = clean(a)
                        if a.lower() != pref.lower() and a not in entry[1]:
                            entry[1].append(a)
    out = sys.stdout
    for uuid in sorted(concepts):
        pref, alts = concepts[uuid]
        out.write(f"{uuid}\t{pref}\t{' | '.join(alts)}\n")


if __name__ == "__main__":
    main()

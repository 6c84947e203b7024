#!/usr/bin/env python3
"""Count jobtag's public API from rustdoc's JSON: public items and public modules.

    python3 benches/api_surface.py            # build the JSON (nightly rustdoc), count
    python3 benches/api_surface.py --list     # also list every public item by path
    python3 benches/api_surface.py --json F   # count an existing rustdoc JSON file

An item is an entry of the crate's own index whose visibility is public,
other than re-exports (`use`), impl blocks, struct fields and enum variants:
modules, structs, enums, traits, functions and methods, constants, statics,
type aliases and macros. (This is how the 271-item figure in issue 14 was
counted, reproduced on that commit: 157 functions and methods, 63 structs,
35 modules, 9 enums, 6 constants, 1 type alias.) Methods of trait impls are
not counted: they are the trait's. Needs the nightly toolchain (rustdoc's
JSON output is unstable); it writes to its own target folder so it does not
disturb the stable build.
"""
import argparse
import collections
import json
import os
import subprocess
import sys

COUNTED = {"module", "struct", "enum", "union", "trait", "trait_alias", "function",
           "constant", "static", "type_alias", "macro", "proc_macro"}
LIMITS = {"items": 150, "modules": 12}


def build(root, target):
    env = dict(os.environ, CARGO_TARGET_DIR=target)
    cmd = ["cargo", "+nightly", "rustdoc", "--lib", "-q", "--",
           "-Z", "unstable-options", "--output-format", "json"]
    subprocess.run(cmd, cwd=root, env=env, check=True)
    return os.path.join(target, "doc", "jobtag.json")


def count(path):
    doc = json.load(open(path))
    kinds = collections.Counter()
    names = []
    for item_id, item in doc["index"].items():
        if item.get("crate_id") != 0 or item.get("visibility") != "public":
            continue
        kind = next(iter(item["inner"])) if isinstance(item["inner"], dict) else item["inner"]
        if kind not in COUNTED:
            continue
        kinds[kind] += 1
        path_of = doc["paths"].get(item_id, {}).get("path")
        names.append((kind, "::".join(path_of) if path_of else item.get("name") or "?"))
    return kinds, sorted(names, key=lambda x: x[1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", help="an existing rustdoc JSON file")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--target", default="target/api-surface")
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = args.json or build(root, os.path.join(root, args.target))
    kinds, names = count(path)
    if args.list:
        for kind, name in names:
            print(f"{kind:10} {name}")
    total = sum(kinds.values())
    detail = ", ".join(f"{n} {k}" for k, n in kinds.most_common())
    print(f"public items: {total} ({detail})")
    print(f"public modules: {kinds['module']}")
    over = total > LIMITS["items"] or kinds["module"] > LIMITS["modules"]
    print(f"limits (issue 14): at most {LIMITS['items']} items in at most {LIMITS['modules']} modules: "
          + ("OVER" if over else "met"))
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()

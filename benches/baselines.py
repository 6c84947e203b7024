#!/usr/bin/env python3
"""Compare jobtag with two strong baselines on identical cross-validation folds.

    python3 benches/baselines.py --jobtag target/release/jobtag \
        --recipe training/default.toml --folds 5 [--workdir DIR]

1. Runs `jobtag eval --recipe R --folds K --export-folds DIR --format json` (timed) and
   takes jobtag's scores from its JSON output.
2. On the exported DIR/fold{k}_train.jsonl / fold{k}_test.jsonl trains and evaluates
   (a) scikit-learn: TF-IDF (title, text) + LogisticRegression, C chosen by inner CV;
   (b) fastText supervised, settings chosen on an inner validation split.
3. Prints a markdown table and writes it as JSON to DIR/results.json (or --results).

With --skip-jobtag the folds already in --workdir are used and jobtag's row shows n/a.
Deterministic (fixed seeds), at most 2 threads. Needs: pip install -r benches/requirements.txt
"""

import os

# Cap native thread pools before numpy/scipy/sklearn are imported.
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
           "BLIS_NUM_THREADS", "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    os.environ[_v] = "1"

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline

SEED = 0
N_JOBS = 2  # processes for the inner grid search (each single-threaded)
SENIORITY_ORDER = ["intern", "junior", "mid", "senior", "lead", "executive"]
TASKS = ("role", "seniority")

# Tokens: words, with '+'/'#' kept inside (c++, c#, f#) and '.'-joined parts kept
# together (node.js, asp.net, vue.js); a leading '.' is kept (.net). Trailing
# punctuation is dropped ("python." -> "python").
TOKEN_PATTERN = r"(?u)(?<![\w.])\.?\w[\w+#]*(?:\.\w[\w+#]*)*"
TOKEN_RE = re.compile(TOKEN_PATTERN)


# ----------------------------------------------------------------------------- data

def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_folds(workdir, k):
    folds = []
    for i in range(k):
        tr = os.path.join(workdir, f"fold{i}_train.jsonl")
        te = os.path.join(workdir, f"fold{i}_test.jsonl")
        for p in (tr, te):
            if not os.path.exists(p):
                sys.exit(f"error: missing fold file {p}")
        folds.append((load_jsonl(tr), load_jsonl(te)))
    return folds


def train_rows(rows, task):
    """Training rows usable for `task`: those whose single gold label is set."""
    return [r for r in rows if r.get(task) is not None]


def weight(r):
    w = r.get("weight")
    return 1.0 if w is None else float(w)


# -------------------------------------------------------------------------- scoring

def score(test_rows, preds, task):
    """Pooled scoring of one task over all folds (see the jobtag eval contract)."""
    gold, pred, correct = [], [], 0
    for r, p in zip(test_rows, preds):
        label, accept = r.get(task), r.get(f"{task}_accept")
        if label is not None:
            g = label
            correct += p == label
        elif accept:
            g = p if p in accept else accept[0]
            correct += p in accept
        else:
            continue  # not scored
        gold.append(g)
        pred.append(p)
    n = len(gold)
    out = {"n": n,
           "accuracy": correct / n if n else float("nan"),
           "macro_f1": float(f1_score(gold, pred, average="macro", zero_division=0))
           if n else float("nan")}
    if task == "seniority":
        idx = {s: i for i, s in enumerate(SENIORITY_ORDER)}
        ok = sum(1 for g, p in zip(gold, pred)
                 if g in idx and p in idx and abs(idx[g] - idx[p]) <= 1)
        out["within_one"] = ok / n if n else float("nan")
    return out


# ----------------------------------------------------------------------- baseline a

def make_sklearn_pipeline(title_weight):
    def vec():
        return TfidfVectorizer(lowercase=True, token_pattern=TOKEN_PATTERN,
                               ngram_range=(1, 2), sublinear_tf=True, min_df=2,
                               max_df=0.9, dtype=np.float32)
    features = ColumnTransformer(
        [("title", vec(), 0), ("text", vec(), 1)],
        transformer_weights={"title": title_weight, "text": 1.0})
    clf = LogisticRegression(class_weight="balanced", solver="lbfgs", max_iter=3000,
                             tol=1e-4, random_state=SEED)
    return Pipeline([("features", features), ("clf", clf)])


class SklearnBaseline:
    name = "scikit-learn"

    def __init__(self, cs, inner_folds, scoring, title_weight):
        self.cs, self.inner_folds = cs, inner_folds
        self.scoring, self.title_weight = scoring, title_weight
        self.chosen = {t: [] for t in TASKS}

    def fit_predict(self, train, test, task, fold):
        rows = train_rows(train, task)
        X = np.array([[r.get("title") or "", r.get("text") or ""] for r in rows], dtype=object)
        y = np.array([r[task] for r in rows])
        w = np.array([weight(r) for r in rows], dtype=np.float64)
        grid = GridSearchCV(
            make_sklearn_pipeline(self.title_weight), {"clf__C": self.cs},
            scoring=self.scoring, n_jobs=N_JOBS, refit=True,
            cv=StratifiedKFold(self.inner_folds, shuffle=True, random_state=SEED))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.filterwarnings("ignore", message=".*least populated class.*")
            grid.fit(X, y, clf__sample_weight=w)
        self.chosen[task].append(grid.best_params_["clf__C"])
        Xt = np.array([[r.get("title") or "", r.get("text") or ""] for r in test], dtype=object)
        return list(grid.predict(Xt))

    def info(self):
        return {"C_chosen": self.chosen, "C_grid": self.cs, "inner_folds": self.inner_folds,
                "inner_scoring": self.scoring, "title_weight": self.title_weight}


# ----------------------------------------------------------------------- baseline b

def ft_tokens(s):
    return TOKEN_RE.findall((s or "").lower())


# fastText averages all token vectors, so a long description drowns the title; the
# training folds are mostly title-only rows, so that dilution costs ~20 points of role
# accuracy. Title tokens are therefore repeated and the description truncated.
FT_TITLE_REPEAT = 3
FT_DESC_TOKENS = 50


def ft_line(r):
    title = ["t_" + t for t in ft_tokens(r.get("title"))]
    return " ".join(title * FT_TITLE_REPEAT + ft_tokens(r.get("text"))[:FT_DESC_TOKENS])


class FastTextBaseline:
    name = "fastText"
    # Candidate settings, picked per fold and task on a 10% stratified validation split.
    GRID = [{"epoch": 25, "lr": 0.5}, {"epoch": 25, "lr": 1.0},
            {"epoch": 50, "lr": 0.5}, {"epoch": 50, "lr": 1.0}]
    FIXED = {"dim": 100, "wordNgrams": 2, "loss": "softmax", "minCount": 1,
             "bucket": 200000, "thread": 1, "seed": SEED, "verbose": 0}

    def __init__(self, tmpdir, tune=True):
        import fasttext  # noqa: F401  (fail early if missing)
        self.tmpdir, self.tune = tmpdir, tune
        self.chosen = {t: [] for t in TASKS}

    def _write(self, path, lines_labels):
        with open(path, "w", encoding="utf-8") as f:
            for line, label, w in lines_labels:
                reps = int(w) if float(w).is_integer() and w > 1 else 1
                for _ in range(reps):
                    f.write(f"__label__{label} {line}\n")

    def _train(self, path, params):
        import fasttext
        return fasttext.train_supervised(input=path, **self.FIXED, **params)

    @staticmethod
    def _predict(model, lines):
        # list input: avoids fasttext-wheel 0.9.2's numpy-2 copy=False bug for str input
        labels, _ = model.predict(lines, k=1)
        return [l[0][len("__label__"):] for l in labels]

    def fit_predict(self, train, test, task, fold):
        rows = train_rows(train, task)
        data = [(ft_line(r), r[task], weight(r)) for r in rows]
        path = os.path.join(self.tmpdir, f"ft_{task}_{fold}.txt")
        best = self.GRID[-1]
        if self.tune and len(self.GRID) > 1:
            # stratified-ish 90/10 split, deterministic
            rng = random.Random(SEED + fold)
            by_label = {}
            for i, (_, lab, _) in enumerate(data):
                by_label.setdefault(lab, []).append(i)
            val = set()
            for lab in sorted(by_label):
                idx = by_label[lab]
                rng.shuffle(idx)
                val.update(idx[: len(idx) // 10])
            tr = [d for i, d in enumerate(data) if i not in val]
            va = [d for i, d in enumerate(data) if i in val]
            self._write(path, tr)
            best_acc = -1.0
            for params in self.GRID:
                m = self._train(path, params)
                p = self._predict(m, [d[0] for d in va])
                acc = sum(a == d[1] for a, d in zip(p, va)) / max(1, len(va))
                if acc > best_acc:
                    best, best_acc = params, acc
        self.chosen[task].append(best)
        self._write(path, data)
        model = self._train(path, best)
        os.remove(path)
        return self._predict(model, [ft_line(r) for r in test])

    def info(self):
        return {"chosen": self.chosen, "title_repeat": FT_TITLE_REPEAT,
                "desc_tokens": FT_DESC_TOKENS,
                "fixed": {k: v for k, v in self.FIXED.items() if k != "verbose"}}


# ---------------------------------------------------------------------------- run

def run_baseline(model, folds):
    t0 = time.perf_counter()
    preds = {t: [] for t in TASKS}
    gold_rows = []
    for k, (train, test) in enumerate(folds):
        tf = time.perf_counter()
        for task in TASKS:
            preds[task].extend(model.fit_predict(train, test, task, k))
        gold_rows.extend(test)
        print(f"  {model.name} fold {k}: {time.perf_counter() - tf:.1f}s", file=sys.stderr)
    seconds = time.perf_counter() - t0
    res = {t: score(gold_rows, preds[t], t) for t in TASKS}
    res["seconds"] = seconds
    res["info"] = model.info()
    return res


def run_jobtag(args):
    cmd = [args.jobtag, "eval", "--recipe", args.recipe, "--folds", str(args.folds),
           "--export-folds", args.workdir, "--format", "json"]
    print("running: " + " ".join(cmd), file=sys.stderr)
    env = dict(os.environ, RAYON_NUM_THREADS="2")
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, env=env)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"error: jobtag eval exited with {proc.returncode}")
    try:
        out = json.loads(proc.stdout)
    except json.JSONDecodeError as e:
        sys.exit(f"error: jobtag eval printed no JSON object ({e}): {proc.stdout[:500]!r}")
    res = {"role": {k: out["role"].get(k) for k in ("accuracy", "macro_f1", "n")},
           "seniority": {k: out["seniority"].get(k)
                         for k in ("accuracy", "macro_f1", "within_one", "n")},
           "seconds": seconds,
           "info": {"train_seconds": out.get("train_seconds"), "folds": out.get("folds"),
                    "command": cmd}}
    return res


COLUMNS = [("role accuracy", ("role", "accuracy")),
           ("role macro-F1", ("role", "macro_f1")),
           ("seniority accuracy", ("seniority", "accuracy")),
           ("seniority within-one", ("seniority", "within_one")),
           ("train+predict s (all folds)", ("seconds",))]


def cell(res, keys):
    v = res
    for k in keys:
        if not isinstance(v, dict) or v.get(k) is None:
            return "n/a"
        v = v[k]
    return f"{v:.1f}" if keys == ("seconds",) else f"{v:.3f}"


def markdown(results):
    lines = ["| system | " + " | ".join(c for c, _ in COLUMNS) + " |",
             "|---|" + "---:|" * len(COLUMNS)]
    for name, res in results.items():
        lines.append(f"| {name} | " + " | ".join(cell(res, k) for _, k in COLUMNS) + " |")
    return "\n".join(lines)


def main():
    global FT_TITLE_REPEAT, FT_DESC_TOKENS
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobtag", default="target/release/jobtag", help="jobtag binary")
    ap.add_argument("--recipe", default="training/default.toml")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--workdir", default=None,
                    help="fold export dir (default: a new temp dir; required with --skip-jobtag)")
    ap.add_argument("--results", default=None, help="JSON output (default: WORKDIR/results.json)")
    ap.add_argument("--skip-jobtag", action="store_true",
                    help="do not run jobtag; use the fold files already in --workdir")
    ap.add_argument("--only", choices=["sklearn", "fasttext"], action="append",
                    help="run only this baseline (repeatable)")
    ap.add_argument("--C", type=float, nargs="+", default=[1.0, 3.0, 10.0, 30.0],
                    help="LogisticRegression C grid")
    ap.add_argument("--inner-folds", type=int, default=3)
    ap.add_argument("--inner-scoring", default="f1_macro", choices=["f1_macro", "accuracy"])
    ap.add_argument("--title-weight", type=float, default=2.0,
                    help="ColumnTransformer weight of the title TF-IDF block")
    ap.add_argument("--ft-title-repeat", type=int, default=FT_TITLE_REPEAT,
                    help="fastText: times the (t_-prefixed) title tokens are repeated")
    ap.add_argument("--ft-desc-tokens", type=int, default=FT_DESC_TOKENS,
                    help="fastText: description tokens kept (from the start)")
    ap.add_argument("--no-fasttext-tune", action="store_true",
                    help="skip fastText's inner validation (use epoch 50, lr 1.0)")
    args = ap.parse_args()
    FT_TITLE_REPEAT, FT_DESC_TOKENS = args.ft_title_repeat, args.ft_desc_tokens

    if args.workdir is None:
        if args.skip_jobtag:
            ap.error("--skip-jobtag needs --workdir with fold files")
        args.workdir = tempfile.mkdtemp(prefix="jobtag-baselines-")
    os.makedirs(args.workdir, exist_ok=True)
    results_path = args.results or os.path.join(args.workdir, "results.json")
    random.seed(SEED)
    np.random.seed(SEED)

    results = {}
    if args.skip_jobtag:
        results["jobtag"] = {"role": {}, "seniority": {}, "seconds": None,
                             "info": {"skipped": True}}
    else:
        results["jobtag"] = run_jobtag(args)

    folds = load_folds(args.workdir, args.folds)
    n_train = [len(tr) for tr, _ in folds]
    print(f"folds: {args.folds}, train rows {min(n_train)}-{max(n_train)}, "
          f"test rows {sum(len(te) for _, te in folds)}", file=sys.stderr)

    only = set(args.only or ["sklearn", "fasttext"])
    if "sklearn" in only:
        results["scikit-learn"] = run_baseline(
            SklearnBaseline(args.C, args.inner_folds, args.inner_scoring, args.title_weight),
            folds)
    if "fasttext" in only:
        with tempfile.TemporaryDirectory(prefix="jobtag-ft-") as tmp:
            results["fastText"] = run_baseline(
                FastTextBaseline(tmp, tune=not args.no_fasttext_tune), folds)

    table = markdown(results)
    print(table)
    with open(results_path, "w", encoding="utf-8") as f:
        json.dump({"folds": args.folds, "workdir": os.path.abspath(args.workdir),
                   "table_markdown": table, "columns": [c for c, _ in COLUMNS],
                   "results": results}, f, indent=2)
    print(f"results written to {results_path}", file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Python and Spark labelling throughput against the CLI, side by side.

    pip install ./python pandas polars pyspark      # in a virtual environment
    cargo build --release
    python benches/python_bench.py --jobtag target/release/jobtag \
        [--rows 20000] [--spark-rows 100000] [--repeat 3] [--no-spark] [--json OUT]

1. Generates --rows synthetic postings (benches/batch_bench.py's generator, ~2.5 KB each)
   as CSV, and reads them once into a pyarrow Table, a pandas DataFrame and a polars
   DataFrame (untimed).
2. Times, in turns, --repeat times each, and keeps each one's fastest:
   - the CLI: `jobtag label FILE -o OUT` (process start, model load, CSV parsing,
     labelling and writing: everything it does);
   - `Labeller.label_table` on the pyarrow Table, the pandas and the polars DataFrame
     (the call a pipeline makes on a table it holds; the labeller is built once, untimed,
     and its build time is reported on its own).
3. Unless --no-spark: generates --spark-rows postings as Parquet (and CSV for the CLI), and
   times Spark in local-cluster mode (local-cluster[2,1,1024]: two
   executors of one core) over the Parquet file three ways, each forced with the `noop`
   writer: reading only, an identity `mapInArrow` (Spark's Arrow round trip to Python), and
   `jobtag.spark.label` (and once more with only `id` and `role` selected), in turns with
   the CLI on the same postings. Each executor labels on --spark-threads threads
   (RAYON_NUM_THREADS; default: every core); partitions are --spark-partition-mb MiB of
   Parquet. The overhead per row over the CLI is (Spark time - CLI time) / rows.
4. Prints a markdown table and the machine's load, and writes JSON (--json).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def run_cli(jobtag, inp, out):
    subprocess.run([jobtag, "label", str(inp), "-o", str(out)], check=True, stderr=subprocess.DEVNULL)


def read_postings(path):
    """The generated CSV as a pyarrow Table of strings (descriptions span lines)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    return pacsv.read_csv(
        path,
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in ("id", "title", "description")}),
    )


def load():
    return os.getloadavg()


def bench_tables(args, work):
    import batch_bench
    import pandas as pd
    import polars as pl

    import jobtag

    csv_path = work / "postings.csv"
    batch_bench.generate(args.rows, str(csv_path))
    table = read_postings(csv_path)
    frames = {"pyarrow Table": table, "pandas DataFrame": table.to_pandas(), "polars DataFrame": pl.from_arrow(table)}
    start = time.perf_counter()
    labeller = jobtag.Labeller()
    build = time.perf_counter() - start

    runs = {name: [] for name in ["CLI", *frames]}
    for _ in range(args.repeat):  # in turns, so a busy moment hits all alike
        for name in runs:
            start = time.perf_counter()
            if name == "CLI":
                run_cli(args.jobtag, csv_path, work / "out.csv")
            else:
                out = labeller.label_table(frames[name])
                assert len(out) == args.rows
            runs[name].append(time.perf_counter() - start)
    results = {name: {"best_s": min(t), "runs_s": t, "postings_per_s": args.rows / min(t)} for name, t in runs.items()}
    cli = results["CLI"]["postings_per_s"]
    for r in results.values():
        r["vs_cli"] = r["postings_per_s"] / cli
    return {"rows": args.rows, "labeller_build_s": build, "results": results, "pandas": pd.__version__,
            "polars": pl.__version__, "pyarrow": __import__("pyarrow").__version__}


def bench_spark(args, work):
    import batch_bench
    import pyarrow.parquet as pq

    n = args.spark_rows
    csv_path = work / "spark.csv"
    batch_bench.generate(n, str(csv_path))
    # Small row groups: Spark splits a Parquet file by row group.
    pq.write_table(read_postings(csv_path), work / "spark.parquet", row_group_size=2000)

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    import jobtag.spark

    builder = (
        SparkSession.builder.master("local-cluster[2,1,1024]")
        .appName("jobtag-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.executorEnv.PYSPARK_PYTHON", sys.executable)
        .config("spark.sql.files.maxPartitionBytes", str(args.spark_partition_mb << 20))
    )
    if args.spark_threads:
        builder = builder.config("spark.executorEnv.RAYON_NUM_THREADS", str(args.spark_threads))
    spark = builder.getOrCreate()
    try:
        df = spark.read.parquet(str(work / "spark.parquet"))
        partitions = df.rdd.getNumPartitions()

        def identity(batches):
            yield from batches

        plans = {
            "CLI": None,  # in the same rounds, so a busy moment hits all alike
            "read only": lambda: df,
            "identity mapInArrow": lambda: df.mapInArrow(identity, df.schema),
            "jobtag.spark.label": lambda: jobtag.spark.label(df),
            # The same, but Spark turns only `role` into rows: the rest of the
            # difference is the JVM reading the nested label columns.
            "jobtag.spark.label, role only": lambda: jobtag.spark.label(df).select("id", "role"),
        }
        # Warm up: executors start, Python workers fork, labellers load.
        for plan in plans.values():
            if plan is not None:
                plan().limit(1000).write.format("noop").mode("overwrite").save()
        runs = {name: [] for name in plans}
        for _ in range(args.repeat):
            for name, plan in plans.items():
                start = time.perf_counter()
                if plan is None:
                    run_cli(args.jobtag, csv_path, work / "spark-out.csv")
                else:
                    plan().write.format("noop").mode("overwrite").save()
                runs[name].append(time.perf_counter() - start)
        count = jobtag.spark.label(df).count()
        assert count == n, count
    finally:
        spark.stop()
    results = {name: {"best_s": min(t), "runs_s": t, "postings_per_s": n / min(t)} for name, t in runs.items()}
    cli_s = results["CLI"]["best_s"]
    label_s = results["jobtag.spark.label"]["best_s"]
    return {
        "rows": n,
        "partitions": partitions,
        "results": results,
        "vs_cli": cli_s / label_s,
        "overhead_us_per_row_over_cli": (label_s - cli_s) / n * 1e6,
        "arrow_round_trip_us_per_row": (results["identity mapInArrow"]["best_s"] - results["read only"]["best_s"]) / n * 1e6,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jobtag", default="target/release/jobtag")
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--spark-rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-spark", action="store_true")
    ap.add_argument("--no-tables", action="store_true")
    ap.add_argument("--spark-partition-mb", type=int, default=16,
                    help="spark.sql.files.maxPartitionBytes in MiB (default 16)")
    ap.add_argument("--spark-threads", type=int, default=0,
                    help="labelling threads per executor (RAYON_NUM_THREADS); 0: every core (default)")
    ap.add_argument("--workdir")
    ap.add_argument("--json")
    args = ap.parse_args()
    args.jobtag = str(Path(args.jobtag).resolve())

    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        work = Path(tmp)
        report = {"machine": f"{os.cpu_count()} cores, {platform.python_version()}", "load_before": load()}
        if not args.no_tables:
            report["tables"] = bench_tables(args, work)
            report["load_after_tables"] = load()
        if not args.no_spark:
            report["spark"] = bench_spark(args, work)
            report["load_after_spark"] = load()

    if "tables" in report:
        t = report["tables"]
        print(f"\n{t['rows']} postings; labeller built in {t['labeller_build_s']:.2f} s (untimed below)\n")
        print("| system | best of %d | postings/s | vs CLI |" % args.repeat)
        print("|---|---:|---:|---:|")
        for name, r in t["results"].items():
            print(f"| {name} | {r['best_s']:.2f} s | {r['postings_per_s']:,.0f} | {r['vs_cli']:.2f}x |")
    if "spark" in report:
        s = report["spark"]
        print(f"\nSpark local-cluster[2,1,1024], {s['rows']} postings in {s['partitions']} partitions, "
              f"{args.spark_threads or 'all'} labelling thread(s) per executor\n")
        print("| run | best | postings/s |")
        print("|---|---:|---:|")
        for name, r in s["results"].items():
            print(f"| {name} | {r['best_s']:.2f} s | {r['postings_per_s']:,.0f} |")
        print(f"\nSpark / CLI: {s['vs_cli']:.2f}x; overhead over the CLI {s['overhead_us_per_row_over_cli']:.1f} us/row; "
              f"Arrow round trip {s['arrow_round_trip_us_per_row']:.1f} us/row")
    print(f"\nload average before {report['load_before']}, after {report.get('load_after_spark', report.get('load_after_tables'))}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

"""jobtag.spark.label on a local cluster (two executors, one core each)
returns every input row with the CLI's labels."""

import json
import os
import sys

import pytest

from conftest import cli_label, read_jsonl, table_row, FIXTURES

ROWS = 3000
SUFFIXES = ["", " (remote)", " - Berlin", " II", " m/w/d"]


@pytest.fixture(scope="module")
def spark():
    # Executors start `python3` unless told otherwise: they must run the
    # interpreter that has jobtag installed.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local-cluster[2,1,1024]")
        .appName("jobtag-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.executorEnv.PYSPARK_PYTHON", sys.executable)
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "400")
        .getOrCreate()
    )
    yield session
    session.stop()


def make_rows(postings) -> list:
    rows = []
    for i in range(ROWS):
        base = postings[i % len(postings)]
        if i % 500 == 499:
            rows.append({"id": f"p{i}", "title": None, "description": None})
            continue
        title = (base["title"] + SUFFIXES[(i // len(postings)) % len(SUFFIXES)]).strip()
        rows.append({"id": f"p{i}", "title": title, "description": f"{base['description']}\nRef {i}"})
    return rows


def test_spark_label_returns_every_row_with_the_cli_labels(spark, tmp_path):
    from jobtag.spark import label

    rows = make_rows(read_jsonl(FIXTURES / "postings.jsonl"))
    path = tmp_path / "postings.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    cli = {row["id"]: row for row in cli_label(path, tmp_path, "--ids")}
    empty = {r["id"] for r in rows if r["title"] is None}
    assert len(cli) == ROWS - len(empty)

    df = spark.createDataFrame(rows, schema="id string, title string, description string").repartition(7)
    labelled = label(df)
    assert labelled.columns == ["id", "title", "description", "role", "role_confidence", "role_isco",
                                "role_esco", "role_onet", "seniority", "seniority_confidence", "skills",
                                "required_skills", "label_error"]
    got = {r["id"]: r.asDict(recursive=True) for r in labelled.collect()}
    assert len(got) == ROWS and set(got) == {r["id"] for r in rows}
    for id_, row in got.items():
        if id_ in empty:
            assert row["label_error"] == "empty posting: no title and no description"
            assert row["role"] is None and row["skills"] is None
            continue
        assert row["label_error"] is None, row
        want = table_row(cli[id_])
        assert {k: row[k] for k in want} == want, id_
        for key in ("role_isco", "role_esco", "role_onet"):
            assert row[key] == cli[id_].get(key), (id_, key)


def test_spark_min_confidence_adds_the_guesses(spark, tmp_path):
    from jobtag.spark import label

    postings = read_jsonl(FIXTURES / "postings.jsonl")
    path = tmp_path / "postings.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in postings))
    cli = {row["id"]: row for row in cli_label(path, tmp_path, "--min-confidence", "0.95")}
    df = spark.createDataFrame(
        [{k: p[k] for k in ("id", "title", "description")} for p in postings],
        schema="id string, title string, description string",
    )
    labelled = label(df, min_confidence=0.95)
    at = labelled.columns.index("required_skills")
    assert labelled.columns[at + 1 : at + 3] == ["role_guess", "seniority_guess"]
    for row in labelled.collect():
        want = cli[row["id"]]
        for key in ("role", "role_guess", "seniority", "seniority_guess"):
            assert row[key] == want[key], (row["id"], key)
    with pytest.raises(ValueError, match="between 0 and 1"):
        label(df, min_confidence=-0.1)


def test_spark_catalog_only_is_the_cli_catalog_only(spark, tmp_path):
    from jobtag.spark import label

    postings = read_jsonl(FIXTURES / "postings.jsonl") + [{
        "id": "u1",
        "title": "Data Scientist",
        "description": "Requirements:\n- Python\n- Experience with entity extraction and topic modelling",
    }]
    path = tmp_path / "postings.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in postings))
    df = spark.createDataFrame(
        [{k: p[k] for k in ("id", "title", "description")} for p in postings],
        schema="id string, title string, description string",
    )
    for extra in ([], ["--catalog-only"]):
        cli = {row["id"]: row for row in cli_label(path, tmp_path, *extra)}
        got = {r["id"]: r.asDict(recursive=True) for r in label(df, catalog_only=bool(extra)).collect()}
        for id_, want in cli.items():
            want = table_row(want)
            assert {k: got[id_][k] for k in want} == want, (extra, id_)
        uncatalogued = [s for s in got["u1"]["skills"] if s["category"] == "uncatalogued"]
        assert bool(uncatalogued) != bool(extra), got["u1"]["skills"]


def test_one_labeller_per_executor_process(spark):
    def label_and_report(batches):
        # Runs on the executors: label as jobtag.spark.label does, then say
        # which process this was and how many labellers it has built.
        import os

        import pyarrow as pa

        from jobtag import spark as jspark

        rows = 0
        kept = ["title", "description"]
        for out in jspark._label_batches(batches, title="title", texts=["description"], model=None, kept=kept):
            rows += out.num_rows
        yield pa.RecordBatch.from_pydict({"pid": [os.getpid()], "rows": [rows], "built": [jspark._BUILT]})

    postings = [{"title": f"Data Engineer {i}", "description": "SQL and Spark (Scala)"} for i in range(4000)]
    df = spark.createDataFrame(postings, schema="title string, description string").repartition(8)
    seen = df.mapInArrow(label_and_report, "pid long, rows long, built long").collect()
    assert len(seen) == 8 and sum(r["rows"] for r in seen) == 4000
    # Every task ran in a process that had built exactly one labeller (a
    # catalog-only label() too: the option is per call), and the processes
    # served several tasks each (more than one batch each).
    assert all(r["built"] == 1 for r in seen), seen
    assert len({r["pid"] for r in seen}) < len(seen), seen


def test_spark_label_checks_its_columns(spark):
    from jobtag.spark import label

    df = spark.createDataFrame([("1", 5, "SQL")], schema="id string, title int, description string")
    with pytest.raises(ValueError, match="'title' is int"):
        label(df)
    with pytest.raises(ValueError, match="no column 'body'"):
        label(df, title=None, text="body")


def test_one_labeller_per_process_and_model():
    from jobtag import spark as jspark

    assert jspark._labeller(None) is jspark._labeller(None)

"""label() and label_table() give the CLI's labels, on every kind of table,
and bad input gives a clear exception or a label_error, never a crash."""

import json
import math
import subprocess

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import jobtag
from conftest import COMPARED, FIXTURES, cli_label, jobtag_bin, read_jsonl, table_row

LABELS = ["role", "role_confidence", "seniority", "seniority_confidence", "skills", "required_skills"]


def arrow_table(postings, **types) -> pa.Table:
    columns = {k: [p.get(k) for p in postings] for k in ("id", "title", "description")}
    return pa.table({k: pa.array(v, type=types.get(k, pa.string())) for k, v in columns.items()})


def rows_of(out) -> list:
    """The label columns of any kind of table as a list of plain dicts."""
    if isinstance(out, (pa.Table, pa.RecordBatch)):
        return out.select(LABELS + ["label_error"]).to_pylist()
    if isinstance(out, pl.DataFrame):
        return out.select(LABELS + ["label_error"]).to_dicts()
    rows = []
    for record in out[LABELS + ["label_error"]].to_dict("records"):
        for k in ("skills", "required_skills"):
            record[k] = None if record[k] is None else list(record[k])
        for k in ("role", "role_confidence", "seniority", "seniority_confidence", "label_error"):
            if isinstance(record[k], float) and math.isnan(record[k]) or record[k] is pd.NA:
                record[k] = None
        rows.append(record)
    return rows


def assert_cli_labels(out, cli_rows):
    rows = rows_of(out)
    assert len(rows) == len(cli_rows)
    for i, (got, want) in enumerate(zip(rows, cli_rows)):
        assert got.pop("label_error") is None, (i, got)
        assert got == table_row(want), f"row {i} (id {want['id']})"


def test_label_gives_the_jsonl_line_fields(labeller, postings, cli_rows):
    for posting, cli in zip(postings, cli_rows):
        got = labeller.label(posting["title"], posting["description"])
        want = {k: cli[k] for k in COMPARED if k in cli}
        assert got == want, posting["id"]
    explained = labeller.label("Senior Data Engineer", "Spark and Airflow", explain=True)
    assert explained["role_terms"] and "seniority_terms" in explained


def test_label_of_nothing_is_a_value_error(labeller):
    with pytest.raises(ValueError, match="no title and no description"):
        labeller.label("", "  ")


@pytest.mark.parametrize("kind", ["table", "record_batch", "pandas", "polars"])
def test_every_kind_of_table_gets_the_cli_labels(labeller, postings, cli_rows, kind):
    table = arrow_table(postings)
    data = {
        "table": table,
        "record_batch": table.combine_chunks().to_batches()[0],
        "pandas": table.to_pandas(),
        "polars": pl.from_arrow(table),
    }[kind]
    out = labeller.label_table(data)
    assert type(out) is type(data)
    assert list(out.columns if kind in ("pandas", "polars") else out.schema.names) == [
        "id", "title", "description", *jobtag.LABEL_COLUMNS
    ]
    assert_cli_labels(out, cli_rows)


def test_pandas_object_columns_and_index_are_kept(labeller, postings, cli_rows):
    df = pd.DataFrame(postings, dtype=object, index=[f"r{i // 2}" for i in range(len(postings))])
    out = labeller.label_table(df)
    assert list(out.index) == list(df.index)
    assert "role" not in df.columns
    assert (out["title"] == df["title"]).all()
    assert_cli_labels(out, cli_rows)


@pytest.mark.parametrize("text_type", [pa.large_string(), pa.string_view(), pa.binary(), pa.large_binary()])
def test_every_text_type_gives_the_same_labels(labeller, postings, cli_rows, text_type):
    table = arrow_table(postings, title=text_type, description=text_type)
    assert_cli_labels(labeller.label_table(table), cli_rows)


def test_chunked_columns_give_the_same_labels(labeller, postings, cli_rows):
    table = pa.concat_tables([arrow_table(postings[:7]), arrow_table(postings[7:20]), arrow_table(postings[20:])])
    assert table.column("title").num_chunks == 3
    assert_cli_labels(labeller.label_table(table), cli_rows)


def test_several_text_columns_are_joined_like_the_cli(labeller, tmp_path):
    rows = [
        {"id": "1", "title": "Data Engineer", "summary": "Our stack: Spark.", "body": "Requirements: SQL, Kafka"},
        {"id": "2", "title": "QA", "summary": None, "body": "Selenium"},
    ]
    path = tmp_path / "two.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out.jsonl"

    subprocess.run(
        [str(jobtag_bin()), "label", str(path), "--format", "jsonl", "--text-col", "summary", "--text-col", "body", "-o", str(out)],
        check=True, capture_output=True,
    )
    got = labeller.label_table(pa.Table.from_pylist(rows), text=["summary", "body"])
    assert_cli_labels(got, read_jsonl(out))


def test_nulls_count_as_empty_text(labeller):
    table = pa.table({
        "title": pa.array(["Data Scientist", None, None, "", "   "]),
        "description": pa.array([None, "Python, R programming, statistics", None, None, "\n"]),
    })
    rows = labeller.label_table(table).to_pylist()
    assert rows[0]["role"] == labeller.label("Data Scientist", "")["role"]
    assert rows[1]["role"] == labeller.label("", "Python, R programming, statistics")["role"]
    for row in rows[2:]:
        assert row["label_error"] == "empty posting: no title and no description"
        assert all(row[k] is None for k in LABELS), row
    assert rows[0]["label_error"] is None and rows[1]["label_error"] is None


def test_invalid_utf8_in_a_binary_column_is_that_rows_label_error(labeller):
    table = pa.table({
        "title": pa.array([b"Rust Engineer", b"Data \xff\xfe Engineer", b"QA Intern"], type=pa.binary()),
        "description": pa.array([b"Tokio", b"SQL", b"Selenium"], type=pa.binary()),
    })
    rows = labeller.label_table(table).to_pylist()
    assert [r["label_error"] is None for r in rows] == [True, False, True]
    assert "invalid UTF-8" in rows[1]["label_error"] and "'title'" in rows[1]["label_error"]
    assert rows[1]["role"] is None and rows[1]["skills"] is None
    assert rows[2]["role"] == labeller.label("QA Intern", "Selenium")["role"]


def test_a_10_mb_text_is_labelled(labeller):
    big = ("<p>Requirements: Python, SQL and Kafka. We value ownership.</p>\n" * 160_000)[: 10 * 1024 * 1024]
    rows = labeller.label_table(pa.table({"title": ["Data Engineer", "QA"], "description": [big, "Selenium"]})).to_pylist()
    assert rows[0]["label_error"] is None and rows[0]["role"]
    assert {"Python", "SQL"} <= set(rows[0]["required_skills"])
    assert rows[1]["role"] == labeller.label("QA", "Selenium")["role"]


@pytest.mark.parametrize("kind", ["table", "pandas", "polars"])
def test_empty_tables_come_back_empty_with_the_label_columns(labeller, kind):
    table = pa.table({"title": pa.array([], pa.string()), "description": pa.array([], pa.string())})
    data = {"table": table, "pandas": table.to_pandas(), "polars": pl.from_arrow(table)}[kind]
    out = labeller.label_table(data)
    assert len(out) == 0
    assert set(jobtag.LABEL_COLUMNS) <= set(out.columns if kind != "table" else out.schema.names)


@pytest.mark.parametrize("kind", ["table", "pandas", "polars"])
def test_a_missing_column_is_a_value_error_listing_the_columns(labeller, kind):
    table = pa.table({"headline": ["Data Engineer"], "description": ["SQL"]})
    data = {"table": table, "pandas": table.to_pandas(), "polars": pl.from_arrow(table)}[kind]
    with pytest.raises(ValueError, match=r"no column 'title'.*'headline', 'description'"):
        labeller.label_table(data)
    out = labeller.label_table(data, title="headline")
    assert rows_of(out)[0]["role"] == labeller.label("Data Engineer", "SQL")["role"]
    # No title column at all: descriptions alone are labelled.
    assert rows_of(labeller.label_table(data, title=None))[0]["role"]
    with pytest.raises(ValueError, match="no column 'ref'"):
        labeller.label_table(data, title="headline", id="ref")


@pytest.mark.parametrize(
    "data",
    [
        pa.table({"title": [1, 2], "description": ["a", "b"]}),
        pd.DataFrame({"title": [1, 2], "description": ["a", "b"]}),
        pd.DataFrame({"title": ["Data Engineer", 3], "description": ["a", "b"]}, dtype=object),
        pl.DataFrame({"title": [1.5, 2.5], "description": ["a", "b"]}),
    ],
    ids=["pyarrow-int", "pandas-int", "pandas-mixed", "polars-float"],
)
def test_a_column_that_is_not_text_is_a_value_error(labeller, data):
    with pytest.raises(ValueError, match="'title'"):
        labeller.label_table(data)


def test_polars_categorical_and_nulls(labeller):
    df = pl.DataFrame({"title": ["Data Scientist", None], "description": ["R programming", None]})
    out = labeller.label_table(df)
    assert out["label_error"].to_list() == [None, "empty posting: no title and no description"]


def test_not_a_table_is_a_type_error(labeller):
    with pytest.raises(TypeError, match="pyarrow Table"):
        labeller.label_table([{"title": "x"}])


def test_existing_label_columns_are_replaced(labeller, postings, cli_rows):
    once = labeller.label_table(arrow_table(postings))
    twice = labeller.label_table(once)
    assert twice.schema.names == once.schema.names
    assert_cli_labels(twice, cli_rows)


def test_min_confidence_is_the_cli_min_confidence(labeller, postings, tmp_path):
    # 0.95 leaves some fixture labels uncertain and some not.
    cli = cli_label(FIXTURES / "postings.jsonl", tmp_path, "--min-confidence", "0.95")
    roles = [row["role"] for row in cli]
    assert "uncertain" in roles and any(r != "uncertain" for r in roles)
    for posting, want in zip(postings, cli):
        got = labeller.label(posting["title"], posting["description"], min_confidence=0.95)
        for key in ("role", "role_guess", "seniority", "seniority_guess", "role_confidence"):
            assert got[key] == want[key], (posting["id"], key)
    out = labeller.label_table(arrow_table(postings), min_confidence=0.95)
    names = out.schema.names
    at = names.index("required_skills")
    assert names[at + 1 : at + 3] == list(jobtag.GUESS_COLUMNS)
    assert out.column("role").to_pylist() == roles
    assert out.column("role_guess").to_pylist() == [row["role_guess"] for row in cli]
    with pytest.raises(ValueError, match="between 0 and 1"):
        labeller.label("Data Engineer", "", min_confidence=1.5)


def test_ids_add_the_roles_occupation_codes(labeller):
    got = labeller.label("Backend Developer", "Java and Spring services", ids=True)
    assert got["role"] == "backend-developer"
    assert got["role_isco"] == "2512"
    assert got["role_esco"].startswith("http://data.europa.eu/esco/occupation/")
    assert got["role_onet"]
    assert "role_isco" not in labeller.label("Backend Developer", "Java and Spring services")


def test_tables_carry_the_roles_codes_as_the_cli_with_ids(labeller, postings, tmp_path):
    cli = cli_label(FIXTURES / "postings.jsonl", tmp_path, "--ids")
    out = labeller.label_table(arrow_table(postings)).to_pylist()
    assert any(row.get("role_isco") for row in cli)
    for got, want in zip(out, cli):
        assert got["role"] == want["role"]
        for key in ("role_isco", "role_esco", "role_onet"):
            assert got[key] == want.get(key), (want["id"], key)


def test_explain_adds_the_terms(labeller, postings):
    out = labeller.label_table(arrow_table(postings[:3]), explain=True)
    names = out.schema.names
    assert names[-3:] == ["role_terms", "seniority_terms", "label_error"]
    first = out.column("role_terms")[0].as_py()
    want = labeller.label(postings[0]["title"], postings[0]["description"], explain=True)["role_terms"]
    assert [(t["field"], t["term"]) for t in first] == [(t["field"], t["term"]) for t in want]


UNCATALOGUED = {
    "id": "u1",
    "title": "Data Scientist",
    "description": "Requirements:\n- Python\n- Experience with entity extraction and topic modelling",
}


def test_catalog_only_is_the_cli_catalog_only(labeller, postings, tmp_path):
    rows = postings + [UNCATALOGUED]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    cli = cli_label(path, tmp_path, "--catalog-only")
    catalog_only = jobtag.Labeller(catalog_only=True)
    assert_cli_labels(catalog_only.label_table(arrow_table(rows)), cli)
    # Per call, either way round.
    assert_cli_labels(labeller.label_table(arrow_table(rows), catalog_only=True), cli)
    assert_cli_labels(
        catalog_only.label_table(arrow_table(rows), catalog_only=False), cli_label(path, tmp_path)
    )
    categories = lambda labels: [s["category"] for s in labels["skills"]]
    title, text = UNCATALOGUED["title"], UNCATALOGUED["description"]
    assert "uncatalogued" in categories(labeller.label(title, text))
    assert "uncatalogued" in categories(catalog_only.label(title, text, catalog_only=False))
    for got in (catalog_only.label(title, text), labeller.label(title, text, catalog_only=True)):
        assert "uncatalogued" not in categories(got) and "Python" in [s["name"] for s in got["skills"]]
    with pytest.raises(ValueError, match="catalog_only"):
        jobtag.Labeller(skills=False, catalog_only=True)


def test_model_and_catalog_options(postings, tmp_path):
    mine = FIXTURES / "mine.csv"
    only_mine = jobtag.Labeller(skill_catalog=mine)
    assert [s["name"] for s in only_mine.label("Engineer", "Zorblang and SQL")["skills"]] == ["Zorblang"]
    added = jobtag.Labeller(add_skills=mine)
    names = [s["name"] for s in added.label("Engineer", "Must know Zorblang and SQL")["skills"]]
    assert "Zorblang" in names and "SQL" in names
    no_skills = jobtag.Labeller(skills=False)
    out = no_skills.label_table(arrow_table(postings[:2])).to_pylist()
    assert out[0]["skills"] == [] and out[0]["role"]
    with pytest.raises(OSError, match="/no/such/model.jtm"):
        jobtag.Labeller(model="/no/such/model.jtm")
    bad = tmp_path / "bad.jtm"
    bad.write_bytes(b"not a model")
    with pytest.raises(jobtag.JobtagError, match="bad.jtm"):
        jobtag.Labeller(model=bad)
    assert "jobtag.Labeller" in repr(added)


def test_the_gil_is_released_while_labelling(labeller, postings):
    import threading
    import time

    table = arrow_table(postings * 200)
    ticks = 0
    done = threading.Event()

    def tick():
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.001)

    thread = threading.Thread(target=tick)
    thread.start()
    try:
        start = time.perf_counter()
        labeller.label_table(table)
        elapsed = time.perf_counter() - start
    finally:
        done.set()
        thread.join()
    # A thread that holds the GIL for the whole call would let none through.
    assert ticks >= min(5, elapsed / 0.01), (ticks, elapsed)


def test_skills_carry_their_esco_and_onet_ids(labeller):
    """As in the CLI's JSONL: present when the catalog has them; in a table, null when not."""
    python = next(s for s in labeller.label("Data Engineer", "Requirements: Python")["skills"] if s["id"] == "python")
    assert python["esco"] == "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
    assert (python["onet"], python["onet_code"]) == ("Python", "43232405")
    table = pa.table({"title": ["Data Engineer"], "description": ["Requirements: Python and Zorblang"]})
    mine = jobtag.Labeller(add_skills=str(FIXTURES / "mine.csv"))
    skills = mine.label_table(table, id=None).to_pylist()[0]["skills"]
    by_id = {s["id"]: s for s in skills}
    assert by_id["python"]["esco"].endswith("ccd0a1d9-afda-43d9-b901-96344886e14d")
    zorblang = next(s for s in skills if s["name"] == "Zorblang")
    assert (zorblang["esco"], zorblang["onet"], zorblang["onet_code"]) == (None, None, None)

"""Shared fixtures: the reference postings and the labels the jobtag CLI
gives them ("the CLI's labels"), which every test compares with."""

import json
import os
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
REPO = HERE.parent.parent

#: The label fields compared row by row.
COMPARED = ("role", "role_confidence", "seniority", "seniority_confidence", "skills")


def jobtag_bin() -> Path:
    """The CLI: $JOBTAG_BIN, else the repository's debug or release build."""
    if os.environ.get("JOBTAG_BIN"):
        return Path(os.environ["JOBTAG_BIN"])
    for profile in ("debug", "release"):
        path = REPO / "target" / profile / "jobtag"
        if path.exists():
            return path
    pytest.fail(
        "no jobtag CLI to compare with: set JOBTAG_BIN or build it (cargo build) in the repository root"
    )


def read_jsonl(path: Path) -> list:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def cli_label(path: Path, tmp_path: Path, *extra: str) -> list:
    """``jobtag label FILE --format jsonl [EXTRA...]``, one dict per input row."""
    out = tmp_path / "cli.jsonl"
    errors = tmp_path / "cli-errors.jsonl"
    result = subprocess.run(
        [str(jobtag_bin()), "label", str(path), "--format", "jsonl", "-o", str(out), "--errors", str(errors), *extra],
        capture_output=True,
        text=True,
    )
    assert result.returncode in (0, 3), result.stderr
    return read_jsonl(out)


def table_row(row: dict) -> dict:
    """A CLI line's labels in label_table's shape: skills without spans, and
    required_skills."""
    skills = [
        {k: s.get(k) for k in ("id", "name", "category", "requirement", "years", "esco", "esco_similarity", "onet", "onet_code")}
        for s in row["skills"]
    ]
    return {
        "role": row["role"],
        "role_confidence": row["role_confidence"],
        "seniority": row.get("seniority"),
        "seniority_confidence": row.get("seniority_confidence"),
        "skills": skills,
        "required_skills": [s["name"] for s in skills if s["requirement"] == "required"],
    }


@pytest.fixture(scope="session")
def postings() -> list:
    return read_jsonl(FIXTURES / "postings.jsonl")


@pytest.fixture(scope="session")
def cli_rows(tmp_path_factory) -> list:
    rows = cli_label(FIXTURES / "postings.jsonl", tmp_path_factory.mktemp("cli"))
    assert len(rows) == len(read_jsonl(FIXTURES / "postings.jsonl"))
    return rows


@pytest.fixture(scope="session")
def labeller():
    import jobtag

    return jobtag.Labeller()

"""jobtag: the role, seniority and skills of job postings, for Python tables.

A thin layer over the Rust library: :class:`Labeller` labels one posting
(:meth:`Labeller.label`) or every row of a pyarrow ``Table`` or
``RecordBatch``, a pandas ``DataFrame`` or a polars ``DataFrame``
(:meth:`Labeller.label_table`). Text crosses to Rust as Arrow, through the C
data interface; labelling runs on all cores with the GIL released.
:mod:`jobtag.spark` labels a pyspark DataFrame.

>>> import jobtag
>>> labeller = jobtag.Labeller()                     # the default model, built in
>>> labeller.label("Senior Data Engineer", "<p>Spark, Airflow, 6+ years</p>")["role"]
'data-engineer'
"""

from __future__ import annotations

import os
import sys
from typing import Any, Optional, Sequence, Union

from . import _jobtag
from ._jobtag import JobtagError

__all__ = [
    "Labeller",
    "JobtagError",
    "LABEL_COLUMNS",
    "EXPLAIN_COLUMNS",
    "GUESS_COLUMNS",
    "__version__",
]

__version__: str = _jobtag.__version__

#: The columns :meth:`Labeller.label_table` adds, in order.
LABEL_COLUMNS: tuple = tuple(_jobtag.LABEL_COLUMNS)
#: The columns ``explain=True`` adds too (before ``label_error``).
EXPLAIN_COLUMNS: tuple = tuple(_jobtag.EXPLAIN_COLUMNS)
#: The columns ``min_confidence`` adds too (after ``required_skills``).
GUESS_COLUMNS: tuple = tuple(_jobtag.GUESS_COLUMNS)

PathLike = Union[str, "os.PathLike[str]"]


class Labeller:
    """Labels job postings: role, seniority and skills.

    Args:
        model: a model file (``jobtag train -o FILE``); the default model
            built into the package when ``None``.
        skills: tag skills (default) or not.
        skill_catalog: a skill catalog CSV to use instead of the default one.
        add_skills: a catalog CSV, or several, whose skills are added to the
            catalog (a repeated id replaces the skill).
        catalog_only: tag skills with the catalog alone, without the
            model's learned span tagger: no ``uncatalogued`` skills, each
            skill's requirement from the section rules only; labelling is
            about 1.4 times as fast. The default of the ``catalog_only``
            argument of :meth:`label` and :meth:`label_table`.

    Raises:
        OSError: a file cannot be read.
        JobtagError: a model file or catalog cannot be used.

    A labeller loads its model once; reuse it. It is safe to share between
    threads.
    """

    def __init__(
        self,
        model: Optional[PathLike] = None,
        skills: bool = True,
        skill_catalog: Optional[PathLike] = None,
        add_skills: Union[PathLike, Sequence[PathLike], None] = None,
        catalog_only: bool = False,
    ) -> None:
        if isinstance(add_skills, (str, os.PathLike)):
            add_skills = [add_skills]
        if catalog_only and not skills:
            raise ValueError("catalog_only=True tags skills with the catalog alone; skills=False tags none")
        self._model = model
        self._native = _jobtag.Labeller(
            None if model is None else os.fspath(model),
            bool(skills),
            None if skill_catalog is None else os.fspath(skill_catalog),
            None if add_skills is None else [os.fspath(p) for p in add_skills],
            bool(catalog_only),
        )

    def __repr__(self) -> str:
        name, version, trained_on = self._native._model_summary()
        return f"<jobtag.Labeller model={name!r} (jobtag {version}, trained {trained_on})>"

    def label(
        self,
        title: str = "",
        description: str = "",
        *,
        explain: bool = False,
        min_confidence: Optional[float] = None,
        ids: bool = False,
        catalog_only: Optional[bool] = None,
    ) -> dict:
        """Label one posting.

        Returns the label fields of the line ``jobtag label --format jsonl``
        writes for it, with the same values: ``role``, ``role_confidence``,
        ``seniority``, ``seniority_confidence`` and ``skills`` (a list of
        ``{id, name, category, requirement, years, spans}``, plus ``esco``
        (ESCO skill URI), ``onet`` and ``onet_code`` (O*NET example name and
        commodity code) when the catalog has them, and for an uncatalogued
        skill linked to ESCO by its name, ``esco`` and ``esco_similarity``); with
        ``explain``, ``role_terms`` and ``seniority_terms`` too. With
        ``min_confidence``, a role or seniority whose (calibrated) confidence
        is below it is ``"uncertain"``, and ``role_guess`` /
        ``seniority_guess`` hold the model's best labels. With ``ids``, the
        role's occupation codes too: ``role_isco``, ``role_esco`` and
        ``role_onet`` (a list), each when the role has one. ``catalog_only``
        (default: the labeller's) tags skills with the catalog alone.

        Raises:
            ValueError: both the title and the description are empty, or
                ``min_confidence`` is not between 0 and 1.
        """
        import json

        return json.loads(
            self._native.label_json(
                title or "", description or "", explain, min_confidence, ids, catalog_only
            )
        )

    def label_table(
        self,
        data: Any,
        *,
        title: Optional[str] = "title",
        text: Union[str, Sequence[str], None] = "description",
        id: Optional[str] = "id",
        explain: bool = False,
        min_confidence: Optional[float] = None,
        catalog_only: Optional[bool] = None,
    ) -> Any:
        """Label every row of a table; the same kind of table comes back with
        the label columns added.

        Args:
            data: a pyarrow ``Table`` or ``RecordBatch``, a pandas
                ``DataFrame`` or a polars ``DataFrame``.
            title: the title column, or ``None`` for none.
            text: the description column; several are joined with a blank
                line between them (as ``jobtag label --text-col a --text-col
                b``); ``None`` for none.
            id: the id column. It is carried through with the other columns
                and not read; a name other than the default must exist.
            explain: add ``role_terms`` and ``seniority_terms``: the terms
                behind each decision.
            min_confidence: write ``"uncertain"`` for a role or seniority
                whose (calibrated) confidence is below it, and add
                ``role_guess`` and ``seniority_guess`` (the model's best
                labels, string) after ``required_skills``.
            catalog_only: tag skills with the catalog alone (default: the
                labeller's ``catalog_only``).

        Columns added, in order (existing columns of these names are
        replaced): ``role`` (string), ``role_confidence`` (float64),
        ``role_isco``, ``role_esco`` (string) and ``role_onet`` (list of
        string): the role's ISCO-08, ESCO and O*NET-SOC codes, null when it
        has none; ``seniority`` (string), ``seniority_confidence`` (float64),
        ``skills`` (list of struct ``{id, name, category, requirement,
        years, esco, esco_similarity, onet, onet_code}``, the ids null when
        unknown; ``esco_similarity`` is set on uncatalogued skills linked to
        ESCO by their name), ``required_skills`` (list of string), ``label_error``
        (string). The values are those of ``jobtag label --format jsonl``
        (confidences rounded to four decimals as there). In pandas, the two
        list columns are Arrow-backed (``pd.ArrowDtype``): ``explode``,
        ``.list`` and ``.tolist()`` work on them.

        Text columns may be ``string``, ``large_string``, ``string_view`` or
        ``binary`` (pandas: ``str``/``string`` or ``object`` holding
        ``str``). A null title or description counts as empty. A row that
        cannot be labelled (no title and no description, or invalid UTF-8
        in a binary column) comes back with null labels and its reason in
        ``label_error``: no row is dropped.

        Raises:
            ValueError: a named column is missing or does not hold text.
            TypeError: ``data`` is not a table of a supported kind.
        """
        texts = _text_columns(title, text)
        kind = _kind(data)
        options = (explain, min_confidence, catalog_only)
        if kind == "pandas":
            return self._label_pandas(data, title, texts, id, options)
        if kind == "polars":
            return self._label_polars(data, title, texts, id, options)
        return self._label_pyarrow(data, title, texts, id, options)

    # --- one function per kind of table ---------------------------------

    def _labels(self, num_rows: int, title: Optional[str], texts: list, get, options: tuple):
        """The label columns as a pyarrow RecordBatch; ``get(name)`` is a
        column exporting Arrow."""
        import pyarrow as pa

        exported = self._native._label_arrow(
            num_rows,
            None if title is None else (title, get(title)),
            [(name, get(name)) for name in texts],
            *options,
        )
        return pa.record_batch(exported)

    def _label_pyarrow(self, data, title, texts, id, options):
        import pyarrow as pa

        names = list(data.schema.names)
        _check_columns(names, title, texts, id)
        labels = self._labels(data.num_rows, title, texts, data.column, options)
        keep = [i for i, name in enumerate(names) if name not in labels.schema.names]
        fields = [data.schema.field(i) for i in keep] + list(labels.schema)
        columns = [data.column(i) for i in keep] + list(labels.columns)
        schema = pa.schema(fields, metadata=data.schema.metadata)
        if isinstance(data, pa.RecordBatch):
            return pa.RecordBatch.from_arrays(columns, schema=schema)
        return pa.Table.from_arrays(columns, schema=schema)

    def _label_pandas(self, data, title, texts, id, options):
        import pyarrow as pa

        names = [str(c) for c in data.columns]
        _check_columns(names, title, texts, id)

        def get(name):
            column = data[name]
            if getattr(column, "ndim", 1) != 1:
                raise ValueError(f"column {name!r} is not unique in the DataFrame")
            try:
                return pa.array(column, from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
                raise ValueError(f"column {name!r} does not hold text: {e}") from e

        import pandas as pd

        # List columns stay Arrow (pd.ArrowDtype): no Python object per
        # skill, and `explode`, `.list` and `.tolist()` work on them.
        labels = self._labels(len(data), title, texts, get, options).to_pandas(
            types_mapper=lambda t: pd.ArrowDtype(t) if pa.types.is_list(t) else None
        )
        out = data.drop(columns=[c for c in labels.columns if c in data.columns])
        for name in labels.columns:
            # By position, not by index label: the caller's index may repeat.
            out[name] = labels[name].array
        return out

    def _label_polars(self, data, title, texts, id, options):
        import polars as pl

        _check_columns(list(data.columns), title, texts, id)

        def get(name):
            series = data.get_column(name)
            return series if hasattr(series, "__arrow_c_stream__") else series.to_arrow()

        labels = pl.from_arrow(self._labels(data.height, title, texts, get, options))
        existing = [c for c in labels.columns if c in data.columns]
        return data.drop(existing).hstack(labels.get_columns())


def _text_columns(title, text) -> list:
    texts = [] if text is None else [text] if isinstance(text, str) else list(text)
    if title is None and not texts:
        raise ValueError("no text to label: give a title column, a text column or both")
    return texts


def _check_columns(names: list, title, texts: list, id) -> None:
    wanted = ([] if title is None else [title]) + texts
    if id is not None and id != "id":
        wanted.append(id)
    missing = [c for c in wanted if c not in names]
    if missing:
        raise ValueError(
            f"no column {', '.join(repr(c) for c in missing)} in the table; its columns are "
            f"{', '.join(repr(c) for c in names) or '(none)'}"
        )


def _kind(data) -> str:
    """``pyarrow``, ``pandas`` or ``polars``, without importing the libraries
    the caller does not use."""
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(data, pd.DataFrame):
        return "pandas"
    pl = sys.modules.get("polars")
    if pl is not None and isinstance(data, pl.DataFrame):
        return "polars"
    pa = sys.modules.get("pyarrow")
    if pa is not None and isinstance(data, (pa.Table, pa.RecordBatch)):
        return "pyarrow"
    raise TypeError(
        "label_table takes a pyarrow Table or RecordBatch, a pandas DataFrame or a polars "
        f"DataFrame, not a {type(data).__module__}.{type(data).__qualname__}"
    )

"""Label a pyspark DataFrame on the cluster, with ``mapInArrow``.

>>> from jobtag.spark import label
>>> labelled = label(spark.read.parquet("postings/"), title="title", text="description")

Each executor's Python worker builds one :class:`jobtag.Labeller` the first
time it labels a batch and keeps it for every later batch and task it runs
(Spark reuses its Python workers: ``spark.python.worker.reuse``, on by
default). Batches cross between the JVM and Python as Arrow record batches
(``spark.sql.execution.arrow.maxRecordsPerBatch`` rows each) and are labelled
by :meth:`jobtag.Labeller.label_table` on all of the worker's cores.
"""

from __future__ import annotations

import functools
import os
import threading
from typing import Any, Dict, Iterator, Optional, Sequence, Union

from . import GUESS_COLUMNS, LABEL_COLUMNS, Labeller

__all__ = ["label", "label_schema"]

# One labeller per model per Python worker process, and how many were built
# here (the tests check it is one per process).
_LABELLERS: Dict[Optional[str], Labeller] = {}
_LOCK = threading.Lock()
_BUILT = 0


def _labeller(model: Optional[str]) -> Labeller:
    global _BUILT
    with _LOCK:
        labeller = _LABELLERS.get(model)
        if labeller is None:
            labeller = _LABELLERS[model] = Labeller(model=model)
            _BUILT += 1
        return labeller


def _label_columns(guesses: bool) -> list:
    """The label columns in order; with ``guesses``, ``role_guess`` and
    ``seniority_guess`` after ``required_skills`` (as ``label_table``)."""
    columns = list(LABEL_COLUMNS)
    if guesses:
        at = columns.index("required_skills") + 1
        columns[at:at] = list(GUESS_COLUMNS)
    return columns


def label_schema(guesses: bool = False):
    """The Spark types of the label columns (a ``StructType``), in order;
    ``guesses`` adds the two string columns ``min_confidence`` adds."""
    from pyspark.sql import types as T

    skill = T.StructType(
        [
            T.StructField("id", T.StringType(), False),
            T.StructField("name", T.StringType(), False),
            T.StructField("category", T.StringType(), False),
            T.StructField("requirement", T.StringType(), False),
            T.StructField("years", T.IntegerType(), True),
            T.StructField("esco", T.StringType(), True),
            T.StructField("esco_similarity", T.DoubleType(), True),
            T.StructField("onet", T.StringType(), True),
            T.StructField("onet_code", T.StringType(), True),
        ]
    )
    types = {
        "role": T.StringType(),
        "role_confidence": T.DoubleType(),
        "role_isco": T.StringType(),
        "role_esco": T.StringType(),
        "role_onet": T.ArrayType(T.StringType(), True),
        "seniority": T.StringType(),
        "seniority_confidence": T.DoubleType(),
        "skills": T.ArrayType(skill, False),
        "required_skills": T.ArrayType(T.StringType(), True),
        "role_guess": T.StringType(),
        "seniority_guess": T.StringType(),
        "label_error": T.StringType(),
    }
    return T.StructType([T.StructField(c, types[c], True) for c in _label_columns(guesses)])


def label(
    df: Any,
    *,
    title: Optional[str] = "title",
    text: Union[str, Sequence[str], None] = "description",
    model: Optional[Union[str, "os.PathLike[str]"]] = None,
    min_confidence: Optional[float] = None,
    catalog_only: bool = False,
) -> Any:
    """A pyspark DataFrame with the label columns added to every row.

    The columns and values are those of :meth:`jobtag.Labeller.label_table`
    (existing columns of those names are replaced); a row that cannot be
    labelled keeps its place with null labels and its reason in
    ``label_error``. ``model`` is a model file that every executor can read
    at that path; the built-in model when ``None``. ``min_confidence``
    writes ``"uncertain"`` below it and adds ``role_guess`` and
    ``seniority_guess``, as in ``label_table``. ``catalog_only`` tags
    skills with the catalog alone, as ``Labeller(catalog_only=True)``.

    Raises:
        ValueError: a named column is missing or is not a string or binary
            column.
    """
    from pyspark.sql import types as T

    texts = [] if text is None else [text] if isinstance(text, str) else list(text)
    if title is None and not texts:
        raise ValueError("no text to label: give a title column, a text column or both")
    fields = {f.name: f for f in df.schema.fields}
    for name in ([] if title is None else [title]) + texts:
        if name not in fields:
            raise ValueError(
                f"no column {name!r} in the DataFrame; its columns are "
                f"{', '.join(repr(c) for c in fields) or '(none)'}"
            )
        if not isinstance(fields[name].dataType, (T.StringType, T.BinaryType)):
            raise ValueError(
                f"column {name!r} is {fields[name].dataType.simpleString()}, not a string or binary column"
            )
    if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
        raise ValueError(f"min_confidence must be between 0 and 1, got {min_confidence}")
    guesses = min_confidence is not None
    label_columns = _label_columns(guesses)
    kept = [f for f in df.schema.fields if f.name not in label_columns]
    schema = T.StructType(kept + list(label_schema(guesses).fields))
    model = None if model is None else os.fspath(model)
    run = functools.partial(
        _label_batches,
        title=title,
        texts=texts,
        model=model,
        kept=[f.name for f in kept],
        min_confidence=min_confidence,
        catalog_only=bool(catalog_only),
    )
    return df.mapInArrow(run, schema)


def _label_batches(
    batches: Iterator[Any],
    *,
    title: Optional[str],
    texts: list,
    model: Optional[str],
    kept: list,
    min_confidence: Optional[float] = None,
    catalog_only: bool = False,
) -> Iterator[Any]:
    """Runs on the executors: label each Arrow batch Spark sends."""
    import pyarrow as pa

    labeller = _labeller(model)
    for batch in batches:
        out = labeller.label_table(
            batch,
            title=title,
            text=texts,
            id=None,
            min_confidence=min_confidence,
            catalog_only=catalog_only,
        )
        # Spark checks each batch against the declared schema: the label
        # columns in their declared types, after the input's.
        names = kept + _label_columns(min_confidence is not None)
        columns = [out.column(name) for name in names]
        yield pa.RecordBatch.from_arrays(columns, names=names)

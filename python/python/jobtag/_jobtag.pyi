"""Type stubs of the native module (Rust, PyO3). Use the ``jobtag`` package,
which wraps it: :class:`jobtag.Labeller`."""

from typing import Any, List, Optional, Sequence, Tuple

__version__: str
LABEL_COLUMNS: List[str]
EXPLAIN_COLUMNS: List[str]
GUESS_COLUMNS: List[str]

class JobtagError(Exception):
    """A model file or skill catalog that jobtag cannot use."""

class ExportedArray:
    """Label columns as one Arrow struct array, exported through the Arrow
    PyCapsule protocol (``pa.record_batch(x)`` imports it)."""

    def __arrow_c_array__(self, requested_schema: Optional[object] = None) -> Tuple[object, object]: ...
    def __len__(self) -> int: ...

class Labeller:
    """The Rust labeller: a model and a compiled skill catalog."""

    def __init__(
        self,
        model: Optional[str] = None,
        skills: bool = True,
        skill_catalog: Optional[str] = None,
        add_skills: Optional[Sequence[str]] = None,
        catalog_only: bool = False,
    ) -> None: ...
    def label_json(
        self,
        title: str,
        description: str,
        explain: bool = False,
        min_confidence: Optional[float] = None,
        ids: bool = False,
        catalog_only: Optional[bool] = None,
    ) -> str:
        """The label fields of one ``jobtag label --format jsonl`` line, as JSON text.
        Raises ValueError when both texts are empty."""
    def _label_arrow(
        self,
        num_rows: int,
        title: Optional[Tuple[str, Any]],
        texts: Sequence[Tuple[str, Any]],
        explain: bool = False,
        min_confidence: Optional[float] = None,
        catalog_only: Optional[bool] = None,
    ) -> ExportedArray:
        """Label ``num_rows`` rows of Arrow text columns (objects exporting
        ``__arrow_c_stream__`` or ``__arrow_c_array__``), with the GIL released.
        Raises ValueError for a column that is not text or not ``num_rows`` long."""
    def _model_summary(self) -> Tuple[str, str, str]: ...

//! Python bindings for jobtag: a thin PyO3 layer over [`jobtag::Labeller`]
//! that only converts types.
//!
//! - `Labeller.label` returns the label fields of one `jobtag label
//!   --format jsonl` line, built by [`jobtag::io::add_json_labels`] and
//!   decoded by Python's `json` module, so the two cannot drift.
//! - `Labeller._label_arrow` takes text columns as Arrow (the PyCapsule
//!   protocol of the C data interface: pyarrow ≥ 14 and polars ≥ 1 export
//!   it), labels every row with [`jobtag::Labeller::label_batch`] on all
//!   cores with the GIL released, and hands the label columns back as one
//!   Arrow struct array. The Python package (`python/jobtag`) turns that into
//!   a table of the caller's kind.
//!
//! Errors become Python exceptions with the Rust message: a file that
//! cannot be read is an `OSError`, a bad model or catalog a
//! `jobtag.JobtagError`, a column that is not text a `ValueError`.

mod arrow_ffi;
mod label_columns;

use std::path::PathBuf;

use pyo3::exceptions::{PyException, PyOSError, PyValueError};
use pyo3::prelude::*;

use jobtag::{LabelOptions, Posting};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

pyo3::create_exception!(
    _jobtag,
    JobtagError,
    PyException,
    "A model file or skill catalog that jobtag cannot use (the message says which and why)."
);

fn to_py_err(e: jobtag::Error) -> PyErr {
    match e {
        jobtag::Error::Io { .. } | jobtag::Error::Stream(_) => PyOSError::new_err(e.to_string()),
        other => JobtagError::new_err(other.to_string()),
    }
}

/// Label options from the Python arguments; `min_confidence` must be a
/// probability.
fn options(explain: bool, min_confidence: Option<f32>) -> PyResult<LabelOptions> {
    if let Some(p) = min_confidence {
        if !(0.0..=1.0).contains(&p) {
            return Err(PyValueError::new_err(format!(
                "min_confidence must be between 0 and 1, got {p}"
            )));
        }
    }
    Ok(LabelOptions::default()
        .with_explain(explain)
        .with_min_confidence(min_confidence))
}

/// Labels job postings: role, seniority and skills.
#[pyclass(frozen, module = "jobtag._jobtag", name = "Labeller")]
struct PyLabeller {
    inner: jobtag::Labeller,
    /// Skills from the catalog alone ([`LabelOptions::catalog_only`]) when
    /// a call does not say.
    catalog_only: bool,
}

#[pymethods]
impl PyLabeller {
    #[new]
    #[pyo3(signature = (model=None, skills=true, skill_catalog=None, add_skills=None, catalog_only=false))]
    fn new(
        py: Python<'_>,
        model: Option<PathBuf>,
        skills: bool,
        skill_catalog: Option<PathBuf>,
        add_skills: Option<Vec<PathBuf>>,
        catalog_only: bool,
    ) -> PyResult<Self> {
        let mut builder = jobtag::Labeller::builder().skills(skills);
        if let Some(path) = model {
            builder = builder.model_file(path);
        }
        if let Some(path) = skill_catalog {
            builder = builder.catalog(jobtag::SkillCatalog::load(path).map_err(to_py_err)?);
        }
        for path in add_skills.unwrap_or_default() {
            builder = builder.add_catalog(jobtag::SkillCatalog::load(path).map_err(to_py_err)?);
        }
        let inner = py.detach(|| builder.build()).map_err(to_py_err)?;
        Ok(PyLabeller {
            inner,
            catalog_only,
        })
    }

    /// The label fields of one posting as a JSON object (text): exactly
    /// those of a `jobtag label --format jsonl` line.
    #[pyo3(signature = (title, description, explain=false, min_confidence=None, ids=false, catalog_only=None))]
    fn label_json(
        &self,
        title: &str,
        description: &str,
        explain: bool,
        min_confidence: Option<f32>,
        ids: bool,
        catalog_only: Option<bool>,
    ) -> PyResult<String> {
        let posting = Posting::new(title, description);
        if posting.is_empty() {
            return Err(PyValueError::new_err(label_columns::EMPTY_POSTING));
        }
        let mut options = options(explain, min_confidence)?;
        options.ids = ids;
        options.catalog_only = catalog_only.unwrap_or(self.catalog_only);
        let labels = self.inner.label_with(&posting, &options);
        let mut obj = serde_json::Map::new();
        jobtag::io::add_json_labels(&mut obj, &labels, &options);
        Ok(serde_json::Value::Object(obj).to_string())
    }

    /// Label the rows of Arrow text columns; `title` and each of `texts`
    /// are `(name, column)` pairs, the column any object that exports
    /// `__arrow_c_stream__` or `__arrow_c_array__`. Returns the label
    /// columns as an object that exports `__arrow_c_array__` (a struct
    /// array, one field per label column).
    #[pyo3(signature = (num_rows, title, texts, explain=false, min_confidence=None, catalog_only=None))]
    #[allow(clippy::too_many_arguments)] // the Python signature's keywords
    fn _label_arrow(
        &self,
        py: Python<'_>,
        num_rows: usize,
        title: Option<(String, Bound<'_, PyAny>)>,
        texts: Vec<(String, Bound<'_, PyAny>)>,
        explain: bool,
        min_confidence: Option<f32>,
        catalog_only: Option<bool>,
    ) -> PyResult<arrow_ffi::ExportedArray> {
        let mut options = options(explain, min_confidence)?;
        // The role's codes are columns of every table.
        options.ids = true;
        options.catalog_only = catalog_only.unwrap_or(self.catalog_only);
        let title = match title {
            Some((name, obj)) => Some(label_columns::TextColumn {
                chunks: arrow_ffi::import_chunks(&obj, &name)?,
                name,
            }),
            None => None,
        };
        let texts = texts
            .into_iter()
            .map(|(name, obj)| {
                Ok(label_columns::TextColumn {
                    chunks: arrow_ffi::import_chunks(&obj, &name)?,
                    name,
                })
            })
            .collect::<PyResult<Vec<_>>>()?;
        let labelled = py.detach(|| {
            label_columns::label_columns(&self.inner, num_rows, title.as_ref(), &texts, &options)
        });
        labelled
            .map(arrow_ffi::ExportedArray::new)
            .map_err(PyValueError::new_err)
    }

    /// The model's name, version and training date (for `repr`).
    fn _model_summary(&self) -> (String, String, String) {
        let meta = self.inner.model().meta();
        (
            meta.name.clone(),
            meta.jobtag_version.clone(),
            meta.trained_on.clone(),
        )
    }
}

/// The native half of the `jobtag` package.
#[pymodule]
fn _jobtag(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyLabeller>()?;
    m.add_class::<arrow_ffi::ExportedArray>()?;
    m.add("JobtagError", m.py().get_type::<JobtagError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("LABEL_COLUMNS", label_columns::LABEL_COLUMNS.to_vec())?;
    m.add("EXPLAIN_COLUMNS", label_columns::EXPLAIN_COLUMNS.to_vec())?;
    m.add("GUESS_COLUMNS", label_columns::GUESS_COLUMNS.to_vec())?;
    Ok(())
}

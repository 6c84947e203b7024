//! Arrow across the C data interface, through the PyCapsule protocol
//! (`__arrow_c_stream__`, `__arrow_c_array__`) that pyarrow ≥ 14 and
//! polars ≥ 1 speak: columns come in without a copy and without a Python
//! object per row, and label columns go out the same way.
//!
//! This is the only module with `unsafe`: reading the structs a capsule
//! points to. The Arrow structs are moved out of the capsules (their
//! `release` set to null), so the producer's capsule destructor does not
//! free them a second time.

use std::ffi::CStr;
use std::ptr::NonNull;

use arrow_array::ffi::{from_ffi, to_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::ffi_stream::{ArrayStreamReader, FFI_ArrowArrayStream};
use arrow_array::{make_array, Array, ArrayRef, StructArray};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};

const STREAM: &CStr = c"arrow_array_stream";
const SCHEMA: &CStr = c"arrow_schema";
const ARRAY: &CStr = c"arrow_array";

/// The chunks of one column: a pyarrow `ChunkedArray` or `Array`, a polars
/// `Series`, or anything else that exports an Arrow stream or array.
pub fn import_chunks(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<ArrayRef>> {
    let arrow_err =
        |e: arrow_schema::ArrowError| PyValueError::new_err(format!("column '{name}': {e}"));
    if obj.hasattr("__arrow_c_stream__")? {
        let capsule = obj.call_method0("__arrow_c_stream__")?;
        let capsule = capsule.cast::<PyCapsule>()?;
        let stream: NonNull<FFI_ArrowArrayStream> = capsule.pointer_checked(Some(STREAM))?.cast();
        // SAFETY: the capsule holds a valid stream (its name says so);
        // `from_raw` moves it out and leaves a released one behind.
        let reader = unsafe { ArrayStreamReader::from_raw(stream.as_ptr()) }.map_err(arrow_err)?;
        reader.collect::<Result<Vec<_>, _>>().map_err(arrow_err)
    } else if obj.hasattr("__arrow_c_array__")? {
        let pair = obj.call_method0("__arrow_c_array__")?;
        let pair = pair.cast::<PyTuple>()?;
        let schema = pair.get_item(0)?;
        let schema = schema.cast::<PyCapsule>()?;
        let array = pair.get_item(1)?;
        let array = array.cast::<PyCapsule>()?;
        let schema: NonNull<FFI_ArrowSchema> = schema.pointer_checked(Some(SCHEMA))?.cast();
        let array: NonNull<FFI_ArrowArray> = array.pointer_checked(Some(ARRAY))?.cast();
        // SAFETY: the capsules hold a valid schema and array (their names
        // say so); the array is moved out, the schema only borrowed.
        let data = unsafe {
            let array = FFI_ArrowArray::from_raw(array.as_ptr());
            from_ffi(array, schema.as_ref())
        }
        .map_err(arrow_err)?;
        Ok(vec![make_array(data)])
    } else {
        Err(PyTypeError::new_err(format!(
            "column '{name}': a {} is not an Arrow array (it has neither __arrow_c_stream__ nor __arrow_c_array__)",
            obj.get_type().name()?
        )))
    }
}

/// Label columns on their way to Python: a struct array that pyarrow
/// (`pa.record_batch(x)`, `pa.array(x)`) imports through
/// `__arrow_c_array__`.
#[pyclass(frozen, module = "jobtag._jobtag")]
pub struct ExportedArray {
    array: StructArray,
}

impl ExportedArray {
    pub fn new(array: StructArray) -> Self {
        ExportedArray { array }
    }
}

#[pymethods]
impl ExportedArray {
    /// The Arrow PyCapsule protocol: `(schema capsule, array capsule)`.
    /// A requested schema is ignored (the consumer casts if it must).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let _ = requested_schema;
        let (array, schema) =
            to_ffi(&self.array.to_data()).map_err(|e| PyValueError::new_err(e.to_string()))?;
        // The capsules own the structs until a consumer moves them out;
        // one never consumed is released when its capsule is collected.
        let schema = PyCapsule::new_with_value(py, schema, SCHEMA)?;
        let array = PyCapsule::new_with_value(py, array, ARRAY)?;
        PyTuple::new(py, [schema.into_any(), array.into_any()])
    }

    fn __len__(&self) -> usize {
        self.array.len()
    }
}

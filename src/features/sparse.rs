//! Sparse rows and a compressed-sparse-row matrix: the currency between
//! features and models. Indices within a row are strictly increasing.

use linfa::dataset::Records;
use serde::{Deserialize, Serialize};

/// One sparse feature vector: sorted feature indices and their values.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct SparseRow {
    /// Feature indices, strictly increasing.
    pub indices: Vec<u32>,
    /// Values, one per index.
    pub values: Vec<f32>,
}

impl SparseRow {
    /// Build a row from unsorted `(index, value)` pairs, summing duplicates.
    #[cfg(test)]
    pub fn from_pairs(mut pairs: Vec<(u32, f32)>) -> Self {
        pairs.sort_unstable_by_key(|p| p.0);
        let mut row = SparseRow::default();
        for (i, v) in pairs {
            if row.indices.last() == Some(&i) {
                if let Some(last) = row.values.last_mut() {
                    *last += v;
                }
            } else {
                row.indices.push(i);
                row.values.push(v);
            }
        }
        row
    }

    /// Number of stored entries.
    #[cfg(test)]
    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    /// Iterate `(index, value)` pairs.
    pub fn iter(&self) -> impl Iterator<Item = (usize, f32)> + '_ {
        self.indices
            .iter()
            .zip(&self.values)
            .map(|(&i, &v)| (i as usize, v))
    }

    /// Euclidean norm.
    #[cfg(test)]
    pub fn norm(&self) -> f32 {
        self.values.iter().map(|v| v * v).sum::<f32>().sqrt()
    }
}

/// Rows of sparse features with a fixed number of columns.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CsrMatrix {
    ncols: usize,
    indptr: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f32>,
}

impl CsrMatrix {
    /// Stack rows into a matrix with `ncols` columns. Indices at or past
    /// `ncols` are dropped rather than trusted.
    pub fn from_rows(rows: &[SparseRow], ncols: usize) -> Self {
        let mut m = CsrMatrix {
            ncols,
            indptr: Vec::with_capacity(rows.len() + 1),
            indices: Vec::new(),
            values: Vec::new(),
        };
        m.indptr.push(0);
        for row in rows {
            for (i, v) in row.iter() {
                if i < ncols {
                    m.indices.push(i as u32);
                    m.values.push(v);
                }
            }
            m.indptr.push(m.indices.len());
        }
        m
    }

    /// Number of rows.
    pub fn nrows(&self) -> usize {
        self.indptr.len() - 1
    }

    /// Number of columns.
    pub fn ncols(&self) -> usize {
        self.ncols
    }

    /// Row `r` as index and value slices.
    pub fn row(&self, r: usize) -> (&[u32], &[f32]) {
        let (a, b) = (self.indptr[r], self.indptr[r + 1]);
        (&self.indices[a..b], &self.values[a..b])
    }

    /// Dense copy (for tests against dense reference implementations).
    #[cfg(test)]
    pub fn to_dense(&self) -> ndarray::Array2<f64> {
        let mut d = ndarray::Array2::zeros((self.nrows(), self.ncols));
        for r in 0..self.nrows() {
            let (idx, val) = self.row(r);
            for (&i, &v) in idx.iter().zip(val) {
                d[[r, i as usize]] = f64::from(v);
            }
        }
        d
    }
}

impl Records for CsrMatrix {
    type Elem = f32;

    fn nsamples(&self) -> usize {
        self.nrows()
    }

    fn nfeatures(&self) -> usize {
        self.ncols
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_pairs_sorts_and_sums() {
        let r = SparseRow::from_pairs(vec![(3, 1.0), (1, 2.0), (3, 0.5)]);
        assert_eq!(r.indices, [1, 3]);
        assert_eq!(r.values, [2.0, 1.5]);
    }

    #[test]
    fn csr_round_trip_and_bounds() {
        let rows = vec![
            SparseRow::from_pairs(vec![(0, 1.0), (2, 3.0)]),
            SparseRow::default(),
            SparseRow::from_pairs(vec![(1, 4.0), (9, 9.0)]),
        ];
        let m = CsrMatrix::from_rows(&rows, 3);
        assert_eq!(m.nrows(), 3);
        assert_eq!(m.row(1).0.len(), 0);
        assert_eq!(m.row(2), (&[1u32][..], &[4.0f32][..]));
        assert_eq!(m.to_dense()[[0, 2]], 3.0);
    }
}

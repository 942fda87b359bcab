//! The numpy arrays a Python callable receives, reused from call to call.
//!
//! A batch of 65 536 rows of 300 float32 features is 79 MB. Allocating such an
//! array per call costs more than filling it: allocations that large are fresh
//! `mmap`s, so every call page-faults the whole array in and the kernel zeroes it
//! first (profiled: page faults and `clear_page` took a third of the host time at
//! 65 536 rows, and made large batches slower than small ones). The pool keeps the
//! arrays of the last calls and the masked rows are copied straight into them,
//! once (the concatenated array of `concat=True` included, instead of a
//! concatenation followed by a second copy).
//!
//! An array goes back to the pool only when nothing but the pool holds it after
//! the call: a callable that keeps its input (or a view of it) keeps it for good,
//! and the next call gets a new array, so what Python holds is never overwritten.

use std::sync::Mutex;

use ndarray::ArrayView2;
use numpy::{PyArray2, PyArrayMethods, PyUntypedArrayMethods};
use pyo3::prelude::*;

/// Arrays kept at most: the arrays of one call (one per modality) and those of a
/// last, shorter batch.
const KEPT: usize = 16;

/// Reusable float32 input arrays, taken and given back with the GIL held.
#[derive(Default)]
pub struct InputPool {
    arrays: Mutex<Vec<Py<PyArray2<f32>>>>,
}

impl InputPool {
    /// A `rows × cols` C-contiguous array from the pool, or a new one.
    fn take<'py>(&self, py: Python<'py>, rows: usize, cols: usize) -> Bound<'py, PyArray2<f32>> {
        if let Ok(mut kept) = self.arrays.lock() {
            if let Some(i) = kept.iter().position(|a| a.bind(py).shape() == [rows, cols]) {
                return kept.swap_remove(i).into_bound(py);
            }
        }
        PyArray2::zeros(py, [rows, cols], false)
    }

    /// Give `arrays` back after a call: each one that nothing else holds is kept.
    pub fn give_back(&self, py: Python<'_>, arrays: Vec<Bound<'_, PyArray2<f32>>>) {
        let Ok(mut kept) = self.arrays.lock() else {
            return;
        };
        for a in arrays {
            let a = a.unbind();
            if a.get_refcnt(py) == 1 && kept.len() < KEPT {
                kept.push(a);
            }
        }
    }

    /// One array per modality holding `inputs`.
    pub fn each<'py>(
        &self,
        py: Python<'py>,
        inputs: &[ArrayView2<'_, f32>],
    ) -> Vec<Bound<'py, PyArray2<f32>>> {
        inputs
            .iter()
            .map(|m| {
                let a = self.take(py, m.nrows(), m.ncols());
                write_columns(&a, m, 0);
                a
            })
            .collect()
    }

    /// One array holding the modalities of `inputs` side by side (`concat=True`).
    pub fn joined<'py>(
        &self,
        py: Python<'py>,
        inputs: &[ArrayView2<'_, f32>],
    ) -> Bound<'py, PyArray2<f32>> {
        let rows = inputs.first().map_or(0, |m| m.nrows());
        let a = self.take(py, rows, inputs.iter().map(|m| m.ncols()).sum());
        let mut offset = 0;
        for m in inputs {
            write_columns(&a, m, offset);
            offset += m.ncols();
        }
        a
    }
}

/// Copy `m` into the columns `offset..offset + m.ncols()` of `dst`, row slice by
/// row slice (a plain copy when both are contiguous).
fn write_columns(dst: &Bound<'_, PyArray2<f32>>, m: &ArrayView2<'_, f32>, offset: usize) {
    let mut rw = dst.readwrite();
    let mut out = rw.as_array_mut();
    let width = out.ncols();
    match (out.as_slice_mut(), m.as_slice()) {
        (Some(out), Some(src)) if width == m.ncols() => out.copy_from_slice(src),
        (Some(out), _) => {
            let d = m.ncols();
            for (row, src) in out.chunks_exact_mut(width.max(1)).zip(m.rows()) {
                let dst = &mut row[offset..offset + d];
                match src.as_slice() {
                    Some(s) => dst.copy_from_slice(s),
                    None => dst.iter_mut().zip(src.iter()).for_each(|(o, &v)| *o = v),
                }
            }
        }
        (None, _) => out
            .slice_mut(ndarray::s![.., offset..offset + m.ncols()])
            .assign(m),
    }
}

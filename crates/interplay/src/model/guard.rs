//! The one place model outputs are checked. Every score (InterSHAP, EMAP, SHAPE,
//! the PID of a model) averages or arg-maxes model outputs, and a NaN there does
//! not fail loudly: it turns every mean into NaN or silently wins or loses every
//! comparison. So each forward result goes through [`checked_forward`], which
//! refuses wrong shapes, non-finite values and "probabilities" that are not.

use ndarray::{Array2, ArrayView2};

use super::{Model, OutputKind};
use crate::{Error, Result};

/// How far a probability may stray outside [0, 1], and a row sum from 1: loose
/// enough for float16 softmax outputs, tight enough to catch logits that were
/// declared as probabilities.
pub const PROBABILITY_TOLERANCE: f32 = 1e-2;

/// `model.forward(inputs)`, with its output checked by [`check_output`].
pub fn checked_forward(model: &dyn Model, inputs: &[ArrayView2<'_, f32>]) -> Result<Array2<f32>> {
    let out = model.forward(inputs)?;
    let rows = inputs.first().map_or(0, |v| v.nrows());
    check_output(model, rows, &out)?;
    Ok(out)
}

/// `output` is what `model` must return for `rows` input rows: `rows ×
/// n_classes`, finite, and for [`OutputKind::Probabilities`] rows of values in
/// [0, 1] that sum to 1 (within [`PROBABILITY_TOLERANCE`]). Errors name the model
/// and count the offending rows.
pub fn check_output(model: &dyn Model, rows: usize, output: &Array2<f32>) -> Result<()> {
    let expected = (rows, model.n_classes());
    if output.dim() != expected {
        return Err(Error::invalid(format!(
            "{} returned shape {:?} for {rows} rows, expected {expected:?}",
            model.name(),
            output.dim()
        )));
    }
    let non_finite = count_rows(output, |row| row.iter().any(|v| !v.is_finite()));
    if non_finite > 0 {
        return Err(Error::invalid(format!(
            "{} returned NaN or infinite scores in {non_finite} of {rows} rows",
            model.name()
        )));
    }
    if model.output_kind() == OutputKind::Probabilities {
        let off = count_rows(output, |row| !is_distribution(row));
        if off > 0 {
            return Err(Error::invalid(format!(
                "{} is declared to return probabilities, but {off} of {rows} rows are not in [0, 1] or do not sum to 1 (are they logits?)",
                model.name()
            )));
        }
    }
    Ok(())
}

/// Rows of `output` for which `bad` holds.
fn count_rows(output: &Array2<f32>, bad: impl Fn(ndarray::ArrayView1<'_, f32>) -> bool) -> usize {
    output.rows().into_iter().filter(|r| bad(r.view())).count()
}

/// Values in [0, 1] summing to 1, within [`PROBABILITY_TOLERANCE`].
fn is_distribution(row: ndarray::ArrayView1<'_, f32>) -> bool {
    let t = PROBABILITY_TOLERANCE;
    let in_range = row.iter().all(|&p| (-t..=1.0 + t).contains(&p));
    let sum: f64 = row.iter().map(|&p| f64::from(p)).sum();
    in_range && (sum - 1.0).abs() <= f64::from(t)
}

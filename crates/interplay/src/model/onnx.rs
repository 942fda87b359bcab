//! ONNX classifiers run in pure Rust with tract: either one input holding every
//! modality concatenated in order, or one input per modality.
//!
//! Needs the `onnx` feature (on by default). Without it this module is absent and
//! [`load`](super::load()) refuses `.onnx` files with [`Error::MissingFeature`].

use ndarray::{Array2, ArrayView2, Axis};
use std::path::Path;
use tract_onnx::prelude::*;

use super::{Model, OutputKind};
use crate::{Error, Result};

mod check;

type Plan = TypedSimplePlan<TypedModel>;

/// An ONNX model whose batch dimension is free, so any number of rows can be
/// evaluated per call.
pub struct OnnxModel {
    plan: Plan,
    dims: Vec<usize>,
    n_classes: usize,
    output_kind: OutputKind,
    concatenated: bool,
    name: String,
}

impl std::fmt::Debug for OnnxModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnnxModel")
            .field("dims", &self.dims)
            .field("n_classes", &self.n_classes)
            .field("output_kind", &self.output_kind)
            .field("concatenated", &self.concatenated)
            .finish()
    }
}

impl OnnxModel {
    /// Load `path` for modalities of widths `dims`. The graph must take either one
    /// `N × Σd` input or one `N × d_m` input per modality and return `N × C` scores
    /// of kind `output_kind`.
    pub fn load(path: &Path, dims: &[usize], output_kind: OutputKind) -> Result<Self> {
        let fail = |e: TractError| Error::format(path, format!("ONNX model: {e}"));
        if !path.exists() {
            return Err(Error::Io {
                path: path.display().to_string(),
                message: "no such file".into(),
            });
        }
        let mut model = check::load_checked(path)?;
        let n_inputs = model.input_outlets().map_err(fail)?.len();
        let concatenated = match n_inputs {
            1 => true,
            k if k == dims.len() => false,
            k => {
                return Err(Error::format(
                    path,
                    format!(
                        "the ONNX model has {k} inputs; expected 1 (modalities concatenated) or {} (one per modality)",
                        dims.len()
                    ),
                ))
            }
        };
        let batch = model.sym("N");
        let widths: Vec<usize> = if concatenated {
            vec![dims.iter().sum()]
        } else {
            dims.to_vec()
        };
        for (i, &w) in widths.iter().enumerate() {
            let fact =
                InferenceFact::dt_shape(f32::datum_type(), tvec![batch.to_dim(), w.to_dim()]);
            model.set_input_fact(i, fact).map_err(fail)?;
        }
        let plan = check::no_panic(path, "optimising the graph", || {
            model.into_optimized().and_then(|m| m.into_runnable())
        })?;
        let mut loaded = OnnxModel {
            plan,
            dims: dims.to_vec(),
            n_classes: 0,
            output_kind,
            concatenated,
            name: format!("the ONNX model {}", path.display()),
        };
        let probe: Vec<Array2<f32>> = dims.iter().map(|&d| Array2::zeros((1, d))).collect();
        let views: Vec<ArrayView2<f32>> = probe.iter().map(|a| a.view()).collect();
        let out = loaded.run(&views).map_err(|e| match e {
            Error::Model(m) => Error::format(path, m),
            other => other,
        })?;
        loaded.n_classes = out.ncols();
        if loaded.n_classes < 2 {
            return Err(Error::format(
                path,
                format!(
                    "the ONNX model returns {} scores per row; a classifier needs at least 2",
                    out.ncols()
                ),
            ));
        }
        Ok(loaded)
    }

    fn run(&self, inputs: &[ArrayView2<'_, f32>]) -> Result<Array2<f32>> {
        let fail = |e: TractError| Error::Model(format!("ONNX: {e}"));
        let rows = inputs.first().map_or(0, |v| v.nrows());
        let to_tensor = |a: &Array2<f32>| -> Result<TValue> {
            let data = a
                .as_slice()
                .ok_or_else(|| Error::Model("non-contiguous batch".into()))?;
            Ok(Tensor::from_shape(&[a.nrows(), a.ncols()], data)
                .map_err(fail)?
                .into())
        };
        let tensors: TVec<TValue> = if self.concatenated {
            let joined = ndarray::concatenate(Axis(1), inputs)
                .map_err(|e| Error::Model(e.to_string()))?
                .as_standard_layout()
                .into_owned();
            tvec![to_tensor(&joined)?]
        } else {
            inputs
                .iter()
                .map(|v| to_tensor(&v.as_standard_layout().into_owned()))
                .collect::<Result<_>>()?
        };
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.plan.run(tensors)));
        let outputs = run
            .map_err(|_| Error::Model(format!("tract failed while running {}", self.name)))?
            .map_err(fail)?;
        let first = outputs
            .first()
            .ok_or_else(|| Error::Model("the ONNX model has no output".into()))?;
        let view = first.to_array_view::<f32>().map_err(fail)?;
        let shape = view.shape().to_vec();
        let cols = match shape.as_slice() {
            [r, c] if *r == rows => *c,
            _ => {
                return Err(Error::Model(format!(
                    "ONNX output has shape {shape:?}, expected ({rows}, classes)"
                )))
            }
        };
        Array2::from_shape_vec((rows, cols), view.iter().copied().collect())
            .map_err(|e| Error::Model(e.to_string()))
    }
}

impl Model for OnnxModel {
    fn input_dims(&self) -> Vec<usize> {
        self.dims.clone()
    }

    fn n_classes(&self) -> usize {
        self.n_classes
    }

    fn output_kind(&self) -> OutputKind {
        self.output_kind
    }

    fn forward(&self, inputs: &[ArrayView2<'_, f32>]) -> Result<Array2<f32>> {
        if inputs.len() != self.dims.len()
            || inputs.iter().zip(&self.dims).any(|(v, &d)| v.ncols() != d)
        {
            return Err(Error::invalid(format!(
                "the ONNX model expects modality widths {:?}",
                self.dims
            )));
        }
        self.run(inputs)
    }

    fn name(&self) -> String {
        self.name.clone()
    }
}

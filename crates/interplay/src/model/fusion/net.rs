//! The fusion architectures and their forward/backward passes over one flat
//! parameter vector (branches in modality order, then the head).

use ndarray::{Array2, ArrayView2};

use crate::model::{Model, OutputKind};
use crate::nn::{Activation, Mlp, MlpWorkspace};
use crate::{Error, Result};

/// Where the modalities are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fusion {
    /// Concatenate the raw features, then one MLP (the default).
    #[default]
    Early,
    /// A linear projection per modality, then an MLP on the concatenation.
    Intermediate,
    /// A two-layer ReLU MLP per modality, then a linear classifier.
    Late,
}

impl Fusion {
    /// Parse `early`, `intermediate` or `late`.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "early" => Ok(Fusion::Early),
            "intermediate" => Ok(Fusion::Intermediate),
            "late" => Ok(Fusion::Late),
            _ => Err(crate::params::unknown(
                "fusion",
                text,
                &["early", "intermediate", "late"],
            )),
        }
    }

    /// The name used in files and reports.
    pub fn name(self) -> &'static str {
        match self {
            Fusion::Early => "early",
            Fusion::Intermediate => "intermediate",
            Fusion::Late => "late",
        }
    }
}

impl std::str::FromStr for Fusion {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        Fusion::parse(text)
    }
}

impl std::fmt::Display for Fusion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A fusion network with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct FusionNet {
    fusion: Fusion,
    dims: Vec<usize>,
    n_classes: usize,
    branches: Vec<Mlp>,
    head: Mlp,
    /// Every parameter: branches in modality order, then the head.
    pub(crate) params: Vec<f32>,
}

/// Buffers of one training or inference pass.
#[derive(Debug, Default)]
pub(crate) struct FusionWorkspace {
    branch: Vec<MlpWorkspace>,
    head: MlpWorkspace,
    concat: Vec<f32>,
    d_concat: Vec<f32>,
    d_branch: Vec<f32>,
}

/// Half of a width, at least 1.
fn half(d: usize) -> usize {
    (d / 2).max(1)
}

/// Layer widths of every MLP of the architecture: one list per branch (none for
/// early fusion), then the head's. Shared by [`FusionNet::new`] and the file
/// checks, which need the parameter count before anything is allocated.
pub(crate) fn layer_widths(
    fusion: Fusion,
    dims: &[usize],
    n_classes: usize,
) -> (Vec<Vec<usize>>, Vec<usize>) {
    if fusion == Fusion::Early {
        let total: usize = dims.iter().sum();
        return (
            Vec::new(),
            vec![total, half(total), half(half(total)), n_classes],
        );
    }
    let branches: Vec<Vec<usize>> = dims
        .iter()
        .map(|&d| match fusion {
            Fusion::Intermediate => vec![d, half(d)],
            _ => vec![d, half(d), half(half(d))],
        })
        .collect();
    let joined: usize = branches.iter().filter_map(|w| w.last()).sum();
    let head = match fusion {
        Fusion::Intermediate => vec![joined, half(joined), n_classes],
        _ => vec![joined, n_classes],
    };
    (branches, head)
}

impl FusionNet {
    /// The architecture for modality widths `dims` and `n_classes`, parameters zero.
    pub fn new(fusion: Fusion, dims: &[usize], n_classes: usize) -> Result<Self> {
        if dims.len() < 2 || dims.contains(&0) || n_classes < 2 {
            return Err(Error::invalid(format!(
                "a fusion network needs ≥ 2 modalities of non-zero width and ≥ 2 classes (got widths {dims:?}, {n_classes} classes)"
            )));
        }
        let (branch_widths, head_widths) = layer_widths(fusion, dims, n_classes);
        let mut branches = Vec::new();
        let mut offset = 0;
        for widths in &branch_widths {
            let activate = fusion == Fusion::Late;
            let mlp = Mlp::with_offset(widths, Activation::Relu, activate, offset)?;
            offset = mlp.end();
            branches.push(mlp);
        }
        let head = Mlp::with_offset(&head_widths, Activation::Relu, false, offset)?;
        let params = vec![0.0; head.end()];
        Ok(FusionNet {
            fusion,
            dims: dims.to_vec(),
            n_classes,
            branches,
            head,
            params,
        })
    }

    /// The architecture with PyTorch-style random parameters from `seed`
    /// (untrained: for tests, benchmarks and as the start of training).
    pub fn random(fusion: Fusion, dims: &[usize], n_classes: usize, seed: u64) -> Result<Self> {
        let mut net = Self::new(fusion, dims, n_classes)?;
        let mut rng = crate::rng::seeded(seed, crate::rng::stream_id("fusion-init"));
        net.init(&mut rng);
        Ok(net)
    }

    /// The fusion kind.
    pub fn fusion(&self) -> Fusion {
        self.fusion
    }

    /// Number of parameters.
    pub fn n_params(&self) -> usize {
        self.params.len()
    }

    /// The parameters (branches then head, each layer weight then bias).
    pub fn params(&self) -> &[f32] {
        &self.params
    }

    /// Named parameter tensors `(name, shape, values)`: `branch{m}.{l}.weight|bias`
    /// (m 1-based) and `head.{l}.weight|bias`, weights `[out][in]` as in PyTorch.
    pub fn named_tensors(&self) -> Vec<(String, Vec<usize>, &[f32])> {
        let mut out = Vec::new();
        let nets = self
            .branches
            .iter()
            .enumerate()
            .map(|(m, b)| (format!("branch{}", m + 1), b))
            .chain(std::iter::once(("head".to_string(), &self.head)));
        for (prefix, mlp) in nets {
            for (l, layer) in mlp.layers().iter().enumerate() {
                out.push((
                    format!("{prefix}.{l}.weight"),
                    vec![layer.fan_out, layer.fan_in],
                    layer.weight(&self.params),
                ));
                out.push((
                    format!("{prefix}.{l}.bias"),
                    vec![layer.fan_out],
                    layer.bias(&self.params),
                ));
            }
        }
        out
    }

    /// Set the parameter tensor `name` (as listed by [`FusionNet::named_tensors`]).
    pub(crate) fn set_tensor(&mut self, name: &str, values: &[f32]) -> Result<()> {
        let (prefix, rest) = name
            .split_once('.')
            .ok_or_else(|| Error::invalid(format!("unexpected tensor '{name}'")))?;
        let (layer, kind) = rest
            .split_once('.')
            .ok_or_else(|| Error::invalid(format!("unexpected tensor '{name}'")))?;
        let mlp = if prefix == "head" {
            &self.head
        } else {
            prefix
                .strip_prefix("branch")
                .and_then(|m| m.parse::<usize>().ok())
                .and_then(|m| m.checked_sub(1))
                .and_then(|m| self.branches.get(m))
                .ok_or_else(|| Error::invalid(format!("unexpected tensor '{name}'")))?
        };
        let layer = layer
            .parse::<usize>()
            .ok()
            .and_then(|l| mlp.layers().get(l))
            .ok_or_else(|| Error::invalid(format!("unexpected tensor '{name}'")))?;
        let start = match kind {
            "weight" => layer.offset,
            "bias" => layer.offset + layer.fan_in * layer.fan_out,
            _ => return Err(Error::invalid(format!("unexpected tensor '{name}'"))),
        };
        let len = if kind == "weight" {
            layer.fan_in * layer.fan_out
        } else {
            layer.fan_out
        };
        if values.len() != len {
            return Err(Error::invalid(format!(
                "tensor '{name}' has {} values, the architecture needs {len}",
                values.len()
            )));
        }
        self.params[start..start + len].copy_from_slice(values);
        Ok(())
    }

    /// Fresh PyTorch-style random parameters.
    pub(crate) fn init(&mut self, rng: &mut impl rand::Rng) {
        for b in &self.branches {
            b.init_into(&mut self.params, rng);
        }
        self.head.init_into(&mut self.params, rng);
    }

    /// Logits of a batch given as one row-major slice per modality (`b × d_m`).
    pub(crate) fn forward_batch<'w>(
        &self,
        params: &[f32],
        xs: &[&[f32]],
        b: usize,
        ws: &'w mut FusionWorkspace,
    ) -> &'w [f32] {
        let widths: Vec<usize> = if self.branches.is_empty() {
            self.dims.clone()
        } else {
            self.branches.iter().map(Mlp::output_dim).collect()
        };
        let joined: usize = widths.iter().sum();
        ws.concat.resize(b * joined, 0.0);
        ws.branch
            .resize_with(self.branches.len(), MlpWorkspace::default);
        let mut col = 0;
        for (m, (&w, x)) in widths.iter().zip(xs).enumerate() {
            let src: &[f32] = match self.branches.get(m) {
                Some(branch) => branch.forward(params, x, b, &mut ws.branch[m]),
                None => x,
            };
            for r in 0..b {
                ws.concat[r * joined + col..r * joined + col + w]
                    .copy_from_slice(&src[r * w..(r + 1) * w]);
            }
            col += w;
        }
        self.head.forward(params, &ws.concat, b, &mut ws.head)
    }

    /// Gradients of the last [`FusionNet::forward_batch`] given ∂L/∂logits.
    pub(crate) fn backward_batch(
        &self,
        params: &[f32],
        ws: &mut FusionWorkspace,
        d_logits: &[f32],
        grads: &mut [f32],
    ) {
        if self.branches.is_empty() {
            self.head
                .backward(params, &mut ws.head, d_logits, grads, None);
            return;
        }
        let joined = self.head.input_dim();
        let b = d_logits.len() / self.n_classes;
        ws.d_concat.resize(b * joined, 0.0);
        self.head.backward(
            params,
            &mut ws.head,
            d_logits,
            grads,
            Some(&mut ws.d_concat),
        );
        let mut col = 0;
        for (m, branch) in self.branches.iter().enumerate() {
            let w = branch.output_dim();
            ws.d_branch.clear();
            for r in 0..b {
                ws.d_branch
                    .extend_from_slice(&ws.d_concat[r * joined + col..r * joined + col + w]);
            }
            branch.backward(params, &mut ws.branch[m], &ws.d_branch, grads, None);
            col += w;
        }
    }

    /// Logits of every row, with the given parameters.
    pub(crate) fn logits_with(
        &self,
        params: &[f32],
        inputs: &[ArrayView2<'_, f32>],
    ) -> Result<Array2<f32>> {
        if inputs.len() != self.dims.len()
            || inputs.iter().zip(&self.dims).any(|(v, &d)| v.ncols() != d)
        {
            return Err(Error::invalid(format!(
                "the fusion network expects modality widths {:?}",
                self.dims
            )));
        }
        let n = inputs.first().map_or(0, |v| v.nrows());
        let owned: Vec<ndarray::CowArray<f32, ndarray::Ix2>> =
            inputs.iter().map(|v| v.as_standard_layout()).collect();
        let slices: Vec<&[f32]> = owned
            .iter()
            .map(|a| {
                a.as_slice()
                    .ok_or_else(|| Error::invalid("non-contiguous input"))
            })
            .collect::<Result<_>>()?;
        let mut ws = FusionWorkspace::default();
        let out = self.forward_batch(params, &slices, n, &mut ws).to_vec();
        Array2::from_shape_vec((n, self.n_classes), out)
            .map_err(|e| Error::Numerical(e.to_string()))
    }
}

impl Model for FusionNet {
    fn input_dims(&self) -> Vec<usize> {
        self.dims.clone()
    }

    fn n_classes(&self) -> usize {
        self.n_classes
    }

    fn output_kind(&self) -> OutputKind {
        OutputKind::Logits
    }

    fn forward(&self, inputs: &[ArrayView2<'_, f32>]) -> Result<Array2<f32>> {
        self.logits_with(&self.params, inputs)
    }

    fn name(&self) -> String {
        format!("the built-in {}-fusion network", self.fusion.name())
    }
}

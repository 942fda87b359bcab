//! Sharded EMAP: the n × n scores f(x1_i, x2_j) are cut into strips of x1 rows
//! i; each shard evaluates its strip against every x2 row (its share, n²/k
//! model rows) and returns an [`EmapPartial`]; [`merge`] puts the strips
//! together.
//!
//! What a strip returns suffices: the projection f̂(i) = mean_j f(i, j) +
//! mean_j f(j, i) − mean_{j,k} f(j, k) needs each row's sum (in its strip),
//! each column's sum (the sum of the strips' column sums) and f(i, i) (in its
//! strip); the bootstrap that recomputes the projection per replicate needs
//! every f(i, j), which the strips carry when the single run would keep them
//! (n² · C ≤ [`super::MAX_BOOTSTRAP_SCORES`]). The projection, the metrics and
//! the seeded bootstrap run after the merge with the single run's code. The
//! only difference from a single run is the order in which column sums are
//! added (strip by strip), a rounding difference ≤ 1e-12 in the projected
//! scores; bit for bit with one shard.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::{chosen_rows, finish, keeps_scores, strip_sums, EmapOptions, EmapResult, Merged};
use crate::model::{Model, OutputKind};
use crate::params::{Checked, Validate, MAX_CLASSES};
use crate::progress::Progress;
use crate::shard::{check_rows, checked_parts, differs, hash_matrices, Fnv, Shard, ShardResult};
use crate::uncertainty::UncertaintyConfig;
use crate::{Error, Result};
use ndarray::ArrayView2;

/// What an EMAP partial file says it is.
pub const EMAP_PARTIAL_KIND: &str = "interplay-emap-partial";

/// Version of the EMAP partial format; parts of another version are refused.
pub const EMAP_PARTIAL_VERSION: u32 = 1;

/// The settings every shard must share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmapSettings {
    /// Evaluated subsample size (`None`: every row).
    pub subsample: Option<usize>,
    /// Seed of the subsample and of the bootstrap.
    pub seed: u64,
    /// Interval settings.
    pub uncertainty: UncertaintyConfig,
}

/// What one shard computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmapPartial {
    /// Always [`EMAP_PARTIAL_KIND`].
    pub kind: String,
    /// Always [`EMAP_PARTIAL_VERSION`].
    pub version: u32,
    /// Which shard this is.
    pub shard: Shard,
    /// The run's settings.
    pub settings: EmapSettings,
    /// Hash of the whole input (x1, x2, labels).
    pub data: String,
    /// Hash of the model's scores on the first evaluated pairs: its behaviour,
    /// whatever file or process it came from.
    pub model: String,
    /// `logits` or `probabilities`: what the model returns.
    pub output_kind: String,
    /// Classes of the model.
    pub n_classes: usize,
    /// Evaluated rows n (all shards together).
    pub total_rows: usize,
    /// Position of this shard's first row among them.
    pub first_row: usize,
    /// Indices into the input of this shard's rows.
    pub sample_indices: Vec<usize>,
    /// Labels of this shard's rows.
    pub labels: Vec<usize>,
    /// Σ_j f(i, j) of this shard's rows, rows × C, row-major.
    pub row_sums: Vec<f64>,
    /// Σ_{i in shard} f(i, j), n × C.
    pub col_sums: Vec<f64>,
    /// f(i, i) of this shard's rows, rows × C.
    pub diag: Vec<f64>,
    /// Every f(i, j) of the strip (rows × n × C) when kept for the bootstrap.
    pub scores: Option<Vec<f64>>,
}

/// Evaluated pairs hashed to identify the model.
const MODEL_PROBE_ROWS: usize = 16;

/// Shard `shard` of the rows [`super::emap_with_intervals`] evaluates with the
/// same options: its strip of the score matrix.
#[allow(clippy::too_many_arguments)]
pub fn emap_shard<'a>(
    model: &dyn Model,
    x1: ArrayView2<'a, f32>,
    x2: ArrayView2<'a, f32>,
    labels: &[usize],
    options: &Checked<EmapOptions>,
    uncertainty: &Checked<UncertaintyConfig>,
    shard: Shard,
    progress: &dyn Progress,
) -> Result<EmapPartial> {
    let shard = Shard::new(shard.index, shard.count)?;
    let rows = chosen_rows(x1, x2, labels, options)?;
    let n = rows.labels.len();
    let strip = shard.rows_checked(n)?;
    let c = model.n_classes();
    let keep = keeps_scores(n, c, Some(uncertainty));
    let sums = strip_sums(
        model,
        &rows,
        strip.clone(),
        keep,
        options.batch_rows,
        progress,
    )?;
    let mut data = hash_matrices([x1, x2].into_iter());
    labels.iter().for_each(|&y| data.usize(y));
    let probe = n.min(MODEL_PROBE_ROWS);
    let out = crate::model::checked_forward(
        model,
        &[
            rows.x1.slice(ndarray::s![..probe, ..]),
            rows.x2.slice(ndarray::s![..probe, ..]),
        ],
    )?;
    let mut model_hash = Fnv::new();
    model_hash.f32s(out.as_slice().unwrap_or(&[]));
    let flat = |a: Array2<f64>| a.into_iter().collect::<Vec<f64>>();
    Ok(EmapPartial {
        kind: EMAP_PARTIAL_KIND.into(),
        version: EMAP_PARTIAL_VERSION,
        shard,
        settings: EmapSettings {
            subsample: options.subsample,
            seed: options.seed,
            uncertainty: **uncertainty,
        },
        data: data.hex(),
        model: model_hash.hex(),
        output_kind: model.output_kind().to_string(),
        n_classes: c,
        total_rows: n,
        first_row: strip.start,
        sample_indices: rows.indices[strip.clone()].to_vec(),
        labels: rows.labels[strip].to_vec(),
        row_sums: flat(sums.row_sums),
        col_sums: flat(sums.col_sums),
        diag: flat(sums.diag),
        scores: keep.then_some(sums.kept),
    })
}

impl ShardResult for EmapPartial {
    const KIND: &'static str = EMAP_PARTIAL_KIND;
    const VERSION: u32 = EMAP_PARTIAL_VERSION;
    const WHAT: &'static str = "an EMAP partial";

    fn header(&self) -> (&str, u32, Shard) {
        (&self.kind, self.version, self.shard)
    }

    fn check_body(&self) -> Result<()> {
        let bad = |msg: String| Err(Error::invalid(msg));
        self.settings.uncertainty.validate()?;
        self.output_kind.parse::<OutputKind>()?;
        let (n, c) = (self.total_rows, self.n_classes);
        if !(1..=MAX_CLASSES).contains(&c) {
            return bad(format!("{c} classes"));
        }
        let r = self.labels.len();
        check_rows(self.shard, n, self.first_row, r)?;
        let nc = n
            .checked_mul(c)
            .ok_or_else(|| Error::invalid("too many rows"))?;
        let sizes_ok = self.sample_indices.len() == r
            && self.row_sums.len() == r * c
            && self.diag.len() == r * c
            && self.col_sums.len() == nc
            && self
                .scores
                .as_ref()
                .is_none_or(|s| Some(s.len()) == r.checked_mul(nc));
        if !sizes_ok {
            return bad(format!(
                "arrays do not have the shapes of {r} of {n} rows and {c} classes"
            ));
        }
        if self.labels.iter().any(|&y| y >= MAX_CLASSES)
            || self.sample_indices.windows(2).any(|w| w[0] >= w[1])
        {
            return bad("labels out of range or sample indices not ascending".into());
        }
        let values = [&self.row_sums, &self.col_sums, &self.diag]
            .into_iter()
            .chain(self.scores.as_ref());
        if values.flatten().any(|v| !v.is_finite()) {
            return bad("NaN or infinite scores".into());
        }
        Ok(())
    }

    fn same_run(&self, other: &EmapPartial) -> Result<()> {
        let differs = |what: &str| differs(self.shard, other.shard, what);
        if self.settings != other.settings {
            return differs("their settings");
        }
        if (self.data.as_str(), self.total_rows) != (other.data.as_str(), other.total_rows) {
            return differs("the data");
        }
        if (&self.model, &self.output_kind, self.n_classes)
            != (&other.model, &other.output_kind, other.n_classes)
        {
            return differs("the model (its scores on the first pairs)");
        }
        if self.shard.count != other.shard.count || self.scores.is_some() != other.scores.is_some()
        {
            return differs("the shard count or the kept scores");
        }
        Ok(())
    }
}

/// The merged run's result (and its settings), from every shard in any order.
pub fn merge(parts: &[EmapPartial]) -> Result<(EmapResult, EmapSettings)> {
    let order = checked_parts(parts)?;
    let first = order[0];
    let (n, c) = (first.total_rows, first.n_classes);
    let shape = |e: ndarray::ShapeError| Error::Numerical(e.to_string());
    let stack = |f: &dyn Fn(&EmapPartial) -> &Vec<f64>| -> Result<Array2<f64>> {
        let v: Vec<f64> = order.iter().flat_map(|p| f(p).iter().copied()).collect();
        Array2::from_shape_vec((n, c), v).map_err(shape)
    };
    let mut col_sums = Array2::<f64>::zeros((n, c));
    for p in &order {
        col_sums += &Array2::from_shape_vec((n, c), p.col_sums.clone()).map_err(shape)?;
    }
    let sums = Merged {
        row_sums: stack(&|p| &p.row_sums)?,
        col_sums,
        diag: stack(&|p| &p.diag)?,
        kept: order
            .iter()
            .flat_map(|p| p.scores.iter().flatten().copied())
            .collect(),
    };
    let cat = |f: &dyn Fn(&EmapPartial) -> &Vec<usize>| -> Vec<usize> {
        order.iter().flat_map(|p| f(p).iter().copied()).collect()
    };
    let settings = first.settings.clone();
    let uncertainty = settings.uncertainty.validate()?;
    let result = finish(
        sums,
        cat(&|p| &p.labels),
        cat(&|p| &p.sample_indices),
        c,
        first.output_kind.parse()?,
        Some(&uncertainty),
        settings.seed,
    )?;
    Ok((result, settings))
}

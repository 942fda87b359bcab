//! Sharded SHAPE: each shard computes the coalition predictions and coalition
//! values of a contiguous part of the rows and returns a [`ShapePartial`];
//! [`merge`] puts the parts together into the single run's result.
//!
//! Why the merge is exact: a row's coalition predictions (full input, one
//! modality kept and the others zeroed) and its coalition values (v(∅), v(M),
//! v({i}) against the same background rows) depend only on the row, the model
//! and the background, which every shard has whole. The metrics (macro-F1 or
//! accuracy and the majority-class base), the mean effects and the seeded
//! bootstrap are all computed after the merge, over all rows in their order,
//! with the single run's code, so the merged result equals it bit for bit.

use serde::{Deserialize, Serialize};

use super::{
    coalition_predictions, output_rows, performance_result, shape_intervals, summarise_output,
    OutputRows, ShapeIntervals, ShapeMetric, ShapeOutputResult, ShapeResult,
};
use crate::data::Split;
use crate::model::Model;
use crate::params::{Validate, MAX_CLASSES};
use crate::shard::{check_rows, checked_parts, differs, hash_split, Fnv, Shard, ShardResult};
use crate::uncertainty::UncertaintyConfig;
use crate::{Error, Result};

/// What a SHAPE partial file says it is.
pub const SHAPE_PARTIAL_KIND: &str = "interplay-shape-partial";

/// Version of the SHAPE partial format; parts of another version are refused.
pub const SHAPE_PARTIAL_VERSION: u32 = 1;

/// The settings every shard must share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShapeSettings {
    /// Performance metric (`macro-f1` or `accuracy`).
    pub metric: String,
    /// Seed of the background draw and of the bootstrap.
    pub seed: u64,
    /// Interval settings.
    pub uncertainty: UncertaintyConfig,
    /// Name of the split the background rows come from (for the report).
    pub background_split: String,
}

/// What identifies the data, background and model of a run (64-bit FNV-1a
/// hashes, hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShapeFingerprint {
    /// Hash of the whole scored split (every value and label).
    pub data: String,
    /// Hash of the background rows used.
    pub background: String,
    /// Hash of the model's mean probabilities on the background rows: its
    /// behaviour, whatever file or process it came from.
    pub model: String,
}

/// What one shard computed, flat per row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShapePartial {
    /// Always [`SHAPE_PARTIAL_KIND`].
    pub kind: String,
    /// Always [`SHAPE_PARTIAL_VERSION`].
    pub version: u32,
    /// Which shard this is.
    pub shard: Shard,
    /// The run's settings.
    pub settings: ShapeSettings,
    /// The data, background and model.
    pub fingerprint: ShapeFingerprint,
    /// Classes of the model.
    pub n_classes: usize,
    /// Rows of the scored split (all shards together).
    pub total_rows: usize,
    /// Position of this shard's first row.
    pub first_row: usize,
    /// Background rows each coalition value averages over.
    pub background_rows: usize,
    /// Label of each row.
    pub labels: Vec<usize>,
    /// Predicted class on the full row.
    pub predictions: Vec<usize>,
    /// Predicted class with only modality i kept, per modality, per row.
    pub single_predictions: Vec<Vec<usize>>,
    /// v(∅) of each row's explained class.
    pub empty: Vec<f64>,
    /// v(M) of each row's explained class.
    pub full: Vec<f64>,
    /// v({i}) per modality, per row.
    pub singles: Vec<Vec<f64>>,
}

/// Shard `shard` of the rows of `split` (labelled): what [`super::shape`] and
/// [`super::shape_output`] compute of those rows, kept per row for [`merge`].
/// `background` holds the background rows already drawn (every shard the same).
pub fn shape_shard(
    model: &dyn Model,
    split: &Split,
    background: &Split,
    settings: &ShapeSettings,
    shard: Shard,
) -> Result<ShapePartial> {
    let shard = Shard::new(shard.index, shard.count)?;
    settings.metric.parse::<ShapeMetric>()?;
    settings.uncertainty.validate()?;
    let labels = split.require_labels("SHAPE")?;
    let rows = shard.rows_checked(split.len())?;
    let idx: Vec<usize> = rows.clone().collect();
    let part = split.select(&idx);
    let views = part.views();
    let (predictions, single_predictions) = coalition_predictions(model, &views)?;
    let (values, nb, bg_mean) = output_rows(model, &views, &background.views())?;
    let mut model_hash = Fnv::new();
    model_hash.f64s(&bg_mean);
    Ok(ShapePartial {
        kind: SHAPE_PARTIAL_KIND.into(),
        version: SHAPE_PARTIAL_VERSION,
        shard,
        settings: settings.clone(),
        fingerprint: ShapeFingerprint {
            data: hash_split(split),
            background: hash_split(background),
            model: model_hash.hex(),
        },
        n_classes: model.n_classes(),
        total_rows: split.len(),
        first_row: rows.start,
        background_rows: nb,
        labels: labels[rows].to_vec(),
        predictions,
        single_predictions,
        empty: values.empty,
        full: values.full,
        singles: values.singles,
    })
}

/// The merged run: both SHAPE variants and their intervals.
#[derive(Debug, Clone)]
pub struct MergedShape {
    /// Performance SHAPE over all rows.
    pub performance: ShapeResult,
    /// Model-output SHAPE over all rows.
    pub output: ShapeOutputResult,
    /// Bootstrap intervals (none with 0 replicates).
    pub intervals: Option<ShapeIntervals>,
    /// The shards' settings.
    pub settings: ShapeSettings,
}

impl ShardResult for ShapePartial {
    const KIND: &'static str = SHAPE_PARTIAL_KIND;
    const VERSION: u32 = SHAPE_PARTIAL_VERSION;
    const WHAT: &'static str = "a SHAPE partial";

    fn header(&self) -> (&str, u32, Shard) {
        (&self.kind, self.version, self.shard)
    }

    /// Counts, shapes and classes (the metrics size their tables by the largest
    /// class they see).
    fn check_body(&self) -> Result<()> {
        let bad = |msg: String| Err(Error::invalid(msg));
        self.settings.metric.parse::<ShapeMetric>()?;
        self.settings.uncertainty.validate()?;
        let n = self.labels.len();
        check_rows(self.shard, self.total_rows, self.first_row, n)?;
        let m = self.singles.len();
        if m < 2 || self.single_predictions.len() != m || self.background_rows == 0 {
            return bad(format!(
                "{m} modalities, {} single-modality predictions, {} background rows",
                self.single_predictions.len(),
                self.background_rows
            ));
        }
        let values = [&self.empty, &self.full].into_iter().chain(&self.singles);
        let classes = [&self.predictions]
            .into_iter()
            .chain(&self.single_predictions);
        if values.clone().any(|v| v.len() != n) || classes.clone().any(|c| c.len() != n) {
            return bad(format!("every per-row array must have {n} rows"));
        }
        if values.flatten().any(|v| !v.is_finite()) {
            return bad("NaN or infinite coalition values".into());
        }
        if !(1..=MAX_CLASSES).contains(&self.n_classes)
            || classes.flatten().any(|&c| c >= self.n_classes)
            || self.labels.iter().any(|&y| y >= MAX_CLASSES)
        {
            return bad(format!(
                "predictions beyond the model's {} classes or labels beyond {MAX_CLASSES}",
                self.n_classes
            ));
        }
        Ok(())
    }

    fn same_run(&self, other: &ShapePartial) -> Result<()> {
        let differs = |what: &str| differs(self.shard, other.shard, what);
        if self.settings != other.settings {
            return differs("their settings");
        }
        let (a, b) = (&self.fingerprint, &other.fingerprint);
        if (self.total_rows, &a.data) != (other.total_rows, &b.data) {
            return differs("the scored data");
        }
        if (self.background_rows, &a.background) != (other.background_rows, &b.background) {
            return differs("the background rows");
        }
        if a.model != b.model || self.n_classes != other.n_classes {
            return differs("the model (its outputs on the background rows)");
        }
        if self.shard.count != other.shard.count || self.singles.len() != other.singles.len() {
            return differs("the shard count or the number of modalities");
        }
        Ok(())
    }
}

/// The single run's SHAPE from every shard of a run, given in any order.
pub fn merge(parts: &[ShapePartial]) -> Result<MergedShape> {
    let order = checked_parts(parts)?;
    let first = order[0];
    let cat = |f: &dyn Fn(&ShapePartial) -> &Vec<usize>| -> Vec<usize> {
        order.iter().flat_map(|p| f(p).iter().copied()).collect()
    };
    let cat_f = |f: &dyn Fn(&ShapePartial) -> &Vec<f64>| -> Vec<f64> {
        order.iter().flat_map(|p| f(p).iter().copied()).collect()
    };
    let m = first.singles.len();
    let labels = cat(&|p| &p.labels);
    let metric: ShapeMetric = first.settings.metric.parse()?;
    let performance = performance_result(
        metric,
        &labels,
        cat(&|p| &p.predictions),
        (0..m).map(|i| cat(&|p| &p.single_predictions[i])).collect(),
    );
    let rows = OutputRows {
        empty: cat_f(&|p| &p.empty),
        full: cat_f(&|p| &p.full),
        singles: (0..m).map(|i| cat_f(&|p| &p.singles[i])).collect(),
    };
    let output = summarise_output(&rows, first.background_rows);
    let s = &first.settings;
    let intervals = shape_intervals(
        &performance,
        &output,
        &labels,
        &s.uncertainty.validate()?,
        s.seed,
    )?;
    Ok(MergedShape {
        performance,
        output,
        intervals,
        settings: s.clone(),
    })
}

//! LSMI's fitted models as a value: fit once, score any number of splits (or
//! shards of one), save to a file and load again.
//!
//! Scoring is per row: a row's PMIs and entropies depend only on the row and
//! the models, so the rows of a split can be scored in any grouping (shards,
//! processes, machines) and put back together exactly. Only the decomposition's
//! dataset-level shift and the intervals look at all rows at once; they are
//! computed after the rows are together ([`super::partial`]).

use super::estimate::{decompose, LsmiResult};
use super::models::{class_count, LsmiConfig, Models, PointwiseTables};
use crate::data::Split;
use crate::params::Checked;
use crate::progress::Progress;
use crate::shard::Fnv;
use crate::{Error, Result};

/// The classifiers (one per modality and per pair), KNIFE densities (one per
/// modality) and standardisers LSMI fits on a training split, with the settings
/// they were fitted with.
pub struct FittedLsmi {
    pub(super) config: LsmiConfig,
    pub(super) dims: Vec<usize>,
    pub(super) models: Models,
}

impl std::fmt::Debug for FittedLsmi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FittedLsmi")
            .field("dims", &self.dims)
            .field("n_classes", &self.models.n_classes)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl FittedLsmi {
    /// Fit every classifier and density on `train` (labelled, two or more
    /// modalities). `n_classes` is the width of the classifiers' outputs; `None`
    /// takes it from the training labels. Reproducible from `config.seed`
    /// whatever the thread count.
    pub fn fit(
        train: &Split,
        n_classes: Option<usize>,
        config: &Checked<LsmiConfig>,
        progress: &dyn Progress,
    ) -> Result<FittedLsmi> {
        let labels = train.require_labels("LSMI training")?;
        let n_classes = n_classes.unwrap_or_else(|| class_count(labels, &[]));
        let models = Models::fit(train, n_classes, config, "", progress)?;
        Ok(FittedLsmi {
            config: **config,
            dims: train.dims(),
            models,
        })
    }

    /// Fit on `train` to score `eval`: checks that the two have the same widths
    /// and makes the classifiers wide enough for the labels of both (what
    /// [`super::estimate()`] fits).
    pub fn fit_for(
        train: &Split,
        eval: &Split,
        config: &Checked<LsmiConfig>,
        progress: &dyn Progress,
    ) -> Result<FittedLsmi> {
        if train.dims() != eval.dims() {
            return Err(Error::invalid(format!(
                "training and evaluation modalities differ in width: {:?} vs {:?}",
                train.dims(),
                eval.dims()
            )));
        }
        if eval.is_empty() {
            return Err(Error::invalid("LSMI evaluation split has no rows"));
        }
        let n_classes = class_count(
            train.require_labels("LSMI training")?,
            eval.require_labels("LSMI evaluation")?,
        );
        Self::fit(train, Some(n_classes), config, progress)
    }

    /// The settings the models were fitted with.
    pub fn config(&self) -> &LsmiConfig {
        &self.config
    }

    /// Feature widths of the modalities the models read.
    pub fn dims(&self) -> &[usize] {
        &self.dims
    }

    /// Number of classes of the classifiers.
    pub fn n_classes(&self) -> usize {
        self.models.n_classes
    }

    /// Label frequencies of the training rows.
    pub fn train_prior(&self) -> &[f64] {
        &self.models.prior
    }

    /// Decompose every row of `eval` (labelled, the training widths) in its
    /// order; `adjust` applies the dataset-level shift over these rows.
    pub fn score(&self, eval: &Split, adjust: bool) -> Result<LsmiResult> {
        let tables = self.pointwise(eval)?;
        self.result(tables, eval.len(), adjust)
    }

    /// The result of pointwise tables of `n` rows, decomposed with or without
    /// the shift.
    pub(super) fn result(
        &self,
        tables: PointwiseTables,
        n: usize,
        adjust: bool,
    ) -> Result<LsmiResult> {
        Ok(LsmiResult {
            n,
            n_classes: self.models.n_classes,
            train_prior: self.models.prior.clone(),
            scales: self.models.scales.clone(),
            pairs: decompose(tables, self.dims.len(), adjust)?,
        })
    }

    /// The pointwise PMIs and entropies of every row of `eval`, after checking
    /// that its modalities have the widths the models were fitted on.
    pub(super) fn pointwise(&self, eval: &Split) -> Result<PointwiseTables> {
        if eval.dims() != self.dims {
            return Err(Error::invalid(format!(
                "the models were fitted on modalities of widths {:?}, the data have {:?}",
                self.dims,
                eval.dims()
            )));
        }
        if eval.is_empty() {
            return Err(Error::invalid("LSMI evaluation split has no rows"));
        }
        self.models.pointwise(eval)
    }

    /// A stable hash of the models (settings, widths, every parameter), so
    /// that shards scored with other models are refused at the merge.
    pub fn fingerprint(&self) -> String {
        let mut h = Fnv::new();
        h.bytes(
            serde_json::to_string(&self.config)
                .unwrap_or_default()
                .as_bytes(),
        );
        self.dims.iter().for_each(|&d| h.usize(d));
        let m = &self.models;
        h.usize(m.n_classes);
        h.f64s(&m.log_prior);
        m.unimodal.iter().for_each(|(_, p)| h.f32s(p));
        m.pairs.iter().for_each(|(_, _, p)| h.f32s(p));
        m.densities.iter().for_each(|k| h.f64s(k.params()));
        for s in m.standardisers.iter().flatten() {
            h.f64s(&s.mean);
            h.f64s(&s.sd);
        }
        h.hex()
    }
}

//! Sharded LSMI scoring: each shard scores a contiguous part of the evaluated
//! rows with the same fitted models and returns an [`LsmiPartial`];
//! [`merge`] puts the parts together into the result of scoring all rows at once.
//!
//! Why the merge is exact: a row's PMIs and entropies depend only on the row
//! and the models ([`FittedLsmi`]), so the merge concatenates them in row order
//! and decomposes the whole table with the same code as a single run. The
//! dataset-level shift, the means and the seeded bootstrap intervals are all
//! computed after the merge, over all rows, so nothing is approximated: merged
//! results equal the single run's bit for bit, whatever the shard count.
//!
//! Partial files are untrusted input: every shape is checked against the
//! counts before anything is built, and parts from other models, data or
//! settings, missing parts and parts given twice are refused.

use serde::{Deserialize, Serialize};

use super::estimate::{decompose, LsmiResult};
use super::fitted::FittedLsmi;
use super::models::{pairs, LsmiConfig, PointwiseTables};
use super::scale::FeatureScale;
use crate::data::Split;
use crate::params::{Validate, MAX_CLASSES};
use crate::report::LsmiReport;
use crate::shard::{check_rows, checked_parts, differs, hash_split, Shard, ShardResult};
use crate::uncertainty::UncertaintyConfig;
use crate::{Error, Result, Units};

/// What an LSMI partial file says it is.
pub const LSMI_PARTIAL_KIND: &str = "interplay-lsmi-partial";

/// Version of the LSMI partial format; parts of another version are refused.
pub const LSMI_PARTIAL_VERSION: u32 = 1;

/// How the merged rows are decomposed and reported: the settings every shard
/// must share beyond the models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreSettings {
    /// Apply the dataset-level shift (over all merged rows).
    pub adjust: bool,
    /// Interval settings of the report.
    pub uncertainty: UncertaintyConfig,
    /// Units of the report.
    pub units: Units,
    /// What the evaluated rows are (`val`, `train`, `all`), for the report.
    pub evaluated: String,
}

/// What one shard scored: its rows' pointwise quantities and what identifies
/// the run (models, data, settings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LsmiPartial {
    /// Always [`LSMI_PARTIAL_KIND`].
    pub kind: String,
    /// Always [`LSMI_PARTIAL_VERSION`].
    pub version: u32,
    /// Which shard this is.
    pub shard: Shard,
    /// Decomposition and report settings.
    pub settings: ScoreSettings,
    /// The settings the models were fitted with.
    pub config: LsmiConfig,
    /// [`FittedLsmi::fingerprint`] of the models.
    pub models: String,
    /// Rows of the evaluated split (all shards together).
    pub total_rows: usize,
    /// Hash of the whole evaluated split (every value and label).
    pub data: String,
    /// Position of this shard's first row.
    pub first_row: usize,
    /// Classes of the models.
    pub n_classes: usize,
    /// Label frequencies of the training rows.
    pub train_prior: Vec<f64>,
    /// Feature scales of the training rows.
    pub scales: Vec<FeatureScale>,
    /// i(x_m; y) per modality, each one value per row of the shard (nats).
    pub pmi: Vec<Vec<f64>>,
    /// i(x_i, x_j; y) per pair (i < j, lexicographic), per row.
    pub pair_pmi: Vec<Vec<f64>>,
    /// h(x_m) per modality, per row.
    pub entropy: Vec<Vec<f64>>,
}

/// Score shard `shard` of the rows of `eval` with `fitted`: what
/// [`FittedLsmi::score`] computes for those rows, kept pointwise for [`merge`].
pub fn score_shard(
    fitted: &FittedLsmi,
    eval: &Split,
    shard: Shard,
    settings: &ScoreSettings,
) -> Result<LsmiPartial> {
    let shard = Shard::new(shard.index, shard.count)?;
    let rows = shard.rows_checked(eval.len())?;
    settings.uncertainty.validate()?;
    let idx: Vec<usize> = rows.clone().collect();
    let tables = fitted.pointwise(&eval.select(&idx))?;
    let finite = [&tables.pmi, &tables.pair_pmi, &tables.entropy]
        .iter()
        .all(|t| t.iter().flatten().all(|v| v.is_finite()));
    if !finite {
        return Err(Error::Numerical(format!(
            "LSMI pointwise values of rows {rows:?} are not finite"
        )));
    }
    Ok(LsmiPartial {
        kind: LSMI_PARTIAL_KIND.into(),
        version: LSMI_PARTIAL_VERSION,
        shard,
        settings: settings.clone(),
        config: *fitted.config(),
        models: fitted.fingerprint(),
        total_rows: eval.len(),
        data: hash_split(eval),
        first_row: rows.start,
        n_classes: fitted.n_classes(),
        train_prior: fitted.train_prior().to_vec(),
        scales: fitted.models.scales.clone(),
        pmi: tables.pmi,
        pair_pmi: tables.pair_pmi,
        entropy: tables.entropy,
    })
}

/// The result of merged shards, with what its report needs.
#[derive(Debug, Clone, PartialEq)]
pub struct MergedLsmi {
    /// The decomposition of all rows, as one run gives it.
    pub result: LsmiResult,
    /// The models' settings, with the shift as the shards were told.
    pub config: LsmiConfig,
    /// The shards' decomposition and report settings.
    pub settings: ScoreSettings,
}

impl MergedLsmi {
    /// The report of the merged run (the one `interplay lsmi --json` writes).
    pub fn report(&self) -> Result<LsmiReport> {
        let s = &self.settings;
        LsmiReport::new(
            std::slice::from_ref(&self.result),
            &self.config,
            &s.uncertainty,
            None,
            &s.evaluated,
            s.units,
        )
    }
}

impl LsmiPartial {
    /// Rows this part holds.
    pub fn rows(&self) -> usize {
        self.pmi.first().map_or(0, Vec::len)
    }
}

impl ShardResult for LsmiPartial {
    const KIND: &'static str = LSMI_PARTIAL_KIND;
    const VERSION: u32 = LSMI_PARTIAL_VERSION;
    const WHAT: &'static str = "an LSMI partial";

    fn header(&self) -> (&str, u32, Shard) {
        (&self.kind, self.version, self.shard)
    }

    fn check_body(&self) -> Result<()> {
        let bad = |msg: String| Err(Error::invalid(msg));
        self.config.validate()?;
        self.settings.uncertainty.validate()?;
        let m = self.pmi.len();
        if m < 2 || self.entropy.len() != m || self.pair_pmi.len() != pairs(m).len() {
            return bad(format!(
                "{m} modalities with {} entropies and {} pairs",
                self.entropy.len(),
                self.pair_pmi.len()
            ));
        }
        if !(2..=MAX_CLASSES).contains(&self.n_classes)
            || self.train_prior.len() != self.n_classes
            || self.scales.len() != m
        {
            return bad(format!(
                "{} classes, {} prior entries and {} scales for {m} modalities",
                self.n_classes,
                self.train_prior.len(),
                self.scales.len()
            ));
        }
        let n = self.rows();
        check_rows(self.shard, self.total_rows, self.first_row, n)?;
        let columns = self.pmi.iter().chain(&self.pair_pmi).chain(&self.entropy);
        if columns.clone().any(|c| c.len() != n) {
            return bad(format!("every pointwise column must have {n} rows"));
        }
        if columns.flatten().any(|v| !v.is_finite()) {
            return bad("NaN or infinite pointwise values".into());
        }
        Ok(())
    }

    fn same_run(&self, other: &LsmiPartial) -> Result<()> {
        let differs = |what: &str| differs(self.shard, other.shard, what);
        if self.models != other.models || self.config != other.config {
            return differs("their models");
        }
        if (self.total_rows, &self.data) != (other.total_rows, &other.data) {
            return differs("the scored data");
        }
        if self.settings != other.settings {
            return differs("their settings");
        }
        if self.shard.count != other.shard.count || self.pmi.len() != other.pmi.len() {
            return differs("the shard count or the number of modalities");
        }
        Ok(())
    }
}

/// The single run's result from every shard of a run, given in any order.
pub fn merge(parts: &[LsmiPartial]) -> Result<MergedLsmi> {
    let order = checked_parts(parts)?;
    let first = order[0];
    let column = |pick: &dyn Fn(&LsmiPartial) -> &Vec<Vec<f64>>, k: usize| -> Vec<f64> {
        order
            .iter()
            .flat_map(|p| pick(p)[k].iter().copied())
            .collect()
    };
    let m = first.pmi.len();
    let tables = PointwiseTables {
        pmi: (0..m).map(|k| column(&|p| &p.pmi, k)).collect(),
        pair_pmi: (0..first.pair_pmi.len())
            .map(|k| column(&|p| &p.pair_pmi, k))
            .collect(),
        entropy: (0..m).map(|k| column(&|p| &p.entropy, k)).collect(),
    };
    let adjust = first.settings.adjust;
    Ok(MergedLsmi {
        result: LsmiResult {
            n: first.total_rows,
            n_classes: first.n_classes,
            train_prior: first.train_prior.clone(),
            scales: first.scales.clone(),
            pairs: decompose(tables, m, adjust)?,
        },
        config: LsmiConfig {
            adjust,
            ..first.config
        },
        settings: first.settings.clone(),
    })
}

//! Sharded InterSHAP: each shard explains a contiguous part of the explained rows
//! and returns a [`Partial`]; [`merge`] puts the parts together into the result a
//! single run gives.
//!
//! Why the merge is exact: every per-row quantity (coalition values, φ, SII, Φ,
//! v(∅), v(M)) depends only on its row, the background rows and the seed, and
//! every random choice is made as in the whole run (the explained rows are chosen
//! from all rows, then cut; masking draws and Shapley permutations come from
//! streams named by the row's position and the seed). The only quantity that
//! sums over rows is each background row's influence E_b on the mean coalition
//! values (for the score intervals), a mean over the explained rows and linear in
//! them: the whole run's E_b is the row-weighted mean of the shards' E_b. The
//! merge concatenates the rows in their order and then summarises them with the
//! same code as a single run (mean matrix, scores, pair shares, seeded bootstrap),
//! so the result equals the single run's up to the rounding of that weighted
//! mean (≤ 1e-12; bit for bit with one shard).
//!
//! Partial files are untrusted input: [`merge`] checks every count and shape
//! against the others before it builds an array, and refuses parts from other
//! settings, data or models (compared by [`Fingerprint`]), missing rows and rows
//! given twice.

use ndarray::{Array2, Array3};
use serde::{Deserialize, Serialize};

use super::config::{Approximation, BackgroundRows, InterShapConfig, Masking, OutputTarget, Space};
use super::explain::{
    accuracy_of, compute_rows, finish_explanation, masking_report, InterShapResult, RawExplanation,
};
use crate::data::Split;
use crate::model::eval::{choose_rows, SAMPLES_STREAM};
use crate::model::Model;
use crate::params::{Checked, Validate};
use crate::progress::Progress;
use crate::shapley::sampling::MAX_SAMPLED_PLAYERS;
use crate::shapley::{Interactions, StdErrors};
pub use crate::shard::Shard;
use crate::shard::{
    check_rows, checked_parts, differs, hash_matrices, hash_split, Fnv, ShardResult,
};
use crate::{Error, Result};

/// What a partial file says it is, so another JSON file is not mistaken for one.
pub const PARTIAL_KIND: &str = "interplay-intershap-partial";

/// Version of the partial format; parts of another version are refused.
pub const PARTIAL_VERSION: u32 = 1;

/// The settings every shard must share, in a form that survives a file: the
/// merge rebuilds the run's [`InterShapConfig`] from them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialSettings {
    /// Explained rows asked for (`None`: every row).
    pub samples: Option<usize>,
    /// Background rows asked for: a number or `all`.
    pub background: String,
    /// Random background draws per value (`None`: the exact mean).
    pub masking_draws: Option<usize>,
    /// `best`, `class:K` or `all`.
    pub output: String,
    /// `probability` or `logit`.
    pub space: String,
    /// Permutations of the Shapley sampling (0: exact).
    pub permutations: usize,
    /// Seed of every random choice.
    pub seed: u64,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// Bootstrap replicates of the intervals.
    pub bootstrap: usize,
    /// Half-width target of the global interval (for the report's warning).
    pub ci_target: f64,
}

impl PartialSettings {
    fn of(config: &InterShapConfig, permutations: usize) -> Self {
        PartialSettings {
            samples: config.samples,
            background: config.background.to_string(),
            masking_draws: match config.masking {
                Masking::Mean => None,
                Masking::Draws(k) => Some(k),
            },
            output: config.output.to_string(),
            space: config.space.to_string(),
            permutations,
            seed: config.seed,
            confidence: config.uncertainty.level,
            bootstrap: config.uncertainty.replicates,
            ci_target: config.ci_target,
        }
    }

    /// The run's settings, checked like any others (a partial is untrusted).
    pub fn config(&self) -> Result<Checked<InterShapConfig>> {
        let background: BackgroundRows = self.background.parse()?;
        if background == BackgroundRows::Auto {
            return Err(Error::invalid("a partial cannot have background `auto`"));
        }
        InterShapConfig {
            samples: self.samples,
            background,
            masking: self.masking_draws.map_or(Masking::Mean, Masking::Draws),
            output: OutputTarget::parse(&self.output)?,
            space: Space::parse(&self.space)?,
            approximation: match self.permutations {
                0 => Approximation::Exact,
                t => Approximation::Permutations(t),
            },
            seed: self.seed,
            uncertainty: crate::uncertainty::UncertaintyConfig {
                level: self.confidence,
                replicates: self.bootstrap,
            },
            ci_target: self.ci_target,
            ..InterShapConfig::default()
        }
        .validate()
    }
}

/// What identifies the data and the model of a run, so that parts computed on
/// other data or with another model are refused. Hashes are 64-bit FNV-1a, hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fingerprint {
    /// Rows of the explained split (all of them, not only the chosen ones).
    pub input_rows: usize,
    /// Hash of the whole explained split: every value of every modality and the
    /// labels.
    pub inputs: String,
    /// Rows of the background split.
    pub background_split_rows: usize,
    /// Hash of the background rows used.
    pub background: String,
    /// Hash of the model's outputs on the background rows, in the explained
    /// space: the model's behaviour, whatever file or process it came from.
    pub model: String,
    /// What the model calls itself (informative only: a path may differ from
    /// machine to machine).
    pub model_name: String,
}

/// Standard errors of one output's sampled quantities, flat row-major.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialStdErrors {
    /// `n × M`.
    pub phi: Vec<f64>,
    /// `n × M × M`.
    pub sii: Vec<f64>,
    /// `n × M × M`.
    pub matrix: Vec<f64>,
}

/// One explained output of a shard's rows, flat row-major arrays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialOutput {
    /// `best` or `class:K`.
    pub output: String,
    /// The class explained for each row.
    pub classes: Vec<usize>,
    /// φ, `n × M`.
    pub phi: Vec<f64>,
    /// SII, `n × M × M`.
    pub sii: Vec<f64>,
    /// Φ, `n × M × M`.
    pub matrix: Vec<f64>,
    /// Standard errors when the Shapley quantities were sampled.
    pub std_err: Option<PartialStdErrors>,
    /// v(∅) of each row's class.
    pub base_values: Vec<f64>,
    /// v(M) of each row's class.
    pub predictions: Vec<f64>,
    /// E_b over this shard's rows, `B × M × M` (absent without intervals).
    pub background_influence: Option<Vec<f64>>,
}

/// What one shard computed: enough to rebuild, with the other shards, the
/// single run's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partial {
    /// Always [`PARTIAL_KIND`].
    pub kind: String,
    /// Always [`PARTIAL_VERSION`].
    pub version: u32,
    /// Which shard this is.
    pub shard: Shard,
    /// The run's settings.
    pub settings: PartialSettings,
    /// The data and model.
    pub fingerprint: Fingerprint,
    /// Number of modalities M.
    pub n_modalities: usize,
    /// Number of classes of the model.
    pub n_classes: usize,
    /// Rows the whole run explains (N).
    pub total_rows: usize,
    /// Position of this shard's first row among them.
    pub first_row: usize,
    /// Indices into the explained split of this shard's rows, ascending.
    pub sample_indices: Vec<usize>,
    /// The class predicted for each row.
    pub predicted: Vec<usize>,
    /// The label of each row, when the split has labels.
    pub labels: Option<Vec<usize>>,
    /// Background rows used (B).
    pub background_rows: usize,
    /// Masked coalitions evaluated per row.
    pub masked_coalitions: usize,
    /// Model rows this shard evaluated.
    pub model_rows: u64,
    /// One entry per explained output.
    pub outputs: Vec<PartialOutput>,
}

/// Explain shard `shard` of the rows [`super::explain()`] would explain with the
/// same settings, and return what the merge needs. Every shard evaluates the
/// whole background once (for v(∅)); the rest of its cost is its share of rows.
///
/// Refuses `BackgroundRows::Auto` (its size depends on the interval over all
/// rows, which no shard sees) and more shards than explained rows.
pub fn explain_shard(
    model: &dyn Model,
    inputs: &Split,
    background: &Split,
    config: &Checked<InterShapConfig>,
    shard: Shard,
    progress: &dyn Progress,
) -> Result<Partial> {
    let shard = Shard::new(shard.index, shard.count)?;
    let background_k = match config.background {
        BackgroundRows::Sample(b) => Some(b),
        BackgroundRows::All => None,
        BackgroundRows::Auto => {
            return Err(Error::invalid(
                "background `auto` sizes the background from the interval over all rows, which no shard sees: give a number of rows or `all` to run in shards",
            ))
        }
    };
    let total = choose_rows(inputs.len(), config.samples, config.seed, SAMPLES_STREAM).len();
    if shard.count > total {
        return Err(Error::invalid(format!(
            "{} shards for {total} explained rows: every shard needs at least one row",
            shard.count
        )));
    }
    let positions = shard.rows(total);
    let computed = compute_rows(
        model,
        inputs,
        background,
        config,
        background_k,
        Some(positions.clone()),
        progress,
    )?;
    let rows = &computed.rows;
    let (n, n_bg, m) = (rows.n(), rows.n_background(), inputs.n_modalities());
    let mut model_hash = Fnv::new();
    for v in computed.ends.background.iter() {
        model_hash.bytes(&v.to_bits().to_le_bytes());
    }
    let fingerprint = Fingerprint {
        input_rows: inputs.len(),
        inputs: hash_split(inputs),
        background_split_rows: background.len(),
        background: hash_matrices(rows.background.iter().map(|x| x.view())).hex(),
        model: model_hash.hex(),
        model_name: model.name(),
    };
    let report = masking_report(config, n, n_bg, computed.permutations, computed.masked);
    let outputs = computed.raw.into_iter().map(partial_output).collect();
    Ok(Partial {
        kind: PARTIAL_KIND.into(),
        version: PARTIAL_VERSION,
        shard,
        settings: PartialSettings::of(config, computed.permutations),
        fingerprint,
        n_modalities: m,
        n_classes: model.n_classes(),
        total_rows: rows.total,
        first_row: rows.first,
        labels: inputs
            .labels()
            .map(|y| rows.sample_idx.iter().map(|&i| y[i]).collect()),
        sample_indices: rows.sample_idx.clone(),
        predicted: computed.ends.predicted,
        background_rows: n_bg,
        masked_coalitions: computed.masked,
        model_rows: report.model_rows,
        outputs,
    })
}

fn partial_output(raw: RawExplanation) -> PartialOutput {
    let flat2 = |a: Array2<f64>| a.into_iter().collect::<Vec<f64>>();
    let flat3 = |a: Array3<f64>| a.into_iter().collect::<Vec<f64>>();
    let inter = raw.interactions;
    PartialOutput {
        output: raw.output,
        classes: raw.classes,
        phi: flat2(inter.phi),
        sii: flat3(inter.sii),
        matrix: flat3(inter.matrix),
        std_err: inter.std_err.map(|se| PartialStdErrors {
            phi: flat2(se.phi),
            sii: flat3(se.sii),
            matrix: flat3(se.matrix),
        }),
        base_values: raw.base_values,
        predictions: raw.predictions,
        background_influence: raw.background.map(flat3),
    }
}

impl ShardResult for Partial {
    const KIND: &'static str = PARTIAL_KIND;
    const VERSION: u32 = PARTIAL_VERSION;
    const WHAT: &'static str = "an InterSHAP partial";

    fn header(&self) -> (&str, u32, Shard) {
        (&self.kind, self.version, self.shard)
    }

    /// Every count and shape agrees with the others and every value is in
    /// range.
    fn check_body(&self) -> Result<()> {
        let bad = |msg: String| Err(Error::invalid(msg));
        let m = self.n_modalities;
        if !(2..=MAX_SAMPLED_PLAYERS).contains(&m) {
            return bad(format!(
                "{m} modalities (2..={MAX_SAMPLED_PLAYERS} possible)"
            ));
        }
        if !(1..=crate::params::MAX_CLASSES).contains(&self.n_classes) {
            return bad(format!("{} classes", self.n_classes));
        }
        let n = self.sample_indices.len();
        check_rows(self.shard, self.total_rows, self.first_row, n)?;
        if self.total_rows > self.fingerprint.input_rows
            || self.sample_indices.windows(2).any(|w| w[0] >= w[1])
            || self
                .sample_indices
                .iter()
                .any(|&i| i >= self.fingerprint.input_rows)
        {
            return bad("sample indices not ascending within the explained split".into());
        }
        if self.predicted.len() != n || self.predicted.iter().any(|&c| c >= self.n_classes) {
            return bad("one predicted class per row, below the class count, expected".into());
        }
        if self.labels.as_ref().is_some_and(|y| y.len() != n) {
            return bad("one label per row expected".into());
        }
        if self.background_rows == 0
            || self.background_rows > self.fingerprint.background_split_rows
        {
            return bad(format!("{} background rows", self.background_rows));
        }
        self.settings.config()?;
        let mm = m * m;
        let (nm, nmm) = (n * m, n * mm);
        let bmm = self
            .background_rows
            .checked_mul(mm)
            .ok_or_else(|| Error::invalid("background too large"))?;
        if self.outputs.is_empty() {
            return bad("no explained output".into());
        }
        for o in &self.outputs {
            OutputTarget::parse(&o.output)?;
            let sizes_ok = o.classes.len() == n
                && o.phi.len() == nm
                && o.sii.len() == nmm
                && o.matrix.len() == nmm
                && o.base_values.len() == n
                && o.predictions.len() == n
                && o.std_err.as_ref().is_none_or(|se| {
                    se.phi.len() == nm && se.sii.len() == nmm && se.matrix.len() == nmm
                })
                && o.background_influence
                    .as_ref()
                    .is_none_or(|b| b.len() == bmm);
            if !sizes_ok {
                return bad(format!(
                    "output {}: arrays do not have the shapes of {n} rows, {m} modalities and {} background rows",
                    o.output, self.background_rows
                ));
            }
            if o.classes.iter().any(|&c| c >= self.n_classes) {
                return bad(format!("output {}: class beyond the class count", o.output));
            }
            if (self.settings.permutations > 0) != o.std_err.is_some()
                || (self.settings.bootstrap > 0) != o.background_influence.is_some()
            {
                return bad(format!(
                    "output {}: standard errors or background influence do not match the settings",
                    o.output
                ));
            }
            let finite = [&o.phi, &o.sii, &o.matrix, &o.base_values, &o.predictions]
                .into_iter()
                .chain(o.background_influence.as_ref())
                .chain(
                    o.std_err
                        .iter()
                        .flat_map(|se| [&se.phi, &se.sii, &se.matrix]),
                )
                .all(|v| v.iter().all(|x| x.is_finite()));
            if !finite {
                return bad(format!("output {}: NaN or infinite values", o.output));
            }
        }
        Ok(())
    }

    fn same_run(&self, other: &Partial) -> Result<()> {
        let differs = |what: &str| differs(self.shard, other.shard, what);
        if self.settings != other.settings {
            return differs("their settings");
        }
        let (a, b) = (&self.fingerprint, &other.fingerprint);
        if (a.input_rows, &a.inputs) != (b.input_rows, &b.inputs) {
            return differs("the explained data");
        }
        if (a.background_split_rows, &a.background) != (b.background_split_rows, &b.background) {
            return differs("the background rows");
        }
        if a.model != b.model || self.n_classes != other.n_classes {
            return differs("the model (its outputs on the background rows)");
        }
        if self.shard.count != other.shard.count || self.total_rows != other.total_rows {
            return differs("the shard count or the number of explained rows");
        }
        if (
            self.n_modalities,
            self.background_rows,
            self.masked_coalitions,
        ) != (
            other.n_modalities,
            other.background_rows,
            other.masked_coalitions,
        ) || self.labels.is_some() != other.labels.is_some()
            || self.outputs.len() != other.outputs.len()
            || self
                .outputs
                .iter()
                .zip(&other.outputs)
                .any(|(x, y)| x.output != y.output)
        {
            return differs("their shapes (modalities, background rows, outputs)");
        }
        Ok(())
    }
}

impl Partial {
    /// The run's settings.
    pub fn config(&self) -> Result<Checked<InterShapConfig>> {
        self.settings.config()
    }
}

/// The single run's result from all the shards of a run, given in any order.
///
/// Refuses parts that are malformed, from different runs, missing or given
/// twice; checks that the rows of the parts are exactly the rows the run's
/// settings choose.
pub fn merge(parts: &[Partial]) -> Result<InterShapResult> {
    let order = checked_parts(parts)?;
    let first = order[0];
    let config = first.config()?;
    let total = first.total_rows;
    let sample_indices: Vec<usize> = order
        .iter()
        .flat_map(|p| p.sample_indices.iter().copied())
        .collect();
    let expected_n = config.samples.map_or(first.fingerprint.input_rows, |k| {
        k.min(first.fingerprint.input_rows)
    });
    if sample_indices.len() != total
        || expected_n != total
        || choose_rows(
            first.fingerprint.input_rows,
            config.samples,
            config.seed,
            SAMPLES_STREAM,
        ) != sample_indices
    {
        return Err(Error::invalid(
            "the shards' rows are not the rows this run's settings explain",
        ));
    }
    let m = first.n_modalities;
    let n_bg = first.background_rows;
    let explanations = (0..first.outputs.len())
        .map(|k| merged_output(&order, k, m, n_bg, total))
        .map(|raw| raw.map(|r| finish_explanation(r, &config.uncertainty, config.seed)))
        .collect::<Result<Vec<_>>>()?;
    let predicted: Vec<usize> = order
        .iter()
        .flat_map(|p| p.predicted.iter().copied())
        .collect();
    let labels: Option<Vec<usize>> = order
        .iter()
        .map(|p| p.labels.clone())
        .collect::<Option<Vec<_>>>()
        .map(|l| l.concat());
    Ok(InterShapResult {
        n_modalities: m,
        masking: masking_report(
            &config,
            total,
            n_bg,
            first.settings.permutations,
            first.masked_coalitions,
        ),
        model_accuracy: labels.and_then(|y| accuracy_of(&y, &predicted)),
        sample_indices,
        explanations,
        auto_background: None,
    })
}

/// Output `k` of every part, rows concatenated in order, with the background
/// influence of all rows (the row-weighted mean of the parts').
fn merged_output(
    order: &[&Partial],
    k: usize,
    m: usize,
    n_bg: usize,
    total: usize,
) -> Result<RawExplanation> {
    let outs: Vec<&PartialOutput> = order.iter().map(|p| &p.outputs[k]).collect();
    let cat = |f: &dyn Fn(&PartialOutput) -> &Vec<f64>| -> Vec<f64> {
        outs.iter().flat_map(|o| f(o).iter().copied()).collect()
    };
    let shape = |e: ndarray::ShapeError| Error::Numerical(e.to_string());
    let arr2 = |v: Vec<f64>| Array2::from_shape_vec((total, m), v).map_err(shape);
    let arr3 = |v: Vec<f64>| Array3::from_shape_vec((total, m, m), v).map_err(shape);
    let std_err = if outs.iter().all(|o| o.std_err.is_some()) {
        let se = |f: &dyn Fn(&PartialStdErrors) -> &Vec<f64>| -> Vec<f64> {
            outs.iter()
                .filter_map(|o| o.std_err.as_ref())
                .flat_map(|s| f(s).iter().copied())
                .collect()
        };
        Some(StdErrors {
            phi: arr2(se(&|s| &s.phi))?,
            sii: arr3(se(&|s| &s.sii))?,
            matrix: arr3(se(&|s| &s.matrix))?,
        })
    } else {
        None
    };
    let background = if outs.iter().all(|o| o.background_influence.is_some()) {
        let mut sum = Array3::<f64>::zeros((n_bg, m, m));
        for (p, o) in order.iter().zip(&outs) {
            if let Some(b) = &o.background_influence {
                let part = Array3::from_shape_vec((n_bg, m, m), b.clone()).map_err(shape)?;
                let weight = p.sample_indices.len() as f64 / total as f64;
                sum.zip_mut_with(&part, |s, &x| *s += weight * x);
            }
        }
        Some(sum)
    } else {
        None
    };
    Ok(RawExplanation {
        output: outs[0].output.clone(),
        classes: outs
            .iter()
            .flat_map(|o| o.classes.iter().copied())
            .collect(),
        interactions: Interactions {
            phi: arr2(cat(&|o| &o.phi))?,
            sii: arr3(cat(&|o| &o.sii))?,
            matrix: arr3(cat(&|o| &o.matrix))?,
            std_err,
        },
        base_values: cat(&|o| &o.base_values),
        predictions: cat(&|o| &o.predictions),
        background,
    })
}

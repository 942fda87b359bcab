//! PID of continuous modalities, the CVX recipe of Liang et al. (2023): per
//! modality, normalise, project on the top principal components and cluster with
//! k-means; then decompose the joint histogram of (cluster 1, cluster 2, label)
//! with [`broja`]. Plug-in MIs over 30×30×|Y| cells are biased upwards with
//! few samples, so compare values only at equal sample sizes and cluster counts.

use ndarray::{Array2, ArrayView2};
use serde::Serialize;

use super::kmeans::kmeans;
use super::pca;
use super::{broja, BrojaOptions, PidResult};
use crate::discrete::JointTable;
use crate::model::Model;
use crate::params::{Checked, Validate};
use crate::rng::{seeded, stream_id};
use crate::{Error, Result};

/// How each modality's rows are scaled before PCA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Normalisation {
    /// Each row divided by its Euclidean norm (sklearn `normalize`, what the
    /// original notebooks do; zero rows stay zero).
    #[default]
    L2Rows,
    /// Each feature centred and divided by its standard deviation.
    Standardise,
    /// No scaling (PCA still centres).
    None,
}

impl Normalisation {
    /// The name on the command line and in Python (`l2`, `standardise`, `none`).
    pub fn name(self) -> &'static str {
        match self {
            Normalisation::L2Rows => "l2",
            Normalisation::Standardise => "standardise",
            Normalisation::None => "none",
        }
    }
}

impl std::str::FromStr for Normalisation {
    type Err = Error;
    /// `l2` (or `l2_rows`), `standardise` (or `standardize`) or `none`, in any case.
    fn from_str(text: &str) -> Result<Self> {
        match text.to_ascii_lowercase().as_str() {
            "l2" | "l2_rows" => Ok(Normalisation::L2Rows),
            "standardise" | "standardize" => Ok(Normalisation::Standardise),
            "none" => Ok(Normalisation::None),
            _ => Err(crate::params::unknown(
                "normalisation",
                text,
                &["l2", "standardise", "none"],
            )),
        }
    }
}

impl std::fmt::Display for Normalisation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Settings of the discretisation.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct DiscretiseOptions {
    /// Row or feature scaling before PCA.
    pub normalisation: Normalisation,
    /// Principal components kept per modality (all when ≥ the width).
    pub pca_components: usize,
    /// k-means clusters per modality.
    pub clusters: usize,
    /// Upper limit on Lloyd iterations.
    pub max_iter: usize,
    /// Seed of the PCA sketch and the k-means++ seeding.
    pub seed: u64,
}

impl Validate for DiscretiseOptions {
    /// Reject settings that cannot discretise, naming the setting and its range.
    fn check(&self) -> crate::Result<()> {
        crate::params::at_least("pca", self.pca_components, 1)?;
        crate::params::at_least("clusters", self.clusters, 1)?;
        crate::params::at_least("max_iter", self.max_iter, 1)
    }
}

impl DiscretiseOptions {
    /// The real-data defaults of the CVX notebook: PCA 5, 30 clusters.
    pub fn real_data() -> Self {
        DiscretiseOptions {
            normalisation: Normalisation::default(),
            pca_components: 5,
            clusters: 30,
            max_iter: 300,
            seed: 0,
        }
    }

    /// The synthetic-data defaults of the clustering notebook: PCA 2, 20 clusters.
    pub fn synthetic() -> Self {
        DiscretiseOptions {
            pca_components: 2,
            clusters: 20,
            ..Self::real_data()
        }
    }
}

impl Default for DiscretiseOptions {
    fn default() -> Self {
        Self::real_data()
    }
}

/// PID of discretised data, with the histogram it was computed from.
#[derive(Debug, Clone)]
pub struct ContinuousPid {
    /// The BROJA decomposition of the histogram.
    pub pid: PidResult,
    /// The empirical joint of (cluster of x1, cluster of x2, label).
    pub joint: JointTable,
    /// Clusters actually used per modality (fewer than asked with few distinct rows).
    pub clusters: [usize; 2],
    /// Cluster of every row, per modality: the discretised X that the shuffle
    /// null ([`ContinuousPid::shuffle_null`]) keeps fixed.
    pub codes: [Vec<usize>; 2],
    /// The target of every row (labels, or a model's predicted classes).
    pub targets: Vec<usize>,
}

impl ContinuousPid {
    /// The label-shuffle null of this PID (same discretisation, y permuted);
    /// `None` when `options.shuffles` is 0. See [`super::null`].
    pub fn shuffle_null(
        &self,
        broja_options: &Checked<BrojaOptions>,
        options: &Checked<super::NullOptions>,
    ) -> Result<Option<super::PidNull>> {
        super::shuffle_null(
            &self.codes[0],
            &self.codes[1],
            &self.targets,
            &self.pid,
            broja_options,
            options,
        )
    }
}

/// Cluster index of every row of one modality. `modality` names the random
/// stream, so the two modalities use independent draws.
pub fn discretise(
    x: ArrayView2<'_, f32>,
    options: &Checked<DiscretiseOptions>,
    modality: usize,
) -> Result<Vec<usize>> {
    if x.nrows() == 0 {
        return Err(Error::invalid("cannot discretise an empty modality"));
    }
    if options.clusters > x.nrows() {
        return Err(Error::invalid(format!(
            "clusters must not exceed the {} rows being discretised (got {})",
            x.nrows(),
            options.clusters
        )));
    }
    // nan_to_num, as the original notebooks do.
    let mut z: Array2<f64> = x.mapv(|v| {
        if v.is_nan() {
            0.0
        } else {
            f64::from(v.clamp(f32::MIN, f32::MAX))
        }
    });
    normalise(&mut z, options.normalisation);
    let mut rng = seeded(
        options.seed,
        stream_id(&format!("pid-discretise-{modality}")),
    );
    let projected = pca::project(&z, options.pca_components, &mut rng);
    Ok(kmeans(
        &projected,
        options.clusters,
        options.max_iter,
        &mut rng,
    ))
}

fn normalise(z: &mut Array2<f64>, how: Normalisation) {
    match how {
        Normalisation::L2Rows => {
            for mut row in z.rows_mut() {
                let norm = row.dot(&row).sqrt();
                if norm > 0.0 {
                    row.mapv_inplace(|v| v / norm);
                }
            }
        }
        Normalisation::Standardise => {
            for mut col in z.columns_mut() {
                let n = col.len() as f64;
                let mean = col.sum() / n;
                let var = col.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
                let sd = var.sqrt();
                col.mapv_inplace(|v| if sd > 0.0 { (v - mean) / sd } else { 0.0 });
            }
        }
        Normalisation::None => {}
    }
}

/// PID of two continuous modalities with respect to integer labels.
pub fn pid_of_data(
    x1: ArrayView2<'_, f32>,
    x2: ArrayView2<'_, f32>,
    labels: &[usize],
    options: &Checked<DiscretiseOptions>,
    broja_options: &Checked<BrojaOptions>,
) -> Result<ContinuousPid> {
    if x1.nrows() != x2.nrows() || x1.nrows() != labels.len() {
        return Err(Error::invalid(format!(
            "rows differ: x1 {}, x2 {}, labels {}",
            x1.nrows(),
            x2.nrows(),
            labels.len()
        )));
    }
    let c1 = discretise(x1, options, 0)?;
    let c2 = discretise(x2, options, 1)?;
    let joint = JointTable::from_samples(&c1, &c2, labels)?;
    let pid = broja(&joint, broja_options)?;
    let clusters = [
        c1.iter().max().map_or(0, |m| m + 1),
        c2.iter().max().map_or(0, |m| m + 1),
    ];
    Ok(ContinuousPid {
        pid,
        joint,
        clusters,
        codes: [c1, c2],
        targets: labels.to_vec(),
    })
}

/// "PID of a model": the labels are replaced by the model's predicted classes
/// (arg-max of its output), so the decomposition describes what the model uses.
pub fn pid_of_model(
    x1: ArrayView2<'_, f32>,
    x2: ArrayView2<'_, f32>,
    model: &dyn Model,
    options: &Checked<DiscretiseOptions>,
    broja_options: &Checked<BrojaOptions>,
) -> Result<ContinuousPid> {
    let predictions = predict(model, &[x1.view(), x2.view()])?;
    pid_of_data(x1, x2, &predictions, options, broja_options)
}

/// Arg-max class of every row, evaluated in batches of 4 096 rows.
pub fn predict(model: &dyn Model, inputs: &[ArrayView2<'_, f32>]) -> Result<Vec<usize>> {
    crate::model::eval::predict(model, inputs)
}

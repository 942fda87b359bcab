//! The mini-batch training loop shared by the estimators' classifiers.

use super::{softmax_cross_entropy, Adam, AdamConfig, Mlp, MlpWorkspace, StepLr};
use crate::params::{Checked, Validate};
use crate::{Error, Result};
use ndarray::ArrayView2;
use rand::seq::SliceRandom;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// How a classifier is trained: PyTorch-style epochs over shuffled mini-batches
/// (the last batch may be smaller: `drop_last = False`), Adam, and a step schedule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClassifierTraining {
    /// Passes over the training data.
    pub epochs: usize,
    /// Rows per mini-batch.
    pub batch_size: usize,
    /// Optimiser settings (its `lr` is the schedule's base rate).
    pub adam: AdamConfig,
    /// Learning-rate decay per epoch.
    pub schedule: StepLr,
}

impl Default for ClassifierTraining {
    /// The LSMI discriminator defaults: 30 epochs, batch 32, Adam 1e-3, StepLR(15, 0.1).
    fn default() -> Self {
        ClassifierTraining {
            epochs: 30,
            batch_size: 32,
            adam: AdamConfig::default(),
            schedule: StepLr {
                step_size: 15,
                gamma: 0.1,
            },
        }
    }
}

impl ClassifierTraining {
    /// [`Validate::check`] with `suffix` naming the owner of the epochs, as in
    /// `epochs_discriminator`.
    pub(crate) fn check_as(&self, suffix: &str) -> Result<()> {
        crate::params::at_least(&format!("epochs{suffix}"), self.epochs, 1)?;
        crate::params::at_least("batch_size", self.batch_size, 1)?;
        self.adam.check_as("")?;
        self.schedule.check_as("")
    }
}

impl Validate for ClassifierTraining {
    /// Reject settings that cannot train.
    fn check(&self) -> Result<()> {
        self.check_as("")
    }
}

/// Fresh random orders of `0..n`, one per epoch, as PyTorch's shuffling loader
/// draws them; seeded by the caller's generator.
#[derive(Debug, Clone)]
pub struct EpochPermutations {
    order: Vec<usize>,
}

impl EpochPermutations {
    /// Orders over `n` rows.
    pub fn new(n: usize) -> Self {
        EpochPermutations {
            order: (0..n).collect(),
        }
    }

    /// The next epoch's order.
    pub fn next_epoch(&mut self, rng: &mut impl Rng) -> &[usize] {
        self.order.iter_mut().enumerate().for_each(|(i, v)| *v = i);
        self.order.shuffle(rng);
        &self.order
    }
}

/// Copy rows `idx` of `x` into `buf` (row-major), so a batch is one contiguous slice.
pub fn gather_rows(x: ArrayView2<'_, f32>, idx: &[usize], buf: &mut Vec<f32>) {
    buf.clear();
    for &i in idx {
        let row = x.row(i);
        match row.as_slice() {
            Some(s) => buf.extend_from_slice(s),
            None => buf.extend(row.iter().copied()),
        }
    }
}

/// Train `mlp` (its slot of `params`) as a classifier of `labels` from `x` with
/// softmax cross-entropy. `shuffle` draws the batch orders; `on_epoch(epoch, loss)`
/// is called after each epoch with the mean training loss. Returns those losses.
pub fn train_classifier(
    mlp: &Mlp,
    params: &mut [f32],
    x: ArrayView2<'_, f32>,
    labels: &[usize],
    config: &Checked<ClassifierTraining>,
    shuffle: &mut impl Rng,
    on_epoch: &mut dyn FnMut(usize, f64) -> Result<()>,
) -> Result<Vec<f64>> {
    let n = x.nrows();
    let n_classes = mlp.output_dim();
    if labels.len() != n {
        return Err(Error::invalid(format!(
            "{} rows but {} labels",
            n,
            labels.len()
        )));
    }
    if x.ncols() != mlp.input_dim() {
        return Err(Error::invalid(format!(
            "input has {} columns, the network expects {}",
            x.ncols(),
            mlp.input_dim()
        )));
    }
    if let Some(&bad) = labels.iter().find(|&&y| y >= n_classes) {
        return Err(Error::invalid(format!(
            "label {bad} out of range for {n_classes} classes"
        )));
    }
    if n == 0 || config.batch_size == 0 {
        return Err(Error::invalid("training needs rows and a batch size ≥ 1"));
    }
    let mut adam = Adam::new(params.len(), config.adam);
    let mut grads = vec![0.0f32; params.len()];
    let mut ws = MlpWorkspace::default();
    let mut perms = EpochPermutations::new(n);
    let (mut xb, mut yb, mut dlogits) = (Vec::new(), Vec::new(), Vec::new());
    let mut losses = Vec::with_capacity(config.epochs);
    for epoch in 0..config.epochs {
        adam.config.lr = config.schedule.lr(config.adam.lr, epoch);
        let order = perms.next_epoch(shuffle);
        let mut total = 0.0;
        for idx in order.chunks(config.batch_size) {
            let b = idx.len();
            gather_rows(x, idx, &mut xb);
            yb.clear();
            yb.extend(idx.iter().map(|&i| labels[i]));
            dlogits.resize(b * n_classes, 0.0);
            let logits = mlp.forward(params, &xb, b, &mut ws);
            total += softmax_cross_entropy(logits, &yb, n_classes, &mut dlogits) * b as f64;
            mlp.backward(params, &mut ws, &dlogits, &mut grads, None);
            adam.step(params, &grads);
        }
        let mean = total / n as f64;
        if !mean.is_finite() {
            return Err(crate::params::diverged(
                "classifier training",
                epoch + 1,
                mean,
                "the learning rate or raise batch_size",
            ));
        }
        on_epoch(epoch, mean)?;
        losses.push(mean);
    }
    Ok(losses)
}

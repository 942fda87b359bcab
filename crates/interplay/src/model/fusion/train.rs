//! Training fusion networks: mini-batch Adam on softmax cross-entropy, keeping the
//! parameters of the epoch with the best validation macro-F1.

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use super::net::{Fusion, FusionNet, FusionWorkspace};
use crate::data::Split;
use crate::metrics::{accuracy, macro_f1};
use crate::nn::{gather_rows, softmax_cross_entropy, Adam, AdamConfig, EpochPermutations, StepLr};
use crate::params::{Checked, Validate};
use crate::progress::Progress;
use crate::rng::{seeded, stream_id};
use crate::{Error, Result};

/// Training settings; the defaults are the paper's (Adam lr 1e-4, weight decay
/// 1e-4, step LR ×0.2 every 500 epochs, batch 400, 200 epochs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FusionTraining {
    /// Passes over the training split.
    pub epochs: usize,
    /// Rows per mini-batch.
    pub batch_size: usize,
    /// Base learning rate.
    pub lr: f64,
    /// L2 weight decay (PyTorch Adam semantics).
    pub weight_decay: f64,
    /// Epochs between learning-rate decays.
    pub lr_step: usize,
    /// Learning-rate decay factor.
    pub lr_gamma: f64,
    /// Seed of the initialisation and the batch order.
    pub seed: u64,
}

impl Default for FusionTraining {
    fn default() -> Self {
        FusionTraining {
            epochs: 200,
            batch_size: 400,
            lr: 1e-4,
            weight_decay: 1e-4,
            lr_step: 500,
            lr_gamma: 0.2,
            seed: 0,
        }
    }
}

impl Validate for FusionTraining {
    /// Reject settings that cannot train, naming the setting and its range.
    fn check(&self) -> Result<()> {
        use crate::params::{at_least, non_negative, positive, within};
        at_least("epochs", self.epochs, 1)?;
        at_least("batch_size", self.batch_size, 1)?;
        positive("lr", self.lr)?;
        non_negative("weight_decay", self.weight_decay)?;
        at_least("lr_step", self.lr_step, 1)?;
        within("lr_gamma", self.lr_gamma, 0.0, 1.0, true, false)
    }
}

/// What training achieved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainReport {
    /// Epoch (1-based) whose parameters were kept.
    pub best_epoch: usize,
    /// Validation accuracy of the kept parameters.
    pub val_accuracy: f64,
    /// Validation macro-F1 of the kept parameters.
    pub val_macro_f1: f64,
    /// Mean training loss (nats) of every epoch.
    pub train_loss: Vec<f64>,
}

/// Predicted classes of every row of `split` under `params`.
fn predict(net: &FusionNet, params: &[f32], split: &Split) -> Result<Vec<usize>> {
    let views: Vec<ArrayView2<f32>> = split.views();
    let logits = net.logits_with(params, &views)?;
    crate::model::check_output(net, split.len(), &logits)?;
    Ok(logits
        .rows()
        .into_iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .fold(
                    (0, f32::NEG_INFINITY),
                    |b, (k, &v)| if v > b.1 { (k, v) } else { b },
                )
                .0
        })
        .collect())
}

/// Train a `fusion` network on `train`, selecting the epoch by macro-F1 on `val`.
/// Reports one progress unit per epoch.
pub fn train_fusion(
    fusion: Fusion,
    train: &Split,
    val: &Split,
    n_classes: usize,
    config: &Checked<FusionTraining>,
    progress: &dyn Progress,
) -> Result<(FusionNet, TrainReport)> {
    let labels = train.require_labels("training")?;
    let val_labels = val.require_labels("validation")?;
    if let Some(&bad) = labels.iter().chain(val_labels).find(|&&y| y >= n_classes) {
        return Err(Error::invalid(format!(
            "label {bad} out of range for {n_classes} classes"
        )));
    }
    if train.is_empty() || val.is_empty() || config.batch_size == 0 || config.epochs == 0 {
        return Err(Error::invalid(
            "training needs train and validation rows, a batch size ≥ 1 and ≥ 1 epoch",
        ));
    }
    if train.dims() != val.dims() {
        return Err(Error::invalid(
            "train and validation splits have different widths",
        ));
    }
    let mut net = FusionNet::random(fusion, &train.dims(), n_classes, config.seed)?;
    let mut shuffle = seeded(config.seed, stream_id("fusion-shuffle"));
    let adam_config = AdamConfig {
        lr: config.lr,
        weight_decay: config.weight_decay,
        ..AdamConfig::default()
    };
    let schedule = StepLr {
        step_size: config.lr_step,
        gamma: config.lr_gamma,
    };
    let mut params = net.params.clone();
    let mut adam = Adam::new(params.len(), adam_config);
    let mut grads = vec![0.0f32; params.len()];
    let mut ws = FusionWorkspace::default();
    let mut perms = EpochPermutations::new(train.len());
    let m = train.n_modalities();
    let mut xb: Vec<Vec<f32>> = vec![Vec::new(); m];
    let (mut yb, mut dlogits) = (Vec::new(), Vec::new());
    let mut best: Option<(f64, usize, Vec<f32>, f64)> = None;
    let mut losses = Vec::with_capacity(config.epochs);
    progress.start("training", config.epochs as u64);
    for epoch in 0..config.epochs {
        adam.config.lr = schedule.lr(config.lr, epoch);
        let order = perms.next_epoch(&mut shuffle).to_vec();
        let mut total = 0.0;
        for idx in order.chunks(config.batch_size) {
            let b = idx.len();
            for (buf, x) in xb.iter_mut().zip(train.modalities()) {
                gather_rows(x.view(), idx, buf);
            }
            yb.clear();
            yb.extend(idx.iter().map(|&i| labels[i]));
            dlogits.resize(b * n_classes, 0.0);
            let slices: Vec<&[f32]> = xb.iter().map(Vec::as_slice).collect();
            let logits = net.forward_batch(&params, &slices, b, &mut ws);
            total += softmax_cross_entropy(logits, &yb, n_classes, &mut dlogits) * b as f64;
            net.backward_batch(&params, &mut ws, &dlogits, &mut grads);
            adam.step(&mut params, &grads);
        }
        let loss = total / train.len() as f64;
        if !loss.is_finite() {
            return Err(crate::params::diverged(
                "fusion training",
                epoch + 1,
                loss,
                "lr or weight_decay",
            ));
        }
        losses.push(loss);
        let pred = predict(&net, &params, val)?;
        let f1 = macro_f1(&pred, val_labels);
        if best.as_ref().is_none_or(|(b, ..)| f1 > *b) {
            best = Some((f1, epoch + 1, params.clone(), accuracy(&pred, val_labels)));
        }
        progress.advance(1);
        progress.check()?;
    }
    progress.finish();
    let (f1, best_epoch, best_params, acc) =
        best.ok_or_else(|| Error::Numerical("no epoch was trained".into()))?;
    net.params = best_params;
    Ok((
        net,
        TrainReport {
            best_epoch,
            val_accuracy: acc,
            val_macro_f1: f1,
            train_loss: losses,
        },
    ))
}

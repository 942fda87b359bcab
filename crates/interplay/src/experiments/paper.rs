//! The InterSHAP paper's global InterSHAP figures on HD-XOR (percent, mean ± sd
//! over seeds; InterSHAP spec §6), to print beside what interplay measures.

use crate::model::fusion::Fusion;
use crate::synth::hdxor::HdXorSetting;

/// A figure from the paper: mean and standard deviation over seeds (percent).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PaperFigure {
    /// Mean global InterSHAP (percent).
    pub mean: f64,
    /// Standard deviation over seeds (percent; 0 for the deterministic function).
    pub sd: f64,
}

const fn fig(mean: f64, sd: f64) -> Option<PaperFigure> {
    Some(PaperFigure { mean, sd })
}

/// The paper's early-fusion FCNN figure for `setting` with `m` modalities
/// (`None` where the paper reports none).
pub fn fcnn(setting: HdXorSetting, m: usize, fusion: Fusion) -> Option<PaperFigure> {
    if fusion != Fusion::Early {
        return None;
    }
    match (setting, m) {
        (HdXorSetting::Uniqueness(1), 2) => fig(0.2, 0.1),
        (HdXorSetting::Uniqueness(2), 2) => fig(3.1, 0.4),
        (HdXorSetting::Synergy, 2) => fig(98.0, 0.5),
        (HdXorSetting::Redundancy, 2) => fig(38.6, 0.5),
        (HdXorSetting::Random, 2) => fig(57.8, 1.1),
        (HdXorSetting::Uniqueness(1), 3) => fig(0.6, 0.2),
        (HdXorSetting::Synergy, 3) => fig(88.8, 0.5),
        (HdXorSetting::Redundancy, 3) => fig(51.9, 0.3),
        (HdXorSetting::Uniqueness(1), 4) => fig(1.2, 0.1),
        (HdXorSetting::Synergy, 4) => fig(64.1, 0.8),
        (HdXorSetting::Redundancy, 4) => fig(40.2, 0.2),
        _ => None,
    }
}

/// The paper's figure for the exact XOR function (two modalities only).
pub fn xor_function(setting: HdXorSetting, m: usize) -> Option<PaperFigure> {
    match (setting, m) {
        (HdXorSetting::Uniqueness(1), 2) => fig(0.0, 0.0),
        (HdXorSetting::Uniqueness(2), 2) => fig(0.2, 0.1),
        (HdXorSetting::Synergy, 2) => fig(99.7, 0.0),
        _ => None,
    }
}

/// Whether `mean` agrees with the paper: within 2 of the paper's standard
/// deviations or 3 points, whichever is larger (the criterion).
pub fn agrees(paper: PaperFigure, mean: f64) -> bool {
    (mean - paper.mean).abs() <= (2.0 * paper.sd).max(3.0)
}

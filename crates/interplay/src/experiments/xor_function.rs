//! The exact XOR function of HD-XOR data (InterSHAP spec §4): a model that reads
//! each latent bit from the modality that carries it and returns the label
//! one-hot as logits ±1000. It needs no training, so its InterSHAP is a property
//! of the data and the masking alone.

use ndarray::{Array2, ArrayView2};
use std::collections::HashMap;

use crate::data::Dataset;
use crate::model::{Model, OutputKind};
use crate::synth::hdxor::{label_from_bits, BITS_KEY};
use crate::{Error, Result};

/// Logit of the label's class (and minus it for the other), as in the paper.
const LOGIT: f32 = 1000.0;

/// The exact HD-XOR function over every row of a dataset.
///
/// A row is recognised by its exact f32 bits, so masked inputs built from any
/// row of the dataset (explained or background) are read correctly; a row from
/// elsewhere is an error, not a guess.
#[derive(Debug, Clone)]
pub struct XorFunction {
    dims: Vec<usize>,
    /// Per carrying modality: row bits → the latent bits of the sample it is from.
    lookup: Vec<HashMap<Vec<u32>, Vec<bool>>>,
    /// For each latent bit, the modality it is read from (the first carrier).
    source: Vec<usize>,
}

impl XorFunction {
    /// The function for `data` (every split, with the [`BITS_KEY`] extra) whose
    /// bits are carried as `bit_carriers` says (modality → bits). Every bit needs
    /// a carrier: a setting whose label no modality determines (`random`) has no
    /// XOR function.
    pub fn new(data: &Dataset, bit_carriers: &[Vec<usize>]) -> Result<Self> {
        let n_bits = bit_carriers
            .iter()
            .flatten()
            .map(|&b| b + 1)
            .max()
            .unwrap_or(0);
        let source: Vec<usize> = (0..n_bits)
            .map(|b| bit_carriers.iter().position(|c| c.contains(&b)))
            .collect::<Option<_>>()
            .filter(|s: &Vec<usize>| !s.is_empty())
            .ok_or_else(|| Error::invalid("no modality carries the label bits: no XOR function"))?;
        let mut lookup = vec![HashMap::new(); bit_carriers.len()];
        let mut dims = Vec::new();
        for split in data.splits.values() {
            let bits = split
                .extra(BITS_KEY)
                .ok_or_else(|| Error::invalid(format!("the data has no '{BITS_KEY}' extra")))?;
            dims = split.dims();
            for a in 0..split.len() {
                let row_bits: Vec<bool> = bits.row(a).iter().map(|&v| v > 0.5).collect();
                for (m, table) in lookup.iter_mut().enumerate() {
                    if source.contains(&m) {
                        table.insert(key(split.modalities()[m].row(a).iter()), row_bits.clone());
                    }
                }
            }
        }
        Ok(XorFunction {
            dims,
            lookup,
            source,
        })
    }
}

fn key<'a>(row: impl Iterator<Item = &'a f32>) -> Vec<u32> {
    row.map(|v| v.to_bits()).collect()
}

impl Model for XorFunction {
    fn input_dims(&self) -> Vec<usize> {
        self.dims.clone()
    }

    fn n_classes(&self) -> usize {
        2
    }

    fn output_kind(&self) -> OutputKind {
        OutputKind::Logits
    }

    fn forward(&self, inputs: &[ArrayView2<'_, f32>]) -> Result<Array2<f32>> {
        let n = inputs.first().map_or(0, |x| x.nrows());
        let mut out = Array2::zeros((n, 2));
        for a in 0..n {
            let mut bits = Vec::with_capacity(self.source.len());
            for (b, &m) in self.source.iter().enumerate() {
                let row = self.lookup[m]
                    .get(&key(inputs[m].row(a).iter()))
                    .ok_or_else(|| {
                        Error::invalid("the XOR function was given a row not in its data")
                    })?;
                bits.push(row[b]);
            }
            let label = label_from_bits(bits);
            out[[a, label]] = LOGIT;
            out[[a, 1 - label]] = -LOGIT;
        }
        Ok(out)
    }

    fn name(&self) -> String {
        "xor-function".into()
    }
}

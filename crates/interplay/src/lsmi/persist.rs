//! Fitted LSMI models as a `.safetensors` file: every classifier's and density's
//! parameters as named tensors, the settings, widths and class count in the
//! header metadata, so a file is self-describing and fit once, scored anywhere.
//!
//! A models file is untrusted input: the metadata is parsed with bounds, the
//! tensors it implies are listed from the widths alone and compared (names,
//! types, shapes) with the tensors the file holds before anything is built, and
//! every parameter must be finite.

use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::fitted::FittedLsmi;
use super::models::{classifier, pairs, LsmiConfig, Models};
use super::scale::{FeatureScale, Standardiser};
use crate::knife::Knife;
use crate::params::{Validate, MAX_CLASSES, MAX_MODEL_WIDTH};
use crate::{Error, Result};

/// Metadata key whose value (`lsmi`) marks a file as fitted LSMI models.
const KIND_KEY: &str = "interplay_model";
/// Version of the layout; files of another version are refused.
const FORMAT_VERSION: &str = "1";
/// Most modalities a models file may have (pairs grow as M²).
const MAX_MODALITIES: usize = 64;
/// Widest modality accepted (2^24 features, as the built-in models).
const MAX_WIDTH: usize = 1 << 24;
/// Largest file read: far beyond LSMI's networks and densities on any
/// embedding, small enough to refuse absurd files before reading them.
const MAX_FILE_BYTES: u64 = 16 << 30;

/// One tensor of the file: values and shape.
enum Values<'a> {
    F32(&'a [f32]),
    F64(&'a [f64]),
}

/// Every tensor of `fitted`, by name, with its shape.
fn tensors(fitted: &FittedLsmi) -> Vec<(String, Vec<usize>, Values<'_>)> {
    let m = &fitted.models;
    let mut out = Vec::new();
    for (i, (_, p)) in m.unimodal.iter().enumerate() {
        out.push((format!("classifier.{i}"), vec![p.len()], Values::F32(p)));
    }
    for ((i, j), _, p) in &m.pairs {
        out.push((format!("classifier.{i}-{j}"), vec![p.len()], Values::F32(p)));
    }
    for (i, k) in m.densities.iter().enumerate() {
        out.push((
            format!("knife.{i}"),
            vec![k.params().len()],
            Values::F64(k.params()),
        ));
    }
    for (i, s) in m.standardisers.iter().flatten().enumerate() {
        out.push((
            format!("standardiser.{i}.mean"),
            vec![s.mean.len()],
            Values::F64(&s.mean),
        ));
        out.push((
            format!("standardiser.{i}.sd"),
            vec![s.sd.len()],
            Values::F64(&s.sd),
        ));
    }
    out.push(("prior".into(), vec![m.prior.len()], Values::F64(&m.prior)));
    out.push((
        "log_prior".into(),
        vec![m.log_prior.len()],
        Values::F64(&m.log_prior),
    ));
    out
}

impl FittedLsmi {
    /// The `.safetensors` bytes of the models.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let list = tensors(self);
        let scales: Vec<f64> = self
            .models
            .scales
            .iter()
            .flat_map(|s| [s.min_sd, s.max_sd, s.typical_sd])
            .collect();
        let bytes: Vec<Vec<u8>> = list
            .iter()
            .map(|(_, _, v)| match v {
                Values::F32(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
                Values::F64(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
            })
            .chain(std::iter::once(
                scales.iter().flat_map(|x| x.to_le_bytes()).collect(),
            ))
            .collect();
        let shapes = list
            .iter()
            .map(|(name, shape, v)| {
                let dtype = match v {
                    Values::F32(_) => Dtype::F32,
                    Values::F64(_) => Dtype::F64,
                };
                (name.clone(), shape.clone(), dtype)
            })
            .chain(std::iter::once((
                "scales".to_string(),
                vec![self.dims.len(), 3],
                Dtype::F64,
            )));
        let views: Vec<(String, TensorView)> = shapes
            .zip(&bytes)
            .map(|((name, shape, dtype), b)| {
                TensorView::new(dtype, shape, b)
                    .map(|v| (name, v))
                    .map_err(|e| Error::Numerical(format!("safetensors: {e}")))
            })
            .collect::<Result<_>>()?;
        let config = serde_json::to_string(&self.config)
            .map_err(|e| Error::Numerical(format!("LSMI settings: {e}")))?;
        let meta: HashMap<String, String> = [
            (KIND_KEY, "lsmi".to_string()),
            ("format_version", FORMAT_VERSION.to_string()),
            (
                "dims",
                serde_json::to_string(&self.dims).unwrap_or_default(),
            ),
            ("n_classes", self.models.n_classes.to_string()),
            ("config", config),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        safetensors::serialize(views, Some(meta))
            .map_err(|e| Error::Numerical(format!("safetensors: {e}")))
    }

    /// Write the models to `path` (staged: an existing file is replaced only
    /// once the new one is complete).
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut staging = crate::output::Staging::new();
        staging.write_bytes(path, &self.to_bytes()?)?;
        staging.commit()
    }

    /// Read models written by [`FittedLsmi::save`], refusing a file larger than
    /// any models file unread.
    pub fn load(path: &Path) -> Result<FittedLsmi> {
        let bytes = crate::data::limits::read_capped(path, MAX_FILE_BYTES, "LSMI models file")?;
        Self::from_bytes(&bytes).map_err(|e| Error::format(path, e))
    }

    /// Models from the bytes of a models file; the error says what is wrong.
    pub fn from_bytes(bytes: &[u8]) -> std::result::Result<FittedLsmi, String> {
        let (_, header) = SafeTensors::read_metadata(bytes)
            .map_err(|e| format!("not a safetensors file: {e}"))?;
        let meta = header
            .metadata()
            .clone()
            .ok_or("no metadata: not an interplay LSMI models file")?;
        if meta.get(KIND_KEY).map(String::as_str) != Some("lsmi") {
            return Err(format!(
                "metadata '{KIND_KEY}' is not 'lsmi': not an interplay LSMI models file"
            ));
        }
        let layout = Layout::read(&meta)?;
        let tensors =
            SafeTensors::deserialize(bytes).map_err(|e| format!("corrupt tensors: {e}"))?;
        layout.check_tensor_list(&tensors)?;
        layout.build(&tensors)
    }
}

/// What the metadata says the file holds, bound-checked.
struct Layout {
    config: LsmiConfig,
    dims: Vec<usize>,
    n_classes: usize,
}

fn get<'a>(meta: &'a HashMap<String, String>, key: &str) -> std::result::Result<&'a str, String> {
    meta.get(key)
        .map(String::as_str)
        .ok_or_else(|| format!("metadata key '{key}' is missing"))
}

impl Layout {
    fn read(meta: &HashMap<String, String>) -> std::result::Result<Layout, String> {
        let version = get(meta, "format_version")?;
        if version != FORMAT_VERSION {
            return Err(format!(
                "models format version {version} (this interplay reads {FORMAT_VERSION})"
            ));
        }
        let config: LsmiConfig = serde_json::from_str(get(meta, "config")?)
            .map_err(|e| format!("metadata 'config': {e}"))?;
        config
            .validate()
            .map_err(|e| format!("metadata 'config': {e}"))?;
        let dims: Vec<usize> = serde_json::from_str(get(meta, "dims")?)
            .map_err(|e| format!("metadata 'dims': {e}"))?;
        if !(2..=MAX_MODALITIES).contains(&dims.len()) {
            return Err(format!(
                "metadata 'dims' has {} modalities, expected 2 to {MAX_MODALITIES}",
                dims.len()
            ));
        }
        if let Some(d) = dims.iter().find(|&&d| !(1..=MAX_WIDTH).contains(&d)) {
            return Err(format!(
                "metadata 'dims' has a width of {d}, expected 1 to {MAX_WIDTH}"
            ));
        }
        let n_classes: usize = get(meta, "n_classes")?
            .parse()
            .map_err(|_| "metadata 'n_classes' is not a whole number".to_string())?;
        if !(2..=MAX_CLASSES).contains(&n_classes) {
            return Err(format!(
                "metadata 'n_classes' is {n_classes}, expected 2 to {MAX_CLASSES}"
            ));
        }
        if config.hidden > MAX_MODEL_WIDTH {
            return Err(format!("hidden width {} is too large", config.hidden));
        }
        Ok(Layout {
            config,
            dims,
            n_classes,
        })
    }

    /// Name, type and element count of every tensor the file must hold, from
    /// the widths alone (counts in u128, so no claim overflows).
    fn expected(&self) -> BTreeMap<String, (Dtype, Vec<u128>)> {
        let (h, c) = (self.config.hidden as u128, self.n_classes as u128);
        let mlp = |d: u128| (d * h + h) + (h * h + h) + (h * c + c);
        let k = self.config.knife.components as u128;
        let mut out = BTreeMap::new();
        for (i, &d) in self.dims.iter().enumerate() {
            let d = d as u128;
            out.insert(format!("classifier.{i}"), (Dtype::F32, vec![mlp(d)]));
            out.insert(
                format!("knife.{i}"),
                (Dtype::F64, vec![k * (2 * d + d * d + 1)]),
            );
            if self.config.standardise {
                out.insert(format!("standardiser.{i}.mean"), (Dtype::F64, vec![d]));
                out.insert(format!("standardiser.{i}.sd"), (Dtype::F64, vec![d]));
            }
        }
        for (i, j) in pairs(self.dims.len()) {
            let d = (self.dims[i] + self.dims[j]) as u128;
            out.insert(format!("classifier.{i}-{j}"), (Dtype::F32, vec![mlp(d)]));
        }
        out.insert("prior".into(), (Dtype::F64, vec![c]));
        out.insert("log_prior".into(), (Dtype::F64, vec![c]));
        out.insert(
            "scales".into(),
            (Dtype::F64, vec![self.dims.len() as u128, 3]),
        );
        out
    }

    /// The file's tensors must be exactly the expected ones.
    fn check_tensor_list(&self, file: &SafeTensors) -> std::result::Result<(), String> {
        let expected = self.expected();
        let names = file.names();
        if let Some(extra) = names.iter().find(|n| !expected.contains_key(**n)) {
            return Err(format!("unexpected tensor '{extra}'"));
        }
        for (name, (dtype, shape)) in &expected {
            let t = file
                .tensor(name)
                .map_err(|_| format!("tensor '{name}' is missing"))?;
            let have: Vec<u128> = t.shape().iter().map(|&s| s as u128).collect();
            if t.dtype() != *dtype || &have != shape {
                return Err(format!(
                    "tensor '{name}' is {:?} {:?}, expected {dtype:?} {shape:?}",
                    t.dtype(),
                    t.shape()
                ));
            }
        }
        Ok(())
    }

    /// Build the models from a checked tensor list.
    fn build(self, file: &SafeTensors) -> std::result::Result<FittedLsmi, String> {
        let m = self.dims.len();
        let (h, c) = (self.config.hidden, self.n_classes);
        let knife = self.config.knife;
        let e = |e: Error| e.to_string();
        let unimodal = (0..m)
            .map(|i| {
                let mlp = classifier(self.dims[i], h, c).map_err(e)?;
                Ok((mlp, f32s(file, &format!("classifier.{i}"))?))
            })
            .collect::<std::result::Result<Vec<_>, String>>()?;
        let pair_models = pairs(m)
            .into_iter()
            .map(|(i, j)| {
                let mlp = classifier(self.dims[i] + self.dims[j], h, c).map_err(e)?;
                Ok(((i, j), mlp, f32s(file, &format!("classifier.{i}-{j}"))?))
            })
            .collect::<std::result::Result<Vec<_>, String>>()?;
        let densities = (0..m)
            .map(|i| knife_of(file, i, self.dims[i], knife.components, knife.use_tanh))
            .collect::<std::result::Result<Vec<_>, String>>()?;
        let standardisers = if self.config.standardise {
            let s = (0..m)
                .map(|i| {
                    let mean = f64s(file, &format!("standardiser.{i}.mean"))?;
                    let sd = f64s(file, &format!("standardiser.{i}.sd"))?;
                    if sd.iter().any(|&s| s <= 0.0) {
                        return Err(format!("standardiser {i} has a standard deviation ≤ 0"));
                    }
                    Ok(Standardiser { mean, sd })
                })
                .collect::<std::result::Result<Vec<_>, String>>()?;
            Some(s)
        } else {
            None
        };
        let prior = f64s(file, "prior")?;
        let log_prior = f64s(file, "log_prior")?;
        let scales = read_f64(file, "scales")?
            .chunks_exact(3)
            .zip(&self.dims)
            .map(|(s, &dims)| FeatureScale {
                dims,
                min_sd: s[0],
                max_sd: s[1],
                typical_sd: s[2],
            })
            .collect();
        Ok(FittedLsmi {
            config: self.config,
            dims: self.dims,
            models: Models {
                n_classes: c,
                log_prior,
                prior,
                unimodal,
                pairs: pair_models,
                densities,
                standardisers,
                scales,
            },
        })
    }
}

fn knife_of(
    file: &SafeTensors,
    i: usize,
    dim: usize,
    k: usize,
    use_tanh: bool,
) -> std::result::Result<Knife, String> {
    let p = f64s(file, &format!("knife.{i}"))?;
    let (kd, kdd) = (k * dim, k * dim * dim);
    Knife::from_parts(
        dim,
        &p[..kd],
        &p[kd..2 * kd],
        &p[2 * kd..2 * kd + kdd],
        &p[2 * kd + kdd..],
        use_tanh,
    )
    .map_err(|e| format!("tensor 'knife.{i}': {e}"))
}

/// A checked tensor's f64 values, as stored (NaN allowed: the scales of
/// constant modalities are NaN).
fn read_f64(file: &SafeTensors, name: &str) -> std::result::Result<Vec<f64>, String> {
    let t = file
        .tensor(name)
        .map_err(|_| format!("tensor '{name}' is missing"))?;
    Ok(t.data()
        .chunks_exact(8)
        .map(|b| f64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
        .collect())
}

/// A checked tensor's f64 values, all finite.
fn f64s(file: &SafeTensors, name: &str) -> std::result::Result<Vec<f64>, String> {
    let v = read_f64(file, name)?;
    finite(name, &v)?;
    Ok(v)
}

/// A checked tensor's f32 values, all finite.
fn f32s(file: &SafeTensors, name: &str) -> std::result::Result<Vec<f32>, String> {
    let t = file
        .tensor(name)
        .map_err(|_| format!("tensor '{name}' is missing"))?;
    let v: Vec<f32> = t
        .data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes(b.try_into().unwrap_or([0; 4])))
        .collect();
    finite(name, &v)?;
    Ok(v)
}

fn finite<T: Copy + Into<f64>>(name: &str, v: &[T]) -> std::result::Result<(), String> {
    let bad = v.iter().filter(|&&x| !x.into().is_finite()).count();
    if bad > 0 {
        return Err(format!("tensor '{name}' has {bad} NaN or infinite values"));
    }
    Ok(())
}

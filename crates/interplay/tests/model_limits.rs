//! Models from untrusted files: malformed built-in models and ONNX graphs are
//! refused with a one-line user-input error before anything big is allocated, and
//! a model that returns NaN is an error, not a silent number.

use interplay::params::Validate;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use interplay::model::fusion::load_fusion;
use interplay::model::{load, LoadOptions, Model, OnnxModel, OutputKind};
use interplay::{Error, Result};
use ndarray::{Array2, ArrayView2};
use safetensors::tensor::{Dtype, SafeTensors, TensorView};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The error's message, after checking it is a user-input error.
fn user_error<T: std::fmt::Debug>(result: Result<T>) -> String {
    let err = result.expect_err("a malformed model must be refused");
    assert!(err.is_user_input(), "not a user-input error: {err:?}");
    let text = err.to_string();
    assert!(!text.contains('\n'), "multi-line message: {text}");
    text
}

fn assert_mentions(text: &str, words: &[&str]) {
    for w in words {
        assert!(text.contains(w), "'{text}' does not mention '{w}'");
    }
}

// ---------------------------------------------------------------------------
// Built-in models (.safetensors)

type Tensors = Vec<(String, Vec<usize>, Vec<u8>)>;

/// The early-fusion fixture with its metadata and tensors edited, written to a
/// temporary folder.
fn rewritten(
    edit_meta: impl FnOnce(&mut HashMap<String, String>),
    edit_tensors: impl FnOnce(&mut Tensors),
) -> (tempfile::TempDir, PathBuf) {
    let bytes = std::fs::read(fixture("intershap_early.safetensors")).unwrap();
    let (_, header) = SafeTensors::read_metadata(&bytes).unwrap();
    let mut meta = header.metadata().clone().unwrap();
    let st = SafeTensors::deserialize(&bytes).unwrap();
    let mut tensors: Tensors = st
        .tensors()
        .into_iter()
        .map(|(n, v)| (n, v.shape().to_vec(), v.data().to_vec()))
        .collect();
    edit_meta(&mut meta);
    edit_tensors(&mut tensors);
    let views: Vec<(String, TensorView)> = tensors
        .iter()
        .map(|(n, s, d)| {
            (
                n.clone(),
                TensorView::new(Dtype::F32, s.clone(), d).unwrap(),
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.safetensors");
    safetensors::serialize_to_file(views, Some(meta), &path).unwrap();
    (dir, path)
}

fn with_meta(key: &str, value: &str) -> (tempfile::TempDir, PathBuf) {
    rewritten(|m| drop(m.insert(key.into(), value.into())), |_| ())
}

#[test]
fn the_fixture_still_loads_after_a_rewrite() {
    let (_dir, path) = rewritten(|_| (), |_| ());
    let net = load_fusion(&path).unwrap();
    assert_eq!(net.input_dims(), vec![6, 4]);
}

#[test]
fn absurd_widths_are_refused_before_allocation() {
    let (_dir, path) = with_meta("dims", "[1000000000000, 4]");
    assert_mentions(&user_error(load_fusion(&path)), &["dims", "1000000000000"]);
}

#[test]
fn widths_implying_too_many_parameters_are_refused() {
    let (_dir, path) = with_meta("dims", "[16000000, 16000000]");
    assert_mentions(&user_error(load_fusion(&path)), &["parameters", "limit"]);
}

#[test]
fn bad_class_counts_are_refused() {
    for (value, word) in [
        ("0", "n_classes"),
        ("1000000000", "1000000000"),
        ("-2", "whole number"),
        ("two", "two"),
    ] {
        let (_dir, path) = with_meta("n_classes", value);
        assert_mentions(&user_error(load_fusion(&path)), &[word]);
    }
}

#[test]
fn malformed_widths_are_refused() {
    for value in ["[-3, 4]", "[0, 4]", "[6]", "[6.5, 4]", "six"] {
        let (_dir, path) = with_meta("dims", value);
        assert_mentions(&user_error(load_fusion(&path)), &["dims"]);
    }
}

#[test]
fn a_missing_weight_is_named() {
    let (_dir, path) = rewritten(|_| (), |t| t.retain(|(n, ..)| n != "head.1.weight"));
    assert_mentions(
        &user_error(load_fusion(&path)),
        &["head.1.weight", "missing"],
    );
}

#[test]
fn an_extra_or_misshaped_tensor_is_named() {
    let (_dir, path) = rewritten(
        |_| (),
        |t| t.push(("head.9.bias".into(), vec![1], vec![0; 4])),
    );
    assert_mentions(&user_error(load_fusion(&path)), &["head.9.bias"]);
    let (_dir, path) = rewritten(
        |_| (),
        |t| {
            let bias = t.iter_mut().find(|(n, ..)| n == "head.0.bias").unwrap();
            *bias = (bias.0.clone(), vec![4], vec![0; 16]);
        },
    );
    assert_mentions(&user_error(load_fusion(&path)), &["head.0.bias", "shape"]);
}

#[test]
fn a_nan_weight_is_named() {
    let (_dir, path) = rewritten(
        |_| (),
        |t| {
            let w = t.iter_mut().find(|(n, ..)| n == "head.2.weight").unwrap();
            w.2[..4].copy_from_slice(&f32::NAN.to_le_bytes());
        },
    );
    assert_mentions(&user_error(load_fusion(&path)), &["head.2.weight", "NaN"]);
}

#[test]
fn model_widths_must_match_the_data() {
    let path = fixture("intershap_early.safetensors");
    let text = user_error(load(&path, &[5, 4], &LoadOptions::default()).map(|_| ()));
    assert_mentions(&text, &["[6, 4]", "[5, 4]"]);
}

// ---------------------------------------------------------------------------
// ONNX graphs
mod onnx_limits {
    use super::*;
    use prost::Message;
    use tract_onnx::pb::tensor_proto::{DataLocation, DataType};
    use tract_onnx::pb::tensor_shape_proto::{dimension, Dimension};
    use tract_onnx::pb::{
        type_proto, AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto,
        StringStringEntryProto, TensorProto, TensorShapeProto, TypeProto, ValueInfoProto,
    };

    fn value_info(name: &str, dims: &[Option<i64>]) -> ValueInfoProto {
        let dim = dims
            .iter()
            .map(|d| Dimension {
                denotation: String::new(),
                value: Some(match d {
                    Some(v) => dimension::Value::DimValue(*v),
                    None => dimension::Value::DimParam("N".into()),
                }),
            })
            .collect();
        ValueInfoProto {
            name: name.into(),
            r#type: Some(TypeProto {
                denotation: String::new(),
                value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                    elem_type: DataType::Float as i32,
                    shape: Some(TensorShapeProto { dim }),
                })),
            }),
            ..Default::default()
        }
    }

    fn node(op: &str, inputs: &[&str], output: &str) -> NodeProto {
        NodeProto {
            op_type: op.into(),
            name: format!("{op}_{output}"),
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: vec![output.into()],
            ..Default::default()
        }
    }

    /// `y = x · w` for x of shape N × 4, w a 4 × 2 initializer.
    fn matmul_model(
        w: TensorProto,
        extra_nodes: Vec<NodeProto>,
        extra_inits: Vec<TensorProto>,
    ) -> ModelProto {
        let mut nodes = extra_nodes;
        nodes.push(node("MatMul", &["x", "w"], "y"));
        let mut inits = extra_inits;
        inits.push(w);
        ModelProto {
            ir_version: 8,
            opset_import: vec![OperatorSetIdProto {
                domain: String::new(),
                version: 13,
            }],
            graph: Some(GraphProto {
                name: "g".into(),
                node: nodes,
                initializer: inits,
                input: vec![value_info("x", &[None, Some(4)])],
                output: vec![value_info("y", &[None, Some(2)])],
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn float_tensor(name: &str, dims: &[i64], values: &[f32]) -> TensorProto {
        TensorProto {
            name: name.into(),
            dims: dims.to_vec(),
            data_type: DataType::Float as i32,
            raw_data: values.iter().flat_map(|v| v.to_le_bytes()).collect(),
            ..Default::default()
        }
    }

    fn weights() -> TensorProto {
        float_tensor("w", &[4, 2], &[0.5, -0.5, 1.0, 0.0, 0.0, 1.0, -1.0, 2.0])
    }

    /// The 4 × 2 weight stored in `location`, outside the protobuf.
    fn external_weights(location: &str, extra: &[(&str, &str)]) -> TensorProto {
        let mut entries = vec![("location", location)];
        entries.extend_from_slice(extra);
        TensorProto {
            name: "w".into(),
            dims: vec![4, 2],
            data_type: DataType::Float as i32,
            data_location: Some(DataLocation::External as i32),
            external_data: entries
                .iter()
                .map(|(k, v)| StringStringEntryProto {
                    key: k.to_string(),
                    value: v.to_string(),
                })
                .collect(),
            ..Default::default()
        }
    }

    fn write(dir: &Path, model: &ModelProto) -> PathBuf {
        let path = dir.join("model.onnx");
        std::fs::write(&path, model.encode_to_vec()).unwrap();
        path
    }

    fn open(path: &Path) -> Result<OnnxModel> {
        OnnxModel::load(path, &[2, 2], OutputKind::Logits)
    }

    #[test]
    fn a_small_graph_loads() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), &matmul_model(weights(), vec![], vec![]));
        let model = open(&path).unwrap();
        assert_eq!(model.n_classes(), 2);
    }

    #[test]
    fn constant_of_shape_beyond_the_cap_is_refused_quickly() {
        let start = Instant::now();
        let shape = TensorProto {
            name: "shape".into(),
            dims: vec![1],
            data_type: DataType::Int64 as i32,
            int64_data: vec![40_000_000_000_000],
            ..Default::default()
        };
        let nodes = vec![node("ConstantOfShape", &["shape"], "big")];
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), &matmul_model(weights(), nodes, vec![shape]));
        assert_mentions(&user_error(open(&path)), &["ConstantOfShape", "limit"]);
        assert!(start.elapsed().as_secs_f64() < 2.0);
    }

    #[test]
    fn expand_and_range_beyond_the_cap_are_refused() {
        let int = |name: &str, v: Vec<i64>| TensorProto {
            name: name.into(),
            dims: vec![v.len() as i64],
            data_type: DataType::Int64 as i32,
            int64_data: v,
            ..Default::default()
        };
        let scalar = |name: &str, v: i64| TensorProto {
            dims: vec![],
            ..int(name, vec![v])
        };
        let cases = [
            (
                node("Expand", &["x", "to"], "e"),
                vec![int("to", vec![1 << 20, 1 << 20])],
            ),
            (
                node("Tile", &["x", "reps"], "t"),
                vec![int("reps", vec![1 << 16, 1 << 16])],
            ),
            (
                node("Range", &["a", "b", "d"], "r"),
                vec![scalar("a", 0), scalar("b", 1 << 40), scalar("d", 1)],
            ),
            (
                node("Range", &["a", "b", "d"], "r"),
                vec![scalar("a", 0), scalar("b", 10), scalar("d", 0)],
            ),
        ];
        for (n, inits) in cases {
            let op = n.op_type.clone();
            let dir = tempfile::tempdir().unwrap();
            let path = write(dir.path(), &matmul_model(weights(), vec![n], inits));
            assert_mentions(&user_error(open(&path)), &[&op, "limit"]);
        }
    }

    #[test]
    fn initializers_must_hold_what_their_dims_declare() {
        let dir = tempfile::tempdir().unwrap();
        let huge = TensorProto {
            dims: vec![1 << 20, 1 << 20],
            ..weights()
        };
        let path = write(dir.path(), &matmul_model(huge, vec![], vec![]));
        assert_mentions(&user_error(open(&path)), &["'w'", "elements"]);
        let short = TensorProto {
            dims: vec![40, 2],
            ..weights()
        };
        let path = write(dir.path(), &matmul_model(short, vec![], vec![]));
        assert_mentions(&user_error(open(&path)), &["'w'", "320 bytes", "32 bytes"]);
        let negative = TensorProto {
            dims: vec![-4, -2],
            ..weights()
        };
        let path = write(dir.path(), &matmul_model(negative, vec![], vec![]));
        assert_mentions(&user_error(open(&path)), &["'w'", "negative"]);
        let complex = TensorProto {
            data_type: DataType::Complex64 as i32,
            ..weights()
        };
        let path = write(dir.path(), &matmul_model(complex, vec![], vec![]));
        assert_mentions(&user_error(open(&path)), &["'w'", "data type"]);
    }

    #[test]
    fn external_data_inside_the_folder_loads() {
        let dir = tempfile::tempdir().unwrap();
        let bytes: Vec<u8> = (0..8).flat_map(|i| (i as f32).to_le_bytes()).collect();
        std::fs::write(dir.path().join("w.bin"), [vec![0u8; 16], bytes].concat()).unwrap();
        let w = external_weights("w.bin", &[("offset", "16"), ("length", "32")]);
        let path = write(dir.path(), &matmul_model(w, vec![], vec![]));
        let model = open(&path).unwrap();
        let x = Array2::<f32>::ones((1, 2));
        let y = model.forward(&[x.view(), x.view()]).unwrap();
        assert_eq!(y.row(0).to_vec(), vec![12.0, 16.0]);
    }

    #[test]
    fn external_data_outside_the_folder_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("models");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(root.path().join("outside.bin"), [0u8; 32]).unwrap();
        for location in ["/etc/passwd", "../outside.bin", "sub/../../outside.bin"] {
            let path = write(
                &dir,
                &matmul_model(external_weights(location, &[]), vec![], vec![]),
            );
            assert_mentions(&user_error(open(&path)), &[location, "relative path"]);
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.path().join("outside.bin"), dir.join("link.bin"))
                .unwrap();
            let path = write(
                &dir,
                &matmul_model(external_weights("link.bin", &[]), vec![], vec![]),
            );
            assert_mentions(
                &user_error(open(&path)),
                &["link.bin", "inside the model's folder"],
            );
        }
        let path = write(
            &dir,
            &matmul_model(external_weights("absent.bin", &[]), vec![], vec![]),
        );
        assert_mentions(&user_error(open(&path)), &["absent.bin"]);
    }

    #[test]
    fn external_data_beyond_its_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("w.bin"), [0u8; 32]).unwrap();
        for extra in [
            [("offset", "16"), ("length", "32")],
            [("offset", "0"), ("length", "99999999999")],
        ] {
            let w = external_weights("w.bin", &extra);
            let path = write(dir.path(), &matmul_model(w, vec![], vec![]));
            assert_mentions(&user_error(open(&path)), &["w.bin", "beyond the end"]);
        }
        let w = external_weights("w.bin", &[("offset", "8")]);
        let path = write(dir.path(), &matmul_model(w, vec![], vec![]));
        assert_mentions(&user_error(open(&path)), &["32 bytes", "24 bytes"]);
    }

    /// A model whose first node holds `depth` nested `If` subgraphs.
    fn nested(depth: usize) -> ModelProto {
        let mut graph = GraphProto::default();
        for _ in 0..depth {
            let mut n = node("If", &["c"], "o");
            n.attribute.push(AttributeProto {
                name: "then_branch".into(),
                g: Some(graph),
                ..Default::default()
            });
            graph = GraphProto {
                node: vec![n],
                ..Default::default()
            };
        }
        let mut model = matmul_model(weights(), vec![], vec![]);
        if let Some(g) = model.graph.as_mut() {
            g.node.insert(0, graph.node.remove(0));
        }
        model
    }

    #[test]
    fn deeply_nested_subgraphs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), &nested(20));
        assert_mentions(&user_error(open(&path)), &["nested"]);
        // Deeper still, the protobuf decoder's own recursion limit answers.
        let path = write(dir.path(), &nested(60));
        assert_mentions(&user_error(open(&path)), &["recursion limit"]);
    }

    #[test]
    fn truncated_garbage_and_empty_files_are_clean_errors() {
        let dir = tempfile::tempdir().unwrap();
        let good = std::fs::read(fixture("intershap_early.onnx")).unwrap();
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let garbage: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let cases: Vec<Vec<u8>> = vec![
            good[..good.len() / 2].to_vec(),
            good[..good.len() - 7].to_vec(),
            garbage,
            Vec::new(),
            b"not an onnx file at all\n".to_vec(),
        ];
        for bytes in cases {
            let path = dir.path().join("model.onnx");
            std::fs::write(&path, &bytes).unwrap();
            let result = OnnxModel::load(&path, &[6, 4], OutputKind::Logits);
            assert!(matches!(result, Err(Error::Format { .. })), "{result:?}");
        }
    }
}

// ---------------------------------------------------------------------------
// Models that return NaN

/// Logits x1·1 − x2·1, except row 0 of every call, which is NaN.
struct NanFirstRow;

impl Model for NanFirstRow {
    fn input_dims(&self) -> Vec<usize> {
        vec![2, 2]
    }
    fn n_classes(&self) -> usize {
        2
    }
    fn output_kind(&self) -> OutputKind {
        OutputKind::Logits
    }
    fn forward(&self, x: &[ArrayView2<'_, f32>]) -> Result<Array2<f32>> {
        let mut out =
            Array2::from_shape_fn((x[0].nrows(), 2), |(r, c)| x[c][[r, 0]] - x[1 - c][[r, 1]]);
        if let Some(mut row) = out.rows_mut().into_iter().next() {
            row.fill(f32::NAN);
        }
        Ok(out)
    }
    fn name(&self) -> String {
        "the NaN test model".into()
    }
}

fn small_split(n: usize, seed: u64) -> interplay::data::Split {
    let grid = |d: u64| {
        Array2::from_shape_fn((n, 2), |(r, c)| {
            ((r as u64 * 7 + c as u64 * 3 + d + seed) % 5) as f32 - 2.0
        })
    };
    interplay::data::Split::new(
        vec![grid(0), grid(1)],
        Some((0..n).map(|r| r % 2).collect()),
    )
    .unwrap()
}

#[test]
fn a_nan_model_fails_intershap_naming_the_rows() {
    let (inputs, background) = (small_split(6, 0), small_split(4, 1));
    let config = interplay::intershap::InterShapConfig {
        batch_size: 8,
        ..Default::default()
    }
    .validate()
    .unwrap();
    let result = interplay::intershap::explain(
        &NanFirstRow,
        &inputs,
        &background,
        &config,
        &interplay::progress::NoProgress,
    );
    assert_mentions(&user_error(result), &["the NaN test model", "NaN", "1 of"]);
}

#[test]
fn a_nan_model_fails_emap_and_shape() {
    let s = small_split(6, 0);
    let labels = s.labels().unwrap().to_vec();
    let result = interplay::emap::emap(
        &NanFirstRow,
        s.modalities()[0].view(),
        s.modalities()[1].view(),
        &labels,
        &interplay::emap::EmapOptions::default().validate().unwrap(),
        &interplay::progress::NoProgress,
    );
    assert_mentions(&user_error(result), &["the NaN test model", "1 of 36 rows"]);
    let result = interplay::shape::shape(
        &NanFirstRow,
        &s.views(),
        &labels,
        interplay::shape::ShapeMetric::Accuracy,
    );
    assert_mentions(&user_error(result), &["the NaN test model", "1 of 6 rows"]);
    let bg = small_split(3, 1);
    let result = interplay::shape::shape_output(&NanFirstRow, &s.views(), &bg.views());
    assert_mentions(&user_error(result), &["1 of 6 rows"]);
}

/// Logits declared as probabilities.
struct NotProbabilities;

impl Model for NotProbabilities {
    fn input_dims(&self) -> Vec<usize> {
        vec![2, 2]
    }
    fn n_classes(&self) -> usize {
        2
    }
    fn output_kind(&self) -> OutputKind {
        OutputKind::Probabilities
    }
    fn forward(&self, x: &[ArrayView2<'_, f32>]) -> Result<Array2<f32>> {
        Ok(Array2::from_elem((x[0].nrows(), 2), 3.0))
    }
}

#[test]
fn probabilities_that_are_not_are_refused() {
    let s = small_split(5, 0);
    let result = interplay::model::checked_forward(&NotProbabilities, &s.views());
    assert_mentions(&user_error(result), &["probabilities", "5 of 5 rows"]);
}

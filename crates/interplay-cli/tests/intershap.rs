//! `interplay train` and `interplay intershap` end to end on a small two-modality
//! data file: table on stdout, JSON fields, per-sample CSV/.npz, usage errors.

use interplay::data::{Dataset, Split};
use ndarray::Array2;
use std::path::Path;

/// XOR of the signs of the two modalities' first features (pure synergy).
fn write_data(path: &Path) {
    let mut uniform = crate::uniform(0x9E37_79B9_7F4A_7C15u64);
    let mut split = |n: usize| {
        let m1 = Array2::from_shape_fn((n, 4), |_| uniform());
        let m2 = Array2::from_shape_fn((n, 3), |_| uniform());
        let y = (0..n)
            .map(|a| usize::from((m1[[a, 0]] > 0.0) ^ (m2[[a, 0]] > 0.0)))
            .collect();
        Split::new(vec![m1, m2], Some(y)).unwrap()
    };
    let mut data = Dataset::default();
    data.splits.insert("train".into(), split(800));
    data.splits.insert("val".into(), split(200));
    interplay::data::write(path, &data, None).unwrap();
}

use crate::quiet as interplay;

#[test]
fn train_then_explain() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("xor.npz");
    write_data(&data);
    let model = dir.path().join("early.safetensors");
    let out = interplay(&[
        "train",
        "--data",
        data.to_str().unwrap(),
        "--fusion",
        "early",
        "-o",
        model.to_str().unwrap(),
        "--epochs",
        "60",
        "--batch-size",
        "50",
        "--lr",
        "0.003",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("val macro-F1"), "{text}");

    let json = dir.path().join("r.json");
    let csv = dir.path().join("per.csv");
    let out = interplay(&[
        "intershap",
        "--data",
        data.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--samples",
        "100",
        "--background",
        "50",
        "--json",
        json.to_str().unwrap(),
        "--per-sample",
        csv.to_str().unwrap(),
        "--seed",
        "1",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("global InterSHAP"), "{text}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["method"], "intershap");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["units"], "probability");
    assert_eq!(v["n_modalities"], 2);
    assert_eq!(v["n_samples"], 100);
    let out0 = &v["outputs"][0];
    let g = v["global"].as_f64().unwrap();
    assert_eq!(out0["global"].as_f64().unwrap(), g);
    assert!((v["global_percent"].as_f64().unwrap() - 100.0 * g).abs() < 1e-9);
    assert!(
        g > 0.3,
        "XOR of two modalities should be mostly interaction, got {g}"
    );
    assert_eq!(out0["pairs"][0]["modalities"], serde_json::json!([1, 2]));
    let pair = out0["pairs"][0]["share"].as_f64().unwrap();
    assert!((pair - g).abs() < 1e-9);
    let mat = out0["mean_matrix"].as_array().unwrap();
    let sum: f64 = mat
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .map(|x| x.as_f64().unwrap())
        .sum();
    let phi: f64 = out0["mean_shapley"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .sum();
    assert!((sum - phi).abs() < 1e-9);
    let prediction = out0["prediction"].as_f64().unwrap();
    let base = out0["base_value"].as_f64().unwrap();
    assert!((prediction - base - phi).abs() < 1e-9, "efficiency");
    assert_eq!(v["settings"]["masking"], "mean");
    assert_eq!(v["settings"]["background_rows"], 50);
    // The interval: over explained and background rows, around the estimate,
    // the same for the first output and the top level, shown in the table.
    let iv = &v["global_interval"];
    assert_eq!(iv, &out0["global_interval"]);
    assert_eq!(iv["method"], "bootstrap-rows-background");
    assert_eq!(iv["level"], 0.95);
    let (lo, hi) = (iv["lower"].as_f64().unwrap(), iv["upper"].as_f64().unwrap());
    assert!(lo < g && g < hi && hi - lo < 0.5, "{iv}");
    assert_eq!(out0["pairs"][0]["share_interval"], *iv);
    assert!(out0["global_std_err_background"].as_f64().unwrap() > 0.0);
    assert!(
        text.contains(&format!(
            "{:.2} % [{:.2}, {:.2}]",
            100.0 * g,
            100.0 * lo,
            100.0 * hi
        )),
        "{text}"
    );
    assert!(
        text.contains("95 % intervals, percentile bootstrap over explained and background rows"),
        "{text}"
    );
    let lines: Vec<String> = std::fs::read_to_string(&csv)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(lines.len(), 101);
    assert!(
        lines[0].starts_with("sample,output,class,local,base_value,prediction,phi_1,phi_2,Phi_1_1")
    );

    let npz = dir.path().join("per.npz");
    let out = interplay(&[
        "intershap",
        "--data",
        data.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--samples",
        "20",
        "--background",
        "20",
        "--output",
        "all",
        "--space",
        "logit",
        "--per-sample",
        npz.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::metadata(&npz).unwrap().len() > 0);
}

#[test]
fn auto_background_and_the_untrained_model_warning() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("xor.npz");
    write_data(&data);
    let model = dir.path().join("early.safetensors");
    // One epoch at a tiny learning rate: no better than the majority class.
    let out = interplay(&[
        "train",
        "--data",
        data.to_str().unwrap(),
        "-o",
        model.to_str().unwrap(),
        "--epochs",
        "1",
        "--lr",
        "0.000001",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = dir.path().join("auto.json");
    let out = interplay(&[
        "intershap",
        "--data",
        data.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--background",
        "auto",
        "--ci-target",
        "5",
        "--confidence",
        "0.9",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let auto = &v["settings"]["auto_background"];
    assert_eq!(auto["target"], 0.05);
    let rounds = auto["rounds"].as_array().unwrap();
    assert_eq!(rounds[0]["background_rows"], 100);
    let last = rounds.last().unwrap();
    assert_eq!(last["background_rows"], v["settings"]["background_rows"]);
    assert_eq!(v["global_interval"]["level"], 0.9);
    let reached = auto["reached"].as_bool().unwrap();
    assert_eq!(reached, last["half_width"].as_f64().unwrap() <= 0.05);
    // The model is no better than the majority class: said on stderr and in JSON.
    let acc = v["accuracy"].as_f64().unwrap();
    let majority = v["majority_accuracy"].as_f64().unwrap();
    eprintln!("accuracy {acc} majority {majority}");
    if acc <= majority {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("warning: the model's accuracy"), "{stderr}");
        assert!(v["warnings"][0]
            .as_str()
            .unwrap()
            .contains("majority-class rate"));
    }
    for bad in [
        vec!["--confidence", "95"],
        vec!["--ci-target", "0"],
        vec!["--bootstrap", "10"],
        vec!["--background", "auto", "--bootstrap", "0"],
    ] {
        let mut args = vec![
            "intershap",
            "--data",
            data.to_str().unwrap(),
            "--model",
            model.to_str().unwrap(),
        ];
        args.extend(bad.iter().copied());
        let out = interplay(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{bad:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn bad_options_exit_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("xor.npz");
    write_data(&data);
    let out = interplay(&[
        "intershap",
        "--data",
        data.to_str().unwrap(),
        "--model",
        "missing.onnx",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = interplay(&[
        "intershap",
        "--data",
        data.to_str().unwrap(),
        "--model",
        "m.onnx",
        "--output",
        "worst",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = interplay(&["train", "--data", data.to_str().unwrap(), "-o", "m.bin"]);
    assert_eq!(out.status.code(), Some(2));
}

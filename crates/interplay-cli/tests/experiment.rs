//! `interplay experiment` end to end at toy scale: the table on stdout, the JSON
//! report with the paper's figures, and usage errors.

use crate::quiet as interplay;

#[test]
fn hdxor_table_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("exp.json");
    let out = interplay(&[
        "experiment",
        "intershap-hdxor",
        "--modalities",
        "2",
        "--settings",
        "synergy,random",
        "--samples",
        "600",
        "--epochs",
        "3",
        "--seeds",
        "2",
        "--explained",
        "50",
        "--with-baselines",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("98.0 ± 0.5"),
        "the paper's synergy figure: {text}"
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["method"], "experiment");
    assert_eq!(v["units"], "percent");
    assert_eq!(v["experiment"], "intershap-hdxor");
    let rows = v["rows"].as_array().unwrap();
    // synergy: early and the XOR function; random: early only (no XOR function).
    let models: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["setting"].as_str().unwrap(), r["model"].as_str().unwrap()))
        .collect();
    assert_eq!(
        models,
        [
            ("synergy", "early"),
            ("synergy", "xor-function"),
            ("random", "early")
        ]
    );
    for r in rows {
        let per_seed: Vec<f64> = r["per_seed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        assert_eq!(per_seed.len(), 2);
        let mean = per_seed.iter().sum::<f64>() / 2.0;
        assert!((r["mean"].as_f64().unwrap() - mean).abs() < 1e-9);
        assert!(r["baselines"]["shape_cross_modal_percent"].is_number());
        assert!(r["baselines"]["emap_accuracy_gap"].is_number());
    }
    assert_eq!(rows[0]["paper"]["mean"], 98.0);
    assert_eq!(rows[2]["paper"]["mean"], 57.8);
    assert!(
        rows[1]["mean"].as_f64().unwrap() > 95.0,
        "the XOR function is pure synergy"
    );
    assert!(rows[1]["val_accuracy"].is_null());
}

#[test]
fn fusion_order_reports_three_fusions() {
    let out = interplay(&[
        "experiment",
        "fusion-order",
        "--samples",
        "400",
        "--epochs",
        "2",
        "--seeds",
        "1",
        "--explained",
        "30",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for fusion in ["early", "intermediate", "late"] {
        assert!(text.contains(fusion), "{text}");
    }
    assert!(
        text.contains("order early ≥ intermediate ≥ late:"),
        "{text}"
    );
}

#[test]
fn bad_experiment_options_exit_2() {
    for args in [
        vec!["experiment", "intershap-hdxor", "--modalities", "1"],
        vec!["experiment", "intershap-hdxor", "--settings", "chaos"],
        vec!["experiment", "intershap-hdxor", "--fusion", "middle"],
        vec![
            "experiment",
            "intershap-hdxor",
            "--fusion",
            "none",
            "--no-xor-function",
        ],
        vec!["experiment", "fusion-order", "--seeds", "0"],
        vec![
            "experiment",
            "intershap-hdxor",
            "--json",
            "/nonexistent/dir/x.json",
        ],
    ] {
        let out = interplay(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

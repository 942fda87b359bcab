//! `interplay shape --shard i/n --partial F` then `interplay merge`: the merged
//! report equals the single run's JSON report for 1, 2, 3 and 7 shards (within
//! 1e-12; in fact bit for bit), intervals included; parts of other runs are
//! refused with exit status 2.

use interplay::model::fusion::{save_fusion, Fusion, FusionNet};
use serde_json::Value;
use std::path::Path;

use crate::quiet as interplay;
use crate::shards::{fails_with, max_diff, ok, write_data};

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// `shape` on the `val` rows with 15 background rows unless `extra` names a
/// number.
fn shape_args<'a>(data: &'a str, model: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["shape", "--data", data, "--model", model, "--split", "val"];
    args.extend(["--seed", "4", "--bootstrap", "300"]);
    if !extra.contains(&"--background") {
        args.extend(["--background", "15"]);
    }
    args.extend(extra);
    args
}

#[test]
fn merged_shape_shards_equal_the_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let data = root.join("d.npz");
    write_data(&data);
    let model = root.join("m.safetensors");
    let net = FusionNet::random(Fusion::Late, &[3, 2, 2], 2, 3).unwrap();
    save_fusion(&net, &model, &[]).unwrap();
    let (data, model) = (data.to_str().unwrap(), model.to_str().unwrap());
    for metric in ["macro-f1", "accuracy"] {
        let single = root.join(format!("single-{metric}.json"));
        let mut args = shape_args(data, model, &["--metric", metric]);
        args.extend(["--json", single.to_str().unwrap()]);
        ok(&interplay(&args));
        let single = read_json(&single);
        for count in [1, 2, 3, 7] {
            let parts: Vec<String> = (0..count)
                .rev()
                .map(|i| {
                    let part = root.join(format!("p{i}of{count}.json"));
                    let shard = format!("{i}/{count}");
                    let mut args = shape_args(data, model, &["--metric", metric]);
                    args.extend(["--shard", &shard, "--partial", part.to_str().unwrap()]);
                    ok(&interplay(&args));
                    part.to_str().unwrap().to_string()
                })
                .collect();
            let merged = root.join("merged.json");
            let mut args = vec!["merge"];
            args.extend(parts.iter().map(String::as_str));
            args.extend(["-o", merged.to_str().unwrap()]);
            let out = interplay(&args);
            ok(&out);
            assert!(String::from_utf8_lossy(&out.stdout).contains("cross-modal SHAPE"));
            let diff = max_diff(&single, &read_json(&merged), "report");
            println!("{metric}: {count} shards, max |merged − single| = {diff:.2e}");
            assert!(diff <= 1e-12, "{metric}, {count} shards: {diff}");
        }
    }
    // Parts of another run (another background size) are refused.
    let part = |extra: &[&str], i: usize, name: &str| {
        let p = root.join(name);
        let shard = format!("{i}/2");
        let mut args = shape_args(data, model, extra);
        args.extend(["--shard", &shard, "--partial", p.to_str().unwrap()]);
        ok(&interplay(&args));
        p.to_str().unwrap().to_string()
    };
    let a = part(&[], 0, "a.json");
    let b = part(&["--background", "14"], 1, "b.json");
    fails_with(&["merge", &a, &b], "background");
    let c = part(&["--metric", "accuracy"], 1, "c.json");
    fails_with(&["merge", &a, &c], "settings");
    fails_with(&["merge", &a], "missing: 1/2");
    let per = root.join("per.csv");
    let b = part(&[], 1, "b2.json");
    let out = interplay(&["merge", &a, &b, "--per-sample", per.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "SHAPE has no per-sample table");
    ok(&interplay(&["merge", &a, &b]));
}

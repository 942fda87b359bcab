//! `interplay shape|emap --shard i/n --partial F` then `interplay merge`: the
//! merged report equals the single run's JSON report for 1, 2, 3 and 7 shards
//! (within 1e-12), intervals included; parts of other runs are refused with
//! exit status 2.

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

/// Merge the shards of `args` (a `shape` or `emap` command line) into a report
/// and compare it with the single run's.
fn round_trip(root: &Path, args: &[&str], counts: &[usize]) -> f64 {
    let single = root.join("single.json");
    let mut cmd = args.to_vec();
    cmd.extend(["--json", single.to_str().unwrap()]);
    ok(&interplay(&cmd));
    let single = read_json(&single);
    let mut worst = 0.0f64;
    for &count in counts {
        let parts: Vec<String> = (0..count)
            .rev()
            .map(|i| {
                let part = root.join(format!("q{i}of{count}.json"));
                let shard = format!("{i}/{count}");
                let mut cmd = args.to_vec();
                cmd.extend(["--shard", &shard, "--partial", part.to_str().unwrap()]);
                ok(&interplay(&cmd));
                part.to_str().unwrap().to_string()
            })
            .collect();
        let merged = root.join("merged.json");
        let mut cmd = vec!["merge"];
        cmd.extend(parts.iter().map(String::as_str));
        cmd.extend(["-o", merged.to_str().unwrap()]);
        ok(&interplay(&cmd));
        let diff = max_diff(&single, &read_json(&merged), "report");
        println!("{args:?}: {count} shards, max |merged − single| = {diff:.2e}");
        assert!(diff <= 1e-12, "{count} shards: {diff}");
        worst = worst.max(diff);
    }
    worst
}

#[test]
fn merged_emap_strips_equal_the_single_run() {
    use interplay::data::{Dataset, Split};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let data = root.join("two.npz");
    let mut uniform = crate::uniform(0x1234_5678_9ABC_DEF1u64);
    let n = 41;
    let m: Vec<ndarray::Array2<f32>> = [3, 2]
        .iter()
        .map(|&d| ndarray::Array2::from_shape_fn((n, d), |_| uniform()))
        .collect();
    let y = (0..n)
        .map(|a| usize::from((m[0][[a, 0]] > 0.0) ^ (m[1][[a, 0]] > 0.0)))
        .collect();
    let mut dataset = Dataset::default();
    dataset
        .splits
        .insert("val".into(), Split::new(m, Some(y)).unwrap());
    interplay::data::write(&data, &dataset, None).unwrap();
    let model = root.join("m2.safetensors");
    let net = FusionNet::random(Fusion::Intermediate, &[3, 2], 3, 5).unwrap();
    save_fusion(&net, &model, &[]).unwrap();
    let (data, model) = (data.to_str().unwrap(), model.to_str().unwrap());
    let base = ["emap", "--data", data, "--model", model, "--seed", "2"];
    // The bootstrap that recomputes the projection from the kept scores.
    let mut args = base.to_vec();
    args.extend(["--bootstrap", "200"]);
    round_trip(root, &args, &[1, 2, 3, 7]);
    // A seeded subsample, no intervals.
    let mut args = base.to_vec();
    args.extend(["--bootstrap", "0", "--subsample", "30"]);
    round_trip(root, &args, &[2, 7]);
    // Parts of another run are refused; more shards than rows too.
    let part = |extra: &[&str], i: usize, name: &str| {
        let p = root.join(name);
        let shard = format!("{i}/2");
        let mut cmd = base.to_vec();
        cmd.extend(extra);
        cmd.extend(["--shard", &shard, "--partial", p.to_str().unwrap()]);
        ok(&interplay(&cmd));
        p.to_str().unwrap().to_string()
    };
    let a = part(&["--bootstrap", "0"], 0, "ea.json");
    let b = part(&["--bootstrap", "0", "--subsample", "20"], 1, "eb.json");
    fails_with(&["merge", &a, &b], "settings");
    let mut cmd = base.to_vec();
    let p = root.join("x.json");
    cmd.extend(["--shard", "0/42", "--partial", p.to_str().unwrap()]);
    fails_with(&cmd, "42 shards for 41 rows");
}

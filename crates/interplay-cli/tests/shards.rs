//! `interplay intershap --shard i/n --partial F` then `interplay merge`: the
//! merged report equals the single run's JSON report (every number within
//! 1e-12, everything else identical) for 1, 2, 3 and 7 shards; bad sets of
//! shards are one-line errors with exit status 2.

use interplay::data::{Dataset, Split};
use interplay::model::fusion::{save_fusion, Fusion, FusionNet};
use ndarray::Array2;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub(crate) fn write_data(path: &Path) {
    let mut uniform = crate::uniform(0x2545_F491_4F6C_DD1Du64);
    let mut split = |n: usize| {
        let m: Vec<Array2<f32>> = [3, 2, 2]
            .iter()
            .map(|&d| Array2::from_shape_fn((n, d), |_| uniform()))
            .collect();
        let y = (0..n)
            .map(|a| usize::from((m[0][[a, 0]] > 0.0) ^ (m[1][[a, 0]] > 0.0)))
            .collect();
        Split::new(m, Some(y)).unwrap()
    };
    let mut data = Dataset::default();
    data.splits.insert("train".into(), split(60));
    data.splits.insert("val".into(), split(50));
    interplay::data::write(path, &data, None).unwrap();
}

use crate::quiet as interplay;

pub(crate) fn ok(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Largest difference between the numbers of two JSON values; panics where
/// anything else (keys, strings, lengths) differs.
pub(crate) fn max_diff(a: &Value, b: &Value, at: &str) -> f64 {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => (x.as_f64().unwrap() - y.as_f64().unwrap()).abs(),
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{at}: lengths");
            x.iter()
                .zip(y)
                .enumerate()
                .map(|(i, (p, q))| max_diff(p, q, &format!("{at}[{i}]")))
                .fold(0.0, f64::max)
        }
        (Value::Object(x), Value::Object(y)) => {
            let keys = |o: &serde_json::Map<String, Value>| o.keys().cloned().collect::<Vec<_>>();
            assert_eq!(keys(x), keys(y), "{at}: keys");
            x.iter()
                .map(|(k, v)| max_diff(v, &y[k], &format!("{at}.{k}")))
                .fold(0.0, f64::max)
        }
        _ => {
            assert_eq!(a, b, "{at}");
            0.0
        }
    }
}

struct Setup {
    _dir: tempfile::TempDir,
    root: PathBuf,
    common: Vec<String>,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let data = root.join("d.npz");
    write_data(&data);
    let model = root.join("m.safetensors");
    let net = FusionNet::random(Fusion::Intermediate, &[3, 2, 2], 2, 7).unwrap();
    save_fusion(&net, &model, &[]).unwrap();
    let common = [
        "--data",
        data.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--samples",
        "30",
        "--background",
        "20",
        "--seed",
        "5",
        "--bootstrap",
        "300",
    ]
    .map(String::from)
    .to_vec();
    Setup {
        _dir: dir,
        root,
        common,
    }
}

fn shard_files(s: &Setup, count: usize, extra: &[&str]) -> Vec<String> {
    (0..count)
        .map(|i| {
            let tag: String = extra
                .concat()
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect();
            let part = s.root.join(format!("part{i}of{count}{tag}.json"));
            let mut args: Vec<&str> = vec!["intershap"];
            args.extend(s.common.iter().map(String::as_str));
            args.extend(extra);
            let shard = format!("{i}/{count}");
            args.extend(["--shard", &shard, "--partial", part.to_str().unwrap()]);
            ok(&interplay(&args));
            part.to_str().unwrap().to_string()
        })
        .collect()
}

fn round_trip(extra: &[&str]) {
    let s = setup();
    let single = s.root.join("single.json");
    let mut args: Vec<&str> = vec!["intershap"];
    args.extend(s.common.iter().map(String::as_str));
    args.extend(extra);
    args.extend(["--json", single.to_str().unwrap()]);
    ok(&interplay(&args));
    let single: Value = serde_json::from_slice(&std::fs::read(&single).unwrap()).unwrap();
    for count in [1, 2, 3, 7] {
        let mut parts = shard_files(&s, count, extra);
        parts.reverse();
        let merged = s.root.join(format!("merged{count}.json"));
        let per = s.root.join(format!("per{count}.csv"));
        let mut args = vec!["merge"];
        args.extend(parts.iter().map(String::as_str));
        args.extend(["-o", merged.to_str().unwrap()]);
        args.extend(["--per-sample", per.to_str().unwrap()]);
        let out = interplay(&args);
        ok(&out);
        assert!(String::from_utf8_lossy(&out.stdout).contains("global InterSHAP"));
        assert!(std::fs::read_to_string(&per).unwrap().lines().count() > 30);
        let merged: Value = serde_json::from_slice(&std::fs::read(&merged).unwrap()).unwrap();
        let diff = max_diff(&single, &merged, "report");
        println!("{extra:?}: {count} shards, max |merged − single| = {diff:.2e}");
        assert!(diff <= 1e-12, "{count} shards: {diff}");
    }
}

#[test]
fn merged_shards_equal_the_single_run_exact() {
    round_trip(&[]);
}

#[test]
fn merged_shards_equal_the_single_run_sampled_every_class() {
    round_trip(&["--permutations", "12", "--output", "all"]);
}

pub(crate) fn fails_with(args: &[&str], text: &str) {
    let out = interplay(args);
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(text), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn bad_shard_sets_are_refused() {
    let s = setup();
    let parts = shard_files(&s, 3, &[]);
    let out = s.root.join("m.json");
    let o = out.to_str().unwrap();
    fails_with(&["merge", &parts[0], &parts[2], "-o", o], "missing: 1/3");
    fails_with(
        &["merge", &parts[0], &parts[1], &parts[1], &parts[2], "-o", o],
        "twice",
    );
    let other = shard_files(&s, 3, &["--space", "logit"]);
    fails_with(
        &["merge", &parts[0], &other[1], &parts[2], "-o", o],
        "settings",
    );
    let junk = s.root.join("junk.json");
    std::fs::write(&junk, "{\"kind\": \"something else\"}").unwrap();
    fails_with(&["merge", &parts[0], junk.to_str().unwrap()], "junk.json");
    fails_with(&["merge", "/nonexistent/part.json"], "part.json");
    assert!(!out.exists(), "a failed merge writes nothing");
    let mut args: Vec<&str> = vec!["intershap"];
    args.extend(s.common.iter().map(String::as_str));
    let p = s.root.join("p.json");
    let mut bad = args.clone();
    bad.extend(["--shard", "3/3", "--partial", p.to_str().unwrap()]);
    let out = interplay(&bad);
    assert_eq!(out.status.code(), Some(2), "--shard 3/3");
    assert!(String::from_utf8_lossy(&out.stderr).contains("0 ≤ i < n"));
    let mut bad = args.clone();
    bad.extend(["--shard", "0/2"]);
    let out = interplay(&bad);
    assert_eq!(out.status.code(), Some(2), "--shard without --partial");
}

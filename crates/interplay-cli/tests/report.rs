//! `interplay report`: the page and its figures say what the JSON reports say,
//! the page is self-contained, and a failing run writes nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

fn interplay(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_interplay"))
        .arg("--quiet")
        .args(args)
        .current_dir(dir)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run interplay")
}

fn run_ok(dir: &Path, args: &[&str]) -> Output {
    let out = interplay(dir, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Small HD-XOR data, a model trained on it, and the JSON and per-sample outputs
/// of lsmi and intershap, made once and shared (read-only) by the tests.
fn fixtures() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let d = dir.as_path();
        run_ok(
            d,
            &[
                "generate",
                "hd-xor",
                "--setting",
                "synergy",
                "--samples",
                "400",
                "-o",
                "data.npz",
            ],
        );
        run_ok(
            d,
            &[
                "train",
                "--data",
                "data.npz",
                "-o",
                "model.safetensors",
                "--epochs",
                "3",
            ],
        );
        run_ok(
            d,
            &[
                "lsmi",
                "--data",
                "data.npz",
                "--epochs-discriminator",
                "3",
                "--epochs-entropy",
                "3",
                "--bootstrap",
                "50",
                "--json",
                "lsmi.json",
                "--per-sample",
                "lsmi.csv",
            ],
        );
        run_ok(
            d,
            &[
                "intershap",
                "--data",
                "data.npz",
                "--model",
                "model.safetensors",
                "--split",
                "test",
                "--bootstrap",
                "50",
                "--json",
                "intershap.json",
                "--per-sample",
                "intershap.npz",
            ],
        );
        run_ok(
            d,
            &[
                "compare",
                "--data",
                "data.npz",
                "--model",
                "model.safetensors",
                "--shuffles",
                "20",
                "--bootstrap",
                "50",
                "--json",
                "compare.json",
            ],
        );
        dir
    })
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The figure data an SVG file carries in its `<metadata>` element.
fn figure_data(svg: &Path) -> Value {
    let text = std::fs::read_to_string(svg).unwrap();
    let tag = "<metadata class=\"interplay-figure-data\">";
    let start = text.find(tag).expect("metadata") + tag.len();
    let end = text[start..].find("</metadata>").unwrap() + start;
    let raw = text[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str::<Value>(&raw).unwrap()["data"].clone()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-9 * (1.0 + b.abs()),
        "{what}: {a} vs {b}"
    );
}

/// A waterfall's start plus its steps reaches its end; returns (start, end).
fn waterfall_sums(w: &Value) -> (f64, f64) {
    assert_eq!(w["kind"], "waterfall");
    let steps: f64 = w["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| f(&s["delta"]))
        .sum();
    let (start, end) = (f(&w["start"]), f(&w["end"]));
    close(start + steps, end, "base value + steps = prediction");
    (start, end)
}

#[test]
fn figures_from_files_show_what_the_reports_say() {
    let d = fixtures();
    let out = tempfile::tempdir().unwrap();
    let page = out.path().join("r.html");
    let figs = out.path().join("figs");
    run_ok(
        d,
        &[
            "report",
            "--from",
            "lsmi.json,lsmi.csv,intershap.json,intershap.npz",
            "-o",
            page.to_str().unwrap(),
            "--figures",
            figs.to_str().unwrap(),
        ],
    );
    let inter = json(&d.join("intershap.json"));
    let o = &inter["outputs"][0];

    // The dataset waterfall: base value → M1, M2, I → prediction, as in the report.
    let w = figure_data(&figs.join("intershap-waterfall.svg"));
    let (start, end) = waterfall_sums(&w);
    close(start, f(&o["base_value"]), "start = base_value");
    close(end, f(&o["prediction"]), "end = prediction");
    let matrix = o["mean_matrix"].as_array().unwrap();
    for (i, row) in matrix.iter().enumerate() {
        close(f(&w["steps"][i]["delta"]), f(&row[i]), "Mi = Φ_ii");
    }
    let h = figure_data(&figs.join("intershap-heatmap.svg"));
    assert_eq!(h["values"], o["mean_matrix"]);

    // Two sample waterfalls (highest and lowest local score), each summing up.
    let samples: Vec<PathBuf> = std::fs::read_dir(&figs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("intershap-sample-")
        })
        .collect();
    assert_eq!(samples.len(), 2, "{samples:?}");
    for s in &samples {
        waterfall_sums(&figure_data(s));
    }

    // LSMI: the stacked atoms and their intervals are the report's.
    let lsmi = json(&d.join("lsmi.json"));
    let a = figure_data(&figs.join("lsmi-atoms.svg"));
    let pair = &lsmi["pairs"][0];
    for (k, atom) in ["redundancy", "uniqueness_1", "uniqueness_2", "synergy"]
        .iter()
        .enumerate()
    {
        close(f(&a["values"][0][k]), f(&pair["adjusted"][atom]), atom);
        close(
            f(&a["intervals"][0][k][0]),
            f(&pair["adjusted_interval"][atom]["lower"]),
            atom,
        );
        close(
            f(&a["intervals"][0][k][1]),
            f(&pair["adjusted_interval"][atom]["upper"]),
            atom,
        );
    }
    // Each histogram counts every evaluated row once, and its mean is the raw mean.
    let n = lsmi["n"].as_u64().unwrap();
    for atom in ["r", "u1", "u2", "s"] {
        let h = figure_data(&figs.join(format!("lsmi-1-2-hist-{atom}.svg")));
        let total: u64 = h["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .sum();
        assert_eq!(total, n, "{atom}");
    }
    // The per-sample atoms are the adjusted ones: their mean is the reported mean.
    let mean_r = f(&figure_data(&figs.join("lsmi-1-2-hist-r.svg"))["mean"]);
    assert!(
        (mean_r - f(&pair["adjusted"]["redundancy"])).abs() < 1e-6,
        "{mean_r} vs {}",
        pair["adjusted"]["redundancy"]
    );

    // The page holds every figure inline and nothing that fetches or runs.
    let html = std::fs::read_to_string(&page).unwrap();
    let files = std::fs::read_dir(&figs).unwrap().count();
    assert_eq!(html.matches("<figure id=\"fig-").count(), files);
    assert!(!html.contains("<script"), "no JavaScript");
    for external in [
        "src=\"http",
        "href=\"http",
        "url(",
        "@import",
        "<link",
        "<img",
    ] {
        assert!(
            !html.contains(external),
            "page refers to a resource: {external}"
        );
    }
    assert!(
        html.contains(&format!("{:.2}", f(&o["global_percent"]))),
        "global score shown"
    );
}

#[test]
fn report_runs_the_analyses_of_data_and_model() {
    let d = fixtures();
    let out = tempfile::tempdir().unwrap();
    let page = out.path().join("r.html");
    let figs = out.path().join("figs");
    let res = Command::new(env!("CARGO_BIN_EXE_interplay"))
        .args([
            "report",
            "--data",
            "data.npz",
            "--model",
            "model.safetensors",
            "--epochs",
            "2",
            "--bootstrap",
            "50",
            "--samples",
            "3,7",
            "-o",
            page.to_str().unwrap(),
            "--figures",
            figs.to_str().unwrap(),
        ])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    // Progress on stderr: each analysis is announced before it runs.
    let stderr = String::from_utf8_lossy(&res.stderr);
    for stage in [
        "report: LSMI",
        "report: InterSHAP",
        "report: SHAPE",
        "report: EMAP",
        "report: PID",
    ] {
        assert!(stderr.contains(stage), "{stage} not announced: {stderr}");
    }
    assert!(String::from_utf8_lossy(&res.stdout).contains("wrote"));
    for id in [
        "lsmi-atoms",
        "lsmi-1-2-map",
        "intershap-heatmap",
        "intershap-waterfall",
        "intershap-sample-3",
        "intershap-sample-7",
        "scores",
        "pid-atoms",
        "emap",
        "shape",
    ] {
        assert!(figs.join(format!("{id}.svg")).is_file(), "{id}.svg missing");
    }
    let html = std::fs::read_to_string(&page).unwrap();
    for section in [
        "id=\"lsmi\"",
        "id=\"intershap\"",
        "id=\"scores\"",
        "id=\"settings\"",
    ] {
        assert!(html.contains(section), "{section}");
    }
    assert!(html.contains("<th>seed</th><td>0</td>"));
}

#[test]
fn a_failing_report_writes_nothing() {
    let d = fixtures();
    let out = tempfile::tempdir().unwrap();
    let page = out.path().join("r.html");
    std::fs::write(&page, "old page").unwrap();
    let figs = out.path().join("figs");
    // Sample 100000 was not explained: the run fails after the analyses.
    let res = interplay(
        d,
        &[
            "report",
            "--from",
            "intershap.json,intershap.npz",
            "--samples",
            "100000",
            "-o",
            page.to_str().unwrap(),
            "--figures",
            figs.to_str().unwrap(),
        ],
    );
    assert_eq!(
        res.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    assert!(String::from_utf8_lossy(&res.stderr).contains("sample 100000 was not explained"));
    assert_eq!(std::fs::read_to_string(&page).unwrap(), "old page");
    let left: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left,
        vec![std::ffi::OsString::from("r.html")],
        "no figures folder, no temporary file"
    );

    // Bad destinations are refused before any work.
    for args in [
        vec!["report", "--from", "lsmi.json", "-o", "r.txt"],
        vec!["report", "--from", "lsmi.json", "-o", "/nonexistent/r.html"],
    ] {
        let res = interplay(d, &args);
        assert_eq!(res.status.code(), Some(2), "{args:?}");
    }
    // --png without rsvg-convert is refused before any work.
    let res = Command::new(env!("CARGO_BIN_EXE_interplay"))
        .args([
            "report",
            "--from",
            "lsmi.json",
            "-o",
            page.to_str().unwrap(),
        ])
        .args(["--figures", figs.to_str().unwrap(), "--png"])
        .current_dir(d)
        .env("PATH", out.path())
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&res.stderr).contains("--png needs rsvg-convert"));
    assert_eq!(std::fs::read_to_string(&page).unwrap(), "old page");
    assert!(!figs.exists());
    std::fs::create_dir(&figs).unwrap();
    std::fs::write(figs.join("keep.svg"), "x").unwrap();
    let res = interplay(
        d,
        &[
            "report",
            "--from",
            "lsmi.json",
            "-o",
            page.to_str().unwrap(),
            "--figures",
            figs.to_str().unwrap(),
        ],
    );
    assert_eq!(res.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&res.stderr).contains("not an empty folder"));
}

#[test]
fn per_sample_figures_without_their_file_are_noted_not_drawn() {
    let d = fixtures();
    let out = tempfile::tempdir().unwrap();
    let page = out.path().join("r.html");
    run_ok(
        d,
        &[
            "report",
            "--from",
            "lsmi.json,intershap.json",
            "-o",
            page.to_str().unwrap(),
        ],
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("fig-lsmi-atoms") && html.contains("fig-intershap-waterfall"));
    assert!(!html.contains("fig-lsmi-1-2-map") && !html.contains("fig-intershap-sample-"));
    assert!(html.contains("need LSMI&#39;s per-sample values"));
    assert!(html.contains("need InterSHAP&#39;s per-sample values"));
    // Files of other kinds are refused with what --from takes.
    let res = interplay(
        d,
        &[
            "report",
            "--from",
            "lsmi.json,model.safetensors",
            "-o",
            page.to_str().unwrap(),
        ],
    );
    assert_eq!(res.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&res.stderr).contains("give .json reports and .csv or .npz"));
    // A per-sample table without its report is refused.
    let res = interplay(
        d,
        &["report", "--from", "lsmi.csv", "-o", page.to_str().unwrap()],
    );
    assert_eq!(res.status.code(), Some(2));
}

#[test]
fn open_without_a_display_says_it_cannot() {
    let d = fixtures();
    let out = tempfile::tempdir().unwrap();
    let page = out.path().join("r.html");
    let res = Command::new(env!("CARGO_BIN_EXE_interplay"))
        .args([
            "report",
            "--from",
            "lsmi.json",
            "--open",
            "-o",
            page.to_str().unwrap(),
        ])
        .current_dir(d)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert!(res.status.success());
    assert!(page.is_file());
    assert!(String::from_utf8_lossy(&res.stderr).contains("cannot open"));
}

#[test]
fn a_comparison_is_drawn_side_by_side() {
    let d = fixtures();
    let out = tempfile::tempdir().unwrap();
    let figs = out.path().join("figs");
    let page = out.path().join("r.html");
    run_ok(
        d,
        &[
            "report",
            "--from",
            "compare.json",
            "-o",
            page.to_str().unwrap(),
            "--figures",
            figs.to_str().unwrap(),
        ],
    );
    let c = json(&d.join("compare.json"));
    let scores = figure_data(&figs.join("scores.svg"));
    let groups: Vec<&str> = scores["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g.as_str().unwrap())
        .collect();
    let value =
        |name: &str| f(&scores["values"][groups.iter().position(|g| *g == name).unwrap()][0]);
    close(
        value("InterSHAP"),
        f(&c["intershap"]["global"]),
        "InterSHAP global",
    );
    close(value("EMAP gap"), f(&c["emap"]["macro_f1_gap"]), "EMAP gap");
    close(
        value("SHAPE perf."),
        f(&c["shape"]["performance"]["cross_modal"]),
        "SHAPE",
    );
    close(
        value("SHAPE output"),
        f(&c["shape"]["output"]["cross_modal_ratio"]),
        "SHAPE output",
    );
    let pid = figure_data(&figs.join("pid-atoms.svg"));
    assert_eq!(pid["series"], serde_json::json!(["model", "labels"]));
    close(
        f(&pid["values"][3][0]),
        f(&c["pid_model"]["atoms"]["synergy"]),
        "S of the model",
    );
    close(
        f(&pid["values"][3][1]),
        f(&c["pid_labels"]["atoms"]["synergy"]),
        "S of the labels",
    );
    // The comparison's InterSHAP part is drawn too.
    let w = figure_data(&figs.join("intershap-waterfall.svg"));
    let (start, end) = waterfall_sums(&w);
    close(start, f(&c["intershap"]["base_value"]), "base value");
    close(end, f(&c["intershap"]["prediction"]), "prediction");
}

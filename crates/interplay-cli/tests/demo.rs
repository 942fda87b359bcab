//! `interplay demo` runs on built-in data and its estimates land near the exact values.

use std::process::Command;
use std::sync::OnceLock;

/// The demo's stdout, run once and shared by the tests (it trains networks).
fn demo_output() -> &'static str {
    static OUTPUT: OnceLock<String> = OnceLock::new();
    OUTPUT.get_or_init(run_demo)
}

fn run_demo() -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_interplay"))
        .args(["demo", "--quiet", "--seed", "1"])
        .output()
        .expect("run interplay demo");
    assert!(
        out.status.success(),
        "demo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The four numbers of the table row that starts with `label`.
fn row(text: &str, label: &str) -> Vec<f64> {
    let line = text
        .lines()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no row '{label}' in:\n{text}"));
    line[label.len()..]
        .split_whitespace()
        .map(|v| v.parse().expect("number"))
        .collect()
}

#[test]
fn demo_lsmi_lands_near_the_exact_decomposition() {
    let text = demo_output();
    let est = row(text, "LSMI (estimated)");
    let exact = row(text, "exact (closed-form densities)");
    assert_eq!(est.len(), 4);
    // The spec's tolerance for a demo run: |R − 0.50| < 0.06 and 0 ≤ S < 0.15 nats.
    assert!((est[0] - 0.50).abs() < 0.06, "R = {}", est[0]);
    assert!((0.0..0.15).contains(&est[3]), "S = {}", est[3]);
    assert!(
        (est[0] - exact[0]).abs() < 0.06,
        "R {} vs exact {}",
        est[0],
        exact[0]
    );
}

#[test]
fn demo_intershap_separates_synergy_from_uniqueness() {
    let text = demo_output();
    let global = |setting: &str| -> f64 {
        let line = text
            .lines()
            .find(|l| l.split_whitespace().next() == Some(setting))
            .unwrap_or_else(|| panic!("no row '{setting}' in:\n{text}"));
        line.split_whitespace().nth(2).unwrap().parse().unwrap()
    };
    // Paper: synergy 98.0 %, uniqueness 0.2 % (FCNN early fusion).
    assert!(global("synergy") > 85.0, "synergy {}", global("synergy"));
    assert!(
        global("uniqueness1") < 5.0,
        "uniqueness {}",
        global("uniqueness1")
    );
}

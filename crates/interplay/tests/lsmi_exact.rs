//! Exact-probability LSMI against the spec's §7 table (LSMI-raw = dit PID_PM, and
//! LSMI-adj), with the table's values in closed form so the check holds to 1e-9.

use interplay::discrete::JointTable;
use interplay::lsmi::{adjustment, exact, pointwise_atoms, Atoms};

fn uniform(cells: &[(usize, usize, usize)]) -> JointTable {
    let e: Vec<_> = cells.iter().map(|&(a, b, y)| (a, b, y, 1.0)).collect();
    JointTable::from_entries(&e).unwrap()
}

fn bits(a: Atoms) -> [f64; 4] {
    let a = a.map(|v| v / std::f64::consts::LN_2);
    [a.redundancy, a.uniqueness_1, a.uniqueness_2, a.synergy]
}

fn close(got: [f64; 4], want: [f64; 4], what: &str) {
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() < 1e-9, "{what}: got {got:?}, want {want:?}");
    }
}

#[test]
fn canonical_cases_match_spec_section_7() {
    let and_r = 1.5 - 0.75 * 3f64.log2();
    let cases: Vec<(&str, JointTable, [f64; 4], [f64; 4])> = vec![
        (
            "XOR",
            uniform(&[(0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 0)]),
            [0.0, 0.0, 0.0, 1.0],
            [0.0, 0.0, 0.0, 1.0],
        ),
        (
            "AND",
            uniform(&[(0, 0, 0), (0, 1, 0), (1, 0, 0), (1, 1, 1)]),
            [and_r + 0.25, -0.25, -0.25, 0.75],
            [and_r, 0.0, 0.0, 0.5],
        ),
        (
            "RDN",
            JointTable::from_entries(&[(0, 0, 0, 0.5), (1, 1, 1, 0.5)]).unwrap(),
            [1.0, 0.0, 0.0, 0.0],
            [1.0, 0.0, 0.0, 0.0],
        ),
        (
            "UNQ1",
            uniform(&[(0, 0, 0), (0, 1, 0), (1, 0, 1), (1, 1, 1)]),
            [1.0, 0.0, -1.0, 1.0],
            [0.0, 1.0, 0.0, 0.0],
        ),
        (
            "UNQ2",
            uniform(&[(0, 0, 0), (0, 1, 1), (1, 0, 0), (1, 1, 1)]),
            [1.0, -1.0, 0.0, 1.0],
            [0.0, 0.0, 1.0, 0.0],
        ),
        (
            "SUM",
            uniform(&[(0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 2)]),
            [0.5, 0.0, 0.0, 1.0],
            [0.5, 0.0, 0.0, 1.0],
        ),
    ];
    for (name, table, raw, adj) in cases {
        let e = exact(&table);
        close(bits(e.raw), raw, &format!("{name} raw"));
        close(bits(e.adjusted), adj, &format!("{name} adjusted"));
        // The shift keeps all three mutual informations.
        let [i1, i2, i12] = table.mutual_informations();
        let a = e.adjusted;
        assert!((a.redundancy + a.uniqueness_1 - i1).abs() < 1e-12, "{name}");
        assert!((a.redundancy + a.uniqueness_2 - i2).abs() < 1e-12, "{name}");
        let total = a.redundancy + a.uniqueness_1 + a.uniqueness_2 + a.synergy;
        assert!((total - i12).abs() < 1e-12, "{name}");
    }
}

#[test]
fn adjustment_branches_follow_the_original() {
    let m = |r, u1, u2, s| Atoms {
        redundancy: r,
        uniqueness_1: u1,
        uniqueness_2: u2,
        synergy: s,
    };
    assert_eq!(adjustment(&m(-0.2, 0.1, 0.1, 0.3)), 0.2);
    assert_eq!(adjustment(&m(0.5, 0.1, 0.1, -0.3)), 0.3);
    assert_eq!(adjustment(&m(0.5, -0.07, -0.02, 0.3)), -0.07);
    assert_eq!(adjustment(&m(0.5, 0.0, 0.1, 0.0)), 0.0);
    // One pass: branch 1 may leave a uniqueness negative.
    let a = m(-0.1, -0.3, 0.2, 0.4);
    assert!(a.shifted(adjustment(&a)).uniqueness_1 < 0.0);
}

#[test]
fn pointwise_atoms_keep_the_pmis() {
    let a = pointwise_atoms(0.3, -0.1, 0.9, 1.2, 2.5);
    // r = min(1.2, 2.5) − min(1.2 − 0.3, 2.5 + 0.1) = 1.2 − 0.9 = 0.3
    assert!((a.redundancy - 0.3).abs() < 1e-12);
    assert!((a.redundancy + a.uniqueness_1 - 0.3).abs() < 1e-12);
    assert!((a.redundancy + a.uniqueness_2 + 0.1).abs() < 1e-12);
    let total = a.redundancy + a.uniqueness_1 + a.uniqueness_2 + a.synergy;
    assert!((total - 0.9).abs() < 1e-12);
}

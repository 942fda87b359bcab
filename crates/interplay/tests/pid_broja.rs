//! BROJA against the exact values of spec §7, and the Newton solver against the
//! Clarabel oracle and the KKT/feasibility conditions on random joints.

use interplay::discrete::JointTable;
use interplay::params::Validate;
use interplay::pid::{broja, BrojaOptions, BrojaSolver, PidResult, SolveStatus};
use interplay::Units;
use rand::Rng;

fn uniform(cells: &[(usize, usize, usize)]) -> JointTable {
    let e: Vec<_> = cells.iter().map(|&(a, b, y)| (a, b, y, 1.0)).collect();
    JointTable::from_entries(&e).unwrap()
}

fn solve(p: &JointTable, solver: BrojaSolver) -> PidResult {
    let opts = BrojaOptions {
        solver,
        units: Units::Bits,
        ..BrojaOptions::default()
    };
    broja(p, &opts.validate().unwrap()).unwrap()
}

const AND_R: f64 = 0.311_278_124_459_132_94;

/// (name, table, (R, U1, U2, S) in bits, (I1, I2, I12) in bits) from spec §7.
fn canonical() -> Vec<(&'static str, JointTable, [f64; 4], [f64; 3])> {
    vec![
        (
            "XOR",
            uniform(&[(0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 0)]),
            [0.0, 0.0, 0.0, 1.0],
            [0.0, 0.0, 1.0],
        ),
        (
            "AND",
            uniform(&[(0, 0, 0), (0, 1, 0), (1, 0, 0), (1, 1, 1)]),
            [AND_R, 0.0, 0.0, 0.5],
            [AND_R, AND_R, 2.0 - 0.75 * 3f64.log2()],
        ),
        (
            "RDN",
            uniform(&[(0, 0, 0), (1, 1, 1)]),
            [1.0, 0.0, 0.0, 0.0],
            [1.0, 1.0, 1.0],
        ),
        (
            "UNQ1",
            uniform(&[(0, 0, 0), (0, 1, 0), (1, 0, 1), (1, 1, 1)]),
            [0.0, 1.0, 0.0, 0.0],
            [1.0, 0.0, 1.0],
        ),
        (
            "UNQ2",
            uniform(&[(0, 0, 0), (0, 1, 1), (1, 0, 0), (1, 1, 1)]),
            [0.0, 0.0, 1.0, 0.0],
            [0.0, 1.0, 1.0],
        ),
        (
            "SUM",
            uniform(&[(0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 2)]),
            [0.5, 0.0, 0.0, 1.0],
            [0.5, 0.5, 1.5],
        ),
    ]
}

/// The solvers in this build (Clarabel needs the `clarabel` feature).
const SOLVERS: &[BrojaSolver] = &[
    BrojaSolver::Newton,
    #[cfg(feature = "clarabel")]
    BrojaSolver::Clarabel,
];

#[test]
fn both_solvers_match_the_canonical_values_to_1e6_bits() {
    for &solver in SOLVERS {
        for (name, p, atoms, mis) in canonical() {
            let r = solve(&p, solver);
            assert_eq!(r.units, Units::Bits);
            assert_eq!(r.status, SolveStatus::Optimal, "{name} {solver:?}");
            for (got, want) in r.atoms().iter().zip(atoms) {
                assert!(
                    (got - want).abs() < 1e-6,
                    "{name} {solver:?}: atoms {:?}, expected {atoms:?}",
                    r.atoms()
                );
            }
            let got_mis = [r.mi_x1_y, r.mi_x2_y, r.mi_x1x2_y];
            for (got, want) in got_mis.iter().zip(mis) {
                assert!((got - want).abs() < 1e-12, "{name}: MIs {got_mis:?}");
            }
            assert!(
                r.duality_gap.abs() < 1e-6,
                "{name} {solver:?}: gap {}",
                r.duality_gap
            );
        }
    }
}

#[test]
fn atoms_are_consistent_with_the_mutual_informations() {
    for (name, p, _, _) in canonical() {
        let r = solve(&p, BrojaSolver::Newton);
        assert!(
            (r.redundancy + r.unique1 - r.mi_x1_y).abs() < 1e-12,
            "{name}"
        );
        assert!(
            (r.redundancy + r.unique2 - r.mi_x2_y).abs() < 1e-12,
            "{name}"
        );
        let total = r.redundancy + r.unique1 + r.unique2 + r.synergy;
        assert!((total - r.mi_x1x2_y).abs() < 1e-12, "{name}");
    }
}

#[test]
fn nats_and_bits_differ_by_ln2() {
    let p = uniform(&[(0, 0, 0), (0, 1, 0), (1, 0, 0), (1, 1, 1)]);
    let r = broja(&p, &BrojaOptions::default().validate().unwrap()).unwrap();
    assert_eq!(r.units, Units::Nats);
    assert!((r.redundancy - 0.215_761_554_338_835_73).abs() < 1e-7);
    assert!((r.synergy - 0.346_573_590_279_972_64).abs() < 1e-7);
}

fn random_joint(shape: [usize; 3], zero_fraction: f64, seed: u64) -> JointTable {
    let mut rng = interplay::rng::seeded(seed, interplay::rng::stream_id("pid-test"));
    let n: usize = shape.iter().product();
    let p: Vec<f64> = (0..n)
        .map(|_| {
            if rng.gen::<f64>() < zero_fraction {
                0.0
            } else {
                rng.gen::<f64>().powi(3)
            }
        })
        .collect();
    JointTable::new(shape, p).unwrap()
}

#[cfg(feature = "clarabel")]
#[test]
fn newton_agrees_with_clarabel_on_random_joints_and_is_feasible() {
    let shapes = [[3, 4, 2], [5, 3, 3], [6, 6, 4], [8, 5, 2], [4, 7, 3]];
    for (i, &shape) in shapes.iter().enumerate() {
        for zeros in [0.0, 0.4] {
            let p = random_joint(shape, zeros, i as u64);
            let newton = solve(&p, BrojaSolver::Newton);
            let oracle = solve(&p, BrojaSolver::Clarabel);
            for (a, b) in newton.atoms().iter().zip(oracle.atoms()) {
                assert!(
                    (a - b).abs() < 1e-6,
                    "{shape:?} zeros {zeros}: newton {:?} clarabel {:?}",
                    newton.atoms(),
                    oracle.atoms()
                );
            }
            // Feasibility of q*: p's (x1,y) and (x2,y) marginals, non-negative.
            assert!(newton.q.probabilities().iter().all(|&v| v >= 0.0));
            let (m1, m2) = (newton.q.marginal_x1_y(), newton.q.marginal_x2_y());
            for (a, b) in m1.iter().zip(p.marginal_x1_y()) {
                assert!((a - b).abs() < 1e-12);
            }
            for (a, b) in m2.iter().zip(p.marginal_x2_y()) {
                assert!((a - b).abs() < 1e-12);
            }
            // Optimality certificate and no atom below zero.
            assert!(newton.duality_gap >= -1e-12 && newton.duality_gap < 1e-7);
            assert!(
                newton.atoms().iter().all(|&v| v > -1e-7),
                "{:?}",
                newton.atoms()
            );
            // No feasible point does better: I_q*(X1,X2;Y) ≤ I_p(X1,X2;Y).
            assert!(newton.mi_x1x2_y_q <= newton.mi_x1x2_y + 1e-9);
        }
    }
}

#[test]
fn the_optimum_satisfies_the_kkt_conditions() {
    // At q*, every direction d that keeps the marginals (an "elementary swap"
    // on a 2×2 sub-grid of one label slice pair) cannot decrease −H(Y|X1,X2)
    // where it stays feasible: check a first-order condition numerically.
    let p = random_joint([4, 4, 2], 0.0, 9);
    let r = solve(&p, BrojaSolver::Newton);
    let q = r.q.probabilities().to_vec();
    let [n1, n2, ny] = r.q.shape();
    let f = |q: &[f64]| -> f64 {
        let mut s = 0.0;
        for c in 0..n1 * n2 {
            let slice = &q[c * ny..(c + 1) * ny];
            let t: f64 = slice.iter().sum();
            s += slice
                .iter()
                .filter(|&&v| v > 0.0)
                .map(|v| v * (v / t).ln())
                .sum::<f64>();
        }
        s
    };
    let f0 = f(&q);
    let h = 1e-7;
    for y in 0..ny {
        for (a, a2) in [(0, 1), (1, 2), (2, 3)] {
            for (b, b2) in [(0, 1), (2, 3), (1, 3)] {
                let idx = |a: usize, b: usize| (a * n2 + b) * ny + y;
                for sign in [1.0, -1.0] {
                    let mut d = q.clone();
                    d[idx(a, b)] += sign * h;
                    d[idx(a2, b2)] += sign * h;
                    d[idx(a, b2)] -= sign * h;
                    d[idx(a2, b)] -= sign * h;
                    if d.iter().all(|&v| v >= 0.0) {
                        assert!(f(&d) >= f0 - 1e-12, "descent direction found");
                    }
                }
            }
        }
    }
}

#[test]
fn zero_rows_labels_and_single_cells_are_handled() {
    // An x1 value that never occurs, a label that never occurs, a point mass.
    let p = JointTable::new(
        [3, 2, 3],
        vec![
            0.3, 0.0, 0.1, 0.0, 0.0, 0.2, //
            0.0, 0.0, 0.0, 0.0, 0.0, 0.0, //
            0.1, 0.0, 0.0, 0.2, 0.0, 0.1,
        ],
    )
    .unwrap();
    let a = solve(&p, BrojaSolver::Newton);
    assert!(a.atoms().iter().all(|x| x.is_finite()));
    #[cfg(feature = "clarabel")]
    {
        let b = solve(&p, BrojaSolver::Clarabel);
        for (x, y) in a.atoms().iter().zip(b.atoms()) {
            assert!((x - y).abs() < 1e-6 && x.is_finite());
        }
    }
    let point = JointTable::new([1, 1, 1], vec![1.0]).unwrap();
    let r = solve(&point, BrojaSolver::Newton);
    assert!(r.atoms().iter().all(|v| v.abs() < 1e-12));
}

#[cfg(feature = "clarabel")]
#[test]
fn newton_agrees_with_clarabel_on_sparse_histograms() {
    // Few samples over many cells: most cells empty, many optima on the boundary.
    for (seed, shape, samples) in [(21u64, [12usize, 12, 3], 300usize), (22, [20, 15, 2], 400)] {
        let mut rng = interplay::rng::seeded(seed, interplay::rng::stream_id("pid-hist"));
        let x1: Vec<usize> = (0..samples).map(|_| rng.gen_range(0..shape[0])).collect();
        let x2: Vec<usize> = x1
            .iter()
            .map(|&a| (a * 7 + rng.gen_range(0..3)) % shape[1])
            .collect();
        let y: Vec<usize> = x1
            .iter()
            .zip(&x2)
            .map(|(&a, &b)| {
                if rng.gen::<f64>() < 0.8 {
                    (a + b) % shape[2]
                } else {
                    rng.gen_range(0..shape[2])
                }
            })
            .collect();
        let p = JointTable::from_samples(&x1, &x2, &y).unwrap();
        let newton = solve(&p, BrojaSolver::Newton);
        let oracle = solve(&p, BrojaSolver::Clarabel);
        assert_eq!(newton.status, SolveStatus::Optimal);
        for (a, b) in newton.atoms().iter().zip(oracle.atoms()) {
            assert!(
                (a - b).abs() < 1e-6,
                "newton {:?} clarabel {:?}",
                newton.atoms(),
                oracle.atoms()
            );
        }
    }
}

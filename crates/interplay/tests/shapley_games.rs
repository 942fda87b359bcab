//! Shapley core on hand-made games: additive, product, random (efficiency), symmetry,
//! dummy players, and permutation sampling against exact enumeration.

use interplay::intershap::{interaction_share, local_scores};
use interplay::shapley::{exact, permutation_sampling, SamplingConfig};
use ndarray::{Array2, Axis};
use rand::Rng;

/// Values of a game on all 2^m masks for every sample.
fn game(n: usize, m: usize, f: impl Fn(usize, u64) -> f64) -> Array2<f64> {
    Array2::from_shape_fn((n, 1 << m), |(a, s)| f(a, s as u64))
}

#[test]
fn additive_game_has_no_interactions() {
    let m = 5;
    let w = [0.3, -1.2, 2.0, 0.0, 0.7];
    let v = game(3, m, |a, s| {
        (0..m)
            .filter(|i| s >> i & 1 == 1)
            .map(|i| w[i] * (a + 1) as f64)
            .sum::<f64>()
            + 4.0
    });
    let r = exact(v.view()).unwrap();
    for a in 0..3 {
        for i in 0..m {
            assert!((r.phi[[a, i]] - w[i] * (a + 1) as f64).abs() < 1e-12);
            for j in (0..m).filter(|&j| j != i) {
                assert!(r.sii[[a, i, j]].abs() < 1e-12);
                assert!(r.matrix[[a, i, j]].abs() < 1e-12);
            }
        }
    }
    assert!(local_scores(r.matrix.view()).iter().all(|&l| l < 1e-12));
}

#[test]
fn pure_product_game_is_all_interaction() {
    // v(S) = 1 iff both players present: φ_i = 1/2, SII = 1, Φ_ii = 0, local = 1.
    let v = game(2, 2, |_, s| if s == 3 { 1.0 } else { 0.0 });
    let r = exact(v.view()).unwrap();
    assert!((r.phi[[0, 0]] - 0.5).abs() < 1e-12);
    assert!((r.sii[[0, 0, 1]] - 1.0).abs() < 1e-12);
    assert!(r.matrix[[0, 0, 0]].abs() < 1e-12 && r.matrix[[0, 1, 1]].abs() < 1e-12);
    assert!((r.matrix[[0, 0, 1]] - 0.5).abs() < 1e-12);
    assert!((interaction_share(r.matrix.index_axis(Axis(0), 0)) - 1.0).abs() < 1e-12);
    // The same product with a third, dummy player: still no main effects, local 1.
    let v = game(1, 3, |_, s| if s & 3 == 3 { 1.0 } else { 0.0 });
    let r = exact(v.view()).unwrap();
    assert!(r.phi[[0, 2]].abs() < 1e-12);
    for i in 0..3 {
        assert!(r.matrix[[0, i, i]].abs() < 1e-12);
    }
    assert!((local_scores(r.matrix.view())[0] - 1.0).abs() < 1e-12);
}

#[test]
fn efficiency_holds_on_random_games() {
    let mut rng = interplay::rng::seeded(1, 2);
    for m in 2..=8 {
        let v = Array2::from_shape_fn((4, 1 << m), |_| rng.gen_range(-3.0..3.0));
        let r = exact(v.view()).unwrap();
        for a in 0..4 {
            let total = v[[a, (1 << m) - 1]] - v[[a, 0]];
            let phi_sum: f64 = r.phi.row(a).sum();
            let mat_sum: f64 = r.matrix.index_axis(Axis(0), a).sum();
            assert!(
                (phi_sum - total).abs() < 1e-12,
                "m={m}: φ sum {phi_sum} vs {total}"
            );
            assert!(
                (mat_sum - total).abs() < 1e-12,
                "m={m}: Φ sum {mat_sum} vs {total}"
            );
            for i in 0..m {
                for j in 0..m {
                    assert!((r.sii[[a, i, j]] - r.sii[[a, j, i]]).abs() < 1e-15);
                }
            }
        }
    }
}

#[test]
fn symmetric_and_dummy_players() {
    let mut rng = interplay::rng::seeded(3, 4);
    let m = 5;
    // Random symmetric function of players 0 and 1 (through their count) and of
    // player 2; players 3 and 4 are dummies.
    let table: Vec<f64> = (0..6).map(|_| rng.gen_range(-1.0..1.0)).collect();
    let v = game(1, m, |_, s| {
        let pair = (s & 1) + (s >> 1 & 1);
        table[(pair as usize) * 2 + (s >> 2 & 1) as usize]
    });
    let r = exact(v.view()).unwrap();
    assert!((r.phi[[0, 0]] - r.phi[[0, 1]]).abs() < 1e-12);
    assert!((r.sii[[0, 0, 2]] - r.sii[[0, 1, 2]]).abs() < 1e-12);
    for d in [3, 4] {
        assert!(r.phi[[0, d]].abs() < 1e-12);
        for j in 0..m {
            assert!(r.sii[[0, d, j]].abs() < 1e-12);
            assert!(r.matrix[[0, d, j]].abs() < 1e-12);
        }
    }
}

#[test]
fn permutation_sampling_agrees_with_exact() {
    let mut rng = interplay::rng::seeded(5, 6);
    for m in [2, 3, 5, 8] {
        let v = Array2::from_shape_fn((3, 1 << m), |_| rng.gen_range(-1.0..1.0));
        let truth = exact(v.view()).unwrap();
        let config = SamplingConfig {
            permutations: 400,
            seed: 9,
        };
        let est = permutation_sampling(m, 3, &config, |masks| {
            Ok(Array2::from_shape_fn((3, masks.len()), |(a, k)| {
                v[[a, masks[k] as usize]]
            }))
        })
        .unwrap();
        let se = est.std_err.as_ref().unwrap();
        let (mut worst, mut n_outside) = (0.0f64, 0);
        let mut count = 0;
        for ((idx, &x), &s) in est.matrix.indexed_iter().zip(se.matrix.iter()) {
            let z = (x - truth.matrix[idx]).abs() / s.max(1e-12);
            worst = worst.max(z);
            n_outside += usize::from(z > 3.0);
            count += 1;
        }
        for ((idx, &x), &s) in est.phi.indexed_iter().zip(se.phi.iter()) {
            let z = (x - truth.phi[idx]).abs() / s.max(1e-12);
            worst = worst.max(z);
            n_outside += usize::from(z > 3.0);
            count += 1;
        }
        assert!(worst < 5.0, "m={m}: worst z {worst}");
        assert!(
            n_outside * 50 <= count,
            "m={m}: {n_outside}/{count} beyond 3 SE"
        );
        // Efficiency is exact for the sampled Φ as well.
        for a in 0..3 {
            let total = v[[a, (1 << m) - 1]] - v[[a, 0]];
            assert!((est.matrix.index_axis(Axis(0), a).sum() - total).abs() < 1e-10);
        }
    }
}

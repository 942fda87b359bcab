//! Small dense linear algebra for the Newton solver: Cholesky factorisation and
//! triangular solves on row-major `f64` matrices. The systems are at most a few
//! hundred wide, so a cache-friendly row-dot formulation is fast enough and
//! keeps the crate free of a LAPACK dependency.

/// Dot product with four independent accumulators, so the compiler can use
/// SIMD (a single running sum fixes the order and forbids it).
pub(crate) fn dot(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &y[..n]);
    let mut acc = [0.0f64; 4];
    let chunks = n / 4;
    for c in 0..chunks {
        for l in 0..4 {
            acc[l] += x[4 * c + l] * y[4 * c + l];
        }
    }
    let mut tail = 0.0;
    for i in 4 * chunks..n {
        tail += x[i] * y[i];
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// `c[lower] += alpha · aᵀ·a` for a row-major `k × n` matrix `a` and a row-major
/// `n × n` matrix `c`: only the blocks on or below the diagonal are formed
/// (the upper triangle of `c` is left stale), saving about a third of the work
/// of a full product.
pub(crate) fn syrk_lower_transposed(alpha: f64, a: &[f64], k: usize, n: usize, c: &mut [f64]) {
    const BLOCK: usize = 128;
    assert!(a.len() >= k * n && c.len() >= n * n);
    let mut i0 = 0;
    while i0 < n {
        let bi = BLOCK.min(n - i0);
        let mut j0 = 0;
        while j0 <= i0 {
            let bj = BLOCK.min(n - j0);
            // SAFETY: the asserted lengths bound every access: rows i0..i0+bi and
            // columns j0..j0+bj of aᵀ·a read columns of `a` below n, and write
            // inside `c`; `a` and `c` are distinct slices.
            unsafe {
                matrixmultiply::dgemm(
                    bi,
                    k,
                    bj,
                    alpha,
                    a.as_ptr().add(i0),
                    1,
                    n as isize,
                    a.as_ptr().add(j0),
                    n as isize,
                    1,
                    1.0,
                    c.as_mut_ptr().add(i0 * n + j0),
                    n as isize,
                    1,
                );
            }
            j0 += BLOCK;
        }
        i0 += BLOCK;
    }
}

/// In-place Cholesky factorisation `A = L·Lᵀ` of a symmetric positive definite
/// `n × n` row-major matrix; the lower triangle is overwritten by L (the upper
/// triangle is left untouched). A pivot below `floor` is raised to `floor`,
/// which regularises the nearly singular systems met late in a barrier path
/// instead of failing. Returns how many pivots were raised.
pub(crate) fn cholesky_in_place(a: &mut [f64], n: usize, floor: f64) -> usize {
    let mut raised = 0;
    for i in 0..n {
        for j in 0..=i {
            let (head, tail) = a.split_at_mut(i * n);
            let row_i = &tail[..n];
            let row_j: &[f64] = if j == i {
                row_i
            } else {
                &head[j * n..j * n + n]
            };
            let dot: f64 = row_i[..j].iter().zip(&row_j[..j]).map(|(x, y)| x * y).sum();
            if j == i {
                let mut d = row_i[i] - dot;
                if d.is_nan() || d <= floor {
                    d = floor;
                    raised += 1;
                }
                tail[i] = d.sqrt();
            } else {
                let ljj = head[j * n + j];
                tail[j] = (row_i[j] - dot) / ljj;
            }
        }
    }
    raised
}

/// Blocked right-looking variant of [`cholesky_in_place`] for larger systems:
/// the trailing updates are matrix products (`matrixmultiply`), which run
/// several times faster than the unblocked dot products. Same contract: the
/// lower triangle becomes L; the upper triangle is overwritten with scratch.
pub(crate) fn cholesky_blocked(a: &mut [f64], n: usize, floor: f64) -> usize {
    const BLOCK: usize = 48;
    if n <= 2 * BLOCK {
        return cholesky_in_place(a, n, floor);
    }
    let mut raised = 0;
    let mut diag = vec![0.0; BLOCK * BLOCK];
    let mut k = 0;
    while k < n {
        let b = BLOCK.min(n - k);
        // Factor the diagonal block.
        for i in 0..b {
            for j in 0..b {
                diag[i * b + j] = a[(k + i) * n + k + j];
            }
        }
        raised += cholesky_in_place(&mut diag[..b * b], b, floor);
        for i in 0..b {
            for j in 0..=i {
                a[(k + i) * n + k + j] = diag[i * b + j];
            }
        }
        let rest = n - k - b;
        if rest == 0 {
            break;
        }
        // Panel: rows below solve X·L_kkᵀ = A (row by row forward substitution).
        for r in k + b..n {
            let row = &mut a[r * n + k..r * n + k + b];
            for j in 0..b {
                let d = dot(&row[..j], &diag[j * b..j * b + j]);
                row[j] = (row[j] - d) / diag[j * b + j];
            }
        }
        // Trailing update A22 -= P·Pᵀ with P the panel (rest × b, row stride n).
        // SAFETY: P is read from columns k..k+b and C written to columns k+b..n
        // of the same rows range; the two regions never overlap, and all strides
        // stay within the n × n buffer.
        unsafe {
            let base = a.as_mut_ptr();
            let p = base.add((k + b) * n + k) as *const f64;
            let c = base.add((k + b) * n + k + b);
            matrixmultiply::dgemm(
                rest, b, rest, -1.0, p, n as isize, 1, p, 1, n as isize, 1.0, c, n as isize, 1,
            );
        }
        k += b;
    }
    raised
}

/// Solve `L·x = b` in place (forward substitution) with L from [`cholesky_in_place`].
pub(crate) fn solve_lower(l: &[f64], n: usize, x: &mut [f64]) {
    for i in 0..n {
        let d = dot(&l[i * n..i * n + i], &x[..i]);
        x[i] = (x[i] - d) / l[i * n + i];
    }
}

/// Solve `Lᵀ·x = b` in place (back substitution) with L from [`cholesky_in_place`].
pub(crate) fn solve_upper_transposed(l: &[f64], n: usize, x: &mut [f64]) {
    for i in (0..n).rev() {
        x[i] /= l[i * n + i];
        let xi = x[i];
        for k in 0..i {
            x[k] -= l[i * n + k] * xi;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syrk_matches_a_naive_product_on_the_lower_triangle() {
        let (k, n) = (7, 300);
        let a: Vec<f64> = (0..k * n).map(|i| ((i * 37) % 11) as f64 - 5.0).collect();
        let mut c = vec![1.0; n * n];
        syrk_lower_transposed(-1.0, &a, k, n, &mut c);
        for i in 0..n {
            for j in 0..=i {
                let want = 1.0 - (0..k).map(|r| a[r * n + i] * a[r * n + j]).sum::<f64>();
                assert_eq!(c[i * n + j], want);
            }
        }
    }

    #[test]
    fn blocked_and_unblocked_cholesky_agree() {
        let n = 150;
        let mut a = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                a[i * n + j] =
                    1.0 / (1.0 + (i as f64 - j as f64).abs()) + if i == j { n as f64 } else { 0.0 };
            }
        }
        let mut l1 = a.clone();
        let mut l2 = a;
        cholesky_in_place(&mut l1, n, 1e-300);
        cholesky_blocked(&mut l2, n, 1e-300);
        for i in 0..n {
            for j in 0..=i {
                assert!((l1[i * n + j] - l2[i * n + j]).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn cholesky_solves_a_spd_system() {
        let a0 = [4.0, 2.0, 0.6, 2.0, 5.0, 1.0, 0.6, 1.0, 3.0];
        let mut l = a0;
        assert_eq!(cholesky_in_place(&mut l, 3, 1e-300), 0);
        let mut x = [1.0, -2.0, 0.5];
        let b = x;
        solve_lower(&l, 3, &mut x);
        solve_upper_transposed(&l, 3, &mut x);
        for i in 0..3 {
            let ax: f64 = (0..3).map(|j| a0[i * 3 + j] * x[j]).sum();
            assert!((ax - b[i]).abs() < 1e-12);
        }
    }
}

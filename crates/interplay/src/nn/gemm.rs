//! Thin safe wrappers over `matrixmultiply` for row-major slices, so the unsafe
//! pointer/stride calls live in one place and check their bounds first.

/// Defines a safe row-major GEMM wrapper `$name` over `matrixmultiply::$kernel`.
macro_rules! row_major_gemm {
    ($(#[$doc:meta])* $name:ident, $kernel:ident, $t:ty) => {
        $(#[$doc])*
        #[allow(clippy::too_many_arguments)]
        pub(crate) fn $name(
            m: usize,
            k: usize,
            n: usize,
            a: &[$t],
            a_t: bool,
            b: &[$t],
            b_t: bool,
            beta: $t,
            c: &mut [$t],
        ) {
            assert!(a.len() >= m * k && b.len() >= k * n && c.len() >= m * n);
            if m == 0 || n == 0 {
                return;
            }
            let (rsa, csa) = if a_t { (1, m as isize) } else { (k as isize, 1) };
            let (rsb, csb) = if b_t { (1, k as isize) } else { (n as isize, 1) };
            // SAFETY: the assert above guarantees every index the strides reach is in bounds.
            unsafe {
                matrixmultiply::$kernel(
                    m,
                    k,
                    n,
                    1.0,
                    a.as_ptr(),
                    rsa,
                    csa,
                    b.as_ptr(),
                    rsb,
                    csb,
                    beta,
                    c.as_mut_ptr(),
                    n as isize,
                    1,
                );
            }
        }
    };
}

row_major_gemm!(
    /// `c[m×n] = beta·c + a·b` where `a` is `m×k` and `b` is `k×n`; each operand is
    /// given with `transpose` flags over row-major storage (`a_t`: `a` is stored as
    /// `k×m`; `b_t`: `b` is stored as `n×k`).
    sgemm,
    sgemm,
    f32
);

row_major_gemm!(
    /// The f64 counterpart of [`sgemm`], used by the KNIFE densities.
    dgemm,
    dgemm,
    f64
);

//! Two independent derivations of the canonical PIDs agree: the atoms the
//! `synth::pid_discrete` catalogue documents (closed forms) and the BROJA solvers.

use interplay::params::Validate;
use interplay::pid::{broja, BrojaOptions, BrojaSolver};
use interplay::synth::pid_discrete::CANONICAL;
use interplay::Units;

#[test]
fn broja_reproduces_every_documented_canonical_decomposition() {
    let solvers = [
        BrojaSolver::Newton,
        #[cfg(feature = "clarabel")]
        BrojaSolver::Clarabel,
    ];
    for solver in solvers {
        let options = BrojaOptions {
            solver,
            units: Units::Nats,
            ..BrojaOptions::default()
        };
        for case in CANONICAL {
            let r = broja(&case.table(), &options.validate().unwrap()).unwrap();
            let got = [r.redundancy, r.unique1, r.unique2, r.synergy];
            let want = case.broja_nats();
            for (g, w) in got.iter().zip(want) {
                // 1e-6 bits, the acceptance tolerance of the PID issue.
                assert!(
                    (g - w).abs() < 1e-6 * std::f64::consts::LN_2,
                    "{} with {solver:?}: got {got:?}, documented {want:?} (nats)",
                    case.name
                );
            }
        }
    }
}

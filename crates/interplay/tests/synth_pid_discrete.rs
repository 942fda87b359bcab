//! Canonical discrete PID distributions: their mutual informations against the
//! spec's §7 table, consistency of the stated BROJA atoms, lookup by name,
//! sampling frequencies, one-hot datasets and determinism.

use interplay::discrete::JointTable;
use interplay::synth::pid_discrete::{
    canonical, canonical_case, canonical_names, sample_dataset, sample_seeded, table_to_csv,
    CANONICAL, CODES_KEY,
};

const LN2: f64 = std::f64::consts::LN_2;

/// (I(X1;Y), I(X2;Y), I(X1,X2;Y)) in bits.
fn mis_bits(t: &JointTable) -> [f64; 3] {
    t.mutual_informations().map(|v| v / LN2)
}

#[test]
fn mutual_informations_match_the_spec_table() {
    // Spec §7 "MIs" column, bits.
    let and = (0.311278, 0.311278, 0.811278);
    let expected = [
        ("XOR", (0.0, 0.0, 1.0)),
        ("AND", and),
        ("RDN", (1.0, 1.0, 1.0)),
        ("UNQ1", (1.0, 0.0, 1.0)),
        ("UNQ2", (0.0, 1.0, 1.0)),
        ("SUM", (0.5, 0.5, 1.5)),
        // Derived: OR mirrors AND; COPY and RDNXOR carry two bits jointly.
        ("OR", and),
        ("COPY", (1.0, 1.0, 2.0)),
        ("RDNXOR", (1.0, 1.0, 2.0)),
        ("redundant_and_unique1", (0.811278, 0.311278, 0.811278)),
        ("redundant_or_unique1", (0.811278, 0.311278, 0.811278)),
        ("redundant_xor_unique1", (1.0, 0.0, 1.0)),
    ];
    for (name, (i1, i2, i12)) in expected {
        let [a, b, c] = mis_bits(&canonical(name).unwrap());
        assert!((a - i1).abs() < 1e-6, "{name} I1 {a}");
        assert!((b - i2).abs() < 1e-6, "{name} I2 {b}");
        assert!((c - i12).abs() < 1e-6, "{name} I12 {c}");
    }
    // The closed form of AND's redundancy.
    let and_r = canonical_case("and").unwrap().broja_bits[0];
    assert!((and_r - 0.311_278_124_459_132_94).abs() < 1e-15);
    assert!(
        (canonical_case("and").unwrap().broja_nats()[3] - 0.346_573_590_279_972_64).abs() < 1e-15
    );
}

#[test]
fn stated_broja_atoms_add_up_to_the_mutual_informations() {
    for case in CANONICAL {
        let [r, u1, u2, s] = case.broja_bits;
        let [i1, i2, i12] = mis_bits(&case.table());
        assert!((r + u1 - i1).abs() < 1e-9, "{}: R+U1 vs I1", case.name);
        assert!((r + u2 - i2).abs() < 1e-9, "{}: R+U2 vs I2", case.name);
        assert!(
            (r + u1 + u2 + s - i12).abs() < 1e-9,
            "{}: sum vs I12",
            case.name
        );
        assert!(case.broja_bits.iter().all(|&v| v >= 0.0));
    }
}

#[test]
fn lookup_ignores_case_and_separators_and_knows_aliases() {
    assert_eq!(canonical("xor").unwrap(), canonical("XOR").unwrap());
    assert_eq!(canonical("unique1").unwrap(), canonical("UNQ1").unwrap());
    assert_eq!(canonical("redundant").unwrap(), canonical("rdn").unwrap());
    assert_eq!(
        canonical("Redundant-And-Unique1").unwrap(),
        canonical("REDUNDANT_AND_UNIQUE1").unwrap()
    );
    assert_eq!(canonical("rdn_xor").unwrap().shape(), [4, 4, 4]);
    let err = canonical("nand").unwrap_err();
    assert!(err.is_user_input() && err.to_string().contains("xor"));
    // Every listed name resolves.
    for name in canonical_names() {
        canonical(&name).unwrap();
    }
    // Concrete pmf of SUM: y = x1 + x2 with 4 equally likely cells.
    let sum = canonical("sum").unwrap();
    assert_eq!(sum.shape(), [2, 2, 3]);
    assert_eq!(sum.get(1, 1, 2), 0.25);
    assert_eq!(sum.get(1, 1, 1), 0.0);
}

#[test]
fn sampling_frequencies_match_the_table() {
    let table = JointTable::new(
        [2, 3, 2],
        vec![
            0.05, 0.1, 0.2, 0.0, 0.15, 0.1, 0.0, 0.1, 0.05, 0.05, 0.1, 0.1,
        ],
    )
    .unwrap();
    let n = 200_000;
    let s = sample_seeded(&table, n, 17, "freq").unwrap();
    let empirical = JointTable::from_samples(&s.x1, &s.x2, &s.y).unwrap();
    assert_eq!(empirical.shape(), [2, 3, 2]);
    for (i, (&p, &q)) in table
        .probabilities()
        .iter()
        .zip(empirical.probabilities())
        .enumerate()
    {
        // 5 binomial standard errors.
        let se = (p * (1.0 - p) / n as f64).sqrt();
        assert!((p - q).abs() <= 5.0 * se + 1e-12, "cell {i}: {p} vs {q}");
        if p == 0.0 {
            assert_eq!(q, 0.0, "impossible cell {i} was drawn");
        }
    }
}

#[test]
fn datasets_are_one_hot_deterministic_and_seed_dependent() {
    let table = canonical("rdnxor").unwrap();
    let a = sample_dataset(&table, 300, 100, 0, 5).unwrap();
    assert_eq!(a.split_names(), vec!["train", "val"]);
    assert_eq!(a.dims(), vec![4, 4]);
    let train = &a.splits["train"];
    assert_eq!(train.len(), 300);
    let codes = &train.extra(CODES_KEY).unwrap();
    for i in 0..train.len() {
        for (m, x) in train.modalities().iter().enumerate() {
            let row = x.row(i);
            assert_eq!(row.sum(), 1.0);
            assert_eq!(row[codes[[i, m]] as usize], 1.0);
        }
        let (x1, x2) = (codes[[i, 0]] as usize, codes[[i, 1]] as usize);
        let y = train.labels().unwrap()[i];
        assert!(table.get(x1, x2, y) > 0.0);
        // RDNXOR: the shared bit is the high bit of x1, x2 and y.
        assert_eq!(x1 / 2, y / 2);
        assert_eq!(x2 / 2, y / 2);
        assert_eq!((x1 % 2) ^ (x2 % 2), y % 2);
    }
    assert_eq!(a, sample_dataset(&table, 300, 100, 0, 5).unwrap());
    assert_ne!(a, sample_dataset(&table, 300, 100, 0, 6).unwrap());
    assert!(sample_dataset(&table, 0, 0, 0, 5).is_err());
}

#[test]
fn csv_lists_every_cell() {
    let table = canonical("and").unwrap();
    let csv = table_to_csv(&table);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "x1,x2,y,p");
    assert_eq!(lines.len(), 1 + 8);
    assert!(lines.contains(&"1,1,1,0.25"));
    assert!(lines.contains(&"1,1,0,0"));
    let total: f64 = lines[1..]
        .iter()
        .map(|l| l.rsplit(',').next().unwrap().parse::<f64>().unwrap())
        .sum();
    assert!((total - 1.0).abs() < 1e-15);
}
